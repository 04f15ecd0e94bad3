//! Where a member lands after signing in: only ever a path on this site, whichever way the
//! destination arrives (the address bar, the form's hidden field, a sign-in redirect).

use hearken::domain::Role;

use crate::helpers::{spawn_app, Backend, PASSWORD};
use crate::on_both_backends;

/// Destinations a browser would take off site, or that are not plain paths.
const REFUSED: &[&str] = &[
    "//evil.example",
    "/\\evil.example",
    "/\t/evil.example",
    "/\r\n/evil.example",
    "https://evil.example",
    "evil.example",
    "\t//evil.example",
    "/x\u{7f}",
    "",
];

/// Destinations on this site that are kept.
const KEPT: &[&str] = &[
    "/",
    "/ok/path?x=1",
    "/team",
    "/conversations?state=closed&q=a%20b",
];

/// The Location header exactly as sent, control characters and all.
fn raw_location(response: &reqwest::Response) -> Vec<u8> {
    response
        .headers()
        .get("location")
        .map(|v| v.as_bytes().to_vec())
        .unwrap_or_default()
}

fn sign_in_address(next: &str) -> String {
    format!(
        "/sign-in?{}",
        serde_urlencoded::to_string([("next", next)]).unwrap()
    )
}

async fn a_signed_in_member_is_only_sent_to_paths_on_this_site(backend: Backend) {
    let app = spawn_app(backend).await;
    app.signed_in_as(Role::Agent).await;

    for next in REFUSED.iter().chain(KEPT) {
        let response = app.get(&sign_in_address(next)).await;

        let expected = if KEPT.contains(next) { next } else { "/" };
        assert_eq!(response.status().as_u16(), 303, "{next:?}");
        assert_eq!(raw_location(&response), expected.as_bytes(), "{next:?}");
    }
}

async fn the_sign_in_form_keeps_only_paths_on_this_site(backend: Backend) {
    let app = spawn_app(backend).await;
    app.add_member("Maya", "maya@example.com", Role::Agent, PASSWORD);

    for next in REFUSED {
        let page = app.get_html(&sign_in_address(next)).await;

        assert!(page.contains("name=\"next\" value=\"/\""), "{next:?}");
    }
}

async fn signing_in_with_a_foreign_destination_lands_on_the_home_page(backend: Backend) {
    let app = spawn_app(backend).await;
    app.add_member("Maya", "maya@example.com", Role::Agent, PASSWORD);

    for next in REFUSED {
        let visitor = app.new_visitor();
        let response = visitor
            .submit(
                "/sign-in",
                "/sign-in",
                &[
                    ("email", "maya@example.com"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;

        assert_eq!(response.status().as_u16(), 303, "{next:?}");
        assert_eq!(raw_location(&response), b"/", "{next:?}");
    }
    let visitor = app.new_visitor();
    let kept = visitor
        .submit(
            "/sign-in",
            "/sign-in",
            &[
                ("email", "maya@example.com"),
                ("password", PASSWORD),
                ("next", "/ok/path?x=1"),
            ],
        )
        .await;
    assert_eq!(raw_location(&kept), b"/ok/path?x=1");
}

on_both_backends!(
    a_signed_in_member_is_only_sent_to_paths_on_this_site,
    the_sign_in_form_keeps_only_paths_on_this_site,
    signing_in_with_a_foreign_destination_lands_on_the_home_page,
);
