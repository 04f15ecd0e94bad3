//! `GET /healthz`: 200 when the database answers ("ok", or "busy" with the pool's state when
//! every connection is in use), 503 when it does not.

use actix_web::{web, HttpResponse};

use crate::db::{self, Health, Manager, Pool};

pub async fn check(pool: web::Data<Pool>, manager: web::Data<Manager>) -> HttpResponse {
    let pool = pool.get_ref().clone();
    let answer = web::block(move || db::check_health(&pool, &manager)).await;
    let text = |response: &mut actix_web::HttpResponseBuilder, body: String| {
        response
            .content_type("text/plain; charset=utf-8")
            .body(body)
    };
    match answer {
        Ok(Ok(Health::Ok)) => text(&mut HttpResponse::Ok(), "ok\n".to_owned()),
        Ok(Ok(Health::Busy { in_use, idle, max })) => {
            tracing::warn!(
                in_use,
                idle,
                max,
                "health check: every pool connection in use"
            );
            text(
                &mut HttpResponse::Ok(),
                format!("busy: {in_use} connections in use, {idle} idle, {max} at most\n"),
            )
        }
        Ok(Err(error)) => {
            tracing::warn!(error = %format!("{error:#}"), "health check: database unavailable");
            text(
                &mut HttpResponse::ServiceUnavailable(),
                "database unavailable\n".to_owned(),
            )
        }
        Err(error) => {
            tracing::warn!(%error, "health check could not run");
            text(
                &mut HttpResponse::ServiceUnavailable(),
                "database unavailable\n".to_owned(),
            )
        }
    }
}
