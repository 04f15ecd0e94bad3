//! Checks that every conversation agrees with its own history (`Conversation::audit`, the same
//! check `hearken check` runs).

use hearken::db::AnyConnection;
use hearken::models::conversation::Conversation;
use hearken::models::report_count::ReportCount;

/// Panics with every conversation whose row disagrees with its notes.
pub fn assert_every_conversation_agrees_with_its_notes(conn: &mut AnyConnection) {
    assert!(Conversation::count(conn).unwrap() > 0, "nothing to check");
    let problems = Conversation::audit(conn).unwrap();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Panics with every report counter (and state counter) that differs from a recount (`hearken check` does the same).
pub fn assert_counters_equal_a_recount(conn: &mut AnyConnection) {
    let mut differences = ReportCount::differences_from_rebuild(conn).unwrap();
    differences.extend(Conversation::state_count_differences(conn).unwrap());
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}
