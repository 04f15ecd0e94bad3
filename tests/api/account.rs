//! Your account: every member changes their own password and signs out their other sessions.

use diesel::prelude::*;
use hearken::db::schema::{sessions, users};
use hearken::domain::{verify_password, Role};

use crate::helpers::{location, spawn_app, Backend, TestApp, PASSWORD};
use crate::on_both_backends;

const NEW_PASSWORD: &str = "a brand new passphrase";

fn session_count(app: &TestApp, user_id: i64) -> i64 {
    sessions::table
        .filter(sessions::user_id.eq(user_id))
        .count()
        .get_result(&mut app.db())
        .unwrap()
}

fn stored_hash(app: &TestApp, user_id: i64) -> String {
    users::table
        .find(user_id)
        .select(users::password_hash)
        .first(&mut app.db())
        .unwrap()
}

async fn the_account_page_is_linked_from_the_name_and_needs_a_sign_in(backend: Backend) {
    let app = spawn_app(backend).await;
    let anonymous = app.get("/account").await;
    assert_eq!(anonymous.status().as_u16(), 303);
    assert_eq!(location(&anonymous), "/sign-in?next=%2Faccount");

    app.signed_in_as(Role::Agent).await;
    let home = app.get_html("/").await;
    let page = app.get("/account").await;

    assert!(
        home.contains("href=\"/account\""),
        "the name links to the page"
    );
    assert_eq!(page.status().as_u16(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("Your account"));
    assert!(page.contains("agent@example.com"));
    assert!(page.contains("Change password"));
    assert!(page.contains("Sign out other sessions"));
    // Every form on the page carries the CSRF token.
    assert_eq!(
        page.matches("<form").count(),
        page.matches("name=\"csrf_token\"").count()
    );
}

async fn a_member_changes_their_password_and_other_sessions_end(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.signed_in_as(Role::Agent).await;
    let other_browser = app.new_visitor();
    other_browser.sign_in("agent@example.com", PASSWORD).await;
    assert_eq!(other_browser.get("/").await.status().as_u16(), 200);

    let response = app
        .submit(
            "/account",
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", NEW_PASSWORD),
                ("new_password_again", NEW_PASSWORD),
            ],
        )
        .await;

    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(location(&response), "/account");
    assert!(app
        .get_html("/account")
        .await
        .contains("Your password is changed. Your other sessions are signed out."));
    assert!(verify_password(&stored_hash(&app, user.id), NEW_PASSWORD));
    assert_eq!(other_browser.get("/").await.status().as_u16(), 303);
    assert_eq!(
        session_count(&app, user.id),
        1,
        "only this browser's session"
    );
    let later = app.new_visitor();
    assert_eq!(
        location(&later.sign_in("agent@example.com", NEW_PASSWORD).await),
        "/"
    );
}

async fn a_refused_password_change_is_explained_and_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.signed_in_as(Role::Lead).await;
    let other_browser = app.new_visitor();
    other_browser.sign_in("lead@example.com", PASSWORD).await;
    let hash_before = stored_hash(&app, user.id);

    let cases = [
        (
            "not the current password",
            NEW_PASSWORD,
            NEW_PASSWORD,
            "Your current password is not right.",
        ),
        (
            PASSWORD,
            NEW_PASSWORD,
            "a different passphrase",
            "The new password and its repetition differ.",
        ),
        (
            PASSWORD,
            "short",
            "short",
            "Passwords need at least 10 characters.",
        ),
    ];
    for (current, new, again, message) in cases {
        let response = app
            .submit(
                "/account",
                "/account/password",
                &[
                    ("current_password", current),
                    ("new_password", new),
                    ("new_password_again", again),
                ],
            )
            .await;

        assert_eq!(response.status().as_u16(), 422, "{message}");
        let page = response.text().await.unwrap();
        assert!(page.contains(message), "{message}");
        // Passwords are never written back into the page.
        assert!(!page.contains(&format!("value=\"{current}\"")));
        assert!(!page.contains(&format!("value=\"{new}\"")));
    }

    assert_eq!(stored_hash(&app, user.id), hash_before);
    assert_eq!(other_browser.get("/").await.status().as_u16(), 200);
    assert_eq!(app.get("/").await.status().as_u16(), 200);
}

async fn a_member_signs_out_their_other_sessions(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.signed_in_as(Role::Agent).await;
    let phone = app.new_visitor();
    let laptop = app.new_visitor();
    phone.sign_in("agent@example.com", PASSWORD).await;
    laptop.sign_in("agent@example.com", PASSWORD).await;
    let someone_else = app.new_visitor();
    app.member_signed_in(&someone_else, "priya", Role::Agent)
        .await;
    assert!(app
        .get_html("/account")
        .await
        .contains("Other sessions signed in as you: 2."));

    let response = app
        .submit("/account", "/account/sign-out-others", &[])
        .await;

    assert_eq!(location(&response), "/account");
    assert!(app
        .get_html("/account")
        .await
        .contains("Signed out 2 other sessions."));
    assert_eq!(app.get("/").await.status().as_u16(), 200, "this one stays");
    assert_eq!(phone.get("/").await.status().as_u16(), 303);
    assert_eq!(laptop.get("/").await.status().as_u16(), 303);
    assert_eq!(someone_else.get("/").await.status().as_u16(), 200);
    assert_eq!(session_count(&app, user.id), 1);
}

async fn account_forms_need_the_csrf_token(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.signed_in_as(Role::Agent).await;
    let phone = app.new_visitor();
    phone.sign_in("agent@example.com", PASSWORD).await;
    let hash_before = stored_hash(&app, user.id);

    let password = app
        .post_raw(
            "/account/password",
            &[
                ("csrf_token", "forged"),
                ("current_password", PASSWORD),
                ("new_password", NEW_PASSWORD),
                ("new_password_again", NEW_PASSWORD),
            ],
        )
        .await;
    let sign_out = app.post_raw("/account/sign-out-others", &[]).await;

    assert_eq!(password.status().as_u16(), 403);
    assert_eq!(sign_out.status().as_u16(), 403);
    assert_eq!(stored_hash(&app, user.id), hash_before);
    assert_eq!(phone.get("/").await.status().as_u16(), 200);
}

on_both_backends!(
    the_account_page_is_linked_from_the_name_and_needs_a_sign_in,
    a_member_changes_their_password_and_other_sessions_end,
    a_refused_password_change_is_explained_and_changes_nothing,
    a_member_signs_out_their_other_sessions,
    account_forms_need_the_csrf_token,
);
