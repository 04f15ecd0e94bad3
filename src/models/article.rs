//! Knowledge-base articles the bot answers from.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::articles;
use crate::db::AnyConnection;
use crate::domain::text::free_of_control_characters;

#[derive(Clone, Debug, Queryable, Selectable, Identifiable)]
#[diesel(table_name = articles)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub struct Article {
    pub id: i64,
    pub title: String,
    pub slug: String,
    pub body: String,
    pub published: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// How customers ask about the article's topic, comma-separated: the bot searches it,
    /// visitors never see it.
    pub also_asked: String,
}

#[derive(Insertable)]
#[diesel(table_name = articles)]
pub struct NewArticle<'a> {
    pub title: &'a str,
    pub slug: &'a str,
    pub body: &'a str,
    pub also_asked: &'a str,
    pub published: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Article {
    pub fn create(conn: &mut AnyConnection, new: &NewArticle<'_>) -> QueryResult<Article> {
        diesel::insert_into(articles::table)
            .values(new)
            .returning(articles::all_columns)
            .get_result(conn)
    }

    pub fn count(conn: &mut AnyConnection) -> QueryResult<i64> {
        articles::table.count().get_result(conn)
    }
}

impl Article {
    /// The article at `slug`. An address with a control character names none (articles are
    /// saved without them), and is not sent to PostgreSQL, which refuses a NUL in text.
    pub fn find_by_slug(conn: &mut AnyConnection, slug: &str) -> QueryResult<Option<Article>> {
        if !free_of_control_characters(slug, false) {
            return Ok(None);
        }
        articles::table
            .filter(articles::slug.eq(slug))
            .first(conn)
            .optional()
    }
}

impl Article {
    /// What the bot may cite.
    pub fn published(conn: &mut AnyConnection) -> QueryResult<Vec<Article>> {
        articles::table
            .filter(articles::published.eq(true))
            .order(articles::id.asc())
            .load(conn)
    }
}

impl Article {
    /// Title and slug of every article, for the reports.
    pub fn titles(
        conn: &mut AnyConnection,
    ) -> QueryResult<std::collections::HashMap<i64, (String, String)>> {
        let rows: Vec<(i64, String, String)> = articles::table
            .select((articles::id, articles::title, articles::slug))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(id, title, slug)| (id, (title, slug)))
            .collect())
    }
}

impl Article {
    /// (id, written, last edited) of every article, to judge their last edits.
    pub fn edit_times(
        conn: &mut AnyConnection,
    ) -> QueryResult<Vec<(i64, NaiveDateTime, NaiveDateTime)>> {
        articles::table
            .select((articles::id, articles::created_at, articles::updated_at))
            .load(conn)
    }
}

/// The editable fields of an article.
#[derive(AsChangeset)]
#[diesel(table_name = articles)]
pub struct ArticleUpdate<'a> {
    pub title: &'a str,
    pub slug: &'a str,
    pub body: &'a str,
    pub also_asked: &'a str,
    pub published: bool,
    pub updated_at: NaiveDateTime,
}

impl Article {
    /// Every article, drafts included, by title.
    pub fn list(conn: &mut AnyConnection) -> QueryResult<Vec<Article>> {
        articles::table
            .order((articles::title.asc(), articles::id.asc()))
            .load(conn)
    }

    pub fn update(
        conn: &mut AnyConnection,
        id: i64,
        update: &ArticleUpdate<'_>,
    ) -> QueryResult<usize> {
        diesel::update(articles::table.find(id))
            .set(update)
            .execute(conn)
    }
}

/// What changes whenever the published articles do: how many there are, the latest change to
/// any article (unpublishing one changes it too) and the newest id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArticlesFingerprint {
    pub published: i64,
    pub latest_change: Option<NaiveDateTime>,
    pub newest: Option<i64>,
}

impl Article {
    /// The fingerprint of the knowledge base, in one small aggregate read.
    pub fn fingerprint(conn: &mut AnyConnection) -> QueryResult<ArticlesFingerprint> {
        use crate::db::fixed_sql::fixed;
        use diesel::sql_types::{BigInt, Nullable, Timestamp};
        let (published, latest_change, newest) = articles::table
            .select(fixed::<(
                Nullable<BigInt>,
                Nullable<Timestamp>,
                Nullable<BigInt>,
            )>(
                "CAST(SUM(CASE WHEN published THEN 1 ELSE 0 END) AS BIGINT), \
                 MAX(updated_at), MAX(id)",
            ))
            .get_result::<(Option<i64>, Option<NaiveDateTime>, Option<i64>)>(conn)?;
        Ok(ArticlesFingerprint {
            published: published.unwrap_or(0),
            latest_change,
            newest,
        })
    }
}
