//! The customer's side of Reports is right by construction: a history of closes, changes of
//! outcome, returns (either side of the came-back window) and verdicts (some arriving after a
//! change of outcome) is replayed at chosen times through the model's own doors; every figure is
//! computed again here from that history alone, and the page, its CSV and its links must agree.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use hearken::db::schema::conversations;
use hearken::domain::lifecycle::{Action, Actor, Member};
use hearken::domain::outcomes::Verdict;
use hearken::domain::{ConversationState, Outcome, Role};
use hearken::models::conversation::{Acted, Conversation};
use hearken::models::report_count::ReportCount;
use hearken::models::verdict::{Given, VerdictRow};

use crate::helpers::{csv_rows, team_zone};
use crate::helpers::{spawn_app, Backend, TestApp};
use crate::on_both_backends;

#[derive(Clone, Copy)]
enum Step {
    TakeOver,
    Close(Outcome),
    AutoClose(Outcome),
    /// The customer starts a new conversation.
    Return,
    Answer(Verdict),
}

struct Case {
    steps: Vec<(Step, &'static str, NaiveDateTime)>,
}

/// The figures of one group (everyone, the bot alone, a member), computed from the history.
#[derive(Default, Debug, PartialEq, Clone, Copy)]
struct Figures {
    closed: i64,
    came_back: i64,
    answered: i64,
    yes: i64,
    disagreements: i64,
}

const WINDOW_DAYS: i64 = 3;

fn expect(cases: &[Case], today: NaiveDateTime) -> (BTreeMap<&'static str, Figures>, (i64, i64)) {
    let mut groups: BTreeMap<&'static str, Figures> = BTreeMap::new();
    let (mut settled_resolved, mut settled_stayed) = (0, 0);
    let first_day = today.date() - Duration::days(29);
    let last_settled = today.date() - Duration::days(WINDOW_DAYS + 1);
    for case in cases {
        let mut involved = false;
        let mut close: Option<(Outcome, &'static str, NaiveDateTime)> = None;
        let mut came_back = false;
        let mut verdict = None;
        for &(step, who, at) in &case.steps {
            match step {
                Step::TakeOver => involved = true,
                Step::Close(outcome) => close = Some((outcome, who, at)),
                Step::AutoClose(outcome) => close = Some((outcome, "automatic", at)),
                Step::Return => {
                    let (_, _, closed_at) = close.unwrap();
                    came_back |= at - closed_at <= Duration::days(WINDOW_DAYS);
                }
                Step::Answer(answer) => verdict = verdict.or(Some(answer)),
            }
        }
        let (outcome, who, at) = close.unwrap();
        if at.date() < first_day {
            continue;
        }
        let resolved = outcome == Outcome::Resolved;
        let mut add = |group: &'static str| {
            let figures = groups.entry(group).or_default();
            figures.closed += 1;
            figures.came_back += i64::from(came_back);
            figures.answered += i64::from(verdict.is_some());
            figures.yes += i64::from(verdict == Some(Verdict::Yes));
            figures.disagreements += i64::from(matches!(
                (resolved, verdict),
                (true, Some(Verdict::No)) | (false, Some(Verdict::Yes))
            ));
        };
        add("Everyone");
        add(if who == "automatic" {
            "Closed automatically"
        } else {
            who
        });
        if !involved {
            add("Bot alone");
        }
        if resolved && at.date() <= last_settled {
            settled_resolved += 1;
            settled_stayed += i64::from(!came_back);
        }
    }
    (groups, (settled_resolved, settled_stayed))
}

fn member(app: &TestApp, name: &'static str, role: Role) -> Actor {
    let user = app.add_member(
        name,
        &format!("{}@example.com", name.to_lowercase()),
        role,
        crate::helpers::PASSWORD,
    );
    Actor::Member(Member {
        id: user.id,
        name: user.name,
        role,
    })
}

fn replay(app: &TestApp, cases: &[Case], people: &BTreeMap<&'static str, Actor>) {
    let mut conn = app.db();
    for (index, case) in cases.iter().enumerate() {
        let id = app.conversation(Some("Customer"), ConversationState::Waiting, None, "Hello");
        let hash = format!("token-{index}");
        let first_at = case.steps[0].2;
        diesel::update(conversations::table.find(id))
            .set((
                conversations::visitor_token_hash.eq(&hash),
                conversations::last_activity_at.eq(first_at - Duration::hours(30)),
            ))
            .execute(&mut conn)
            .unwrap();
        for &(step, who, at) in &case.steps {
            let version = app.stored(id).version;
            let acted = |action, actor: &Actor, conn: &mut _| {
                let zone = team_zone(conn);
                let acted =
                    Conversation::act(conn, id, version, actor, action, zone.at(at)).unwrap();
                assert!(matches!(acted, Acted::Done { .. }), "{acted:?}");
            };
            match step {
                Step::TakeOver => acted(Action::TakeOver, &people[who], &mut conn),
                Step::Close(outcome) => acted(
                    Action::Close {
                        outcome,
                        reason: None,
                    },
                    &people[who],
                    &mut conn,
                ),
                Step::AutoClose(outcome) => acted(
                    Action::AutoClose { outcome, hours: 24 },
                    &Actor::System,
                    &mut conn,
                ),
                Step::Return => {
                    let later =
                        app.conversation(Some("Customer"), ConversationState::Bot, None, "Again");
                    if let Some(earlier) =
                        Conversation::returning_from(&mut conn, Some(&hash), None, at, 3).unwrap()
                    {
                        Conversation::record_return(&mut conn, later, &earlier, at).unwrap();
                    }
                }
                Step::Answer(answer) => {
                    let given = VerdictRow::give(&mut conn, &hash, answer, None, at).unwrap();
                    assert!(matches!(given, Given::Stored { .. }), "{given:?}");
                }
            }
        }
    }
}

async fn customer_figures_match_a_replayed_history(backend: Backend) {
    let app = spawn_app(backend).await;
    let people: BTreeMap<&'static str, Actor> = [
        ("Priya", member(&app, "Priya", Role::Agent)),
        ("Jonas", member(&app, "Jonas", Role::Lead)),
    ]
    .into_iter()
    .collect();
    let now = hearken::models::now();
    let ago = |days: i64, hours: i64| now - Duration::days(days) - Duration::hours(hours);
    let (r, u) = (Outcome::Resolved, Outcome::Unresolved);
    use Step::*;
    let cases = vec![
        // Came back a day later; reclassified by a lead, then the customer's No arrives: it
        // agrees with the new outcome.
        Case {
            steps: vec![
                (TakeOver, "Priya", ago(20, 2)),
                (Close(r), "Priya", ago(20, 0)),
                (Close(u), "Jonas", ago(19, 12)),
                (Return, "", ago(19, 0)),
                (Answer(Verdict::No), "", ago(18, 0)),
            ],
        },
        // Resolved, the customer said No: a disagreement.
        Case {
            steps: vec![
                (TakeOver, "Priya", ago(15, 2)),
                (Close(r), "Priya", ago(15, 0)),
                (Answer(Verdict::No), "", ago(15, -1)),
            ],
        },
        // Closed automatically (the bot alone), the customer said Yes.
        Case {
            steps: vec![
                (AutoClose(r), "", ago(12, 0)),
                (Answer(Verdict::Yes), "", ago(11, 0)),
            ],
        },
        // Inside the window still: provisional.
        Case {
            steps: vec![
                (TakeOver, "Priya", ago(2, 1)),
                (Close(r), "Priya", ago(2, 0)),
            ],
        },
        // Came back after the window: stayed resolved.
        Case {
            steps: vec![(Close(r), "Jonas", ago(10, 0)), (Return, "", ago(5, 0))],
        },
        // Came back just inside the window; unresolved but the customer said Yes.
        Case {
            steps: vec![
                (TakeOver, "Priya", ago(25, 1)),
                (Close(u), "Priya", ago(25, 0)),
                (Answer(Verdict::Yes), "", ago(24, 0)),
                (Return, "", ago(22, 1)),
            ],
        },
        // Resolved, came back just inside the window (a second return changes nothing).
        Case {
            steps: vec![
                (Close(r), "Priya", ago(9, 0)),
                (Return, "", ago(6, 1)),
                (Return, "", ago(6, 0)),
            ],
        },
        // Before the period.
        Case {
            steps: vec![(Close(r), "Priya", ago(40, 0)), (Return, "", ago(39, 0))],
        },
    ];
    replay(&app, &cases, &people);
    let (groups, (settled_resolved, settled_stayed)) = expect(&cases, now);
    assert!(ReportCount::differences_from_rebuild(&mut app.db())
        .unwrap()
        .is_empty());

