//! `GET /conversations/{id}`: the history, the customer sidebar and the actions one may take.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

use super::page::{render_view, Extras};
use crate::db::Pool;
use crate::error::AppError;
use crate::session::CurrentUser;

pub async fn show(
    req: HttpRequest,
    user: CurrentUser,
    path: web::Path<i64>,
    pool: web::Data<Pool>,
) -> Result<HttpResponse, AppError> {
    render_view(
        &req,
        &pool,
        &user,
        path.into_inner(),
        StatusCode::OK,
        Extras::default(),
    )
    .await
}
