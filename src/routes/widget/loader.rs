//! `GET /widget.js`: the tag a website pastes, a few lines that load the widget's code from its
//! versioned address; `GET /widget/app-{version}.js`: that code, which browsers may keep for a
//! year because a new version has a new address.

use std::sync::LazyLock;

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use sha2::{Digest, Sha256};

use crate::error::AppError;

const WIDGET: &str = include_str!("../../../static/widget.js");

/// The first 12 hex characters of the widget code's SHA-256.
pub static VERSION: LazyLock<String> =
    LazyLock::new(|| hex::encode(&Sha256::digest(WIDGET.as_bytes())[..6]));

/// The loader, with the current version written in. It finds the server it came from in its own
/// `src`, so the tag works wherever Hearken is hosted.
static LOADER: LazyLock<String> = LazyLock::new(|| {
    format!(
        r#"/* Hearken chat widget loader */
(function () {{
  "use strict";
  var me = document.currentScript;
  if (!me || !me.src || window.hearkenWidgetLoaded) return;
  window.hearkenWidgetLoaded = true;
  var origin = new URL(me.src, document.baseURI).origin;
  var script = document.createElement("script");
  script.src = origin + "/widget/app-{version}.js";
  script.async = true;
  script.setAttribute("data-hearken-origin", origin);
  (document.head || document.documentElement).appendChild(script);
}})();
"#,
        version = VERSION.as_str()
    )
});

const JAVASCRIPT: &str = "text/javascript; charset=utf-8";

/// Scripts another website loads with a plain `<script>` tag.
fn script(cache_control: &'static str, body: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(JAVASCRIPT)
        .insert_header((header::CACHE_CONTROL, cache_control))
        .insert_header(("Cross-Origin-Resource-Policy", "cross-origin"))
        .body(body)
}

/// `GET /widget.js`: short-lived in caches, so a new version reaches websites within minutes.
pub async fn loader() -> HttpResponse {
    script("public, max-age=300", LOADER.as_str())
}

/// `GET /widget/app-{version}.js`. An earlier version's address (a loader cached before an
/// upgrade, or one instance answering for another during a rolling upgrade) is redirected to the
/// current code rather than refused, so the chat keeps appearing; the redirect itself is not
/// cached. Anything else is not found.
pub async fn app(version: web::Path<String>) -> Result<HttpResponse, AppError> {
    if version.as_str() == VERSION.as_str() {
        return Ok(script("public, max-age=31536000, immutable", WIDGET));
    }
    let looks_like_a_version =
        version.len() == VERSION.len() && version.chars().all(|c| c.is_ascii_hexdigit());
    if !looks_like_a_version {
        return Err(AppError::NotFound);
    }
    Ok(HttpResponse::Found()
        .insert_header((
            header::LOCATION,
            format!("/widget/app-{}.js", VERSION.as_str()),
        ))
        .insert_header(("Cross-Origin-Resource-Policy", "cross-origin"))
        .finish())
}
