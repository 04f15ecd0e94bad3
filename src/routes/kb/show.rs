//! `GET /kb/{slug}`: one article.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use crate::db::{self, Pool};
use crate::domain::edit_effect::EditEffect;
use crate::domain::time::local_day;
use crate::domain::Role;
use crate::error::AppError;
use crate::models::article::Article;
use crate::routes::reports::edits::effects;
use crate::routes::{render, Area, Chrome};
use crate::session::CurrentUser;

#[derive(Template)]
#[template(path = "kb/show.html")]
struct ArticlePage {
    chrome: Chrome,
    article: Article,
    /// For team leads: whether its last edit helped.
    edit: Option<EditEffect>,
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
    let edit = if user.may(Role::Lead) {
        let zone = crate::routes::team_settings(&req, &pool)
            .await?
            .time_zone
            .tz();
        let times = (article.id, article.created_at, article.updated_at);
        db::run(&pool, move |conn| {
            let today = local_day(crate::models::now(), zone);
            Ok(effects(conn, &[times], zone, today)?.remove(&times.0))
        })
        .await?
    } else {
        None
    };
    render(&ArticlePage {
        chrome: Chrome::new(
            &req,
            article.title.clone(),
            Some(&user),
            Area::KnowledgeBase,
        ),
        article,
        edit,
    })
}
