use hearken::domain::Role;

use crate::helpers::{location, spawn_app, Backend, PASSWORD};
use crate::on_both_backends;

const WRONG: &str = "That email and password do not match an active account.";

async fn a_member_signs_in_and_sees_the_home_page(backend: Backend) {
    let app = spawn_app(backend).await;
    app.add_member("Maya Fischer", "maya@example.com", Role::Agent, PASSWORD);

    let response = app.sign_in("Maya@Example.com", PASSWORD).await;

    assert_eq!(response.status().as_u16(), 303);
    assert_eq!(location(&response), "/");
    let home = app.get_html("/").await;
    assert!(home.contains(">Maya Fischer</a>"), "{home}");
    assert!(home.contains("<h1>Live support</h1>"));
    assert!(home.contains("Sign out"));
}

async fn a_wrong_password_gets_one_generic_message(backend: Backend) {
    let app = spawn_app(backend).await;
    app.add_member("Maya", "maya@example.com", Role::Agent, PASSWORD);

    let wrong_password = app.sign_in("maya@example.com", "not the password").await;
    assert_eq!(wrong_password.status().as_u16(), 401);
    let page = wrong_password.text().await.unwrap();
    let unknown_email = app.sign_in("nobody@example.com", PASSWORD).await;
    assert_eq!(unknown_email.status().as_u16(), 401);
    let unknown_page = unknown_email.text().await.unwrap();

    assert!(page.contains(WRONG));
    assert!(unknown_page.contains(WRONG));
    // What the person typed is kept, the password is not.
    assert!(page.contains("value=\"maya@example.com\""));
    assert!(!page.contains("not the password"));
    assert_eq!(
        app.get("/").await.status().as_u16(),
        303,
        "still signed out"
    );
}

async fn malformed_sign_in_input_is_refused_with_a_message(backend: Backend) {
    let app = spawn_app(backend).await;
    app.add_member("Maya", "maya@example.com", Role::Agent, PASSWORD);

    let response = app.sign_in("not-an-email <b>", PASSWORD).await;

    assert_eq!(response.status().as_u16(), 422);
    let page = response.text().await.unwrap();
    assert!(page.contains("Enter an email address like name@example.com."));
    assert!(
        page.contains("not-an-email &#60;b&#62;"),
        "typed text kept and escaped"
    );
}

async fn repeated_failures_pause_sign_in_for_that_address(backend: Backend) {
    let app = spawn_app(backend).await;
    app.add_member("Maya", "maya@example.com", Role::Agent, PASSWORD);

    for _ in 0..5 {
        let response = app.sign_in("maya@example.com", "guess guess guess").await;
        assert_eq!(response.status().as_u16(), 401);
    }
    // Even the right password waits now: the guesser cannot tell which one was right.
    let paused = app.sign_in("maya@example.com", PASSWORD).await;

    assert_eq!(paused.status().as_u16(), 429);
    assert!(paused
        .text()
        .await
        .unwrap()
        .contains("Too many failed sign-ins for this address"));
    // Another address is not affected.
    app.add_member("Tom", "tom@example.com", Role::Agent, PASSWORD);
    assert_eq!(
        app.sign_in("tom@example.com", PASSWORD)
            .await
            .status()
            .as_u16(),
        303
    );
}

async fn a_deactivated_member_cannot_sign_in(backend: Backend) {
    use diesel::prelude::*;
    use hearken::db::schema::users;
    let app = spawn_app(backend).await;
    let user = app.add_member("Maya", "maya@example.com", Role::Agent, PASSWORD);
    diesel::update(users::table.find(user.id))
        .set(users::active.eq(false))
        .execute(&mut app.db())
        .unwrap();

    let response = app.sign_in("maya@example.com", PASSWORD).await;

    assert_eq!(response.status().as_u16(), 401);
    assert!(response.text().await.unwrap().contains(WRONG));
}

async fn after_sign_in_the_member_returns_to_the_page_they_asked_for(backend: Backend) {
    let app = spawn_app(backend).await;
    app.add_member("Jonas", "lead@example.com", Role::Lead, PASSWORD);

    let redirect = app.get("/team").await;
    assert_eq!(location(&redirect), "/sign-in?next=%2Fteam");
    let form = app.get_html("/sign-in?next=%2Fteam").await;
    assert!(form.contains("name=\"next\" value=\"/team\""));
    let response = app
        .submit(
            "/sign-in",
            "/sign-in",
            &[
                ("email", "lead@example.com"),
                ("password", PASSWORD),
                ("next", "/team"),
            ],
        )
        .await;

    assert_eq!(location(&response), "/team");
}

async fn sign_in_never_redirects_off_site(backend: Backend) {
    let app = spawn_app(backend).await;
    app.add_member("Maya", "maya@example.com", Role::Agent, PASSWORD);

    let response = app
        .submit(
            "/sign-in",
            "/sign-in",
            &[
                ("email", "maya@example.com"),
                ("password", PASSWORD),
                ("next", "//evil.example/"),
            ],
        )
        .await;

    assert_eq!(location(&response), "/");
}

async fn anonymous_visitors_are_sent_to_sign_in(backend: Backend) {
    let app = spawn_app(backend).await;
    app.add_member(
        "Maya",
        "maya@example.com",
        Role::Admin,
        crate::helpers::PASSWORD,
    );

    for (path, expected) in [("/", "/sign-in"), ("/team", "/sign-in?next=%2Fteam")] {
        let response = app.get(path).await;
        assert_eq!(response.status().as_u16(), 303, "{path}");
        assert_eq!(location(&response), expected, "{path}");
    }
}

on_both_backends!(
    a_member_signs_in_and_sees_the_home_page,
    a_wrong_password_gets_one_generic_message,
    malformed_sign_in_input_is_refused_with_a_message,
    repeated_failures_pause_sign_in_for_that_address,
    a_deactivated_member_cannot_sign_in,
    after_sign_in_the_member_returns_to_the_page_they_asked_for,
    sign_in_never_redirects_off_site,
    anonymous_visitors_are_sent_to_sign_in,
);
