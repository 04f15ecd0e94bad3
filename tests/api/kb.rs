//! Writing the knowledge base: leads and admins write, agents read, the bot answers from what
//! is published.

use hearken::domain::Role;

use crate::helpers::{location, spawn_app, Backend};
use crate::on_both_backends;

async fn a_lead_writes_an_article_the_bot_then_cites(backend: Backend) {
    let app = spawn_app(backend).await;
    app.member_signed_in(&app.visitor, "jonas", Role::Lead)
        .await;

    let response = app
        .submit(
            "/kb/new",
            "/kb",
            &[
                ("title", "Reset your password"),
                ("slug", ""),
                (
                    "body",
                    "Forgot your password? Use the reset link on the sign-in page.",
                ),
                ("published", "on"),
            ],
        )
        .await;

    assert_eq!(location(&response), "/kb/reset-your-password");
    assert!(app.get_html("/kb").await.contains("Reset your password"));
    let visitor = app.new_visitor();
    visitor
        .submit(
            "/chat",
            "/chat/messages",
            &[("body", "I forgot my password")],
        )
        .await;
    assert!(visitor
        .get_html("/chat")
        .await
        .contains("href=\"/help/reset-your-password\""));
    // Unpublished, the bot no longer uses it and visitors cannot read it.
    app.submit(
        "/kb/reset-your-password/edit",
        "/kb/reset-your-password",
        &[
            ("title", "Reset your password"),
            ("slug", "reset-your-password"),
            ("body", "Draft text"),
        ],
    )
    .await;
    assert_eq!(
        visitor
            .get("/help/reset-your-password")
            .await
            .status()
            .as_u16(),
        404
    );
    let other = app.new_visitor();
    other
        .submit(
            "/chat",
            "/chat/messages",
            &[("body", "I forgot my password")],
        )
        .await;
    assert!(!other
        .get_html("/chat")
        .await
        .contains("/help/reset-your-password"));
}

async fn article_mistakes_are_explained_and_kept(backend: Backend) {
    let app = spawn_app(backend).await;
    app.member_signed_in(&app.visitor, "maya", Role::Admin)
        .await;
    app.submit(
        "/kb/new",
        "/kb",
        &[
            ("title", "Refunds"),
            ("body", "Five days."),
            ("published", "on"),
        ],
    )
    .await;

    let empty = app
        .submit("/kb/new", "/kb", &[("title", ""), ("body", "")])
        .await;
    assert_eq!(empty.status().as_u16(), 422);
    let page = empty.text().await.unwrap();
    assert!(page.contains("Give the article a title."));
    assert!(page.contains("Write the article&#39;s text."), "{page}");
    let taken = app
        .submit(
            "/kb/new",
            "/kb",
            &[
                ("title", "Refunds again"),
                ("slug", "refunds"),
                ("body", "Kept body"),
            ],
        )
        .await;
    assert_eq!(taken.status().as_u16(), 422);
    let page = taken.text().await.unwrap();
    assert!(page.contains("Another article already uses this address"));
    assert!(page.contains(">Kept body</textarea>"));
    let bad_slug = app
        .submit(
            "/kb/new",
            "/kb",
            &[("title", "X"), ("slug", "Not OK"), ("body", "b")],
        )
        .await;
    assert_eq!(bad_slug.status().as_u16(), 422);
    assert_eq!(
        app.get("/kb/nothing-here/edit").await.status().as_u16(),
        404
    );
}

async fn agents_read_but_do_not_write(backend: Backend) {
    let app = spawn_app(backend).await;
    let lead = app.new_visitor();
    app.member_signed_in(&lead, "jonas", Role::Lead).await;
    lead.submit(
        "/kb/new",
        "/kb",
        &[
            ("title", "Refunds"),
            ("body", "Five days."),
            ("published", "on"),
        ],
    )
    .await;
    lead.submit(
        "/kb/new",
        "/kb",
        &[("title", "Secret draft"), ("body", "Not yet.")],
    )
    .await;
    app.member_signed_in(&app.visitor, "priya", Role::Agent)
        .await;
    let token = crate::helpers::csrf_token_in(&app.get_html("/").await);

    assert_eq!(app.get("/kb/refunds").await.status().as_u16(), 200);
    assert_eq!(
        app.get("/kb/secret-draft").await.status().as_u16(),
        404,
        "drafts are for editors"
    );
    assert_eq!(app.get("/kb").await.status().as_u16(), 403);
    assert_eq!(app.get("/kb/new").await.status().as_u16(), 403);
    assert_eq!(app.get("/kb/refunds/edit").await.status().as_u16(), 403);
    let write = app
        .post_raw(
            "/kb/refunds",
            &[
                ("csrf_token", &token),
                ("title", "Hacked"),
                ("slug", "refunds"),
                ("body", "x"),
                ("published", "on"),
            ],
        )
        .await;
    assert_eq!(write.status().as_u16(), 403);
    assert!(app.get_html("/kb/refunds").await.contains("Five days."));
}

/// Customers who ask in words the article never uses find it by its "Also asked as" line,
/// which the editor keeps and visitors never see.
async fn the_bot_finds_an_article_by_how_customers_ask(backend: Backend) {
    let app = spawn_app(backend).await;
    app.member_signed_in(&app.visitor, "jonas", Role::Lead)
        .await;
    let article = |also_asked: &'static str| {
        [
            ("title", "Klarna financing"),
            ("slug", "klarna-financing"),
            (
                "body",
                "Orders over 200 euros can be spread over 6, 12 or 24 months with Klarna.",
            ),
            ("also_asked", also_asked),
            ("published", "on"),
        ]
    };
    app.submit("/kb/new", "/kb", &article("")).await;
    let question = "can i pay off a wheelset bit by bit";
    let before = app.new_visitor();
    before
        .submit("/chat", "/chat/messages", &[("body", question)])
        .await;
    assert!(!before
        .get_html("/chat")
        .await
        .contains("/help/klarna-financing"));

    app.submit(
        "/kb/klarna-financing/edit",
        "/kb/klarna-financing",
        &article("pay off bit by bit,\n  pay in parts "),
    )
    .await;

    let editor = app.get_html("/kb/klarna-financing/edit").await;
    assert!(editor.contains(">pay off bit by bit, pay in parts</textarea>"));
    assert!(app.get_html("/kb/klarna-financing").await.contains(
        "Also asked as (the bot's, not shown to visitors): pay off bit by bit, pay in parts"
    ));
    let after = app.new_visitor();
    after
        .submit("/chat", "/chat/messages", &[("body", question)])
        .await;
    assert!(after
        .get_html("/chat")
        .await
        .contains("href=\"/help/klarna-financing\""));
    let public = after.get_html("/help/klarna-financing").await;
    assert!(public.contains("spread over 6, 12 or 24 months"));
    assert!(!public.contains("bit by bit"));
}

on_both_backends!(
    a_lead_writes_an_article_the_bot_then_cites,
    the_bot_finds_an_article_by_how_customers_ask,
    article_mistakes_are_explained_and_kept,
    agents_read_but_do_not_write,
);
