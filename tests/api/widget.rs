//! The embeddable widget over HTTP: its scripts and their caching, the JSON API it calls from
//! another website (the team's list of websites, limits, refusals), what a visitor may see, and
//! the widget's settings. The browser test is in `widget_browser.rs`.

use diesel::prelude::*;
use hearken::db::schema::{conversations, customers, team_settings};
use hearken::domain::Role;
use hearken::models::team_settings::TeamSettings;
use serde_json::Value;

use crate::helpers::{bare_client, spawn_app, spawn_app_with, Backend, TestApp};
use crate::on_both_backends;

pub const SHOP: &str = "https://shop.example.com";

/// A call to the widget's API as a browser on `origin` makes it: no cookies, a form body.
pub async fn call(
    app: &TestApp,
    origin: Option<&str>,
    path: &str,
    form: Option<&[(&str, &str)]>,
) -> reqwest::Response {
    let client = bare_client();
    let mut request = match form {
        Some(form) => client.post(app.url(path)).form(form),
        None => client.get(app.url(path)),
    };
    if let Some(origin) = origin {
        request = request.header("Origin", origin);
    }
    request.send().await.expect("widget API call")
}

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

fn allow_only(app: &TestApp, origins: &str) {
    diesel::update(team_settings::table)
        .set(team_settings::widget_origins.eq(origins))
        .execute(&mut app.db())
        .unwrap();
}

fn created(app: &TestApp) -> (i64, i64) {
    let mut conn = app.db();
    (
        customers::table.count().get_result(&mut conn).unwrap(),
        conversations::table.count().get_result(&mut conn).unwrap(),
    )
}

