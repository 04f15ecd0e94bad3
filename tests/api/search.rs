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
    hearken::seed::seed(&mut app.db(), 6_000, 30, |_| {}).unwrap();
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
