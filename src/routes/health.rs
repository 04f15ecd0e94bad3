//! `GET /healthz`: 200 when the database answers, 503 when it does not.

use actix_web::{web, HttpResponse};

use crate::db::{self, Pool};

pub async fn check(pool: web::Data<Pool>) -> HttpResponse {
    let pool = pool.get_ref().clone();
    let answer = web::block(move || db::ping(&pool)).await;
    match answer {
        Ok(Ok(())) => HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .body("ok\n"),
        Ok(Err(error)) => {
            tracing::warn!(%error, "health check: database unavailable");
            HttpResponse::ServiceUnavailable()
                .content_type("text/plain; charset=utf-8")
                .body("database unavailable\n")
        }
        Err(error) => {
            tracing::warn!(%error, "health check could not run");
            HttpResponse::ServiceUnavailable()
                .content_type("text/plain; charset=utf-8")
                .body("database unavailable\n")
        }
    }
}
