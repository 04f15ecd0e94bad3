//! `GET /help/{slug}`: a published article as visitors see it (the bot links here).

use actix_web::{web, HttpResponse};
use askama::Template;

use crate::db::Pool;
use crate::error::AppError;
use crate::models::article::Article;
use crate::routes::render;

#[derive(Template)]
#[template(path = "kb/public.html")]
struct PublicArticle {
    article: Article,
}

pub async fn show(
    req: actix_web::HttpRequest,
    path: web::Path<String>,
    pool: web::Data<Pool>,
    guard: web::Data<crate::routes::chat::limits::VisitorGuard>,
) -> Result<HttpResponse, AppError> {
    guard.read_or_refuse(&req)?;
    let article = super::article_at(&pool, path.into_inner()).await?;
    if !article.published {
        return Err(AppError::NotFound);
    }
    render(&PublicArticle { article })
}
