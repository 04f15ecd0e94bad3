//! The typed session: who is signed in, their CSRF token and one-shot flash messages.

use std::future::Future;
use std::pin::Pin;

use actix_session::{Session, SessionExt};
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::db::{self, Pool};
use crate::domain::{LocalPath, Role};
use crate::error::AppError;
use crate::models::session::{IdleLimit, Session as StoredSession};
use crate::models::user::User;

const SESSION_TOKEN: &str = "sid";
const CSRF_TOKEN: &str = "csrf";
const FLASH: &str = "flash";

/// A random URL-safe token of 32 bytes.
pub fn random_token() -> String {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Only hashes of session tokens are stored, so a copy of the database cannot sign anyone in.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Typed access to the cookie session.
pub struct WebSession(pub Session);

impl WebSession {
    pub fn from_request(req: &HttpRequest) -> Self {
        WebSession(req.get_session())
    }

    /// The CSRF token of this browser session, created on first use.
    pub fn csrf_token(&self) -> String {
        if let Ok(Some(token)) = self.0.get::<String>(CSRF_TOKEN) {
            return token;
        }
        let token = random_token();
        let _ = self.0.insert(CSRF_TOKEN, &token);
        token
    }

    pub fn session_token(&self) -> Option<String> {
        self.0.get::<String>(SESSION_TOKEN).ok().flatten()
    }

    /// Starts a fresh cookie session (new identity, new CSRF token) holding a sign-in token.
    pub fn sign_in(&self, token: &str) {
        self.0.renew();
        self.0.clear();
        let _ = self.0.insert(SESSION_TOKEN, token);
        let _ = self.0.insert(CSRF_TOKEN, random_token());
    }

    pub fn sign_out(&self) {
        self.0.purge();
    }

    pub fn set_flash(&self, message: impl Into<String>) {
        let _ = self.0.insert(FLASH, message.into());
    }

    pub fn take_flash(&self) -> Option<String> {
        self.0.remove_as::<String>(FLASH).and_then(Result::ok)
    }
}

/// The signed-in team member. Extracting it from a request without a valid session sends the
/// visitor to the sign-in page.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
}

impl CurrentUser {
    /// Loads the signed-in member, caching the answer for the rest of the request.
    pub async fn load(req: &HttpRequest) -> Result<Option<CurrentUser>, AppError> {
        if let Some(cached) = req.extensions().get::<Option<CurrentUser>>() {
            return Ok(cached.clone());
        }
        let found = match WebSession::from_request(req).session_token() {
            None => None,
            Some(token) => {
                let pool = req
                    .app_data::<web::Data<Pool>>()
                    .ok_or_else(|| anyhow::anyhow!("database pool missing from app data"))?
                    .get_ref()
                    .clone();
                let idle = *req
                    .app_data::<web::Data<IdleLimit>>()
                    .ok_or_else(|| anyhow::anyhow!("idle limit missing from app data"))?
                    .get_ref();
                let hash = token_hash(&token);
                db::run(&pool, move |conn| {
                    Ok(StoredSession::find_user(conn, &hash, idle)?)
                })
                .await?
                .map(|(_, user)| CurrentUser::from(user))
            }
        };
        req.extensions_mut().insert(found.clone());
        Ok(found)
    }

    pub fn may(&self, required: Role) -> bool {
        self.role.at_least(required)
    }
}

impl From<User> for CurrentUser {
    fn from(user: User) -> Self {
        CurrentUser {
            id: user.id,
            name: user.name,
            email: user.email,
            role: user.role,
        }
    }
}

impl FromRequest for CurrentUser {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            CurrentUser::load(&req)
                .await?
                .ok_or_else(|| AppError::SignInRequired {
                    next: requested_path(&req),
                })
        })
    }
}

/// The path and query of a GET request, to come back to after signing in.
fn requested_path(req: &HttpRequest) -> LocalPath {
    if req.method() != actix_web::http::Method::GET {
        return LocalPath::home();
    }
    LocalPath::parse_or_home(req.uri().path_and_query().map(|pq| pq.as_str()))
}

/// Middleware body for a route scope: signed-in members with at least `required` may pass;
/// anonymous visitors go to sign-in, others get the 403 page. Used with
/// `middleware::from_fn(|req, next| require_role(Role::Lead, req, next))`.
/// Refusals are answered here as responses, not errors: an error would pass the outer
/// middleware (security headers, no-store) untouched.
pub async fn require_role<B: MessageBody>(
    required: Role,
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    let refusal = match CurrentUser::load(req.request()).await {
        Err(error) => error,
        Ok(None) => AppError::SignInRequired {
            next: requested_path(req.request()),
        },
        Ok(Some(user)) if !user.may(required) => AppError::Forbidden,
        Ok(Some(_)) => return Ok(next.call(req).await?.map_into_left_body()),
    };
    Ok(req.error_response(refusal).map_into_right_body())
}
