//! What the benchmarks share: a signed-in browser session over real HTTP.

use std::time::Duration;

/// The text of an HTML attribute value that follows `marker` (`name="csrf_token" value="`).
pub fn field<'a>(html: &'a str, marker: &str) -> Option<&'a str> {
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(&html[start..end])
}

/// A browser with its own cookies, signed in at `base` as `email`; panics if sign-in fails.
pub async fn signed_in_client(base: &str, email: &str, password: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("HTTP client");
    let form = client
        .get(format!("{base}/sign-in"))
        .send()
        .await
        .expect("sign-in page")
        .text()
        .await
        .expect("sign-in page text");
    let token = field(&form, "name=\"csrf_token\" value=\"")
        .expect("a CSRF token on the sign-in page")
        .to_owned();
    let response = client
        .post(format!("{base}/sign-in"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", email),
            ("password", password),
        ])
        .send()
        .await
        .expect("sign in");
    assert_eq!(response.status().as_u16(), 303, "sign-in of {email}");
    client
}
