//! Password guessing: failures pause an email address and a client address, attempts are counted
//! before the password is checked, and a burst of guesses leaves the rest of the app responsive.

use std::time::{Duration, Instant};

use hearken::domain::Role;
use tokio::task::JoinSet;

use crate::helpers::{csrf_token_in, spawn_app, Backend, Visitor, PASSWORD};
use crate::on_both_backends;

const WRONG: &str = "That email and password do not match an active account.";
const EMAIL_PAUSED: &str = "Too many failed sign-ins for this address";
const CLIENT_PAUSED: &str = "Too many failed sign-ins from your network";

/// Sends all sign-ins at once from `visitor`'s browser and returns (status, page) for each.
async fn sign_in_all_at_once(
    visitor: &Visitor,
    attempts: Vec<(String, String)>,
) -> Vec<(u16, String)> {
    let token = csrf_token_in(&visitor.get_html("/sign-in").await);
    let mut requests = JoinSet::new();
    for (email, password) in attempts {
        let client = visitor.client.clone();
        let url = visitor.url("/sign-in");
        let token = token.clone();
        requests.spawn(async move {
            let response = client
                .post(url)
                .form(&[
                    ("csrf_token", token),
                    ("email", email),
                    ("password", password),
                ])
                .send()
                .await
                .expect("POST /sign-in");
            let status = response.status().as_u16();
            (status, response.text().await.unwrap_or_default())
        });
    }
    requests.join_all().await
}

async fn concurrent_guesses_for_one_email_are_counted_before_checking(backend: Backend) {
    let app = spawn_app(backend).await;
    app.add_member("Maya", "maya@example.com", Role::Agent, PASSWORD);
    let guesses = (0..20)
        .map(|i| ("maya@example.com".to_owned(), format!("guess number {i}")))
        .collect();

    let answers = sign_in_all_at_once(&app.visitor, guesses).await;

    let wrong = answers
        .iter()
        .filter(|(s, page)| *s == 401 && page.contains(WRONG))
        .count();
    let paused = answers
        .iter()
        .filter(|(s, page)| *s == 429 && page.contains(EMAIL_PAUSED))
        .count();
    assert!(wrong <= 5, "{wrong} guesses were checked, at most 5 may be");
    assert_eq!(wrong + paused, 20, "every other guess is told to wait");
}

async fn failures_from_one_client_pause_sign_in_from_there(backend: Backend) {
    let app = spawn_app(backend).await;
    app.add_member("Maya", "maya@example.com", Role::Agent, PASSWORD);
    let token = csrf_token_in(&app.get_html("/sign-in").await);

    for i in 0..20 {
        // A forged X-Forwarded-For changes nothing: no proxy is trusted by default.
        let response = app
            .client
            .post(app.url("/sign-in"))
            .header("X-Forwarded-For", format!("203.0.113.{i}"))
            .form(&[
                ("csrf_token", token.as_str()),
                ("email", &format!("guess{i}@example.com")),
                ("password", "guess guess guess"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 401, "guess {i}");
    }
    let paused = app.sign_in("maya@example.com", PASSWORD).await;

    assert_eq!(paused.status().as_u16(), 429);
    assert!(paused.text().await.unwrap().contains(CLIENT_PAUSED));
}

async fn a_password_set_by_an_admin_ends_the_pause(backend: Backend) {
    let app = spawn_app(backend).await;
    let maya = app.add_member("Maya", "maya@example.com", Role::Agent, PASSWORD);
    let admin = app.new_visitor();
    app.member_signed_in(&admin, "ada", Role::Admin).await;
    for _ in 0..5 {
        app.sign_in("maya@example.com", "guess guess guess").await;
    }
    assert_eq!(
        app.sign_in("maya@example.com", PASSWORD)
            .await
            .status()
            .as_u16(),
        429
    );

    let set = admin
        .submit(
            "/team",
            &format!("/team/{}/password", maya.id),
            &[("password", "a brand new password")],
        )
        .await;

    assert_eq!(set.status().as_u16(), 303);
    let response = app
        .sign_in("maya@example.com", "a brand new password")
        .await;
    assert_eq!(
        response.status().as_u16(),
        303,
        "the pause ended with the new password"
    );
}

/// Times one GET; panics if it does not answer 200.
async fn timed_get(visitor: &Visitor, path: &str) -> Duration {
    let started = Instant::now();
    let response = visitor.get(path).await;
    assert_eq!(response.status().as_u16(), 200, "{path}");
    let _ = response.bytes().await;
    started.elapsed()
}

async fn a_burst_of_bad_sign_ins_leaves_the_app_responsive(backend: Backend) {
    let app = spawn_app(backend).await;
    let member = app.new_visitor();
    app.member_signed_in(&member, "priya", Role::Agent).await;
    let guesses = (0..300)
        .map(|i| {
            (
                format!("guess{i}@example.com"),
                "guess guess guess".to_owned(),
            )
        })
        .collect();

    let started = Instant::now();
    let burst = sign_in_all_at_once(&app.visitor, guesses);
    tokio::pin!(burst);
    let (mut slowest_health, mut slowest_page) = (Duration::ZERO, Duration::ZERO);
    let answers = loop {
        tokio::select! {
            answers = &mut burst => break answers,
            _ = tokio::time::sleep(Duration::from_millis(100)) => {
                slowest_health = slowest_health.max(timed_get(&member, "/healthz").await);
                slowest_page = slowest_page.max(timed_get(&member, "/").await);
            }
        }
    };
    let burst_time = started.elapsed();

    eprintln!(
        "burst of 300 took {burst_time:?}; slowest /healthz {slowest_health:?}, slowest / \
         {slowest_page:?}"
    );
    assert!(
        slowest_health < Duration::from_secs(1),
        "/healthz took {slowest_health:?}"
    );
    assert!(
        slowest_page < Duration::from_secs(1),
        "/ took {slowest_page:?}"
    );
    let checked = answers.iter().filter(|(s, _)| *s == 401).count();
    let paused = answers
        .iter()
        .filter(|(s, page)| *s == 429 && page.contains(CLIENT_PAUSED))
        .count();
    assert!(
        checked <= 20,
        "{checked} passwords were checked, at most 20 may be"
    );
    assert_eq!(checked + paused, 300);
}

on_both_backends!(
    concurrent_guesses_for_one_email_are_counted_before_checking,
    failures_from_one_client_pause_sign_in_from_there,
    a_password_set_by_an_admin_ends_the_pause,
    a_burst_of_bad_sign_ins_leaves_the_app_responsive,
);
