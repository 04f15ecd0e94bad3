//! Signing in and out, and creating the first admin on an empty database.

pub mod gate;
pub mod setup;
pub mod sign_in;
pub mod sign_out;

use crate::db::{self, Pool};
use crate::error::AppError;
use crate::models::session::Session;
use crate::session::{random_token, token_hash, WebSession};

/// Stores a new server-side session for `user_id` and puts its token in a renewed cookie.
async fn begin_session(
    pool: &Pool,
    web_session: &WebSession,
    user_id: i64,
) -> Result<(), AppError> {
    let token = random_token();
    let hash = token_hash(&token);
    db::run(pool, move |conn| {
        Session::start(conn, user_id, &hash)?;
        // Sign-ins are rare enough to carry the sweeping of what has expired.
        Session::delete_expired(conn)?;
        crate::models::sign_in_failure::SignInFailure::forget_old(conn)?;
        Ok(())
    })
    .await?;
    web_session.sign_in(&token);
    Ok(())
}

/// Whether anybody can sign in yet; if not, the first visit creates the first admin.
async fn has_members(pool: &Pool) -> Result<bool, AppError> {
    db::run(pool, |conn| Ok(crate::models::user::User::count(conn)? > 0)).await
}
