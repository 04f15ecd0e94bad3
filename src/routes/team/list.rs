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

/// What the team page shows besides the team: the status it answers with, a notice, and the add
/// form (as typed, when it was refused). The default is the plain page.
#[derive(Default)]
pub struct Shown {
    pub status: StatusCode,
    pub notice: Option<String>,
    pub add: AddForm,
}

impl Shown {
    /// A change refused, and why.
    pub fn refusal(status: StatusCode, notice: impl Into<String>) -> Shown {
        Shown {
            status,
            notice: Some(notice.into()),
            add: AddForm::default(),
        }
    }

    /// The add form refused, kept as typed with its errors (422).
    pub fn add_refused(add: AddForm) -> Shown {
        Shown {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            notice: None,
            add,
        }
    }
}

/// Renders the team page as `shown`.
pub async fn render_team(
    req: &HttpRequest,
    pool: &Pool,
    user: &CurrentUser,
    shown: Shown,
) -> Result<HttpResponse, AppError> {
    let Shown {
        status,
        notice,
        add,
    } = shown;
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
    render_team(&req, &pool, &user, Shown::default()).await
}
