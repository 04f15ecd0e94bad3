use diesel::prelude::*;
use hearken::db::schema::{sessions, users};
use hearken::domain::Role;

use crate::helpers::{
    bare_client, csrf_token_in, location, spawn_app, spawn_app_with, start_server, test_config,
    Backend, PASSWORD,
};
use crate::on_both_backends;

/// The raw session cookie, as someone who copied it would replay it.
fn session_cookie(response: &reqwest::Response) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("hearken_session="))
        .and_then(|v| v.split(';').next())
        .expect("session cookie set")
        .to_owned()
}

async fn replay(app_url: &str, cookie: &str) -> reqwest::Response {
    bare_client()
        .get(format!("{app_url}/"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
}

async fn signing_out_ends_the_session_for_real(backend: Backend) {
    let app = spawn_app(backend).await;
    app.add_member("Maya", "maya@example.com", Role::Agent, PASSWORD);
    let signed_in = app.sign_in("maya@example.com", PASSWORD).await;
    let copied_cookie = session_cookie(&signed_in);
    assert_eq!(
        replay(&app.address, &copied_cookie).await.status().as_u16(),
        200
    );

    let response = app.sign_out().await;

    assert_eq!(location(&response), "/sign-in?signed_out=1");
    assert!(app
        .get_html("/sign-in?signed_out=1")
        .await
        .contains("You have signed out."));
    assert_eq!(app.get("/").await.status().as_u16(), 303);
    // A copy of the old cookie no longer works either: the session is gone from the server.
    let replayed = replay(&app.address, &copied_cookie).await;
    assert_eq!(replayed.status().as_u16(), 303);
    assert_eq!(location(&replayed), "/sign-in");
    let left: i64 = sessions::table.count().get_result(&mut app.db()).unwrap();
    assert_eq!(left, 0);
}

async fn deactivating_a_member_ends_their_sessions(backend: Backend) {
    let app = spawn_app(backend).await;
    let user = app.signed_in_as(Role::Agent).await;
    assert_eq!(app.get("/").await.status().as_u16(), 200);

    diesel::update(users::table.find(user.id))
        .set(users::active.eq(false))
        .execute(&mut app.db())
        .unwrap();

    assert_eq!(app.get("/").await.status().as_u16(), 303);
}

async fn signing_in_renews_the_session_cookie(backend: Backend) {
    let app = spawn_app(backend).await;
    app.add_member("Maya", "maya@example.com", Role::Agent, PASSWORD);
    let form = app.get("/sign-in").await;
    let anonymous_cookie = session_cookie(&form);
    let token = csrf_token_in(&form.text().await.unwrap());

    let signed_in = app
        .post_raw(
            "/sign-in",
            &[
                ("csrf_token", &token),
                ("email", "maya@example.com"),
                ("password", PASSWORD),
            ],
        )
        .await;

    assert_eq!(signed_in.status().as_u16(), 303);
    assert_ne!(session_cookie(&signed_in), anonymous_cookie);
    // The CSRF token changes with the session too.
    let new_token = csrf_token_in(&app.get_html("/").await);
    assert_ne!(new_token, token);
}

async fn sessions_survive_a_restart_without_a_configured_key(backend: Backend) {
    let app = spawn_app(backend).await;
    app.add_member("Maya", "maya@example.com", Role::Agent, PASSWORD);
    let (first_url, first) = start_server(test_config(&app.database_url, None)).await;
    let client = bare_client();
    let form = client
        .get(format!("{first_url}/sign-in"))
        .send()
        .await
        .unwrap();
    let cookie = session_cookie(&form);
    let token = csrf_token_in(&form.text().await.unwrap());
    let signed_in = client
        .post(format!("{first_url}/sign-in"))
        .header("cookie", &cookie)
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", "maya@example.com"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    let cookie = session_cookie(&signed_in);
    first.stop(true).await;

    let (second_url, second) = start_server(test_config(&app.database_url, None)).await;
    let response = replay(&second_url, &cookie).await;

    assert_eq!(response.status().as_u16(), 200);
    second.stop(true).await;
}

async fn forms_without_the_right_csrf_token_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    app.add_member("Maya", "maya@example.com", Role::Agent, PASSWORD);
    app.get("/sign-in").await;

    let missing = app
        .post_raw(
            "/sign-in",
            &[("email", "maya@example.com"), ("password", PASSWORD)],
        )
        .await;
    let wrong = app
        .post_raw(
            "/sign-in",
            &[
                ("csrf_token", "forged"),
                ("email", "maya@example.com"),
                ("password", PASSWORD),
            ],
        )
        .await;

    assert_eq!(missing.status().as_u16(), 403);
    assert_eq!(wrong.status().as_u16(), 403);
    assert!(wrong.text().await.unwrap().contains("Form expired"));
    assert_eq!(app.get("/").await.status().as_u16(), 303, "not signed in");

    // Signed in, a forged sign-out does nothing.
    app.sign_in("maya@example.com", PASSWORD).await;
    let forged_sign_out = app.post_raw("/sign-out", &[("csrf_token", "forged")]).await;
    assert_eq!(forged_sign_out.status().as_u16(), 403);
    assert_eq!(app.get("/").await.status().as_u16(), 200, "still signed in");
}

/// Moves every session's last use back by `by`, as if the browser had been left alone.
fn idle_for(app: &crate::helpers::TestApp, by: chrono::Duration) -> chrono::NaiveDateTime {
    let at = hearken::models::now() - by;
    diesel::update(sessions::table)
        .set(sessions::last_seen_at.eq(at))
        .execute(&mut app.db())
        .unwrap();
    at
}

fn last_seen(app: &crate::helpers::TestApp) -> chrono::NaiveDateTime {
    sessions::table
        .select(sessions::last_seen_at)
        .first(&mut app.db())
        .unwrap()
}

async fn a_session_left_idle_too_long_is_signed_out(backend: Backend) {
    let app = spawn_app(backend).await;
    app.signed_in_as(Role::Agent).await;

    // Within the default 12 idle hours the session lives, and its use is recorded.
    let eleven_hours_ago = idle_for(&app, chrono::Duration::hours(11));
    assert_eq!(app.get("/").await.status().as_u16(), 200);
    assert!(last_seen(&app) > eleven_hours_ago + chrono::Duration::hours(10));

    idle_for(&app, chrono::Duration::hours(13));
    let response = app.get("/conversations").await;

    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(location(&response), "/sign-in?next=%2Fconversations");
}

async fn the_idle_limit_is_a_setting(backend: Backend) {
    let app = spawn_app_with(backend, |config| config.session_idle_hours = 1).await;
    app.signed_in_as(Role::Agent).await;

    idle_for(&app, chrono::Duration::minutes(61));

    assert_eq!(app.get("/").await.status().as_u16(), 303);
}

async fn a_recent_session_is_not_written_on_every_page_view(backend: Backend) {
    let app = spawn_app(backend).await;
    app.signed_in_as(Role::Agent).await;
    idle_for(&app, chrono::Duration::seconds(30));
    let before = last_seen(&app);

    assert_eq!(app.get("/").await.status().as_u16(), 200);

    assert_eq!(last_seen(&app), before);
}

on_both_backends!(
    a_session_left_idle_too_long_is_signed_out,
    the_idle_limit_is_a_setting,
    a_recent_session_is_not_written_on_every_page_view,
);

on_both_backends!(
    signing_out_ends_the_session_for_real,
    deactivating_a_member_ends_their_sessions,
    signing_in_renews_the_session_cookie,
    sessions_survive_a_restart_without_a_configured_key,
    forms_without_the_right_csrf_token_are_refused,
);
