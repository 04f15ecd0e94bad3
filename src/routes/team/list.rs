//! `GET /team`: the team, a form to add a member, and what the viewer may change about each.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use crate::db::{self, Pool};
use crate::domain::team::may_manage;
use crate::domain::Role;
use crate::error::AppError;
use crate::models::user::User;
use crate::routes::{render_with_status, Area, Chrome};
use crate::session::CurrentUser;

/// The add form's input, kept when it is refused.
#[derive(Default)]
pub struct AddForm {
    pub name: String,
    pub email: String,
    /// The role chosen, when it was one.
    pub role: Option<Role>,
    pub errors: Vec<&'static str>,
}

impl AddForm {
    /// Whether `role` was the one chosen (so the refused form shows it again).
    pub fn role_is(&self, role: Role) -> bool {
        self.role == Some(role)
    }
}

#[derive(Template)]
#[template(path = "team/list.html")]
struct TeamPage {
    chrome: Chrome,
    members: Vec<User>,
    viewer: CurrentUser,
    add: AddForm,
    notice: Option<String>,
}

impl TeamPage {
    fn may_manage(&self, member: &User) -> bool {
        may_manage(self.viewer.role, member.role)
    }

    /// The roles the viewer may give.
    fn roles(&self) -> Vec<Role> {
        Role::ALL
            .iter()
            .copied()
            .filter(|r| may_manage(self.viewer.role, *r))
            .collect()
    }
}

/// Renders the team page with `status`, a notice and the add form as typed.
pub async fn render_team(
    req: &HttpRequest,
    pool: &Pool,
    user: &CurrentUser,
    status: StatusCode,
    notice: Option<String>,
    add: AddForm,
) -> Result<HttpResponse, AppError> {
    let members = db::run(pool, |conn| Ok(User::list(conn)?)).await?;
    render_with_status(
        status,
        &TeamPage {
            chrome: Chrome::new(req, "Team", Some(user), Area::Team),
            members,
            viewer: user.clone(),
            add,
            notice,
        },
    )
}

pub async fn list(
    req: HttpRequest,
    user: CurrentUser,
    pool: web::Data<Pool>,
) -> Result<HttpResponse, AppError> {
    render_team(&req, &pool, &user, StatusCode::OK, None, AddForm::default()).await
}