    app.member_signed_in(&app.visitor, "lead", Role::Lead).await;
    let csv = app.get_html("/reports/customers.csv?period=30").await;
    let rows = csv_rows(&csv);
    let shown: BTreeMap<String, Figures> = rows
        .iter()
        .map(|row| {
            let n = |column: &str| row[column].parse::<i64>().unwrap();
            (
                row["closed by"].clone(),
                Figures {
                    closed: n("closed"),
                    came_back: n("came back"),
                    answered: n("answered"),
                    yes: n("said yes"),
                    disagreements: n("disagreements"),
                },
            )
        })
        .collect();
    for (group, figures) in &groups {
        assert_eq!(shown.get(*group), Some(figures), "{group}: {csv}");
    }
    assert_eq!(groups["Everyone"].disagreements, 2, "the history has two");

    let page = app.get_html("/reports?period=30").await;
    let tile = |id: &str| {
        let start = page.find(&format!("id=\"{id}\"")).unwrap();
        page[start..start + 900].to_owned()
    };
    let stayed =
        format!("{settled_stayed} of {settled_resolved} resolved; 1 later ones provisional");
    assert!(
        tile("tile-stayed").contains(&stayed),
        "{}",
        tile("tile-stayed")
    );
    assert!(tile("tile-disagree").contains(">2</a>"));
    // The disagreements, each linked, and the list behind the tile shows exactly them.
    let disagreeing: Vec<i64> = conversations::table
        .select(conversations::id)
        .filter(
            conversations::id.eq_any(
                hearken::db::schema::verdicts::table
                    .select(hearken::db::schema::verdicts::conversation_id),
            ),
        )
        .load(&mut app.db())
        .unwrap();
    let list_link = page
        .split("id=\"tile-disagree\"")
        .nth(1)
        .and_then(|rest| rest.split("href=\"").nth(1))
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .replace("&#38;", "&");
    let list = app.get_html(&list_link).await;
    let linked: Vec<i64> = disagreeing
        .into_iter()
        .filter(|id| list.contains(&format!("href=\"/conversations/{id}\"")))
        .collect();
    assert_eq!(linked.len(), 2, "{list_link}");
    for id in linked {
        assert!(page.contains(&format!("<a href=\"/conversations/{id}\">#{id}")));
    }
}

