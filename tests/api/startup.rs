//! What the application gives every route: security headers, the 404 page, static files served
//! from the binary.

use hearken::domain::Role;

use crate::helpers::{spawn_app, Backend};
use crate::on_both_backends;

async fn every_response_carries_the_security_headers(backend: Backend) {
    let app = spawn_app(backend).await;

    for path in ["/sign-in", "/setup", "/healthz", "/no-such-page"] {
        let response = app.get(path).await;
        let headers = response.headers();
        let csp = headers
            .get("content-security-policy")
            .expect("CSP")
            .to_str()
            .unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert_eq!(headers.get("x-content-type-options").unwrap(), "nosniff");
        assert_eq!(headers.get("referrer-policy").unwrap(), "same-origin");
    }
}

async fn unknown_pages_get_a_404_page(backend: Backend) {
    let app = spawn_app(backend).await;
    app.signed_in_as(Role::Agent).await;

    let response = app.get("/no-such-page").await;

    assert_eq!(response.status().as_u16(), 404);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("There is nothing at this address."));
}

async fn static_files_are_served_from_the_binary(backend: Backend) {
    let app = spawn_app(backend).await;

    let css = app.get("/static/app.css").await;
    let missing = app.get("/static/nope.css").await;

    assert_eq!(css.status().as_u16(), 200);
    assert!(css
        .headers()
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    assert_eq!(missing.status().as_u16(), 404);
}

on_both_backends!(
    every_response_carries_the_security_headers,
    unknown_pages_get_a_404_page,
    static_files_are_served_from_the_binary,
);
