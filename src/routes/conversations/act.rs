//! `POST /conversations/{id}/take-over`, `/hand-back` and `/reopen`: the actions whose form
//! carries nothing but the conversation's version.

use actix_web::{HttpRequest, HttpResponse};

use super::page::perform;
use super::VersionForm;
use crate::csrf::CsrfForm;
use crate::db::Pool;
use crate::domain::lifecycle::Action;
use crate::error::AppError;
use crate::session::CurrentUser;

macro_rules! version_only_action {
    ($($(#[$doc:meta])* $name:ident => $action:expr;)+) => {
        $(
            $(#[$doc])*
            pub async fn $name(
                req: HttpRequest,
                user: CurrentUser,
                path: actix_web::web::Path<i64>,
                CsrfForm(form): CsrfForm<VersionForm>,
                pool: actix_web::web::Data<Pool>,
            ) -> Result<HttpResponse, AppError> {
                let version = form.version()?;
                perform(&req, &pool, &user, path.into_inner(), version, $action).await
            }
        )+
    };
}

version_only_action! {
    /// `POST /conversations/{id}/take-over`
    take_over => Action::TakeOver;
    /// `POST /conversations/{id}/hand-back`
    hand_back => Action::HandBack;
    /// `POST /conversations/{id}/reopen` (admins only; the route and the rules both check)
    reopen => Action::Reopen;
}