on_both_backends!(customer_figures_match_a_replayed_history);

/// The page's text without its tags.
fn text_of(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

/// A wait: escalated at `start`, taken over and answered by `agent` after `answer` seconds;
/// then handed back (the next wait of the same conversation counts on its own).
struct Wait {
    start: NaiveDateTime,
    agent: &'static str,
    answer: i64,
}

/// The `q` quantile by nearest rank of `times`.
fn nearest_rank(mut times: Vec<i64>, q: f64) -> i64 {
    times.sort_unstable();
    let rank = ((q * times.len() as f64).ceil() as usize).max(1);
    times[rank - 1]
}

async fn times_match_a_replayed_history(backend: Backend) {
    use hearken::domain::{Author, SystemEvent};
    use hearken::models::message::{Message, NewMessage};
    let app = spawn_app(backend).await;
    let people: BTreeMap<&'static str, Actor> = [
        ("Priya", member(&app, "Priya", Role::Agent)),
        ("Jonas", member(&app, "Jonas", Role::Lead)),
    ]
    .into_iter()
    .collect();
    let now = hearken::models::now();
    let at = |days: i64, minutes: i64| now - Duration::days(days) + Duration::minutes(minutes);
    // (start of the conversation, its waits, who closes and when).
    let histories: Vec<(NaiveDateTime, Vec<Wait>, &'static str, NaiveDateTime)> = vec![
        (
            at(10, 0),
            vec![
                Wait {
                    start: at(10, 5),
                    agent: "Priya",
                    answer: 40,
                },
                // Handed back, waits again: counted on its own, not from the first wait.
                Wait {
                    start: at(10, 300),
                    agent: "Jonas",
                    answer: 1_800,
                },
            ],
            "Jonas",
            at(10, 400),
        ),
        (
            at(8, 0),
            vec![Wait {
                start: at(8, 1),
                agent: "Priya",
                answer: 600,
            }],
            "Priya",
            at(7, 0),
        ),
        (
            at(5, 0),
            vec![Wait {
                start: at(5, 2),
                agent: "Priya",
                answer: 95,
            }],
            "Priya",
            at(5, 60),
        ),
        (
            at(3, 0),
            vec![Wait {
                start: at(3, 10),
                agent: "Jonas",
                answer: 7_200,
            }],
            "Jonas",
            at(2, 0),
        ),
    ];
    let mut conn = app.db();
    let mut responses: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    let mut resolutions: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    let mut responded: BTreeMap<&str, BTreeSet<i64>> = BTreeMap::new();
    for (started, waits, closer, closed) in &histories {
        let id = app.conversation(Some("Customer"), ConversationState::Bot, None, "Hello");
        diesel::update(conversations::table.find(id))
            .set(conversations::created_at.eq(started))
            .execute(&mut conn)
            .unwrap();
        let act = |conn: &mut _, actor: &Actor, action, when| {
            let version = app.stored(id).version;
            let zone = team_zone(conn);
            let acted = Conversation::act(conn, id, version, actor, action, zone.at(when)).unwrap();
            assert!(matches!(acted, Acted::Done { .. }), "{acted:?}");
        };
        for (index, wait) in waits.iter().enumerate() {
            let escalate = Action::Escalate(SystemEvent::CustomerRequestedHuman);
            act(&mut conn, &Actor::Bot, escalate, wait.start);
            let agent = &people[wait.agent];
            act(
                &mut conn,
                agent,
                Action::TakeOver,
                wait.start + Duration::seconds(1),
            );
            let answered = wait.start + Duration::seconds(wait.answer);
            for extra in 0..2 {
                // The second message of the same wait is not a first response.
                Message::create(
                    &mut conn,
                    &NewMessage {
                        conversation_id: id,
                        author: Author::Agent,
                        author_user_id: agent.member().map(|m| m.id),
                        body: "Hello, I am here.",
                        system_event: None,
                        event_outcome: None,
                        created_at: answered + Duration::seconds(extra * 5),
                    },
                )
                .unwrap();
            }
            responses.entry(wait.agent).or_default().push(wait.answer);
            responses.entry("Everyone").or_default().push(wait.answer);
            responded.entry(wait.agent).or_default().insert(id);
            responded.entry("Everyone").or_default().insert(id);
            if index + 1 < waits.len() {
                act(
                    &mut conn,
                    agent,
                    Action::HandBack,
                    answered + Duration::seconds(30),
                );
            }
        }
        let close = Action::Close {
            outcome: Outcome::Resolved,
            reason: None,
        };
        act(&mut conn, &people[*closer], close, *closed);
        let seconds = (*closed - *started).num_seconds();
        resolutions.entry(closer).or_default().push(seconds);
        resolutions.entry("Everyone").or_default().push(seconds);
    }
    let differences =
        hearken::models::time_count::TimeCount::differences_from_rebuild(&mut conn).unwrap();
    assert!(differences.is_empty(), "{differences:?}");

    app.member_signed_in(&app.visitor, "lead", Role::Lead).await;
    let csv = app.get_html("/reports/times.csv?period=30").await;
    let rows = csv_rows(&csv);
    let row = |label: &str| {
        rows.iter()
            .find(|row| row["scope"] == "member" && row["label"] == label)
            .unwrap_or_else(|| panic!("{label}: {csv}"))
    };
    // Shown to within 5% below a minute's worth, never above the true value.
    let close_to = |shown: &str, exact: i64| {
        let shown: i64 = shown.parse().unwrap();
        shown <= exact && shown as f64 >= exact as f64 * 0.95 - 1.0
    };
    for (figures, count, median, p90) in [
        (
            &responses,
            "first responses",
            "first response median seconds",
            "first response p90 seconds",
        ),
        (
            &resolutions,
            "resolutions",
            "resolution median seconds",
            "resolution p90 seconds",
        ),
    ] {
        for (who, times) in figures {
            let row = row(who);
            assert_eq!(row[count], times.len().to_string(), "{who}");
            for (column, q) in [(median, 0.5), (p90, 0.9)] {
                let exact = nearest_rank(times.clone(), q);
                assert!(
                    close_to(&row[column], exact),
                    "{who} {column}: {} vs {exact}",
                    row[column]
                );
            }
        }
    }
    let page = app.get_html("/reports?period=30").await;
    assert!(page.contains("Response and resolution times"));
    assert!(
        page.contains("per wait"),
        "the definition is beside the figures"
    );
    // Each first-response count clicks through to exactly the conversations answered.
    let table = page
        .split("id=\"times-members-table\"")
        .nth(1)
        .and_then(|rest| rest.split("</table>").next())
        .unwrap();
    let every_id: Vec<i64> = conversations::table
        .select(conversations::id)
        .load(&mut conn)
        .unwrap();
    for (who, expected) in &responded {
        let link = table
            .split(&format!("<th scope=\"row\">{who}</th>"))
            .nth(1)
            .and_then(|rest| rest.split("href=\"").nth(1))
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("{who}: {table}"))
            .replace("&#38;", "&");
        assert!(link.contains("responded_from="), "{who}: {link}");
        let list = app.get_html(&link).await;
        let listed: BTreeSet<i64> = every_id
            .iter()
            .copied()
            .filter(|id| list.contains(&format!("href=\"/conversations/{id}\"")))
            .collect();
        assert_eq!(&listed, expected, "{who}: {link}");
        assert!(list.contains("a first response written"), "{list}");
        if *who != "Everyone" {
            assert!(list.contains(&format!(" by {who}.")), "{list}");
        }
    }
}

