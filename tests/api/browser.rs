//! The agent's path through the workspace in a real headless Chromium: sign in, open a waiting
//! conversation from Live support, close it as Resolved in the dialog, change it to Unresolved,
//! reopen it as an admin. Skipped (loudly) when no chromedriver is installed.

use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use hearken::domain::{ConversationState, Outcome, Role};

use crate::helpers::{spawn_app, Backend, TestApp, PASSWORD};
use crate::on_both_backends;

pub(crate) fn chromedriver_path() -> Option<String> {
    let path =
        std::env::var("HEARKEN_CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    if std::path::Path::new(&path).exists() {
        return Some(path);
    }
    if std::env::var("HEARKEN_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
        panic!("HEARKEN_REQUIRE_BROWSER=1 but there is no chromedriver at {path}");
    }
    static WARN: std::sync::Once = std::sync::Once::new();
    WARN.call_once(|| {
        let _ = std::io::stderr().write_all(
            b"\n\n*** BROWSER TESTS SKIPPED: no chromedriver (apt-get install chromium chromium-driver). ***\n\n",
        );
    });
    None
}

/// A chromedriver process, killed when the test ends.
pub(crate) struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) async fn start_driver(path: &str) -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(path)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Driver { child, port }
}

pub(crate) async fn open_browser(driver: &Driver) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": std::env::var("HEARKEN_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", "--window-size=1280,800"]
        }),
    );
    ClientBuilder::native()
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("open a Chromium session")
}

/// Screenshots land in the system temp folder, to look at after a run.
async fn screenshot(browser: &Client, name: &str) {
    let dir = std::env::temp_dir().join("hearken-screenshots");
    let _ = std::fs::create_dir_all(&dir);
    if let Ok(png) = browser.screenshot().await {
        let _ = std::fs::write(dir.join(format!("{name}.png")), png);
    }
}

pub(crate) async fn sign_in(browser: &Client, app: &TestApp, email: &str) {
    browser.goto(&app.url("/sign-in")).await.unwrap();
    type_into(browser, Locator::Id("email"), email).await;
    type_into(browser, Locator::Id("password"), PASSWORD).await;
    click(browser, Locator::Css("button[type=submit]")).await;
    browser
        .wait()
        .for_element(Locator::Css("h1"))
        .await
        .unwrap();
}

async fn click(browser: &Client, target: Locator<'_>) {
    browser.find(target).await.unwrap().click().await.unwrap();
}

async fn type_into(browser: &Client, target: Locator<'_>, text: &str) {
    browser
        .find(target)
        .await
        .unwrap()
        .send_keys(text)
        .await
        .unwrap();
}

