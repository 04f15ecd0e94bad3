//! Team settings: saved by leads and admins, refused with reasons when wrong, and obeyed.

use hearken::domain::{Outcome, Role};
use hearken::models::team_settings::TeamSettings;

use crate::helpers::{location, spawn_app, Backend};
use crate::on_both_backends;

const GOOD: [(&str, &str); 11] = [
    ("wait_time_minutes", "5"),
    ("came_back_days", "3"),
    ("auto_close", "on"),
    ("auto_close_after_hours", "48"),
    ("auto_close_outcome", "unresolved"),
    ("time_zone", "America/New_York"),
    ("widget_colour", "#2557d6"),
    ("widget_greeting", "Hello!"),
    ("widget_launcher_text", "Chat with us"),
    ("widget_origins", ""),
    ("bot_min_confidence", "0.6"),
];

async fn a_lead_saves_the_settings_and_the_chat_obeys(backend: Backend) {
    let app = spawn_app(backend).await;
    app.member_signed_in(&app.visitor, "jonas", Role::Lead)
        .await;

    // Human support left unticked: off.
    let response = app.submit("/settings", "/settings", &GOOD).await;

    assert_eq!(location(&response), "/settings");
    assert!(app.get_html("/settings").await.contains("Settings saved."));
    let saved = TeamSettings::get(&mut app.db()).unwrap();
    assert!(!saved.human_support_enabled);
    assert_eq!(
        (saved.wait_time_minutes, saved.auto_close_after_hours),
        (5, 48)
    );
    assert!(saved.auto_close_enabled);
    assert_eq!(saved.auto_close_outcome, Outcome::Unresolved);
    assert_eq!(saved.time_zone.as_str(), "America/New_York");
    assert_eq!(saved.came_back_days, 3);
    assert_eq!(saved.bot_min_confidence, 0.6);
    let visitor = app.new_visitor();
    visitor
        .submit("/chat", "/chat/messages", &[("body", "Hello there")])
        .await;
    assert!(!visitor.get_html("/chat").await.contains("Talk to a person"));
    assert!(app.get_html("/reports").await.contains("America/New_York"));
}

async fn wrong_settings_are_refused_and_kept(backend: Backend) {
    let app = spawn_app(backend).await;
    app.member_signed_in(&app.visitor, "maya", Role::Admin)
        .await;

    let response = app
        .submit(
            "/settings",
            "/settings",
            &[
                ("human_support", "on"),
                ("wait_time_minutes", "121"),
                ("auto_close_after_hours", "0"),
                ("auto_close_outcome", "maybe"),
                ("time_zone", "Mars/Olympus"),
                ("came_back_days", "31"),
                ("bot_min_confidence", "1.5"),
            ],
        )
        .await;

    assert_eq!(response.status().as_u16(), 422);
    let page = response.text().await.unwrap();
    assert!(page.contains("counts new conversations within a whole number of days from 1 to 30."));
    assert!(page.contains("value=\"31\""), "came-back days kept");
    assert!(page.contains("The wait-time target is a whole number of minutes from 1 to 120."));
    assert!(page.contains("from 1 to 720"));
    assert!(page.contains("Choose the outcome of automatic closing"));
    assert!(page.contains("Choose a time zone from the list."));
    assert!(page.contains("value=\"121\""), "input kept");
    assert!(page.contains("The confidence the bot needs to answer is a number from 0 to 1"));
    assert!(page.contains("value=\"1.5\""), "confidence kept");
    let unchanged = TeamSettings::get(&mut app.db()).unwrap();
    assert_eq!(
        (unchanged.wait_time_minutes, unchanged.time_zone.as_str()),
        (15, "UTC")
    );
    assert_eq!(unchanged.bot_min_confidence, 0.5);
}

/// The confidence the bot needs is the team's setting: lowered, the bot answers a question it
/// declined; raised again, it declines it again.
async fn the_bot_answers_as_sure_as_the_team_asks(backend: Backend) {
    let app = spawn_app(backend).await;
    crate::bot::demo_knowledge_base(&app);
    app.member_signed_in(&app.visitor, "maya", Role::Admin)
        .await;
    let page = app.get_html("/settings").await;
    assert!(page.contains("Bot confidence needed to answer"));
    assert!(page.contains("name=\"bot_min_confidence\""));
    assert!(page.contains("value=\"0.5\""));
    // Weak evidence: its best article scores well below the default 0.5.
    let question = "can i rent a bike from you";
    let answered = |html: &str| html.contains("href=\"/help/");
    let before = app.new_visitor();
    before
        .submit("/chat", "/chat/messages", &[("body", question)])
        .await;
    assert!(!answered(&before.get_html("/chat").await));

    let mut lowered = GOOD.to_vec();
    lowered[10] = ("bot_min_confidence", "0.05");
    let saved = app.submit("/settings", "/settings", &lowered).await;
    assert_eq!(location(&saved), "/settings");

    assert_eq!(
        TeamSettings::get(&mut app.db()).unwrap().bot_min_confidence,
        0.05
    );
    let after = app.new_visitor();
    after
        .submit("/chat", "/chat/messages", &[("body", question)])
        .await;
    assert!(answered(&after.get_html("/chat").await));
    app.submit("/settings", "/settings", &GOOD).await;
    let raised = app.new_visitor();
    raised
        .submit("/chat", "/chat/messages", &[("body", question)])
        .await;
    assert!(!answered(&raised.get_html("/chat").await));
}

async fn agents_cannot_change_settings(backend: Backend) {
    let app = spawn_app(backend).await;
    app.member_signed_in(&app.visitor, "priya", Role::Agent)
        .await;
    let token = crate::helpers::csrf_token_in(&app.get_html("/").await);

    assert_eq!(app.get("/settings").await.status().as_u16(), 403);
    let mut form = vec![("csrf_token", token.as_str())];
    form.extend_from_slice(&GOOD);
    assert_eq!(
        app.post_raw("/settings", &form).await.status().as_u16(),
        403
    );
    assert_eq!(
        TeamSettings::get(&mut app.db()).unwrap().wait_time_minutes,
        15
    );
}

on_both_backends!(
    a_lead_saves_the_settings_and_the_chat_obeys,
    wrong_settings_are_refused_and_kept,
    the_bot_answers_as_sure_as_the_team_asks,
    agents_cannot_change_settings,
);
