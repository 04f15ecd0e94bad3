//! One error type for the whole web layer: users see a short message, the log gets the cause.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use crate::domain::LocalPath;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("page not found")]
    NotFound,
    #[error("forbidden for this role")]
    Forbidden,
    #[error("sign-in required")]
    SignInRequired { next: LocalPath },
    #[error("missing or wrong CSRF token")]
    Csrf,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("form larger than {limit_kib} KiB")]
    TooLarge { limit_kib: usize },
    #[error("rate limited: {0}")]
    TooManyRequests(&'static str),
    #[error("database error: {0}")]
    Database(#[from] diesel::result::Error),
    #[error("database unavailable: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("template error: {0}")]
    Template(#[from] askama::Error),
    #[error("background task failed: {0}")]
    Blocking(#[from] actix_web::error::BlockingError),
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    heading: &'a str,
    message: &'a str,
}

impl AppError {
    /// Whether the database could not be used at all (no connection within the pool's timeout,
    /// or the connection died under the query): worth trying again, unlike a failed query.
    fn database_unavailable(&self) -> bool {
        use diesel::result::{DatabaseErrorKind, Error};
        match self {
            AppError::Pool(_) => true,
            // UnableToSendCommand is how libpq reports a socket that is already closed.
            AppError::Database(
                Error::DatabaseError(
                    DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                    _,
                )
                | Error::BrokenTransactionManager,
            ) => true,
            _ => false,
        }
    }

    fn user_message(&self) -> (&'static str, String) {
        match self {
            AppError::NotFound => (
                "Not found",
                "There is nothing at this address. It may have been removed, or the link is wrong."
                    .into(),
            ),
            AppError::Forbidden => (
                "Not allowed",
                "Your role does not allow this. Ask a team lead or an admin if you need it.".into(),
            ),
            AppError::SignInRequired { .. } => ("Sign in", "Please sign in.".into()),
            AppError::Csrf => (
                "Form expired",
                "This form was opened in an earlier session or has expired. Go back, reload the \
                 page and try again."
                    .into(),
            ),
            AppError::BadRequest(message) => ("Bad request", message.clone()),
            AppError::TooManyRequests(message) => ("Too many requests", (*message).to_owned()),
            AppError::TooLarge { limit_kib } => (
                "Too large",
                format!(
                    "This form is larger than the {limit_kib} KiB this page accepts, so nothing \
                     was saved. Go back to keep your text, and shorten it."
                ),
            ),
            _ if self.database_unavailable() => (
                "Database unavailable",
                "Hearken cannot reach its database right now. Try again in a moment.".into(),
            ),
            _ => (
                "Something went wrong",
                "Hearken hit an unexpected problem. Nothing was changed; the details are in the \
                 server log."
                    .into(),
            ),
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        if self.database_unavailable() {
            return StatusCode::SERVICE_UNAVAILABLE;
        }
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::SignInRequired { .. } => StatusCode::SEE_OTHER,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Pool(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Database(_)
            | AppError::Template(_)
            | AppError::Blocking(_)
            | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if let AppError::SignInRequired { next } = self {
            let location = if next.is_home() {
                "/sign-in".to_owned()
            } else {
                format!("/sign-in?next={}", url_encode(next.as_str()))
            };
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, location))
                .finish();
        }
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        } else {
            tracing::info!(error = %self, "request refused");
        }
        let (heading, message) = self.user_message();
        let page = ErrorPage {
            status: status.as_u16(),
            heading,
            message: &message,
        };
        let body = page.render().unwrap_or_else(|_| message.clone());
        HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(body)
    }
}

/// Percent-encodes a value for a query string.
pub fn url_encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::result::{DatabaseErrorKind, Error as DieselError};

    #[test]
    fn a_lost_database_answers_503_and_other_failures_500() {
        let lost = |kind| {
            AppError::Database(DieselError::DatabaseError(
                kind,
                Box::new("server closed the connection unexpectedly".to_owned()),
            ))
        };
        let table = [
            (lost(DatabaseErrorKind::ClosedConnection), 503),
            (lost(DatabaseErrorKind::UnableToSendCommand), 503),
            (
                AppError::Database(DieselError::BrokenTransactionManager),
                503,
            ),
            (lost(DatabaseErrorKind::UniqueViolation), 500),
            (AppError::Database(DieselError::NotFound), 500),
            (AppError::Database(DieselError::RollbackTransaction), 500),
        ];
        for (error, status) in table {
            assert_eq!(error.status_code().as_u16(), status, "{error}");
        }
    }
}
