//! What a hostile member or visitor can send comes back harmless: markup in every field people
//! control is escaped on every page, and every form that changes something refuses a missing or
//! forged CSRF token and changes nothing.

use diesel::prelude::*;
use hearken::db::schema::conversations;
use hearken::domain::{ConversationState, Role};

use crate::helpers::{location, spawn_app, Backend, TestApp, PASSWORD};
use crate::on_both_backends;

/// Markup that would run if it reached a page unescaped.
const SCRIPT: &str = "<script>alert(1)</script>";
const IMAGE: &str = "<img src=x onerror=alert(2)>";
/// An email address may hold markup too (no spaces, one @).
const MALLORY_EMAIL: &str = "mallory<script>alert(1)</script>@example.com";
const ANA_EMAIL: &str = "ana<script>alert(1)</script>@example.com";
/// The same markup as shown escaped on a page.
const SCRIPT_ESCAPED: &str = "&#60;script&#62;alert(1)&#60;/script&#62;";

fn payload(label: &str) -> String {
    format!("{label} {SCRIPT}{IMAGE}\"'")
}

fn assert_harmless(what: &str, body: &str) {
    for raw in [SCRIPT, IMAGE, "<img src=x"] {
        assert!(!body.contains(raw), "{what} shows {raw} unescaped");
    }
}

/// Every report's CSV file is served as text that no browser runs, and each cell holding markup
/// is exactly one of `texts` (or its formula-neutralised form): the markup is data in a quoted
/// cell, not a fragment of a page. Each file named in `shows` has a cell with its text.
async fn assert_csv_files_hold_markup_as_text(
    app: &TestApp,
    texts: &[&str],
    shows: &[(&str, &str)],
) {
    use hearken::routes::reports::export::neutralise;
    for table in [
        "outcomes",
        "handled-by",
        "members",
        "articles",
        "customers",
        "times",
    ] {
        let response = app.get(&format!("/reports/{table}.csv?period=7")).await;
        let headers = response.headers().clone();
        let content_type = headers.get("content-type").unwrap().to_str().unwrap();
        assert!(
            content_type.starts_with("text/csv"),
            "{table}: {content_type}"
        );
        assert_eq!(headers.get("x-content-type-options").unwrap(), "nosniff");
        let body = response.text().await.unwrap();
        let cells: Vec<String> = csv::Reader::from_reader(body.as_bytes())
            .records()
            .flat_map(|record| {
                let record = record.expect("a well-formed CSV row");
                record.iter().map(str::to_owned).collect::<Vec<_>>()
            })
            .collect();
        for cell in cells.iter().filter(|cell| cell.contains('<')) {
            assert!(
                texts
                    .iter()
                    .any(|text| cell == text || *cell == neutralise(text)),
                "{table}.csv has a cell with markup that is no one's text: {cell:?}"
            );
        }
        for (_, text) in shows.iter().filter(|(file, _)| *file == table) {
            assert!(
                cells.iter().any(|cell| cell == text),
                "{table}.csv lacks {text:?}:\n{body}"
            );
        }
    }
}

fn latest_conversation(app: &TestApp) -> i64 {
    conversations::table
        .select(conversations::id)
        .order(conversations::id.desc())
        .first(&mut app.db())
        .unwrap()
}

