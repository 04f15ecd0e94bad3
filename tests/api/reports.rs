//! Reports are right by construction: a known history is replayed at chosen times through the
//! same code path as the buttons, every figure is computed again here from that history, and
//! the page and its CSV files must agree.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Europe::Berlin;
use diesel::prelude::*;
use hearken::domain::lifecycle::{Action, Actor, Member};
use hearken::domain::{Author, ConversationState, Outcome, Role};
use hearken::models::conversation::{Acted, Conversation};
use hearken::models::message::{Message, NewMessage};

use crate::helpers::{cells, csv_rows, location, spawn_app, Backend, TestApp};
use crate::on_both_backends;

fn utc(month: u32, day: u32, hour: u32, minute: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, month, day)
        .unwrap()
        .and_hms_opt(hour, minute, 0)
        .unwrap()
}

fn local_day(at: NaiveDateTime) -> NaiveDate {
    Berlin.from_utc_datetime(&at).date_naive()
}

/// One step of the history.
#[derive(Clone, Copy)]
enum Step {
    TakeOver,
    Close(Outcome),
    Reopen,
}

struct Case {
    conversation: i64,
    steps: Vec<(Step, &'static str, NaiveDateTime)>,
}

/// What this test expects, computed from the history alone.
#[derive(Default, Debug, PartialEq)]
struct Expected {
    by_day: BTreeMap<NaiveDate, (i64, i64)>,
    bot: (i64, i64),
    agent: (i64, i64),
    members: BTreeMap<&'static str, (i64, i64, i64)>,
    changed: i64,
}

fn expect(cases: &[Case], from: NaiveDate, to: NaiveDate) -> Expected {
    let mut expected = Expected::default();
    for case in cases {
        let mut involved = false;
        let mut last: Option<(Outcome, &'static str, NaiveDateTime)> = None;
        for &(step, who, at) in &case.steps {
            match step {
                Step::TakeOver => involved = true,
                Step::Close(outcome) => {
                    let day = local_day(at);
                    if last.is_some() && day >= from && day <= to {
                        expected.changed += 1;
                        expected.members.entry(who).or_default().2 += 1;
                    }
                    last = Some((outcome, who, at));
                }
                Step::Reopen => last = None,
            }
        }
        let Some((outcome, who, at)) = last else {
            continue;
        };
        let day = local_day(at);
        if day < from || day > to {
            continue;
        }
        let resolved = i64::from(outcome == Outcome::Resolved);
        let slot = expected.by_day.entry(day).or_default();
        slot.0 += resolved;
        slot.1 += 1 - resolved;
        let group = if involved {
            &mut expected.agent
        } else {
            &mut expected.bot
        };
        group.0 += resolved;
        group.1 += 1 - resolved;
        let member = expected.members.entry(who).or_default();
        member.0 += resolved;
        member.1 += 1 - resolved;
    }
    expected
}

fn actor(app: &TestApp, name: &'static str, role: Role) -> Actor {
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

fn cite(app: &TestApp, conversation: i64, articles: &[i64]) {
    let mut conn = app.db();
    let message = Message::create(
        &mut conn,
        &NewMessage {
            conversation_id: conversation,
            author: Author::Bot,
            author_user_id: None,
            body: "This article should help.",
            system_event: None,
            event_outcome: None,
            created_at: utc(10, 1, 0, 0),
        },
    )
    .unwrap();
    for article in articles {
        Message::cite(&mut conn, message.id, *article).unwrap();
    }
}

fn replay(app: &TestApp, cases: &[Case], people: &BTreeMap<&'static str, Actor>) {
    let mut conn = app.db();
    let zone = crate::helpers::team_zone(&mut conn);
    for case in cases {
        for (version, &(step, who, at)) in case.steps.iter().enumerate() {
            let action = match step {
                Step::TakeOver => Action::TakeOver,
                Step::Close(outcome) => Action::Close {
                    outcome,
                    reason: None,
                },
                Step::Reopen => Action::Reopen,
            };
            let acted = Conversation::act(
                &mut conn,
                case.conversation,
                version as i64 + 1,
                &people[who],
                action,
                zone.at(at),
            )
            .unwrap();
            assert!(matches!(acted, Acted::Done { .. }), "{acted:?}");
        }
    }
}

/// The rows of a CSV body, without the header, read as a spreadsheet splitting on `delimiter`.
fn rows_split_on(delimiter: u8, body: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(body.as_bytes())
        .records()
        .map(|row| row.expect("a CSV row").iter().map(str::to_owned).collect())
        .collect()
}

async fn figures_match_a_history_replayed_across_time_zone_edges(backend: Backend) {
    let app = spawn_app(backend).await;
    diesel::update(hearken::db::schema::team_settings::table)
        .set(hearken::db::schema::team_settings::time_zone.eq("Europe/Berlin"))
        .execute(&mut app.db())
        .unwrap();
    let people: BTreeMap<&'static str, Actor> = [
        ("Priya", actor(&app, "Priya", Role::Agent)),
        ("Jonas", actor(&app, "Jonas", Role::Lead)),
        ("Maya", actor(&app, "Maya", Role::Admin)),
    ]
    .into_iter()
    .collect();
    let waiting = |name| app.conversation(Some(name), ConversationState::Waiting, None, "Hello");
    let (x, y) = (
        app.article("Warranty claims"),
        app.article("Damaged delivery"),
    );
    let r = Step::Close(Outcome::Resolved);
    let u = Step::Close(Outcome::Unresolved);
    let cases = vec![
        // 22:30 UTC on Oct 10 is 00:30 on Oct 11 in Berlin (summer time).
        Case {
            conversation: waiting("A"),
            steps: vec![
                (Step::TakeOver, "Priya", utc(10, 10, 20, 0)),
                (r, "Priya", utc(10, 10, 22, 30)),
            ],
        },
        // 21:29 UTC is 23:29 local: still Oct 10.
        Case {
            conversation: waiting("B"),
            steps: vec![(u, "Priya", utc(10, 10, 21, 29))],
        },
        // Closed Oct 5, reclassified Oct 20 by a lead: it moves to Oct 20 as unresolved.
        Case {
            conversation: waiting("C"),
            steps: vec![
                (r, "Priya", utc(10, 5, 10, 0)),
                (u, "Jonas", utc(10, 20, 9, 0)),
            ],
        },
        // Reopened: it leaves the report.
        Case {
            conversation: waiting("D"),
            steps: vec![
                (r, "Priya", utc(10, 12, 10, 0)),
                (Step::Reopen, "Maya", utc(10, 13, 10, 0)),
            ],
        },
        Case {
            conversation: waiting("E"),
            steps: vec![(r, "Priya", utc(10, 15, 12, 0))],
        },
        Case {
            conversation: waiting("F"),
            steps: vec![
                (Step::TakeOver, "Priya", utc(10, 15, 12, 30)),
                (u, "Priya", utc(10, 15, 13, 0)),
            ],
        },
        // The previous period.
        Case {
            conversation: waiting("G"),
            steps: vec![(r, "Priya", utc(9, 28, 10, 0))],
        },
        // Winter time from Oct 25: 23:30 UTC is 00:30 on Oct 26; on Oct 24 22:30 UTC is 00:30 Oct 25.
        Case {
            conversation: waiting("H"),
            steps: vec![(u, "Priya", utc(10, 25, 23, 30))],
        },
        Case {
            conversation: waiting("I"),
            steps: vec![(r, "Priya", utc(10, 24, 22, 30))],
        },
        // 23:30 UTC on Oct 31 is Nov 1 locally: outside the period.
        Case {
            conversation: waiting("J"),
            steps: vec![(r, "Priya", utc(10, 31, 23, 30))],
        },
    ];
    cite(&app, cases[4].conversation, &[x]);
    cite(&app, cases[5].conversation, &[x, y]);
    replay(&app, &cases, &people);
    let (from, to) = (
        NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
        NaiveDate::from_ymd_opt(2026, 10, 31).unwrap(),
    );
    let expected = expect(&cases, from, to);
    let previous = expect(
        &cases,
        NaiveDate::from_ymd_opt(2026, 8, 31).unwrap(),
        NaiveDate::from_ymd_opt(2026, 9, 30).unwrap(),
    );
    app.member_signed_in(&app.visitor, "lead", Role::Lead).await;
    let query = "period=custom&from=2026-10-01&to=2026-10-31&by=day";

    // Per day: every one of the 31 days, including the empty ones.
    let outcomes = app
        .get_html(&format!("/reports/outcomes.csv?{query}"))
        .await;
    let rows = csv_rows(&outcomes);
    assert_eq!(rows.len(), 31);
    for row in rows {
        let day: NaiveDate = row["from"].parse().unwrap();
        assert_eq!(row["to"], row["from"], "one day per row");
        let (resolved, unresolved) = expected.by_day.get(&day).copied().unwrap_or_default();
        assert_eq!(
            cells(&row, ["resolved", "unresolved"]),
            [resolved.to_string(), unresolved.to_string()],
            "{day}"
        );
    }
    assert_eq!(
        expected
            .by_day
            .get(&NaiveDate::from_ymd_opt(2026, 10, 10).unwrap()),
        Some(&(0, 1)),
        "the 23:29 close"
    );
    assert_eq!(
        expected
            .by_day
            .get(&NaiveDate::from_ymd_opt(2026, 10, 11).unwrap()),
        Some(&(1, 0)),
        "the 00:30 close"
    );

    // Bot alone versus with an agent.
    let handled = csv_rows(
        &app.get_html(&format!("/reports/handled-by.csv?{query}"))
            .await,
    );
    assert_eq!(
        cells(&handled[0], ["handled by", "resolved", "unresolved"]),
        [
            "Bot alone".to_owned(),
            expected.bot.0.to_string(),
            expected.bot.1.to_string()
        ]
    );
    assert_eq!(
        cells(&handled[1], ["handled by", "resolved", "unresolved"]),
        [
            "With an agent".to_owned(),
            expected.agent.0.to_string(),
            expected.agent.1.to_string()
        ]
    );

    // Members, including the lead's reclassification.
    let members = csv_rows(&app.get_html(&format!("/reports/members.csv?{query}")).await);
    for (name, (resolved, unresolved, changed)) in &expected.members {
        let row = members
            .iter()
            .find(|r| r["member"] == *name)
            .unwrap_or_else(|| panic!("{name} missing"));
        assert_eq!(
            cells(row, ["resolved", "unresolved", "outcomes changed"]),
            [
                resolved.to_string(),
                unresolved.to_string(),
                changed.to_string()
            ],
            "{name}"
        );
    }

    // Articles: X in E (resolved) and F (unresolved); Y only in F.
    let articles = csv_rows(
        &app.get_html(&format!("/reports/articles.csv?{query}"))
            .await,
    );
    let columns = ["article", "linked conversations", "unresolved"];
    assert_eq!(
        cells(&articles[0], columns),
        ["Warranty claims".to_owned(), "2".to_owned(), "1".to_owned()]
    );
    assert_eq!(
        cells(&articles[1], columns),
        [
            "Damaged delivery".to_owned(),
            "1".to_owned(),
            "1".to_owned()
        ]
    );
    assert_eq!(articles[0]["enough to judge"], "no", "too few to judge");

    // The tiles on the page, with the trend against September.
    let page = app.get_html(&format!("/reports?{query}")).await;
    let closed: i64 = expected.by_day.values().map(|(r, u)| r + u).sum();
    let resolved: i64 = expected.by_day.values().map(|(r, _)| r).sum();
    let tile = |id: &str| {
        let start = page.find(&format!("id=\"{id}\"")).unwrap();
        let value = &page[start..];
        let value = &value[value.find("class=\"tile-value\"").unwrap()..];
        value[value.find('>').unwrap() + 1..value.find("</a>").unwrap()].to_owned()
    };
    assert_eq!(tile("tile-closed"), closed.to_string());
    assert_eq!(
        tile("tile-resolved"),
        format!("{:.1}%", resolved as f64 * 100.0 / closed as f64)
    );
    assert_eq!(
        tile("tile-bot"),
        format!(
            "{:.1}%",
            expected.bot.0 as f64 * 100.0 / (expected.bot.0 + expected.bot.1) as f64
        )
    );
    assert_eq!(tile("tile-changed"), expected.changed.to_string());
    let previous_closed: i64 = previous.by_day.values().map(|(r, u)| r + u).sum();
    assert_eq!(previous_closed, 1);
    assert!(page.contains(&format!("+{}% vs previous period", (closed - 1) * 100)));
    assert!(page.contains("<svg class=\"chart\""), "the chart is drawn");

    // Click-through: the unresolved figure of Oct 10 lists exactly B.
    let href = "/conversations?state=closed&#38;outcome=unresolved&#38;closed_from=2026-10-10&#38;closed_to=2026-10-10";
    assert!(page.contains(href));
    let list = app.get_html(&href.replace("&#38;", "&")).await;
    let listed: Vec<&str> = list
        .split("<td><a href=\"/conversations/")
        .skip(1)
        .collect();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].starts_with(&format!("{}\"", cases[1].conversation)));
    // And the articles' unresolved figure lists F alone.
    let list = app.get_html(&format!("/conversations?state=closed&closed_from=2026-10-01&closed_to=2026-10-31&article={x}&outcome=unresolved")).await;
    assert_eq!(list.matches("<td><a href=\"/conversations/").count(), 1);
    assert!(list.contains(&format!("/conversations/{}\"", cases[5].conversation)));

