//! Writing the knowledge base (team leads and admins): the list, a new article, editing one.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::bot::Bot;
use crate::csrf::CsrfForm;
use crate::db::{self, Pool};
use crate::domain::article::parse_article;
use crate::error::AppError;
use crate::models::article::{Article, ArticleUpdate, NewArticle};
use crate::models::is_unique_violation;
use crate::routes::{render, render_with_status, see_other, Area, Checkbox, Chrome};
use crate::session::{CurrentUser, WebSession};

#[derive(Template)]
#[template(path = "kb/list.html")]
struct ListPage {
    chrome: Chrome,
    articles: Vec<Article>,
}

/// `GET /kb`
pub async fn list(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
) -> Result<HttpResponse, AppError> {
    let articles = db::run(&pool, |conn| Ok(Article::list(conn)?)).await?;
    render(&ListPage {
        chrome: Chrome::new(&req, "Knowledge base", Some(&user), Area::KnowledgeBase),
        articles,
    })
}

/// The editor's form as typed.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ArticleForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub slug: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub also_asked: String,
    #[serde(default)]
    pub published: Checkbox,
}

#[derive(Template)]
#[template(path = "kb/edit.html")]
struct EditPage {
    chrome: Chrome,
    /// None for a new article.
    editing: Option<String>,
    form: ArticleForm,
    errors: Vec<&'static str>,
}

/// What the editor shows: the article being edited (`None`: a new one), the form as typed, and
/// why it was refused.
struct Editor {
    editing: Option<String>,
    form: ArticleForm,
    errors: Vec<&'static str>,
}

impl Editor {
    /// The editor as a page: 200, or 422 when something was refused.
    fn render(self, req: &HttpRequest, user: &CurrentUser) -> Result<HttpResponse, AppError> {
        let Editor {
            editing,
            form,
            errors,
        } = self;
        let title = if editing.is_some() {
            "Edit article"
        } else {
            "New article"
        };
        let status = if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        render_with_status(
            status,
            &EditPage {
                chrome: Chrome::new(req, title, Some(user), Area::KnowledgeBase),
                editing,
                form,
                errors,
            },
        )
    }
}

/// `GET /kb/new`
pub async fn new(req: HttpRequest, user: CurrentUser) -> Result<HttpResponse, AppError> {
    let form = ArticleForm {
        published: Checkbox(true),
        ..ArticleForm::default()
    };
    let editor = Editor {
        editing: None,
        form,
        errors: Vec::new(),
    };
    editor.render(&req, &user)
}

/// `GET /kb/{slug}/edit`
pub async fn edit(
    req: HttpRequest,
    user: CurrentUser,
    path: web::Path<String>,
    pool: web::Data<Pool>,
) -> Result<HttpResponse, AppError> {
    let article = super::article_at(&pool, path.into_inner()).await?;
    let form = ArticleForm {
        title: article.title,
        slug: article.slug.clone(),
        body: article.body,
        also_asked: article.also_asked,
        published: Checkbox(article.published),
    };
    let editor = Editor {
        editing: Some(article.slug),
        form,
        errors: Vec::new(),
    };
    editor.render(&req, &user)
}

/// `POST /kb` (new) and `POST /kb/{slug}` (edit).
async fn save(
    req: HttpRequest,
    user: CurrentUser,
    editing: Option<String>,
    form: ArticleForm,
    pool: web::Data<Pool>,
    bot: web::Data<Bot>,
) -> Result<HttpResponse, AppError> {
    // The editor again, with the form as typed and why it was refused.
    let refused = |errors| Editor {
        editing: editing.clone(),
        form: form.clone(),
        errors,
    };
    let input = match parse_article(
        &form.title,
        &form.slug,
        &form.body,
        &form.also_asked,
        form.published.is_checked(),
    ) {
        Ok(input) => input,
        Err(errors) => return refused(errors).render(&req, &user),
    };
    let target = editing.clone();
    let saved = db::run(&pool, move |conn| {
        let now = crate::models::now();
        let result = match &target {
            None => Article::create(
                conn,
                &NewArticle {
                    title: &input.title,
                    slug: &input.slug,
                    body: &input.body,
                    also_asked: &input.also_asked,
                    published: input.published,
                    created_at: now,
                    updated_at: now,
                },
            )
            .map(|a| Some(a.slug)),
            Some(slug) => {
                let article = Article::find_by_slug(conn, slug)?.ok_or(AppError::NotFound)?;
                Article::update(
                    conn,
                    article.id,
                    &ArticleUpdate {
                        title: &input.title,
                        slug: &input.slug,
                        body: &input.body,
                        also_asked: &input.also_asked,
                        published: input.published,
                        updated_at: now,
                    },
                )
                .map(|_| Some(input.slug.clone()))
            }
        };
        match result {
            Ok(slug) => Ok(slug),
            Err(e) if is_unique_violation(&e) => Ok(None),
            Err(e) => Err(e.into()),
        }
    })
    .await?;
    let Some(slug) = saved else {
        let taken = "Another article already uses this address; choose another.";
        return refused(vec![taken]).render(&req, &user);
    };
    // This instance builds the bot's index again now (the others hear of it on PostgreSQL, and
    // every instance also notices the change at its next use).
    let knowledge = bot.knowledge.clone();
    db::run(&pool, move |conn| {
        if let Err(error) = knowledge.rebuild(conn) {
            tracing::warn!(%error, "the bot's index is built at its next use instead");
        }
        Ok(())
    })
    .await?;
    WebSession::from_request(&req).set_flash("Article saved.");
    Ok(see_other(&format!("/kb/{slug}")))
}

pub async fn create(
    req: HttpRequest,
    user: CurrentUser,
    CsrfForm(form): CsrfForm<ArticleForm>,
    pool: web::Data<Pool>,
    bot: web::Data<Bot>,
) -> Result<HttpResponse, AppError> {
    save(req, user, None, form, pool, bot).await
}

pub async fn update(
    req: HttpRequest,
    user: CurrentUser,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<ArticleForm>,
    pool: web::Data<Pool>,
    bot: web::Data<Bot>,
) -> Result<HttpResponse, AppError> {
    save(req, user, Some(path.into_inner()), form, pool, bot).await
}