async fn markup_from_members_and_visitors_is_escaped_everywhere(backend: Backend) {
    let app = spawn_app(backend).await;
    app.member_signed_in(&app.visitor, "jonas", Role::Lead)
        .await;
    // A member whose name is markup, and an article whose title and text are.
    let added = app
        .submit(
            "/team",
            "/team",
            &[
                ("name", &payload("Mallory")),
                ("email", MALLORY_EMAIL),
                ("role", "agent"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(location(&added), "/team");
    let article = app
        .submit(
            "/kb/new",
            "/kb",
            &[
                ("title", &payload("Refunds")),
                ("slug", "refunds"),
                ("body", &payload("Refunds take five days.")),
                ("published", "on"),
            ],
        )
        .await;
    assert_eq!(location(&article), "/kb/refunds");
    // The chat widget's greeting and launcher text (at most 40 characters).
    let saved = app
        .submit(
            "/settings",
            "/settings",
            &[
                ("human_support", "on"),
                ("wait_time_minutes", "15"),
                ("auto_close_after_hours", "24"),
                ("auto_close_outcome", "resolved"),
                ("time_zone", "UTC"),
                ("came_back_days", "3"),
                ("bot_min_confidence", "0.5"),
                ("widget_colour", "#2557d6"),
                ("widget_greeting", &payload("Welcome")),
                ("widget_launcher_text", IMAGE),
                ("widget_origins", ""),
            ],
        )
        .await;
    assert_eq!(location(&saved), "/settings");
    // A customer on the team's website gives a name and an email in markup.
    let from_widget = crate::widget::call(
        &app,
        Some(crate::widget::SHOP),
        "/widget/api/messages",
        Some(&[
            ("body", payload("Where is my parcel?").as_str()),
            ("name", payload("Ana").as_str()),
            ("email", ANA_EMAIL),
        ]),
    )
    .await;
    assert_eq!(from_widget.status().as_u16(), 200);
    let widget_id = latest_conversation(&app);
    // A visitor writes markup; Mallory takes over, replies and closes with a reason in markup.
    let visitor = app.new_visitor();
    visitor
        .submit(
            "/chat",
            "/chat/messages",
            &[
                ("body", &payload("How long do refunds take?")),
                ("name", &payload("Noor")),
            ],
        )
        .await;
    let id = latest_conversation(&app);
    let mallory = app.new_visitor();
    assert_eq!(
        location(&mallory.sign_in(MALLORY_EMAIL, PASSWORD).await),
        "/"
    );
    let version = |app: &TestApp| app.stored(id).version.to_string();
    mallory
        .act(id, "take-over", &[("version", &version(&app))])
        .await;
    mallory
        .submit(
            &format!("/conversations/{id}"),
            &format!("/conversations/{id}/messages"),
            &[("body", &payload("On it."))],
        )
        .await;
    let closed = mallory
        .act(
            id,
            "close",
            &[
                ("version", &version(&app)),
                ("outcome", "resolved"),
                ("reason", &payload("Answered")),
            ],
        )
        .await;
    assert_eq!(location(&closed), format!("/conversations/{id}"));
    assert_eq!(app.stored(id).state, ConversationState::Closed);
    // The customer disagrees, with a comment in markup.
    let verdict = visitor
        .submit(
            "/chat",
            "/chat/verdict",
            &[("answer", "no"), ("comment", &payload("Not solved"))],
        )
        .await;
    assert_eq!(location(&verdict), "/chat#verdict");

    // Each text is on its pages, escaped.
    for (page, html, text) in [
        (
            "conversation",
            app.get_html(&format!("/conversations/{id}")).await,
            "How long do refunds take?",
        ),
        (
            "conversation's verdict",
            app.get_html(&format!("/conversations/{id}")).await,
            "Not solved",
        ),
        (
            "Reports' disagreements",
            app.get_html("/reports?period=7").await,
            "Not solved",
        ),
        ("settings", app.get_html("/settings").await, "Welcome"),
        (
            "widget customer's name",
            app.get_html(&format!("/conversations/{widget_id}")).await,
            "Ana",
        ),
        (
            "Mallory's account",
            mallory.get_html("/account").await,
            "Mallory",
        ),
    ] {
        assert!(
            html.contains(&format!("{text} {SCRIPT_ESCAPED}")),
            "{page} shows the text, escaped"
        );
    }
    let widget_view = app.get_html(&format!("/conversations/{widget_id}")).await;
    assert!(widget_view.contains("ana&#60;script&#62;alert(1)&#60;/script&#62;@example.com"));
    assert!(app
        .get_html("/settings")
        .await
        .contains("&#60;img src=x onerror=alert(2)&#62;"));
    for page in [
        "/".to_owned(),
        "/live/board".to_owned(),
        "/conversations".to_owned(),
        "/conversations?state=closed&q=script".to_owned(),
        format!("/conversations?q={}", "%3Cscript%3Ealert(1)%3C%2Fscript%3E"),
        format!("/conversations/{id}"),
        format!("/conversations/{id}/close"),
        "/reports?period=7".to_owned(),
        "/team".to_owned(),
        "/kb".to_owned(),
        "/kb/refunds".to_owned(),
        "/kb/refunds/edit".to_owned(),
        format!("/conversations/{widget_id}"),
        "/settings".to_owned(),
        "/account".to_owned(),
    ] {
        assert_harmless(&page, &app.get_html(&page).await);
    }
    for page in ["/", "/conversations", "/account"] {
        assert_harmless(page, &mallory.get_html(page).await);
    }
    for page in ["/chat", "/chat/history", "/help/refunds"] {
        assert_harmless(page, &visitor.get_html(page).await);
    }
    // The CSV files carry the text as text, never as a page a browser would run.
    let (mallory_name, article_title) = (payload("Mallory"), payload("Refunds"));
    assert_csv_files_hold_markup_as_text(
        &app,
        &[&mallory_name, &article_title],
        &[
            ("members", &mallory_name),
            ("customers", &mallory_name),
            ("times", &mallory_name),
            ("articles", &article_title),
        ],
    )
    .await;
}

/// A form: the page that shows it, where it posts, and its fields besides the token.
type Form = (String, String, Vec<(&'static str, String)>);

/// Every form that changes something.
fn state_changing_forms(id: i64, member: i64) -> Vec<Form> {
    let conversation = format!("/conversations/{id}");
    let version = || vec![("version", "1".to_owned())];
    let team = |action: &str| {
        (
            "/team".to_owned(),
            format!("/team/{member}/{action}"),
            vec![
                ("role", "lead".to_owned()),
                ("password", "a new password 1".to_owned()),
            ],
        )
    };
    vec![
        (
            conversation.clone(),
            format!("{conversation}/take-over"),
            version(),
        ),
        (
            conversation.clone(),
            format!("{conversation}/hand-back"),
            version(),
        ),
        (
            conversation.clone(),
            format!("{conversation}/close"),
            vec![
                ("version", "1".to_owned()),
                ("outcome", "resolved".to_owned()),
            ],
        ),
        (
            conversation.clone(),
            format!("{conversation}/reopen"),
            version(),
        ),
        (
            conversation.clone(),
            format!("{conversation}/messages"),
            vec![("body", "Hello".to_owned())],
        ),
        (
            "/kb/new".to_owned(),
            "/kb".to_owned(),
            vec![
                ("title", "Forged".to_owned()),
                ("slug", "forged".to_owned()),
                ("body", "Forged".to_owned()),
            ],
        ),
        (
            "/settings".to_owned(),
            "/settings".to_owned(),
            vec![
                ("wait_time_minutes", "99".to_owned()),
                ("auto_close_after_hours", "24".to_owned()),
                ("auto_close_outcome", "resolved".to_owned()),
                ("time_zone", "UTC".to_owned()),
            ],
        ),
        (
            "/team".to_owned(),
            "/team".to_owned(),
            vec![
                ("name", "Forged".to_owned()),
                ("email", "forged@example.com".to_owned()),
                ("role", "admin".to_owned()),
                ("password", "a new password 1".to_owned()),
            ],
        ),
        team("role"),
        team("deactivate"),
        team("reactivate"),
        team("password"),
        (
            "/chat".to_owned(),
            "/chat/messages".to_owned(),
            vec![("body", "Forged".to_owned())],
        ),
        ("/chat".to_owned(), "/chat/person".to_owned(), vec![]),
        (
            "/chat".to_owned(),
            "/chat/verdict".to_owned(),
            vec![("answer", "yes".to_owned())],
        ),
        (
            "/chat".to_owned(),
            "/chat/answered".to_owned(),
            vec![("message", "1".to_owned())],
        ),
        (
            "/chat".to_owned(),
            "/chat/more-help".to_owned(),
            vec![("message", "1".to_owned())],
        ),
        ("/".to_owned(), "/sign-out".to_owned(), vec![]),
        (
            "/sign-in".to_owned(),
            "/sign-in".to_owned(),
            vec![
                ("email", "admin@example.com".to_owned()),
                ("password", PASSWORD.to_owned()),
            ],
        ),
        (
            "/sign-in".to_owned(),
            "/setup".to_owned(),
            vec![
                ("code", "the setup code".to_owned()),
                ("name", "Forged".to_owned()),
                ("email", "forged@example.com".to_owned()),
                ("password", "a new password 1".to_owned()),
                ("password_again", "a new password 1".to_owned()),
            ],
        ),
        (
            format!("/kb/{ARTICLE}/edit"),
            format!("/kb/{ARTICLE}"),
            vec![
                ("title", "Forged".to_owned()),
                ("slug", ARTICLE.to_owned()),
                ("body", "Forged".to_owned()),
            ],
        ),
        (
            "/account".to_owned(),
            "/account/password".to_owned(),
            vec![
                ("current_password", PASSWORD.to_owned()),
                ("new_password", "a new password 1".to_owned()),
                ("new_password_again", "a new password 1".to_owned()),
            ],
        ),
        (
            "/account".to_owned(),
            "/account/sign-out-others".to_owned(),
            vec![],
        ),
    ]
}

/// The article whose edit form the test forges.
const ARTICLE: &str = "refunds";

/// Whether `path` is an address of the route `pattern` (`{...}` stands for one segment).
fn is_address_of(pattern: &str, path: &str) -> bool {
    let (pattern, path): (Vec<_>, Vec<_>) =
        (pattern.split('/').collect(), path.split('/').collect());
    pattern.len() == path.len()
        && pattern
            .iter()
            .zip(&path)
            .all(|(want, got)| want == got || (want.starts_with('{') && want.ends_with('}')))
}

/// The widget's JSON API takes no CSRF token: it uses no cookies (the visitor's token travels
/// in the body) and checks the `Origin` against the team's websites instead (`widget.rs`).
const WITHOUT_CSRF_TOKEN: &str = "/widget/api/";

/// A POST route added to the route table fails here until its form is in the list above.
#[test]
fn every_post_route_is_in_the_forged_token_list() {
    use hearken::routes::table::{entries, Method};
    let actions: Vec<String> = state_changing_forms(1, 2)
        .into_iter()
        .map(|(_, action, _)| action)
        .collect();
    let missing: Vec<&str> = entries()
        .into_iter()
        .filter(|entry| entry.method == Method::Post)
        .map(|entry| entry.path)
        .filter(|path| !path.starts_with(WITHOUT_CSRF_TOKEN))
        .filter(|path| !actions.iter().any(|action| is_address_of(path, action)))
        .collect();
    assert!(
        missing.is_empty(),
        "POST routes no forged-token test covers: {missing:?}"
    );
}

async fn every_form_refuses_a_missing_or_forged_token(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.signed_in_as(Role::Admin).await;
    let tom = app.add_member("Tom", "tom@example.com", Role::Agent, PASSWORD);
    let id = app.conversation(Some("Noor"), ConversationState::Waiting, None, "Hi");
    app.article("Refunds");
    let before = (app.stored(id), app.message_count(id));

    for (form_page, action, fields) in state_changing_forms(id, tom.id) {
        // The page gives this session a real token; the forged request does not use it.
        app.get(&form_page).await;
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let mut forged = vec![("csrf_token", "forged-token")];
        forged.extend_from_slice(&fields);
        for body in [fields.clone(), forged] {
            let response = app.post_raw(&action, &body).await;
            assert_eq!(response.status().as_u16(), 403, "POST {action} {body:?}");
        }
    }

    let after = (app.stored(id), app.message_count(id));
    assert_eq!(
        (after.0.version, after.0.state, after.1),
        (before.0.version, before.0.state, before.1),
        "the conversation did not change"
    );
    assert_eq!(app.get("/").await.status().as_u16(), 200, "still signed in");
    assert!(!app.get_html("/team").await.contains("forged@example.com"));
    assert!(!app.get_html("/kb").await.contains("Forged"));
    let _ = admin;
}

on_both_backends!(
    markup_from_members_and_visitors_is_escaped_everywhere,
    every_form_refuses_a_missing_or_forged_token,
);
