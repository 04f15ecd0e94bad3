//! Articles up to the 20,000-character limit fit in the form whatever the alphabet; a longer one
//! is refused with the text kept, and a form too large to read is refused with the limit named.

use hearken::domain::Role;

use crate::helpers::{location, spawn_app, Backend};
use crate::on_both_backends;

async fn long_articles_in_any_alphabet_are_saved_or_refused_with_the_text_kept(backend: Backend) {
    let app = spawn_app(backend).await;
    app.signed_in_as(Role::Lead).await;
    // Cyrillic is two bytes a character, six once percent-encoded.
    let long = "ж".repeat(19_000);

    let saved = app
        .submit(
            "/kb/new",
            "/kb",
            &[
                ("title", "Долгая статья"),
                ("slug", "long"),
                ("body", &long),
            ],
        )
        .await;

    assert_eq!(location(&saved), "/kb/long");
    assert!(app.get_html("/kb/long/edit").await.contains(&long));
    let too_long = format!("{}конец", "ю".repeat(24_995));
    let refused = app
        .submit(
            "/kb/new",
            "/kb",
            &[
                ("title", "Ещё длиннее"),
                ("slug", "longer"),
                ("body", &too_long),
            ],
        )
        .await;
    assert_eq!(refused.status().as_u16(), 422);
    let page = refused.text().await.unwrap();
    assert!(page.contains("Articles can be at most 20,000 characters."));
    assert!(page.contains(&too_long), "the text is kept");
    // Larger than any article the page can send: refused before reading, with the limit named.
    let huge = "😀".repeat(30_000);
    let oversize = app
        .submit("/kb/new", "/kb", &[("title", "Huge"), ("body", &huge)])
        .await;
    assert_eq!(oversize.status().as_u16(), 413);
    assert!(oversize.text().await.unwrap().contains("256 KiB"));
    // Small forms stay small.
    let id = app.conversation(
        None,
        hearken::domain::ConversationState::Waiting,
        None,
        "Hi",
    );
    let big_reason = "x".repeat(100 * 1024);
    let close = app
        .act(
            id,
            "close",
            &[
                ("version", "1"),
                ("outcome", "resolved"),
                ("reason", &big_reason),
            ],
        )
        .await;
    assert_eq!(close.status().as_u16(), 413);
    assert!(close.text().await.unwrap().contains("64 KiB"));
}

on_both_backends!(long_articles_in_any_alphabet_are_saved_or_refused_with_the_text_kept);
