use diesel::prelude::*;
use hearken::db::schema::users;

use crate::helpers::{location, spawn_app, Backend, PASSWORD};
use crate::on_both_backends;

async fn the_first_visit_creates_the_first_admin(backend: Backend) {
    let app = spawn_app(backend).await;

    let sign_in = app.get("/sign-in").await;
    assert_eq!(location(&sign_in), "/setup");
    let form = app.get_html("/setup").await;
    assert!(form.contains("Create the first admin"));
    let response = app
        .submit(
            "/setup",
            "/setup",
            &[
                ("name", "Maya Fischer"),
                ("email", "Maya@Example.com"),
                ("password", PASSWORD),
                ("password_again", PASSWORD),
            ],
        )
        .await;

    assert_eq!(location(&response), "/");
    let home = app.get_html("/").await;
    assert!(home.contains("You are the first admin of this team."));
    assert!(home.contains("title=\"Your account (maya@example.com)\">Maya Fischer</a>"));
    assert!(home.contains("<span class=\"role-tag\">Admin</span>"));
    let (email, role): (String, String) = users::table
        .select((users::email, users::role))
        .first(&mut app.db())
        .unwrap();
    assert_eq!(
        (email.as_str(), role.as_str()),
        ("maya@example.com", "admin")
    );
}

async fn setup_is_closed_once_someone_exists(backend: Backend) {
    let app = spawn_app(backend).await;
    app.add_member(
        "Maya",
        "maya@example.com",
        hearken::domain::Role::Agent,
        PASSWORD,
    );
    let token = crate::helpers::csrf_token_in(&app.get_html("/sign-in").await);

    let form = app.get("/setup").await;
    let attempt = app
        .post_raw(
            "/setup",
            &[
                ("csrf_token", &token),
                ("name", "Mallory"),
                ("email", "m@example.com"),
                ("password", PASSWORD),
                ("password_again", PASSWORD),
            ],
        )
        .await;

    assert_eq!(location(&form), "/sign-in");
    assert_eq!(location(&attempt), "/sign-in");
    let count: i64 = users::table.count().get_result(&mut app.db()).unwrap();
    assert_eq!(count, 1);
}

async fn bad_setup_input_is_explained_and_kept(backend: Backend) {
    let app = spawn_app(backend).await;

    let response = app
        .submit(
            "/setup",
            "/setup",
            &[
                ("name", "Maya <script>"),
                ("email", "maya"),
                ("password", "short"),
                ("password_again", "other"),
            ],
        )
        .await;

    assert_eq!(response.status().as_u16(), 422);
    let page = response.text().await.unwrap();
    assert!(page.contains("Enter an email address like name@example.com."));
    assert!(page.contains("Passwords need at least 10 characters."));
    assert!(page.contains("The two passwords are not the same."));
    assert!(
        page.contains("value=\"Maya &#60;script&#62;\""),
        "name kept, escaped"
    );
    let count: i64 = users::table.count().get_result(&mut app.db()).unwrap();
    assert_eq!(count, 0);
}

on_both_backends!(
    the_first_visit_creates_the_first_admin,
    setup_is_closed_once_someone_exists,
    bad_setup_input_is_explained_and_kept,
);
