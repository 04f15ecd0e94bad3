//! The widget embedded in a page served from another origin (a small static server in the test),
//! driven by headless Chromium: the visitor asks the bot and gets a cited answer, asks for a
//! person, an agent (over HTTP) takes over and replies, and the visitor sees it without
//! reloading; the history survives a reload; Escape closes the panel; a message that arrives
//! while it is closed shows as unread; the agent hands back and closes, and the visitor never
//! sees the outcome. Screenshots of the open panel at desktop and phone sizes go to
//! /tmp/widget-*.png. Skipped like the other browser tests when there is no chromedriver.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

use diesel::prelude::*;
use fantoccini::elements::Element;
use fantoccini::Client;
use fantoccini::Locator;
use hearken::db::schema::conversations;
use hearken::domain::Role;
use hearken::models::article::{Article, NewArticle};
use serde_json::json;

use crate::browser::{chromedriver_path, open_browser, sign_in, start_driver};
use crate::helpers::{spawn_app, Backend, TestApp, Visitor, PASSWORD};
use crate::on_both_backends;

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A website on another origin: every path answers one page that embeds the widget; under
/// `/no-live-updates` the page first takes `EventSource` away, so the widget polls. Its own CSS
/// is deliberately loud, to show that it does not reach into the widget.
fn serve_host_page(hearken: &str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind the host page's server");
    let address = format!("http://{}", listener.local_addr().unwrap());
    let hearken = hearken.to_owned();
    let page = move |without_events: bool| {
        let take_away = if without_events {
            "<script>window.EventSource = undefined;</script>"
        } else {
            ""
        };
        format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>Example shop</title><style>body {{ font: 18px Georgia, serif; margin: 2rem; }} \
             button {{ background: #e11 !important; font-size: 30px; }} p {{ color: #3a3; }}</style>\
             {take_away}</head><body><h1>Example shop</h1><p>Bicycles, parts and repairs.</p>\
             <a href=\"/other\">Another page</a>\
             <script src=\"{hearken}/widget.js\" async></script></body></html>"
        )
    };
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = Vec::new();
            let mut buffer = [0u8; 1024];
            while let Ok(read) = stream.read(&mut buffer) {
                request.extend_from_slice(&buffer[..read]);
                if read == 0 || request.windows(4).any(|w| w == b"\r\n\r\n") {
                    break;
                }
            }
            let page = page(request.starts_with(b"GET /no-live-updates"));
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{page}",
                page.len()
            );
        }
    });
    address
}

/// Runs `script` with the widget's shadow root as `root`.
async fn in_widget(browser: &Client, script: &str) -> serde_json::Value {
    let wrapped = format!(
        "const host = document.querySelector('#hearken-widget'); \
         if (!host) return null; const root = host.shadowRoot; {script}"
    );
    browser
        .execute(&wrapped, vec![])
        .await
        .expect("run a script")
}