/// The visible text; empty while a navigation replaces the page.
async fn page_text(browser: &Client) -> String {
    match browser.find(Locator::Css("body")).await {
        Ok(body) => body.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// Waits until the page's text contains `expected`.
async fn wait_for_text(browser: &Client, expected: &str) -> String {
    for _ in 0..100 {
        let text = page_text(browser).await;
        if text.contains(expected) {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "the page never showed {expected:?}; it shows:\n{}",
        page_text(browser).await
    );
}

async fn close_in_dialog(browser: &Client, outcome: &str) {
    click(browser, Locator::LinkText("Close conversation")).await;
    let dialog = browser
        .wait()
        .for_element(Locator::Css("dialog#close-dialog[open]"))
        .await
        .unwrap();
    assert!(
        dialog.is_displayed().await.unwrap(),
        "the dialog opened in place"
    );
    dialog
        .find(Locator::Css(&format!("input[value={outcome}]")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    dialog
        .find(Locator::Css("button[data-confirm-close]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

async fn an_agent_closes_changes_and_an_admin_reopens_in_a_browser(backend: Backend) {
    let Some(driver_path) = chromedriver_path() else {
        return;
    };
    let app = spawn_app(backend).await;
    app.add_member("Priya Shah", "priya@example.com", Role::Agent, PASSWORD);
    app.add_member("Maya Fischer", "maya@example.com", Role::Admin, PASSWORD);
    let id = app.conversation(
        Some("Noor Haddad"),
        ConversationState::Waiting,
        None,
        "My parcel arrived damaged.",
    );
    let driver = start_driver(&driver_path).await;
    let browser = open_browser(&driver).await;
    let tag = format!("{backend:?}").to_lowercase();

    // Live support shows the waiting customer; Open leads to the conversation.
    sign_in(&browser, &app, "priya@example.com").await;
    wait_for_text(&browser, "Noor Haddad").await;
    screenshot(&browser, &format!("{tag}-1-live-support")).await;
    click(
        &browser,
        Locator::Css(&format!("#waiting-{id} a[href='/conversations/{id}']")),
    )
    .await;
    wait_for_text(&browser, "My parcel arrived damaged.").await;

    // Take over, then reply with Enter.
    click(&browser, Locator::Css("form[action$='take-over'] button")).await;
    wait_for_text(&browser, "Priya Shah joined the conversation").await;
    let reply = browser.find(Locator::Id("reply-body")).await.unwrap();
    reply
        .send_keys("Sorry to hear that! A replacement is on its way.\u{E007}")
        .await
        .unwrap();
    wait_for_text(&browser, "A replacement is on its way.").await;

    // Close conversation → Resolved → Confirm.
    close_in_dialog(&browser, "resolved").await;
    let text = wait_for_text(&browser, "Conversation closed as Resolved.").await;
    assert!(text.contains("Priya Shah closed the conversation"));
    screenshot(&browser, &format!("{tag}-2-closed-resolved")).await;
    assert_eq!(app.stored(id).outcome, Some(Outcome::Resolved));

    // Close again as Unresolved.
    close_in_dialog(&browser, "unresolved").await;
    wait_for_text(&browser, "Outcome changed from Resolved to Unresolved.").await;
    assert_eq!(app.stored(id).outcome, Some(Outcome::Unresolved));
    assert_eq!(app.closures(id).len(), 2);

    // As admin, reopen.
    click(&browser, Locator::Css("form[action='/sign-out'] button")).await;
    wait_for_text(&browser, "You have signed out.").await;
    sign_in(&browser, &app, "maya@example.com").await;
    browser
        .goto(&app.url(&format!("/conversations/{id}")))
        .await
        .unwrap();
    click(&browser, Locator::Css("form[action$='reopen'] button")).await;
    let text = wait_for_text(&browser, "Conversation reopened.").await;
    assert!(text.contains("Maya Fischer reopened the conversation"));
    screenshot(&browser, &format!("{tag}-3-reopened")).await;
    assert_eq!(app.stored(id).state, ConversationState::Bot);

    browser.close().await.unwrap();
}

async fn live_support_updates_itself_and_escape_cancels_the_dialog(backend: Backend) {
    let Some(driver_path) = chromedriver_path() else {
        return;
    };
    let app = spawn_app(backend).await;
    let priya = app.add_member("Priya Shah", "priya@example.com", Role::Agent, PASSWORD);
    let driver = start_driver(&driver_path).await;
    let browser = open_browser(&driver).await;
    sign_in(&browser, &app, "priya@example.com").await;
    wait_for_text(&browser, "Nobody is waiting.").await;

    // A customer asks for a person while the page is open: the card appears without a reload.
    let id = app.conversation(
        Some("Lukas Meyer"),
        ConversationState::Waiting,
        None,
        "Can I talk to a person?",
    );
    wait_for_text(&browser, "Lukas Meyer").await;
    // Someone else takes it: it leaves Waiting.
    let tom = app.add_member("Tom Okafor", "tom@example.com", Role::Agent, PASSWORD);
    let tom_visitor = app.new_visitor();
    tom_visitor.sign_in("tom@example.com", PASSWORD).await;
    tom_visitor.act(id, "take-over", &[("version", "1")]).await;
    assert_eq!(app.stored(id).assignee_id, Some(tom.id));
    wait_for_text(&browser, "Nobody is waiting.").await;

    // Escape closes the dialog without closing the conversation.
    let mine = app.conversation(
        Some("Ines Silva"),
        ConversationState::Agent,
        Some(priya.id),
        "Hello",
    );
    browser
        .goto(&app.url(&format!("/conversations/{mine}")))
        .await
        .unwrap();
    browser.set_window_size(390, 844).await.unwrap();
    click(&browser, Locator::LinkText("Close conversation")).await;
    browser
        .wait()
        .for_element(Locator::Css("dialog[open]"))
        .await
        .unwrap();
    screenshot(
        &browser,
        &format!("{}-4-dialog-phone", format!("{backend:?}").to_lowercase()),
    )
    .await;
    type_into(
        &browser,
        Locator::Css("dialog[open] input[value=resolved]"),
        "\u{E00C}",
    )
    .await;
    for _ in 0..50 {
        if browser
            .find_all(Locator::Css("dialog[open]"))
            .await
            .unwrap()
            .is_empty()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        browser
            .find_all(Locator::Css("dialog[open]"))
            .await
            .unwrap()
            .is_empty(),
        "Escape cancelled"
    );
    assert_eq!(app.stored(mine).state, ConversationState::Agent);

    browser.close().await.unwrap();
}

on_both_backends!(
    an_agent_closes_changes_and_an_admin_reopens_in_a_browser,
    live_support_updates_itself_and_escape_cancels_the_dialog,
);

async fn a_team_lead_reads_reports_and_clicks_through(backend: Backend) {
    let Some(driver_path) = chromedriver_path() else {
        return;
    };
    let app = spawn_app(backend).await;
    app.add_member("Jonas Berg", "jonas@example.com", Role::Lead, PASSWORD);
    let priya = app.add_member("Priya Shah", "priya@example.com", Role::Agent, PASSWORD);
    let closed = app.conversation(
        Some("Noor Haddad"),
        ConversationState::Agent,
        Some(priya.id),
        "Hi",
    );
    let open = app.conversation(
        Some("Lukas Meyer"),
        ConversationState::Waiting,
        None,
        "Hello",
    );
    let priya_visitor = app.new_visitor();
    priya_visitor.sign_in("priya@example.com", PASSWORD).await;
    priya_visitor
        .act(
            closed,
            "close",
            &[("version", "1"), ("outcome", "unresolved")],
        )
        .await;
    let driver = start_driver(&driver_path).await;
    let browser = open_browser(&driver).await;

    sign_in(&browser, &app, "jonas@example.com").await;
    click(&browser, Locator::LinkText("Reports")).await;
    let text = wait_for_text(&browser, "Closed conversations").await;
    assert!(text.contains("Resolved share"));
    browser.find(Locator::Css("svg.chart")).await.unwrap();
    screenshot(
        &browser,
        &format!("{}-5-reports", format!("{backend:?}").to_lowercase()),
    )
    .await;
    // The closed figure leads to exactly the closed conversation.
    click(&browser, Locator::Css("#tile-closed a.tile-value")).await;
    let list = wait_for_text(&browser, "Showing the conversations behind a report figure").await;
    assert!(list.contains("Noor Haddad"));
    assert!(
        !list.contains("Lukas Meyer"),
        "conversation {open} is not closed"
    );
    browser.close().await.unwrap();
}

on_both_backends!(a_team_lead_reads_reports_and_clicks_through);

async fn the_conversation_and_the_list_follow_the_customer_live_and_keep_the_draft(
    backend: Backend,
) {
    let Some(driver_path) = chromedriver_path() else {
        return;
    };
    let app = spawn_app(backend).await;
    app.add_member("Priya Shah", "priya@example.com", Role::Agent, PASSWORD);
    let customer = app.new_visitor();
    let sent = customer
        .submit(
            "/chat",
            "/chat/messages",
            &[("body", "I want to talk to a person")],
        )
        .await;
    assert_eq!(sent.status(), 303);
    let driver = start_driver(&driver_path).await;
    let browser = open_browser(&driver).await;
    sign_in(&browser, &app, "priya@example.com").await;
    browser.goto(&app.url("/conversations/1")).await.unwrap();
    click(&browser, Locator::Css("button.primary")).await;
    wait_for_text(&browser, "Priya Shah joined the conversation").await;

    // Half a reply typed; the page is marked, to tell an update from a reload.
    type_into(&browser, Locator::Id("reply-body"), "Let me check that for").await;
    browser
        .execute("window.notReloaded = true;", vec![])
        .await
        .unwrap();
    let wrote = customer
        .submit(
            "/chat",
            "/chat/messages",
            &[("body", "Are you still there?")],
        )
        .await;
    assert_eq!(wrote.status(), 303);
    wait_for_text(&browser, "Are you still there?").await;
    let draft = browser
        .find(Locator::Id("reply-body"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(draft.as_deref(), Some("Let me check that for"));
    let same_page = browser
        .execute("return window.notReloaded === true;", vec![])
        .await
        .unwrap();
    assert_eq!(
        same_page,
        serde_json::Value::Bool(true),
        "updated, not reloaded"
    );

    // The Conversations list shows the newest message as it arrives.
    browser.goto(&app.url("/conversations")).await.unwrap();
    wait_for_text(&browser, "Are you still there?").await;
    customer
        .submit(
            "/chat",
            "/chat/messages",
            &[("body", "It is about my invoice")],
        )
        .await;
    wait_for_text(&browser, "It is about my invoice").await;
    screenshot(
        &browser,
        &format!("{}-5-list-live", format!("{backend:?}").to_lowercase()),
    )
    .await;
    browser.close().await.unwrap();
}

on_both_backends!(the_conversation_and_the_list_follow_the_customer_live_and_keep_the_draft);