    // Every figure on the page, followed, lists as many conversations as it counts. (No
    // conversation here escalated or changed outcome twice, so those figures count
    // conversations too.)
    let mut followed = 0;
    for link in page.split("href=\"/conversations?").skip(1) {
        let (query, rest) = link.split_once('"').unwrap();
        let figure = &rest[rest.find('>').unwrap() + 1..rest.find("</a>").unwrap()];
        let Ok(figure) = figure.parse::<usize>() else {
            continue; // a share, not a count
        };
        let href = format!("/conversations?{}", query.replace("&#38;", "&"));
        let list = app.get_html(&href).await;
        assert!(!list.contains("role=\"alert\""), "{href} is understood");
        assert_eq!(
            list.matches("<td><a href=\"/conversations/").count(),
            figure,
            "{href}"
        );
        followed += 1;
    }
    assert!(
        followed > 100,
        "every table's figures were followed: {followed}"
    );
}

async fn an_empty_period_reads_as_empty(backend: Backend) {
    let app = spawn_app(backend).await;
    app.member_signed_in(&app.visitor, "lead", Role::Lead).await;

    let response = app
        .get("/reports?period=custom&from=2020-01-01&to=2020-01-31")
        .await;

    assert_eq!(response.status().as_u16(), 200);
    let page = response.text().await.unwrap();
    assert!(page.contains("Nobody closed a conversation in this period."));
    assert!(page.contains("No closed conversation in this period cited an article."));
    assert!(page.contains("<svg class=\"chart\""));
}

