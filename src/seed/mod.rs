//! `hearken seed`: fills a database quickly with realistic synthetic conversations for
//! measuring Hearken at scale (bulk inserts with ids chosen here, then the report counters are
//! rebuilt in SQL). Deterministic for a given size and day.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::per_backend::restart_id_sequences;
use crate::db::schema::{
    articles, citations, closure_log, conversations, customers, messages, verdicts,
};
use crate::db::AnyConnection;
use crate::demo::Dice;
use crate::domain::outcomes::{Closer, Verdict};
use crate::domain::time::local_day;
use crate::domain::{
    hash_password, Author, ConversationState, Email, Outcome, Password, PersonName, Role,
    SystemEvent,
};
use crate::models::article::{Article, NewArticle};
use crate::models::report_count::ReportCount;
use crate::models::team_settings::TeamSettings;
use crate::models::user::{NewUser, User};

/// Sign-ins of the seeded team (password for all: [`SEED_PASSWORD`]).
pub const SEED_PASSWORD: &str = "hearken-seed";
pub const SEED_LEAD: &str = "lead@seed.hearken.test";

const BATCH: usize = 2_000;

mod rows;
use rows::{
    insert_rows, SeedCitation, SeedClosure, SeedConversation, SeedCustomer, SeedMessage,
    SeedVerdict,
};

/// What was written.
#[derive(Debug, Default)]
pub struct SeedSummary {
    pub conversations: usize,
    pub messages: usize,
}

fn max_id(conn: &mut AnyConnection, table: &str) -> QueryResult<i64> {
    #[derive(QueryableByName)]
    struct Max {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    Ok(diesel::sql_query(format!(
        "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) AS id FROM {table}"
    ))
    .get_result::<Max>(conn)?
    .id)
}

/// The seeded team's shared password, hashed. Hashing is deliberately slow: do it before taking
/// a connection from the pool.
pub fn password_hash() -> anyhow::Result<String> {
    hash_password(&Password::parse(SEED_PASSWORD).map_err(anyhow::Error::msg)?)
}

/// The seed team (with password `hash`) and knowledge base, created on first use.
fn team_and_articles(
    conn: &mut AnyConnection,
    hash: &str,
) -> anyhow::Result<(Vec<User>, User, Vec<i64>)> {
    let mut agents = Vec::new();
    let mut lead = None;
    let people = [
        ("Seed Lead", SEED_LEAD, Role::Lead),
        ("Ana Seed", "ana@seed.hearken.test", Role::Agent),
        ("Ben Seed", "ben@seed.hearken.test", Role::Agent),
        ("Cy Seed", "cy@seed.hearken.test", Role::Agent),
        ("Dee Seed", "dee@seed.hearken.test", Role::Agent),
        ("Eli Seed", "eli@seed.hearken.test", Role::Agent),
        ("Fay Seed", "fay@seed.hearken.test", Role::Agent),
    ];
    for (name, email, role) in people {
        let email = Email::parse(email).map_err(anyhow::Error::msg)?;
        let user = match User::find_by_email(conn, &email)? {
            Some(user) => user,
            None => {
                let name = PersonName::parse(name).map_err(anyhow::Error::msg)?;
                User::create(conn, &NewUser::new(&name, &email, hash, role))?
            }
        };
        if role == Role::Lead {
            lead = Some(user);
        } else {
            agents.push(user);
        }
    }
    let mut article_ids: Vec<i64> = articles::table
        .select(articles::id)
        .order(articles::id)
        .load(conn)?;
    let now = crate::models::now();
    for n in article_ids.len()..40 {
        let title = format!("Help topic {}", n + 1);
        let slug = format!("help-topic-{}", n + 1);
        article_ids.push(
            Article::create(
                conn,
                &NewArticle {
                    title: &title,
                    slug: &slug,
                    body: "Steps, details and when to contact us.",
                    also_asked: "",
                    published: true,
                    created_at: now,
                    updated_at: now,
                },
            )?
            .id,
        );
    }
    let lead = lead.ok_or_else(|| anyhow::anyhow!("the seed team has no lead"))?;
    Ok((agents, lead, article_ids))
}

/// A seeded conversation's history as it is written, with its clock.
struct History<'a> {
    rows: &'a mut Vec<SeedMessage>,
    next_id: &'a mut i64,
    conversation_id: i64,
    clock: NaiveDateTime,
}

/// A system note: what happened, who did it, and the outcome shown beside it.
struct Note<'a> {
    event: SystemEvent,
    by: Option<&'a User>,
    outcome: Option<Outcome>,
}

