//! Text search and tab counts on a list too large to count row by row: a word in thousands of
//! conversations is found by walking the list newest first (the full-text index decides each
//! conversation), and the tabs without filters read the state counters.

use diesel::prelude::*;
use hearken::db::schema::{conversations, messages};
use hearken::domain::{ConversationState, Role};

use crate::helpers::{spawn_app, Backend};
use crate::on_both_backends;

/// The ids a page lists, in order.
fn listed(page: &str) -> Vec<i64> {
    page.split("<td><a href=\"/conversations/")
        .skip(1)
        .map(|chunk| chunk.split('"').next().unwrap().parse().unwrap())
        .collect()
}

/// Whether a word of `body` starts with `prefix` (what the search promises).
fn has_word_starting(body: &str, prefix: &str) -> bool {
    body.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .any(|word| word.starts_with(prefix))
}

async fn a_word_in_thousands_of_conversations_lists_the_newest_first(backend: Backend) {
    let app = spawn_app(backend).await;
    app.member_signed_in(&app.visitor, "priya", Role::Lead)
        .await;
    let hash = hearken::seed::password_hash().unwrap();
    hearken::seed::seed(&mut app.db(), &hash, 6_000, 30, |_| {}).unwrap();
    // What the first page must be, worked out here from every row.
    let mut conn = app.db();
    let bodies: Vec<(i64, String)> = messages::table
        .select((messages::conversation_id, messages::body))
        .load(&mut conn)
        .unwrap();
    let mut matching: Vec<i64> = bodies
        .iter()
        .filter(|(_, body)| has_word_starting(body, "check"))
        .map(|(id, _)| *id)
        .collect();
    matching.sort_unstable();
    matching.dedup();
    assert!(
        matching.len() > 2_000,
        "the walking path: {}",
        matching.len()
    );
    let mut order: Vec<(chrono::NaiveDateTime, i64)> = conversations::table
        .filter(conversations::id.eq_any(&matching))
        .select((conversations::last_activity_at, conversations::id))
        .load(&mut conn)
        .unwrap();
    order.sort_unstable_by(|a, b| b.cmp(a));
    let expected: Vec<i64> = order.iter().take(25).map(|(_, id)| *id).collect();

    let page = app.get_html("/conversations?q=Check").await;

    assert_eq!(listed(&page), expected);
    assert!(page.contains("rel=\"next\""), "more pages");
    // Tabs of a search this common go without counts; the plain list's come from counters.
    assert!(!page.contains("<span class=\"count\">"), "no counts");
    let all = app.get_html("/conversations").await;
    let closed: i64 = conversations::table
        .filter(conversations::state.eq(ConversationState::Closed))
        .count()
        .get_result(&mut conn)
        .unwrap();
    let closed = format!("Closed <span class=\"count\">{}</span>", grouped(closed));
    assert!(all.contains(&closed), "{closed}");
    assert!(all.contains("All <span class=\"count\">6,000</span>"));
}

/// 1234 as "1,234".
fn grouped(number: i64) -> String {
    let digits = number.to_string();
    let mut text = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            text.push(',');
        }
        text.push(digit);
    }
    text
}

async fn words_match_the_start_of_words_in_any_message(backend: Backend) {
    let app = spawn_app(backend).await;
    app.member_signed_in(&app.visitor, "priya", Role::Agent)
        .await;
    let refund = app.conversation(
        Some("Ana"),
        ConversationState::Waiting,
        None,
        "I was promised a REFUND for order #4411",
    );
    let other = app.conversation(
        Some("Ben"),
        ConversationState::Bot,
        None,
        "Where is my parcel?",
    );

    for (query, finds) in [
        ("refu", true),
        ("refund 4411", true),
        ("order refund", true),
        ("fund", false),
        ("refund parcel", false),
        ("ana", true),
    ] {
        let page = app
            .get_html(&format!("/conversations?q={}", query.replace(' ', "+")))
            .await;
        let ids = listed(&page);
        assert_eq!(ids.contains(&refund), finds, "{query}: {ids:?}");
        assert!(!ids.contains(&other), "{query}");
    }
}

on_both_backends!(
    a_word_in_thousands_of_conversations_lists_the_newest_first,
    words_match_the_start_of_words_in_any_message,
);

/// A search the database cannot finish within the statement timeout is cancelled there, and the
/// page says the search was too broad, suggests a filter and keeps what was typed. (Here the
/// statement waits on a lock held by another connection, which the timeout counts the same.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_search_past_the_statement_timeout_says_it_was_too_broad() {
    use diesel::connection::SimpleConnection;
    if crate::helpers::postgres_admin_url().is_none() {
        return;
    }
    let app = crate::helpers::spawn_app_with(Backend::Postgres, |config| {
        config.statement_timeout_seconds = 1;
    })
    .await;
    app.member_signed_in(&app.visitor, "priya", Role::Agent)
        .await;
    app.conversation(Some("Noor"), ConversationState::Waiting, None, "Refund?");
    let mut blocker = PgConnection::establish(&app.database_url).unwrap();
    blocker
        .batch_execute("BEGIN; LOCK TABLE conversations IN ACCESS EXCLUSIVE MODE")
        .unwrap();

    let started = std::time::Instant::now();
    let response = app.get("/conversations?q=refund+%3Cb%3E").await;
    let status = response.status().as_u16();
    let page = response.text().await.unwrap();
    blocker.batch_execute("ROLLBACK").unwrap();

    assert_eq!(status, 422, "{page}");
    assert!(started.elapsed() < std::time::Duration::from_secs(4));
    assert!(
        page.contains("That search was too broad to finish in time."),
        "{page}"
    );
    assert!(
        page.contains("name=\"q\" value=\"refund &#60;b&#62;\""),
        "what was typed is kept, escaped: {page}"
    );
    let running: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
        "(SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() \
         AND state = 'active' AND pid <> pg_backend_pid() \
         AND query LIKE '%FROM (\"conversations\"%')",
    ))
    .get_result(&mut app.db())
    .unwrap();
    assert_eq!(running, 0, "the cancelled search no longer runs");
    // With the lock gone, the same search answers.
    let found = app.get("/conversations?q=refund").await;
    assert_eq!(found.status().as_u16(), 200);
}
