//! First-time setup: on an empty database only the holder of the one-time setup link, printed by
//! `hearken serve`, creates the first admin.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use diesel::prelude::*;
use hearken::db::schema::users;

use crate::helpers::{csrf_token_in, location, spawn_app, Backend, TestApp, PASSWORD};
use crate::on_both_backends;

const LOCKED: &str = "Setup needs the one-time link";

fn user_count(app: &TestApp) -> i64 {
    users::table.count().get_result(&mut app.db()).unwrap()
}

async fn the_holder_of_the_setup_link_creates_the_first_admin(backend: Backend) {
    let app = spawn_app(backend).await;
    let code = app.setup_code().expect("a setup code on an empty database");
    let setup = format!("/setup?code={code}");

    let sign_in = app.get("/sign-in").await;
    assert_eq!(location(&sign_in), "/setup");
    let form = app.get_html(&setup).await;
    assert!(form.contains("Create the first admin"));
    let response = app
        .submit(
            &setup,
            "/setup",
            &[
                ("code", &code),
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
    // The link has done its job: it no longer leads anywhere.
    assert_eq!(app.setup_code(), None);
    let again = app.new_visitor().get(&setup).await;
    assert_eq!(location(&again), "/sign-in");
}

async fn setup_without_the_code_is_refused_and_says_where_the_link_is(backend: Backend) {
    let app = spawn_app(backend).await;
    // The visitors' chat page gives this browser its CSRF token without the code.
    let token = csrf_token_in(&app.get_html("/chat").await);

    for path in ["/setup", "/setup?code=", "/setup?code=wrong"] {
        let response = app.get(path).await;
        assert_eq!(response.status().as_u16(), 403, "{path}");
        let page = response.text().await.unwrap();
        assert!(page.contains(LOCKED), "{path}: {page}");
        assert!(page.contains("hearken user add"), "{path}");
    }
    for code in [None, Some("wrong"), Some("")] {
        let mut fields = vec![
            ("csrf_token", token.as_str()),
            ("name", "Mallory"),
            ("email", "mallory@example.com"),
            ("password", PASSWORD),
            ("password_again", PASSWORD),
        ];
        fields.extend(code.map(|code| ("code", code)));
        let attempt = app.post_raw("/setup", &fields).await;
        assert_eq!(attempt.status().as_u16(), 403, "{code:?}");
        assert!(attempt.text().await.unwrap().contains(LOCKED));
    }
    assert_eq!(user_count(&app), 0);
    let code = app.setup_code().expect("a setup code");
    assert!(
        !app.get_html("/setup").await.contains(&code),
        "the code never leaks"
    );
}

async fn setup_is_closed_once_someone_exists(backend: Backend) {
    let app = spawn_app(backend).await;
    let code = app.setup_code().expect("a setup code");
    app.add_member(
        "Maya",
        "maya@example.com",
        hearken::domain::Role::Agent,
        PASSWORD,
    );
    let token = csrf_token_in(&app.get_html("/sign-in").await);

    let form = app.get(&format!("/setup?code={code}")).await;
    let attempt = app
        .post_raw(
            "/setup",
            &[
                ("csrf_token", &token),
                ("code", &code),
                ("name", "Mallory"),
                ("email", "m@example.com"),
                ("password", PASSWORD),
                ("password_again", PASSWORD),
            ],
        )
        .await;

    assert_eq!(location(&form), "/sign-in");
    assert_eq!(location(&attempt), "/sign-in");
    assert_eq!(user_count(&app), 1);
}

async fn bad_setup_input_is_explained_and_kept(backend: Backend) {
    let app = spawn_app(backend).await;
    let code = app.setup_code().expect("a setup code");
    let setup = format!("/setup?code={code}");

    let response = app
        .submit(
            &setup,
            "/setup",
            &[
                ("code", &code),
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
    assert!(
        page.contains(&format!("name=\"code\" value=\"{code}\"")),
        "the corrected form still carries the code"
    );
    assert_eq!(user_count(&app), 0);
}

/// A second instance started on the same empty database prints the link the first one made.
async fn serve_prints_the_one_setup_link_on_an_empty_database(backend: Backend) {
    let app = spawn_app(backend).await;
    let code = app
        .setup_code()
        .expect("the first instance made a setup code");

    let mut serve = Command::new(env!("CARGO_BIN_EXE_hearken"))
        .arg("serve")
        .env("DATABASE_URL", &app.database_url)
        .env("HEARKEN_ADDR", "127.0.0.1:0")
        .env("HEARKEN_BACKGROUND_JOBS", "false")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run hearken serve");
    let stdout = serve.stdout.take().expect("stdout");
    let (lines, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let mut printed = Vec::new();
    while let Ok(line) = received.recv_timeout(Duration::from_secs(60)) {
        let done = line.contains("/setup?code=");
        printed.push(line);
        if done {
            break;
        }
    }
    let _ = serve.kill();
    let _ = serve.wait();

    let link = printed
        .iter()
        .find(|line| line.contains("/setup?code="))
        .unwrap_or_else(|| panic!("no setup link in {printed:?}"));
    assert!(
        link.contains("http://127.0.0.1:") && link.ends_with(&format!("/setup?code={code}")),
        "{link}"
    );
}

on_both_backends!(
    the_holder_of_the_setup_link_creates_the_first_admin,
    setup_without_the_code_is_refused_and_says_where_the_link_is,
    setup_is_closed_once_someone_exists,
    bad_setup_input_is_explained_and_kept,
    serve_prints_the_one_setup_link_on_an_empty_database,
);
