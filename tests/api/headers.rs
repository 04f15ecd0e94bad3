//! Response headers: HSTS when cookies are Secure, and no caching of dynamic pages.

use hearken::domain::Role;

use crate::helpers::{spawn_app, spawn_app_with, Backend};
use crate::on_both_backends;

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

async fn hsts_is_sent_only_when_cookies_are_secure(backend: Backend) {
    let plain = spawn_app(backend).await;
    let secure = spawn_app_with(backend, |config| config.cookie_secure = true).await;

    let over_http = plain.get("/sign-in").await;
    let over_https = secure.get("/sign-in").await;

    assert_eq!(header(&over_http, "strict-transport-security"), None);
    assert_eq!(
        header(&over_https, "strict-transport-security").as_deref(),
        Some("max-age=31536000")
    );
    // Every response, not only pages: an error and a static file too.
    for path in ["/nowhere", "/static/app.css", "/healthz"] {
        let response = secure.get(path).await;
        assert_eq!(
            header(&response, "strict-transport-security").as_deref(),
            Some("max-age=31536000"),
            "{path}"
        );
    }
}

async fn signed_in_pages_are_never_stored(backend: Backend) {
    let app = spawn_app(backend).await;
    app.signed_in_as(Role::Admin).await;
    let id = app.conversation(
        Some("Ada"),
        hearken::domain::ConversationState::Waiting,
        None,
        "My order is late",
    );

    for path in [
        "/".to_owned(),
        "/live/board".to_owned(),
        "/conversations".to_owned(),
        format!("/conversations/{id}"),
        "/reports".to_owned(),
        "/reports/members.csv".to_owned(),
        "/team".to_owned(),
        "/settings".to_owned(),
        "/kb".to_owned(),
        "/account".to_owned(),
    ] {
        let response = app.get(&path).await;
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        assert_eq!(
            header(&response, "cache-control").as_deref(),
            Some("no-store"),
            "{path}"
        );
    }
    // Anonymous pages too: the sign-in form carries the session's CSRF token, the chat a
    // visitor's own conversation.
    let anonymous = app.new_visitor();
    for path in ["/sign-in", "/chat"] {
        let response = anonymous.get(path).await;
        assert_eq!(response.status().as_u16(), 200, "{path}");
        assert_eq!(
            header(&response, "cache-control").as_deref(),
            Some("no-store"),
            "{path}"
        );
    }
    // Static files keep their own short public caching.
    let css = app.get("/static/app.css").await;
    assert_eq!(
        header(&css, "cache-control").as_deref(),
        Some("public, max-age=300")
    );
}

on_both_backends!(
    hsts_is_sent_only_when_cookies_are_secure,
    signed_in_pages_are_never_stored,
);

/// The role guard refuses before any handler runs; its answers carry the same headers.
async fn refusals_by_the_role_guard_carry_the_headers_too(backend: Backend) {
    let secure = spawn_app_with(backend, |config| config.cookie_secure = true).await;
    let plain = spawn_app(backend).await;
    plain.signed_in_as(Role::Agent).await;

    let anonymous = secure.get("/reports").await;
    let forbidden = plain.get("/reports").await;

    assert_eq!(anonymous.status().as_u16(), 303);
    assert_eq!(
        header(&anonymous, "strict-transport-security").as_deref(),
        Some("max-age=31536000")
    );
    assert_eq!(forbidden.status().as_u16(), 403);
    for response in [anonymous, forbidden] {
        assert_eq!(
            header(&response, "cache-control").as_deref(),
            Some("no-store")
        );
        assert_eq!(
            header(&response, "x-frame-options").as_deref(),
            Some("DENY")
        );
    }
}

on_both_backends!(refusals_by_the_role_guard_carry_the_headers_too);