impl History<'_> {
    /// Adds a message `after_minutes` after the last one; returns its id.
    fn say(&mut self, author: Author, by: Option<i64>, body: &str, after_minutes: i64) -> i64 {
        let message = self.next(after_minutes);
        self.rows.push(SeedMessage {
            author,
            author_user_id: by,
            body: body.to_owned(),
            ..message
        });
        self.rows[self.rows.len() - 1].id
    }

    /// Adds a system note worded exactly as the product writes it.
    fn note(&mut self, note: Note<'_>, auto_close_hours: i32, after_minutes: i64) -> i64 {
        let message = self.next(after_minutes);
        let name = note.by.map(|u| u.name.as_str());
        self.rows.push(SeedMessage {
            author_user_id: note.by.map(|u| u.id),
            body: note.event.note(name, Some(auto_close_hours)),
            system_event: Some(note.event),
            event_outcome: note.outcome,
            ..message
        });
        self.rows[self.rows.len() - 1].id
    }

    /// The next message's id and time, as a system message without text.
    fn next(&mut self, after_minutes: i64) -> SeedMessage {
        self.clock += Duration::minutes(after_minutes);
        let id = *self.next_id;
        *self.next_id += 1;
        SeedMessage {
            id,
            conversation_id: self.conversation_id,
            author: Author::System,
            author_user_id: None,
            body: String::new(),
            system_event: None,
            event_outcome: None,
            created_at: self.clock,
        }
    }
}