/// The element `selector` finds in the widget, once it is there.
async fn widget_element(browser: &Client, selector: &str) -> Element {
    for _ in 0..100 {
        let found = browser
            .execute(
                "const host = document.querySelector('#hearken-widget'); \
                 return host && host.shadowRoot.querySelector(arguments[0]);",
                vec![json!(selector)],
            )
            .await
            .expect("look into the widget");
        if let Some(id) = found.get(ELEMENT_KEY).and_then(|id| id.as_str()) {
            return Element::from_element_id(browser.clone(), id.to_owned().into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the widget never showed {selector}");
}

/// The open panel's visible text.
async fn panel_text(browser: &Client) -> String {
    in_widget(
        browser,
        "const panel = root.querySelector('.panel'); return panel.hidden ? '' : panel.innerText;",
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

/// Waits (up to 10 s: polling every 3 s would do, live updates are faster) for `expected`.
async fn wait_for_panel(browser: &Client, expected: &str) -> String {
    for _ in 0..100 {
        let text = panel_text(browser).await;
        if text.contains(expected) {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "the panel never showed {expected:?}; it shows:\n{}",
        panel_text(browser).await
    );
}

async fn launcher_label(browser: &Client) -> String {
    in_widget(
        browser,
        "return root.querySelector('.launcher').getAttribute('aria-label');",
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

async fn focused_in_widget(browser: &Client) -> String {
    in_widget(
        browser,
        "const el = root.activeElement; return el ? (el.id || el.className) : '';",
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

async fn screenshot(browser: &Client, name: &str) {
    let png = browser.screenshot().await.expect("screenshot");
    std::fs::write(format!("/tmp/widget-{name}.png"), png).expect("write screenshot");
}

/// The agent's reply, as the reply box on the conversation page sends it.
async fn reply(agent: &Visitor, id: i64, body: &str) {
    let response = agent
        .submit(
            &format!("/conversations/{id}"),
            &format!("/conversations/{id}/messages"),
            &[("body", body)],
        )
        .await;
    assert_eq!(response.status().as_u16(), 303);
}

async fn act(app: &TestApp, agent: &Visitor, id: i64, action: &str, more: &[(&str, &str)]) {
    let version = app.stored(id).version.to_string();
    let mut fields = vec![("version", version.as_str())];
    fields.extend_from_slice(more);
    let response = agent.act(id, action, &fields).await;
    assert_eq!(response.status().as_u16(), 303, "{action}");
}

async fn a_visitor_on_another_website_chats_with_the_bot_and_an_agent(backend: Backend) {
    let Some(driver_path) = chromedriver_path() else {
        return;
    };
    let app = spawn_app(backend).await;
    let now = hearken::models::now();
    Article::create(
        &mut app.db(),
        &NewArticle {
            title: "Reset your password",
            slug: "reset-your-password",
            body: "Forgot your password? Use the reset link on the sign-in page; it works for an hour.",
            also_asked: "",
            published: true,
            created_at: now,
            updated_at: now,
        },
    )
    .unwrap();
    let agent = app.new_visitor();
    app.member_signed_in(&agent, "priya", Role::Agent).await;
    let shop = serve_host_page(&app.address);
    let driver = start_driver(&driver_path).await;
    let browser = open_browser(&driver).await;
    let tag = format!("{backend:?}").to_lowercase();

    // The launcher appears on the shop's page; it opens the panel with focus in the message box.
    browser.goto(&shop).await.unwrap();
    let launcher = widget_element(&browser, ".launcher").await;
    assert_eq!(launcher_label(&browser).await, "Chat with us");
    launcher.click().await.unwrap();
    wait_for_panel(&browser, "Hi! Ask us anything").await;
    assert_eq!(focused_in_widget(&browser).await, "hk-body");

    // A mistake is explained in the panel, and what was typed stays.
    let email = widget_element(&browser, "#hk-email").await;
    email.send_keys("noor-at-example").await.unwrap();
    let message_box = widget_element(&browser, "#hk-body").await;
    message_box
        .send_keys("How do I reset my password?\u{E007}")
        .await
        .unwrap();
    let alert = wait_for_panel(&browser, "That email address does not look right").await;
    assert!(alert.contains("Up to 5,000 characters."));
    let kept = in_widget(
        &browser,
        "return [root.querySelector('#hk-body').value, \
                 root.querySelector('[role=alert]').textContent];",
    )
    .await;
    assert_eq!(kept[0], "How do I reset my password?");
    assert!(kept[1].as_str().unwrap().starts_with("That email address"));

    // A question the knowledge base covers, sent with Enter: a cited answer with its link.
    email.clear().await.unwrap();
    email.send_keys("noor@example.com").await.unwrap();
    message_box.send_keys("\u{E007}").await.unwrap();
    wait_for_panel(&browser, "Use the reset link on the sign-in page").await;
    let link = in_widget(
        &browser,
        "const a = root.querySelector('.cites a'); \
         return a && [a.textContent, a.href, a.target];",
    )
    .await;
    assert_eq!(
        link,
        json!([
            "Reset your password",
            app.url("/help/reset-your-password"),
            "_blank"
        ])
    );

    // Talk to a person: the conversation waits for the team.
    widget_element(&browser, ".person")
        .await
        .click()
        .await
        .unwrap();
    wait_for_panel(&browser, "A person from the team will join shortly.").await;
    let id: i64 = conversations::table
        .select(conversations::id)
        .first(&mut app.db())
        .unwrap();

    // The agent takes over and replies; the visitor sees both without reloading.
    act(&app, &agent, id, "take-over", &[]).await;
    reply(&agent, id, "Hello! I'm Priya. Did the reset link arrive?").await;
    wait_for_panel(&browser, "Did the reset link arrive?").await;
    let text = wait_for_panel(&browser, "Priya joined the conversation").await;
    assert!(!text.contains("A person from the team will join shortly."));
    screenshot(&browser, &format!("{tag}-desktop")).await;

    // A reload keeps the conversation, and the panel open; Escape closes it, back to the launcher.
    browser.refresh().await.unwrap();
    wait_for_panel(&browser, "Did the reset link arrive?").await;
    widget_element(&browser, "#hk-body")
        .await
        .send_keys("\u{E00C}")
        .await
        .unwrap();
    for _ in 0..50 {
        if panel_text(&browser).await.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(panel_text(&browser).await, "", "Escape closed the panel");
    assert_eq!(focused_in_widget(&browser).await, "launcher");

    // A message while the panel is closed shows as unread on the launcher.
    reply(&agent, id, "Anything else I can help with?").await;
    for _ in 0..100 {
        if launcher_label(&browser).await == "Chat with us, 1 unread" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(launcher_label(&browser).await, "Chat with us, 1 unread");
    widget_element(&browser, ".launcher")
        .await
        .click()
        .await
        .unwrap();
    wait_for_panel(&browser, "Anything else I can help with?").await;
    assert_eq!(launcher_label(&browser).await, "Chat with us");

    // Handed back, the bot answers again; closed, the visitor sees no outcome or reason.
    act(&app, &agent, id, "hand-back", &[]).await;
    wait_for_panel(&browser, "Priya left the conversation").await;
    widget_element(&browser, "#hk-body")
        .await
        .send_keys("The password reset link expired\u{E007}")
        .await
        .unwrap();
    for _ in 0..100 {
        if panel_text(&browser)
            .await
            .matches("Use the reset link on the sign-in page")
            .count()
            == 2
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        panel_text(&browser)
            .await
            .matches("Use the reset link on the sign-in page")
            .count(),
        2
    );
    act(
        &app,
        &agent,
        id,
        "close",
        &[("outcome", "resolved"), ("reason", "Sent a new reset link")],
    )
    .await;
    tokio::time::sleep(Duration::from_millis(3500)).await;
    let text = panel_text(&browser).await;
    for hidden in [
        "Resolved",
        "Sent a new reset link",
        "closed the conversation",
    ] {
        assert!(!text.contains(hidden), "{hidden:?} shown to the visitor");
    }

    // On a phone the open panel fills the screen.
    browser.set_window_size(390, 844).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let fills = in_widget(
        &browser,
        "const r = root.querySelector('.panel').getBoundingClientRect(); \
         return [r.left, r.top, Math.round(r.width) === innerWidth, Math.round(r.height) === innerHeight];",
    )
    .await;
    assert_eq!(
        fills,
        json!([0, 0, true, true]),
        "the panel fills a phone's screen"
    );
    screenshot(&browser, &format!("{tag}-phone")).await;

    browser.close().await.unwrap();
}

async fn the_settings_preview_follows_what_a_lead_types(backend: Backend) {
    let Some(driver_path) = chromedriver_path() else {
        return;
    };
    let app = spawn_app(backend).await;
    app.add_member("Jonas Berg", "jonas@example.com", Role::Lead, PASSWORD);
    let driver = start_driver(&driver_path).await;
    let browser = open_browser(&driver).await;
    sign_in(&browser, &app, "jonas@example.com").await;
    browser.goto(&app.url("/settings")).await.unwrap();

    for (id, text) in [
        ("widget-colour", "#f2c94c"),
        ("widget-launcher", "Questions? Ask us"),
        ("widget-greeting", "Hello from the bike shop!"),
    ] {
        let field = browser.find(Locator::Id(id)).await.unwrap();
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    let preview = browser
        .execute(
            "const launcher = document.querySelector('.preview-launcher'); \
             const style = getComputedStyle(launcher); \
             return [launcher.textContent, style.backgroundColor, style.color, \
                     document.querySelector('.preview-greeting').textContent, \
                     document.getElementById('widget-colour-picker').value];",
            vec![],
        )
        .await
        .unwrap();
    // A light colour gets dark text, so the launcher stays readable.
    assert_eq!(
        preview,
        json!([
            "Questions? Ask us",
            "rgb(242, 201, 76)",
            "rgb(29, 35, 48)",
            "Hello from the bike shop!",
            "#f2c94c"
        ])
    );
    let section = browser.find(Locator::Id("chat-widget")).await.unwrap();
    let png = section.screenshot().await.unwrap();
    std::fs::write(format!("/tmp/widget-settings-{backend:?}.png"), png).unwrap();
    browser.close().await.unwrap();
}

/// Where `EventSource` is missing, the widget polls: an agent's reply still arrives unasked.
async fn without_live_updates_the_widget_polls(backend: Backend) {
    let Some(driver_path) = chromedriver_path() else {
        return;
    };
    let app = spawn_app(backend).await;
    let agent = app.new_visitor();
    app.member_signed_in(&agent, "priya", Role::Agent).await;
    let shop = serve_host_page(&app.address);
    let driver = start_driver(&driver_path).await;
    let browser = open_browser(&driver).await;
    browser
        .goto(&format!("{shop}/no-live-updates"))
        .await
        .unwrap();
    widget_element(&browser, ".launcher")
        .await
        .click()
        .await
        .unwrap();
    widget_element(&browser, "#hk-body")
        .await
        .send_keys("Can I talk to a person about my order?\u{E007}")
        .await
        .unwrap();
    wait_for_panel(&browser, "A person from the team will join shortly.").await;
    assert_eq!(
        browser
            .execute("return typeof window.EventSource;", vec![])
            .await
            .unwrap(),
        json!("undefined")
    );
    let id: i64 = conversations::table
        .select(conversations::id)
        .first(&mut app.db())
        .unwrap();

    act(&app, &agent, id, "take-over", &[]).await;
    reply(&agent, id, "Hi, Priya here: which order is it?").await;

    wait_for_panel(&browser, "Hi, Priya here: which order is it?").await;
    browser.close().await.unwrap();
}

/// "That answered my question" under the bot's answer, as a visitor clicks it in the widget.
async fn the_visitor_confirms_the_answer_in_the_widget(backend: Backend) {
    let Some(driver_path) = chromedriver_path() else {
        return;
    };
    let app = spawn_app(backend).await;
    crate::bot::demo_knowledge_base(&app);
    let shop = serve_host_page(&app.address);
    let driver = start_driver(&driver_path).await;
    let browser = open_browser(&driver).await;
    browser.goto(&shop).await.unwrap();
    widget_element(&browser, ".launcher")
        .await
        .click()
        .await
        .unwrap();
    widget_element(&browser, "#hk-body")
        .await
        .send_keys("can i use 3 gift vouchers on one order\u{E007}")
        .await
        .unwrap();

    let text = wait_for_panel(&browser, "That answered my question").await;
    assert!(text.contains("I still need help"));
    assert!(text.contains("Gift cards"), "the article is linked: {text}");
    let clicked = in_widget(
        &browser,
        "const b = [...root.querySelectorAll('.actions button')] \
           .find((b) => b.textContent === 'That answered my question' && !b.hidden); \
         if (!b) return false; b.click(); return true;",
    )
    .await;
    assert_eq!(clicked, json!(true));
    let text = wait_for_panel(&browser, "Thanks! We're glad that helped.").await;
    assert!(!text.contains("I still need help"), "{text}");
    let (closed_by_customer, state): (bool, String) = conversations::table
        .select((conversations::closed_by_customer, conversations::state))
        .first(&mut app.db())
        .unwrap();
    assert!(closed_by_customer);
    assert_eq!(state, "closed");
    screenshot(
        &browser,
        &format!("{backend:?}-answer-confirmed").to_lowercase(),
    )
    .await;
    browser.close().await.unwrap();
}

on_both_backends!(
    the_visitor_confirms_the_answer_in_the_widget,
    a_visitor_on_another_website_chats_with_the_bot_and_an_agent,
    without_live_updates_the_widget_polls,
    the_settings_preview_follows_what_a_lead_types,
);