async fn the_widget_scripts_are_cached_as_their_addresses_say(backend: Backend) {
    let app = spawn_app(backend).await;

    let loader = app.get("/widget.js").await;
    assert_eq!(loader.status().as_u16(), 200);
    assert_eq!(
        header(&loader, "content-type"),
        "text/javascript; charset=utf-8"
    );
    assert_eq!(header(&loader, "cache-control"), "public, max-age=300");
    assert_eq!(
        header(&loader, "cross-origin-resource-policy"),
        "cross-origin"
    );
    let text = loader.text().await.unwrap();
    let start = text
        .find("/widget/app-")
        .expect("the loader names the code")
        + 12;
    let version = &text[start..start + 12];
    assert!(version.chars().all(|c| c.is_ascii_hexdigit()), "{version}");
    assert!(text.contains("document.currentScript"));

    let code = app.get(&format!("/widget/app-{version}.js")).await;
    assert_eq!(code.status().as_u16(), 200);
    assert_eq!(
        header(&code, "content-type"),
        "text/javascript; charset=utf-8"
    );
    assert_eq!(
        header(&code, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(
        header(&code, "cross-origin-resource-policy"),
        "cross-origin"
    );
    let body = code.text().await.unwrap();
    assert!(body.contains("attachShadow"));
    // Uncompressed, with the answer buttons and the verdict question (about 7 KB gzipped).
    assert!(
        body.len() < 24 * 1024,
        "the widget stays small: {} bytes",
        body.len()
    );

    // An earlier version's address leads to the current code, and that answer is not kept.
    let earlier = app.get("/widget/app-0123456789ab.js").await;
    assert_eq!(earlier.status().as_u16(), 302);
    assert_eq!(
        header(&earlier, "location"),
        format!("/widget/app-{version}.js")
    );
    assert_eq!(header(&earlier, "cache-control"), "no-store");
    assert_eq!(app.get("/widget/app-nope.js").await.status().as_u16(), 404);
}

async fn a_website_not_listed_is_refused_before_anything_is_created(backend: Backend) {
    let app = spawn_app(backend).await;
    allow_only(&app, &format!("{SHOP}\nhttp://localhost:8080"));

    let mut tried = Vec::new();
    for (path, form) in [
        ("/widget/api/chat", Some(&[("token", "")][..])),
        ("/widget/api/messages", Some(&[("body", "Hello")][..])),
        ("/widget/api/person", Some(&[("token", "abc")][..])),
        (
            "/widget/api/answered",
            Some(&[("token", "abc"), ("message", "1")][..]),
        ),
        (
            "/widget/api/more-help",
            Some(&[("token", "abc"), ("message", "1")][..]),
        ),
        (
            "/widget/api/verdict",
            Some(&[("token", "abc"), ("answer", "no"), ("comment", "Bad")][..]),
        ),
    ] {
        tried.push(path);
        let refused = call(&app, Some("https://evil.example"), path, form).await;
        assert_eq!(refused.status().as_u16(), 403, "{path}");
        assert_eq!(header(&refused, "vary"), "Origin");
        let json: Value = refused.json().await.unwrap();
        assert_eq!(json["error"], "This website may not show the chat.");
    }
    assert_eq!(created(&app), (0, 0), "nothing was created");
    let untried: Vec<&str> = hearken::routes::table::entries()
        .into_iter()
        .filter(|entry| entry.method == hearken::routes::table::Method::Post)
        .map(|entry| entry.path)
        .filter(|path| path.starts_with("/widget/api/") && !tried.contains(path))
        .collect();
    assert!(
        untried.is_empty(),
        "not tried from another website: {untried:?}"
    );

    // The listed website is answered, for itself only.
    let allowed = call(
        &app,
        Some(SHOP),
        "/widget/api/messages",
        Some(&[("body", "Hello"), ("name", "Noor")]),
    )
    .await;
    assert_eq!(allowed.status().as_u16(), 200);
    assert_eq!(header(&allowed, "access-control-allow-origin"), SHOP);
    assert_eq!(header(&allowed, "vary"), "Origin");
    assert!(header(&allowed, "set-cookie").is_empty(), "no cookies");
    let json: Value = allowed.json().await.unwrap();
    assert!(json["token"].as_str().is_some_and(|t| t.len() > 20));
    assert_eq!(created(&app), (1, 1));
    // Without an Origin (a same-origin request) the API answers too.
    let token = json["token"].as_str().unwrap();
    let own = call(&app, None, "/widget/api/chat", Some(&[("token", token)])).await;
    assert_eq!(own.status().as_u16(), 200);
    // The live-update stream obeys the same list.
    let key = json["stream"].as_str().expect("a key to the stream");
    let events = format!("/widget/api/events?key={key}");
    let refused = call(&app, Some("https://evil.example"), &events, None).await;
    assert_eq!(refused.status().as_u16(), 403);
    let stream = call(&app, Some(SHOP), &events, None).await;
    assert_eq!(stream.status().as_u16(), 200);
    assert_eq!(header(&stream, "access-control-allow-origin"), SHOP);
    assert_eq!(header(&stream, "content-type"), "text/event-stream");
}

async fn any_website_may_show_the_chat_when_none_are_listed(backend: Backend) {
    let app = spawn_app(backend).await;

    let first = call(
        &app,
        Some("https://anyone.example"),
        "/widget/api/chat",
        Some(&[]),
    )
    .await;

    assert_eq!(first.status().as_u16(), 200);
    assert_eq!(header(&first, "access-control-allow-origin"), "*");
    let json: Value = first.json().await.unwrap();
    assert_eq!(json["token"], Value::Null);
    assert_eq!(json["conversation"], Value::Null);
    assert_eq!(json["stream"], Value::Null);
    assert_eq!(json["messages"], serde_json::json!([]));
    let settings = &json["settings"];
    assert_eq!(settings["colour"], "#2557d6");
    assert_eq!(settings["launcher"], "Chat with us");
    assert_eq!(settings["human_support"], true);
    assert_eq!(settings["max_message_chars"], 5000);
    assert!(settings["greeting"]
        .as_str()
        .unwrap()
        .starts_with("Hi! Ask us anything"));
}

async fn wrong_input_and_floods_get_a_sentence_to_show(backend: Backend) {
    let app = spawn_app_with(backend, |config| {
        config.visitor_limits.messages_per_visitor = 2;
    })
    .await;
    let origin = Some("https://anyone.example");
    let refusals = [
        (vec![("body", "   ")], "Write a message before sending."),
        (
            vec![("body", "Hi"), ("email", "not an email")],
            "That email address does not look right",
        ),
    ];
    for (form, sentence) in refusals {
        let refused = call(&app, origin, "/widget/api/messages", Some(&form)).await;
        assert_eq!(refused.status().as_u16(), 422);
        assert_eq!(header(&refused, "access-control-allow-origin"), "*");
        let json: Value = refused.json().await.unwrap();
        assert!(json["error"].as_str().unwrap().contains(sentence), "{json}");
    }
    let long = "x".repeat(5001);
    let too_long = call(
        &app,
        origin,
        "/widget/api/messages",
        Some(&[("body", &long)]),
    )
    .await;
    assert_eq!(too_long.status().as_u16(), 422);
    assert_eq!(created(&app), (0, 0));

    let first: Value = call(
        &app,
        origin,
        "/widget/api/messages",
        Some(&[("body", "Hi")]),
    )
    .await
    .json()
    .await
    .unwrap();
    let token = first["token"].as_str().unwrap();
    // The first message counts against the token it started: one more passes, then 429.
    let again = call(
        &app,
        origin,
        "/widget/api/messages",
        Some(&[("token", token), ("body", "Again")]),
    )
    .await;
    assert_eq!(again.status().as_u16(), 200);
    let flood = call(
        &app,
        origin,
        "/widget/api/messages",
        Some(&[("token", token), ("body", "And again")]),
    )
    .await;
    assert_eq!(flood.status().as_u16(), 429);
    assert_eq!(header(&flood, "access-control-allow-origin"), "*");
    let json: Value = flood.json().await.unwrap();
    assert!(json["error"].as_str().unwrap().contains("Please wait"));
    assert_eq!(created(&app), (1, 1));
}

/// Every message's text in the widget's JSON, in order.
fn bodies(json: &Value) -> Vec<(String, String)> {
    json["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["from"].as_str().unwrap().to_owned(),
                m["body"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn the_visitor_sees_people_join_but_never_outcomes_reasons_or_notes(backend: Backend) {
    let app = spawn_app(backend).await;
    app.member_signed_in(&app.visitor, "priya", Role::Admin)
        .await;
    let origin = Some(SHOP);
    let first: Value = call(
        &app,
        origin,
        "/widget/api/messages",
        Some(&[("body", "My parcel arrived damaged")]),
    )
    .await
    .json()
    .await
    .unwrap();
    let token = first["token"].as_str().unwrap().to_owned();
    let id = first["conversation"]["id"].as_i64().unwrap();
    let asked: Value = call(
        &app,
        origin,
        "/widget/api/person",
        Some(&[("token", &token)]),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(asked["conversation"]["waiting"], true);
    assert_eq!(asked["conversation"]["may_ask_for_person"], false);

    app.act(
        id,
        "take-over",
        &[("version", &app.stored(id).version.to_string())],
    )
    .await;
    app.submit(
        &format!("/conversations/{id}"),
        &format!("/conversations/{id}/messages"),
        &[("body", "Sorry about that! A replacement is on its way.")],
    )
    .await;
    let chat_path = "/widget/api/chat";
    let read = [("token", token.as_str())];
    let json: Value = call(&app, origin, chat_path, Some(&read))
        .await
        .json()
        .await
        .unwrap();
    let seen = bodies(&json);
    assert!(seen.contains(&("note".into(), "Priya joined the conversation".into())));
    assert!(seen.contains(&(
        "agent".into(),
        "Sorry about that! A replacement is on its way.".into()
    )));
    let agent = json["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["from"] == "agent")
        .unwrap();
    assert_eq!(agent["name"], "Priya");
    assert!(agent["at"].as_str().unwrap().ends_with('Z'));
    // Only what is new after the last message the widget shows.
    let last = json["messages"].as_array().unwrap().last().unwrap()["id"]
        .as_i64()
        .unwrap();
    let last = last.to_string();
    let read_newer = [("token", token.as_str()), ("after", &last)];
    let newer: Value = call(&app, origin, chat_path, Some(&read_newer))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(newer["messages"], serde_json::json!([]));

    // Closed with a reason, then reopened: the visitor sees neither.
    let version = app.stored(id).version.to_string();
    app.act(
        id,
        "close",
        &[
            ("version", &version),
            ("outcome", "unresolved"),
            ("reason", "Customer kept changing the address"),
        ],
    )
    .await;
    let closed = call(&app, origin, chat_path, Some(&read))
        .await
        .text()
        .await
        .unwrap();
    let version = app.stored(id).version.to_string();
    app.act(id, "reopen", &[("version", &version)]).await;
    let reopened = call(&app, origin, chat_path, Some(&read))
        .await
        .text()
        .await
        .unwrap();
    for text in [closed, reopened.clone(), json.to_string()] {
        for secret in [
            "nresolved",
            "esolved",
            "outcome",
            "reason",
            "Customer kept changing",
            "closed the conversation",
            "reopened the conversation",
            "Customer requested to speak to a human",
        ] {
            assert!(
                !text.contains(secret),
                "{secret:?} shown to the visitor: {text}"
            );
        }
    }
    let reopened: Value = serde_json::from_str(&reopened).unwrap();
    assert!(bodies(&reopened).contains(&("note".into(), "Priya joined the conversation".into())));
}

async fn widget_settings_are_checked_kept_and_saved(backend: Backend) {
    let app = spawn_app(backend).await;
    app.member_signed_in(&app.visitor, "jonas", Role::Lead)
        .await;
    let page = app.get_html("/settings").await;
    assert!(page.contains(&format!(
        "&lt;script src=\"{}/widget.js\" async&gt;&lt;/script&gt;",
        app.address
    )));
    let mut form = vec![
        ("wait_time_minutes", "15"),
        ("auto_close_after_hours", "24"),
        ("auto_close_outcome", "resolved"),
        ("time_zone", "UTC"),
        ("widget_colour", "blue"),
        ("widget_greeting", "Hello <b>there</b>"),
        ("widget_launcher_text", "Questions?"),
        (
            "widget_origins",
            "https://shop.example.com\nshop.example.com/cart",
        ),
        ("came_back_days", "3"),
        ("bot_min_confidence", "0.5"),
    ];

    let refused = app.submit("/settings", "/settings", &form).await;

    assert_eq!(refused.status().as_u16(), 422);
    let page = refused.text().await.unwrap();
    assert!(page.contains("The widget colour is a hex colour such as #2557d6."));
    assert!(
        page.contains("Line 2 of the websites"),
        "the bad line is named"
    );
    assert!(page.contains("value=\"blue\""), "the colour is kept");
    assert!(page.contains("https://shop.example.com\nshop.example.com/cart</textarea>"));
    assert!(
        page.contains("Hello &#60;b&#62;there&#60;/b&#62;</textarea>"),
        "kept, escaped"
    );
    let unchanged = TeamSettings::get(&mut app.db()).unwrap();
    assert_eq!(
        (
            unchanged.widget_colour.as_str(),
            unchanged.widget_origins.as_str()
        ),
        ("#2557d6", "")
    );

    form[4] = ("widget_colour", "#0B7A5C");
    form[7] = (
        "widget_origins",
        "https://Shop.Example.com/\r\n\r\nhttp://localhost:8080\r\n",
    );
    let saved = app.submit("/settings", "/settings", &form).await;
    assert_eq!(saved.status().as_u16(), 303);
    let settings = TeamSettings::get(&mut app.db()).unwrap();
    assert_eq!(settings.widget_colour, "#0b7a5c");
    assert_eq!(settings.widget_greeting, "Hello <b>there</b>");
    assert_eq!(settings.widget_launcher_text, "Questions?");
    assert_eq!(
        settings.widget_origins,
        "https://shop.example.com\nhttp://localhost:8080"
    );
    let json: Value = call(
        &app,
        Some("http://localhost:8080"),
        "/widget/api/chat",
        Some(&[]),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(json["settings"]["colour"], "#0b7a5c");
    assert_eq!(json["settings"]["launcher"], "Questions?");
}

async fn the_stream_opens_with_its_key_only_and_one_address_holds_few(backend: Backend) {
    let app = spawn_app_with(backend, |config| {
        config.visitor_limits.streams_per_address = 2;
    })
    .await;
    let origin = Some(SHOP);
    let mut keys = Vec::new();
    let mut tokens = Vec::new();
    for body in ["First visitor", "Second visitor"] {
        let json: Value = call(
            &app,
            origin,
            "/widget/api/messages",
            Some(&[("body", body)]),
        )
        .await
        .json()
        .await
        .unwrap();
        keys.push(json["stream"].as_str().unwrap().to_owned());
        tokens.push(json["token"].as_str().unwrap().to_owned());
        let url = json["messages"][1]["citations"][0]["url"].as_str();
        assert!(url.is_none_or(|url| url.starts_with("/help/")), "{url:?}");
    }
    let events = |query: &str| format!("/widget/api/events?{query}");
    // Neither the visitor's token (it may write; addresses end up in logs) nor a changed key
    // opens a stream: 204, and the browser stops asking.
    let changed = keys[0].replacen('.', "0.", 1);
    for query in [
        format!("token={}", tokens[0]),
        format!("key={changed}"),
        "key=1.99999999999.00".to_owned(),
        String::new(),
    ] {
        let refused = call(&app, origin, &events(&query), None).await;
        assert_eq!(refused.status().as_u16(), 204, "{query}");
    }
    // Two streams from one address, then 429 until one of them ends.
    let first = call(&app, origin, &events(&format!("key={}", keys[0])), None).await;
    let second = call(&app, origin, &events(&format!("key={}", keys[1])), None).await;
    let statuses = (first.status().as_u16(), second.status().as_u16());
    assert_eq!(statuses, (200, 200), "{keys:?}");
    let third = call(&app, origin, &events(&format!("key={}", keys[0])), None).await;
    assert_eq!(third.status().as_u16(), 429);
    assert_eq!(header(&third, "access-control-allow-origin"), "*");
}

on_both_backends!(
    the_stream_opens_with_its_key_only_and_one_address_holds_few,
    the_widget_scripts_are_cached_as_their_addresses_say,
    a_website_not_listed_is_refused_before_anything_is_created,
    any_website_may_show_the_chat_when_none_are_listed,
    wrong_input_and_floods_get_a_sentence_to_show,
    the_visitor_sees_people_join_but_never_outcomes_reasons_or_notes,
    widget_settings_are_checked_kept_and_saved,
);