async fn escalations_from_the_chat_are_counted_today(backend: Backend) {
    let app = spawn_app(backend).await;
    let visitor = app.new_visitor();
    visitor
        .submit(
            "/chat",
            "/chat/messages",
            &[("body", "Can I talk to a person?")],
        )
        .await;
    app.member_signed_in(&app.visitor, "lead", Role::Lead).await;

    let page = app.get_html("/reports?period=7").await;

    let start = page.find("id=\"tile-escalations\"").unwrap();
    assert!(page[start..].split("</a>").next().unwrap().ends_with(">1"));
    let today = chrono::Utc::now().date_naive();
    let list = app
        .get_html(&format!(
            "/conversations?escalated_from={}&escalated_to={}",
            today.pred_opt().unwrap(),
            today.succ_opt().unwrap()
        ))
        .await;
    assert_eq!(list.matches("<td><a href=\"/conversations/").count(), 1);
}

async fn reports_are_for_leads_and_admins_and_csv_is_safe(backend: Backend) {
    let app = spawn_app(backend).await;
    let agent = app.new_visitor();
    app.member_signed_in(&agent, "priya", Role::Agent).await;
    assert_eq!(agent.get("/reports").await.status().as_u16(), 403);
    assert_eq!(
        agent.get("/reports/members.csv").await.status().as_u16(),
        403
    );
    let anonymous = app.new_visitor();
    assert_eq!(
        location(&anonymous.get("/reports").await),
        "/sign-in?next=%2Freports"
    );
    // A member whose name looks like a formula.
    let mallory = Actor::Member(Member {
        id: app
            .add_member(
                "=HYPERLINK(\"http://x\")",
                "mallory@example.com",
                Role::Agent,
                crate::helpers::PASSWORD,
            )
            .id,
        name: "=HYPERLINK".into(),
        role: Role::Agent,
    });
    let id = app.conversation(None, ConversationState::Waiting, None, "Hi");
    let mut conn = app.db();
    let zone = crate::helpers::team_zone(&mut conn);
    Conversation::act(
        &mut conn,
        id,
        1,
        &mallory,
        Action::Close {
            outcome: Outcome::Resolved,
            reason: None,
        },
        zone.at(hearken::models::now()),
    )
    .unwrap();
    app.member_signed_in(&app.visitor, "maya", Role::Admin)
        .await;

    let csv = app.get("/reports/members.csv?period=7").await;

    assert_eq!(csv.status().as_u16(), 200);
    assert!(csv
        .headers()
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let body = csv.text().await.unwrap();
    // A spreadsheet reads the name as text, not as a formula.
    let members = csv_rows(&body);
    assert!(
        members
            .iter()
            .any(|row| row["member"] == "'=HYPERLINK(\"http://x\")"),
        "{body}"
    );
    assert_eq!(app.get("/reports/nothing.csv").await.status().as_u16(), 404);
    let bad = app.get("/reports?period=365").await;
    assert_eq!(bad.status().as_u16(), 400);
    assert!(bad
        .text()
        .await
        .unwrap()
        .contains("There is no period called"));
}

async fn csv_quotes_awkward_names_whole_and_neutralises_formulas(backend: Backend) {
    let app = spawn_app(backend).await;
    // Member names cannot hold control characters; article titles can hold tabs and newlines.
    // Of each pair, the first has nothing but a `;` or a tab that calls for quotes.
    let members = ["Ops;EU", "=1+1;\"two\", three"];
    let titles = [
        "Returns;refunds\tand exchanges",
        "=1+1;\"two\"\tthree\nfour, five",
    ];
    for (n, (name, title)) in members.into_iter().zip(titles).enumerate() {
        let member = app.add_member(
            name,
            &format!("member{n}@example.com"),
            Role::Agent,
            crate::helpers::PASSWORD,
        );
        let closer = Actor::Member(Member {
            id: member.id,
            name: member.name,
            role: Role::Agent,
        });
        let id = app.conversation(None, ConversationState::Waiting, None, "Hi");
        cite(&app, id, &[app.article(title)]);
        let close = Action::Close {
            outcome: Outcome::Unresolved,
            reason: None,
        };
        let mut conn = app.db();
        let zone = crate::helpers::team_zone(&mut conn);
        Conversation::act(
            &mut conn,
            id,
            1,
            &closer,
            close,
            zone.at(hearken::models::now()),
        )
        .unwrap();
    }
    app.member_signed_in(&app.visitor, "maya", Role::Admin)
        .await;

    for (table, names) in [("members", members), ("articles", titles)] {
        let body = app
            .get_html(&format!("/reports/{table}.csv?period=7"))
            .await;

        let rows = rows_split_on(b',', &body);
        assert_eq!(rows.len(), 2, "{body}");
        for name in names {
            let shown = name
                .strip_prefix('=')
                .map_or(name.to_owned(), |_| format!("'{name}"));
            // The whole cell sits in one pair of quotes, its own quotes doubled.
            let quoted = format!("\"{}\",", shown.replace('"', "\"\""));
            assert!(body.contains(&quoted), "{quoted} in {body}");
            let row = rows.iter().find(|row| row[0] == shown);
            assert_eq!(
                row.map(|row| row[1].as_str()),
                Some("1"),
                "{shown} in {body}"
            );
            // A spreadsheet that splits on `;` or tabs still keeps the name in one piece.
            for delimiter in [b';', b'\t'] {
                let split = rows_split_on(delimiter, &body);
                assert!(
                    split.iter().any(|row| row[0].starts_with(&shown)),
                    "{split:?}"
                );
            }
        }
    }
}

on_both_backends!(
    csv_quotes_awkward_names_whole_and_neutralises_formulas,
    figures_match_a_history_replayed_across_time_zone_edges,
    an_empty_period_reads_as_empty,
    escalations_from_the_chat_are_counted_today,
    reports_are_for_leads_and_admins_and_csv_is_safe,
);
