//! `GET /help/{slug}`: a published article as visitors see it (the bot links here).

use actix_web::{web, HttpResponse};
use askama::Template;

use crate::db::{self, Pool};
use crate::error::AppError;
use crate::models::article::Article;
use crate::routes::render;

#[derive(Template)]
#[template(path = "kb/public.html")]
struct PublicArticle {
    article: Article,
}

pub async fn show(
    path: web::Path<String>,
    pool: web::Data<Pool>,
) -> Result<HttpResponse, AppError> {
    let slug = path.into_inner();
    let article = db::run(&pool, move |conn| Ok(Article::find_by_slug(conn, &slug)?))
        .await?
        .filter(|a| a.published)
        .ok_or(AppError::NotFound)?;
    render(&PublicArticle { article })
}
