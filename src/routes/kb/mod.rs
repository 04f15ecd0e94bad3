//! The knowledge base: reading an article (linked from the bot's answers), and writing them.

pub mod edit;
pub mod public;
pub mod show;

use crate::db::{self, Pool};
use crate::error::AppError;
use crate::models::article::Article;

/// The article at `slug`, or the 404 page.
async fn article_at(pool: &Pool, slug: String) -> Result<Article, AppError> {
    db::run(pool, move |conn| Ok(Article::find_by_slug(conn, &slug)?))
        .await?
        .ok_or(AppError::NotFound)
}
