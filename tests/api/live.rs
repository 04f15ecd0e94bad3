//! Live support: the overview and the board of waiting cards and one's own conversations.

use hearken::domain::{ConversationState, Role};

use crate::helpers::{spawn_app, Backend};
use crate::on_both_backends;

async fn the_home_page_shows_the_overview_numbers(backend: Backend) {
    let app = spawn_app(backend).await;
    app.hearken(&["demo"], "");
    app.sign_in("lena@demo.hearken.test", hearken::demo::DEMO_PASSWORD)
        .await;

    let home = app.get_html("/").await;

    assert!(home.contains("Waiting now"));
    assert!(
        home.contains("id=\"waiting-now\">6<"),
        "six demo conversations are waiting"
    );
    assert!(home.contains("Resolved, last 7 days"));
}

async fn live_support_shows_waiting_cards_until_someone_takes_them(backend: Backend) {
    let app = spawn_app(backend).await;
    app.member_signed_in(&app.visitor, "priya", Role::Agent)
        .await;
    let tom = app.new_visitor();
    app.member_signed_in(&tom, "tom", Role::Agent).await;
    let named = app.conversation(
        Some("Noor Haddad"),
        ConversationState::Waiting,
        None,
        "Can I talk to a person?",
    );
    let anonymous = app.conversation(None, ConversationState::Waiting, None, "Hello?");
    app.conversation(None, ConversationState::Bot, None, "Bot-only question");

    let board = tom.get_html("/live/board").await;
    assert!(board.contains("Noor Haddad"));
    assert!(board.contains(&format!("Visitor #{}", app.stored(anonymous).customer_id)));
    assert!(board.contains("Can I talk to a person?"));
    assert!(board.contains("Waiting for less than a minute"));
    assert!(
        !board.contains("Bot-only question"),
        "bot conversations are not waiting"
    );
    app.act(named, "take-over", &[("version", "1")]).await;

    let toms_board = tom.get_html("/live/board").await;
    let priyas_board = app.get_html("/live/board").await;
    assert!(
        !toms_board.contains("Noor Haddad"),
        "the card left Waiting for everyone"
    );
    let mine = priyas_board.split("My conversations").nth(1).unwrap();
    assert!(
        mine.contains("Noor Haddad"),
        "and joined Priya's conversations"
    );
    let home = app.get_html("/").await;
    assert!(home.contains("data-live-board=\"/live/board\""));
}

on_both_backends!(
    the_home_page_shows_the_overview_numbers,
    live_support_shows_waiting_cards_until_someone_takes_them,
);
