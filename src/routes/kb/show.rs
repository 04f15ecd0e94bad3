//! `GET /kb/{slug}`: one article.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use crate::db::Pool;
use crate::domain::Role;
use crate::error::AppError;
use crate::models::article::Article;
use crate::routes::{render, Area, Chrome};
use crate::session::CurrentUser;

#[derive(Template)]
#[template(path = "kb/show.html")]
struct ArticlePage {
    chrome: Chrome,
    article: Article,
}

pub async fn show(
    req: HttpRequest,
    user: CurrentUser,
    path: web::Path<String>,
    pool: web::Data<Pool>,
) -> Result<HttpResponse, AppError> {
    let article = super::article_at(&pool, path.into_inner()).await?;
    // Drafts are for the people who edit the knowledge base.
    if !article.published && !user.may(Role::Lead) {
        return Err(AppError::NotFound);
    }
    render(&ArticlePage {
        chrome: Chrome::new(
            &req,
            article.title.clone(),
            Some(&user),
            Area::KnowledgeBase,
        ),
        article,
    })
}