/// Writes `count` conversations spread over the last `days` days; the team signs in with the
/// password whose hash is `password_hash` ([`password_hash`]).
pub fn seed(
    conn: &mut AnyConnection,
    password_hash: &str,
    count: usize,
    days: i64,
    mut progress: impl FnMut(usize),
) -> anyhow::Result<SeedSummary> {
    use ConversationState::*;
    let (agents, lead, article_ids) = team_and_articles(conn, password_hash)?;
    let settings = TeamSettings::get(conn)?;
    let zone = settings.time_zone.tz();
    let hours = settings.auto_close_after_hours;
    let now = crate::models::now();
    let mut dice = Dice(0x5EED_0000_0000_0000 ^ count as u64);
    let mut next_customer = max_id(conn, "customers")? + 1;
    let mut next_conversation = max_id(conn, "conversations")? + 1;
    let mut next_message = max_id(conn, "messages")? + 1;
    let mut next_citation = max_id(conn, "citations")? + 1;
    let mut next_closure = max_id(conn, "closure_log")? + 1;
    let mut summary = SeedSummary::default();
    let mut done = 0;
    while done < count {
        let size = BATCH.min(count - done);
        let mut customer_rows = Vec::with_capacity(size);
        let mut conversation_rows = Vec::with_capacity(size);
        let mut message_rows = Vec::with_capacity(size * 5);
        let mut citation_rows = Vec::with_capacity(size);
        let mut closure_rows = Vec::with_capacity(size);
        let mut verdict_rows = Vec::with_capacity(size / 3);
        for _ in 0..size {
            let customer = next_customer;
            next_customer += 1;
            let id = next_conversation;
            next_conversation += 1;
            let started = now - Duration::seconds(60 + dice.below((days * 86_400) as u64) as i64);
            let anonymous = dice.percent(25);
            customer_rows.push(SeedCustomer {
                id: customer,
                name: (!anonymous).then(|| format!("Customer {customer}")),
                email: (!anonymous).then(|| format!("customer{customer}@example.com")),
                notes: "",
                created_at: started,
            });
            let mut history = History {
                rows: &mut message_rows,
                next_id: &mut next_message,
                conversation_id: id,
                clock: started,
            };
            history.say(Author::Customer, None, "How do I do this?", 0);
            let answer = history.say(Author::Bot, None, "This article should help.", 1);
            let topic = dice.below(article_ids.len() as u64) as usize;
            citation_rows.push(SeedCitation {
                id: next_citation,
                message_id: answer,
                article_id: article_ids[topic],
            });
            next_citation += 1;
            let roll = dice.below(100);
            let open_state = match roll {
                0..=5 => Some(Bot),
                6 if now - started < Duration::hours(2) => Some(Waiting),
                7 if now - started < Duration::hours(2) => Some(Agent),
                _ => None,
            };
            let involved = open_state != Some(Bot) && dice.percent(40);
            let agent = &agents[dice.below(agents.len() as u64) as usize];
            if involved || open_state == Some(Waiting) {
                let asked = Note {
                    event: SystemEvent::CustomerRequestedHuman,
                    by: None,
                    outcome: None,
                };
                history.note(asked, hours, 1);
            }
            let waiting_since = (open_state == Some(Waiting)).then_some(history.clock);
            if involved {
                let joined = Note {
                    event: SystemEvent::Joined,
                    by: Some(agent),
                    outcome: None,
                };
                history.note(joined, hours, 4);
                history.say(
                    Author::Agent,
                    Some(agent.id),
                    "Let me check that for you.",
                    2,
                );
            }
            let mut row = SeedConversation {
                id,
                customer_id: customer,
                state: open_state.unwrap_or(Closed),
                assignee_id: (open_state == Some(Agent)).then_some(agent.id),
                outcome: None,
                closed_by_id: None,
                closed_at: None,
                waiting_since,
                last_activity_at: history.clock,
                agent_involved: involved,
                version: 1,
                created_at: started,
                visitor_token_hash: None,
                report_day: None,
                came_back_at: None,
            };
            if row.state == Agent && !involved {
                row.state = Waiting;
                row.assignee_id = None;
                row.waiting_since = Some(history.clock);
            }
            if open_state.is_none() {
                // Articles differ: some leave customers unresolved far more often.
                let unresolved_percent =
                    10 + (topic as u64 * 7) % 45 + if involved { 5 } else { 0 };
                let outcome = if dice.percent(unresolved_percent) {
                    Outcome::Unresolved
                } else {
                    Outcome::Resolved
                };
                let closer = (involved || dice.percent(50)).then_some(agent);
                let closed = Note {
                    event: match closer {
                        Some(_) => SystemEvent::Closed,
                        None => SystemEvent::AutoClosed,
                    },
                    by: closer,
                    outcome: Some(outcome),
                };
                history.note(closed, hours, 5 + dice.below(120) as i64);
                closure_rows.push(SeedClosure {
                    id: next_closure,
                    conversation_id: id,
                    outcome,
                    replaced_outcome: None,
                    actor_user_id: closer.map(|u| u.id),
                    reason: None,
                    closed_at: history.clock,
                });
                next_closure += 1;
                let (mut final_outcome, mut final_closer) = (outcome, closer.map(|u| u.id));
                if dice.percent(3) {
                    let changed = outcome.other();
                    let reclosed = Note {
                        event: SystemEvent::Closed,
                        by: Some(&lead),
                        outcome: Some(changed),
                    };
                    history.note(reclosed, hours, 60 + dice.below(2_000) as i64);
                    closure_rows.push(SeedClosure {
                        id: next_closure,
                        conversation_id: id,
                        outcome: changed,
                        replaced_outcome: Some(outcome),
                        actor_user_id: Some(lead.id),
                        reason: Some("Reviewed"),
                        closed_at: history.clock,
                    });
                    next_closure += 1;
                    (final_outcome, final_closer) = (changed, Some(lead.id));
                }
                // Closing in the future would be odd: keep the last event in the past.
                let closed_at = history.clock.min(now);
                row.outcome = Some(final_outcome);
                row.closed_by_id = final_closer;
                row.closed_at = Some(closed_at);
                row.report_day = Some(local_day(closed_at, zone));
                row.last_activity_at = closed_at;
                row.version = 2;
                // The customer's side: some came back within the window, a third answered.
                if dice.percent(8) {
                    row.came_back_at = Some(closed_at + Duration::hours(1 + dice.below(60) as i64));
                }
                if dice.percent(33) {
                    let agrees = !dice.percent(12);
                    let answer = match (final_outcome, agrees) {
                        (Outcome::Resolved, true) | (Outcome::Unresolved, false) => Verdict::Yes,
                        _ => Verdict::No,
                    };
                    verdict_rows.push(SeedVerdict {
                        conversation_id: id,
                        answer,
                        comment: None,
                        outcome: final_outcome,
                        closer: Closer::of(
                            final_closer,
                            Some(if final_closer.is_some() {
                                SystemEvent::Closed
                            } else {
                                SystemEvent::AutoClosed
                            }),
                        ),
                        closed_by_id: final_closer,
                        created_at: closed_at,
                    });
                }
            }
            conversation_rows.push(row);
        }
        crate::db::write_transaction::<_, anyhow::Error, _>(conn, |conn| {
            crate::db::per_backend::quiet_for_this_transaction(conn)?;
            insert_rows!(conn, customers::table, &customer_rows);
            insert_rows!(conn, conversations::table, &conversation_rows);
            // SQLite takes at most 32,766 parameters a statement: 3,000 rows of 8 columns.
            for chunk in message_rows.chunks(3_000) {
                insert_rows!(conn, messages::table, chunk);
            }
            insert_rows!(conn, citations::table, &citation_rows);
            insert_rows!(conn, closure_log::table, &closure_rows);
            for chunk in verdict_rows.chunks(3_000) {
                insert_rows!(conn, verdicts::table, chunk);
            }
            Ok(())
        })?;
        summary.conversations += size;
        summary.messages += message_rows.len();
        done += size;
        progress(done);
    }
    restart_id_sequences(
        conn,
        &[
            "customers",
            "conversations",
            "messages",
            "citations",
            "closure_log",
        ],
    )?;
    ReportCount::rebuild(conn, zone)?;
    crate::models::time_count::TimeCount::rebuild(conn, zone)?;
    // Fresh statistics, or PostgreSQL plans the new rows blind (seen: 17 ms instead of 0.3 ms
    // for one query of the conversation view). Both backends know ANALYZE.
    diesel::connection::SimpleConnection::batch_execute(conn, "ANALYZE")?;
    Ok(summary)
}
