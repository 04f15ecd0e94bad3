//! This instance's search index of the published articles, built when first needed and built
//! again after the knowledge base changes: at once when this instance saves an article, and on
//! PostgreSQL when any instance does (a trigger announces it on `hearken_articles`, which the
//! live-update listener hears). Whatever the announcements, each use compares a fingerprint of
//! the published articles (how many, the latest change) with the one the index was built
//! from, so an article written by another program (the command line, a script) is never missed.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::search::{articles_of, KnowledgeIndex};
use crate::db::AnyConnection;
use crate::models::article::{Article, ArticlesFingerprint};

#[derive(Default)]
pub struct Knowledge {
    slot: Mutex<Option<(ArticlesFingerprint, Arc<KnowledgeIndex>)>>,
}

/// The index could not be read or built.
#[derive(Debug, thiserror::Error)]
pub enum KnowledgeError {
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
}

impl Knowledge {
    fn slot(&self) -> MutexGuard<'_, Option<(ArticlesFingerprint, Arc<KnowledgeIndex>)>> {
        self.slot.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The index of the articles published now.
    pub fn current(&self, conn: &mut AnyConnection) -> Result<Arc<KnowledgeIndex>, KnowledgeError> {
        let fingerprint = Article::fingerprint(conn)?;
        if let Some((built_from, index)) = self.slot().as_ref() {
            if *built_from == fingerprint {
                return Ok(index.clone());
            }
        }
        let index = Arc::new(build(conn)?);
        *self.slot() = Some((fingerprint, index.clone()));
        Ok(index)
    }

    /// The knowledge base changed: the next use builds the index again.
    pub fn forget(&self) {
        *self.slot() = None;
    }

    /// Builds the index now, so the next customer does not wait for it (after an announced
    /// change).
    pub fn rebuild(&self, conn: &mut AnyConnection) -> Result<(), KnowledgeError> {
        self.forget();
        self.current(conn).map(|_| ())
    }
}

/// Indexes the published articles.
pub fn build(conn: &mut AnyConnection) -> Result<KnowledgeIndex, KnowledgeError> {
    Ok(KnowledgeIndex::build(articles_of(Article::published(
        conn,
    )?))?)
}
