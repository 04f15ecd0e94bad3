//! Checks that every conversation agrees with its own history (`Conversation::audit`, the same
//! check `hearken check` runs).

use hearken::db::AnyConnection;
use hearken::models::conversation::Conversation;

/// Panics with every conversation whose row disagrees with its notes.
pub fn assert_every_conversation_agrees_with_its_notes(conn: &mut AnyConnection) {
    assert!(Conversation::count(conn).unwrap() > 0, "nothing to check");
    let problems = Conversation::audit(conn).unwrap();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