on_both_backends!(times_match_a_replayed_history);

async fn an_articles_last_edit_is_judged_before_and_after(backend: Backend) {
    use hearken::db::schema::articles;
    use hearken::domain::{Author, SystemEvent};
    use hearken::models::message::{Message, NewMessage};
    let app = spawn_app(backend).await;
    let priya = member(&app, "Priya", Role::Agent);
    let article = app.article("Returns and refunds");
    let now = hearken::models::now();
    diesel::update(articles::table.find(article))
        .set((
            articles::created_at.eq(now - Duration::days(90)),
            articles::updated_at.eq(now - Duration::days(12)),
        ))
        .execute(&mut app.db())
        .unwrap();
    // (days ago closed, outcome): 12 before the edit (8 unresolved), 10 after (2 unresolved),
    // and some that do not count: on the edit's day, or before the 30 days.
    let mut closes: Vec<(i64, Outcome)> = Vec::new();
    closes.extend((0..8).map(|i| (14 + i, Outcome::Unresolved)));
    closes.extend((0..4).map(|i| (20 + i, Outcome::Resolved)));
    closes.extend((0..2).map(|i| (3 + i, Outcome::Unresolved)));
    closes.extend((0..8).map(|i| (2 + i, Outcome::Resolved)));
    closes.push((12, Outcome::Unresolved));
    closes.push((50, Outcome::Unresolved));
    let mut conn = app.db();
    for (days, outcome) in &closes {
        let id = app.conversation(Some("Customer"), ConversationState::Waiting, None, "Hi");
        let cited = Message::create(
            &mut conn,
            &NewMessage {
                conversation_id: id,
                author: Author::Bot,
                author_user_id: None,
                body: "See this article.",
                system_event: None::<SystemEvent>,
                event_outcome: None,
                created_at: now - Duration::days(60),
            },
        )
        .unwrap();
        Message::cite(&mut conn, cited.id, article).unwrap();
        let close = Action::Close {
            outcome: *outcome,
            reason: None,
        };
        let at = now - Duration::days(*days);
        let zone = team_zone(&mut conn);
        let acted = Conversation::act(&mut conn, id, 1, &priya, close, zone.at(at)).unwrap();
        assert!(matches!(acted, Acted::Done { .. }), "{acted:?}");
    }
    // Counted independently: which side of the edit's day each close falls on.
    let edit_day = (now - Duration::days(12)).date();
    let side = |before: bool| {
        let chosen: Vec<&(i64, Outcome)> = closes
            .iter()
            .filter(|(days, _)| {
                let day = (now - Duration::days(*days)).date();
                let gap = (day - edit_day).num_days();
                if before {
                    (-30..0).contains(&gap)
                } else {
                    (1..=30).contains(&gap)
                }
            })
            .collect();
        let unresolved = chosen
            .iter()
            .filter(|(_, o)| *o == Outcome::Unresolved)
            .count();
        (
            unresolved as f64 * 100.0 / chosen.len() as f64,
            chosen.len(),
        )
    };
    let ((before_share, before_n), (after_share, after_n)) = (side(true), side(false));
    let shown = |share: f64| format!("{share:.1}%");
    let expected = format!(
        "{} unresolved of {before_n} before → {} of {after_n} after",
        shown(before_share),
        shown(after_share)
    );
    app.member_signed_in(&app.visitor, "lead", Role::Lead).await;
    let reports = app.get_html("/reports?period=90").await;
    assert!(text_of(&reports).contains(&expected), "{expected}");
    // Each side's count clicks through to exactly its conversations.
    let cell = reports
        .split("class=\"edit-effect\"")
        .nth(1)
        .and_then(|rest| rest.split("</td>").next())
        .unwrap();
    let links: Vec<String> = cell
        .split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|link| link.replace("&#38;", "&"))
        .collect();
    assert_eq!(links.len(), 2, "{cell}");
    for (link, n) in links.iter().zip([before_n, after_n]) {
        let list = app.get_html(link).await;
        let rows = list.matches("href=\"/conversations/").count();
        assert_eq!(rows, n, "{link}");
    }
    assert!(
        !reports.contains("too few to judge</span></td></tr>"),
        "12 and 10 are enough"
    );
    let page = app.get_html("/kb/returns-and-refunds").await;
    assert!(
        page.contains("Did the last edit help?") && text_of(&page).contains(&expected),
        "{page}"
    );
}

on_both_backends!(an_articles_last_edit_is_judged_before_and_after);
