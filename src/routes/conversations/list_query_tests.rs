//! The list's query string: links read back as what they say.

use super::*;
use crate::domain::report::Period;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

#[test]
fn a_link_reads_back_as_the_same_query() {
    let period = Period {
        from: day(1),
        to: day(30),
    };
    let links = [
        ListQuery::closed_in(period)
            .with_outcome(Some(Outcome::Unresolved))
            .with_bot_alone(true)
            .with_closed_by(None)
            .with_article(7),
        ListQuery::changed_in(period, Some(3)),
        ListQuery::closed_in(period)
            .with_came_back(false)
            .with_verdict(Some(Verdict::No))
            .disagreeing(),
        ListQuery::escalated_in(period).with_closed_by(Some(12)),
        ListQuery {
            q: "50% off & free=yes ça + 東京 #1".to_owned(),
            agent: "4".to_owned(),
            ..ListQuery::default()
        }
        .with_position(Some(Cursor {
            last_activity_at: day(2).and_hms_opt(9, 30, 0).unwrap(),
            id: 99,
        })),
    ];
    for link in links {
        let href = link.href();
        let query = href.strip_prefix("/conversations?").expect(&href);
        let read: ListQuery = serde_urlencoded::from_str(query).unwrap();
        assert_eq!(read, link, "{href}");
        assert!(read.parse(Tz::UTC).is_ok(), "{href} is a valid filter");
    }
    assert_eq!(ListQuery::default().href(), "/conversations");
}

#[test]
fn report_links_filter_what_they_say() {
    let period = Period {
        from: day(1),
        to: day(7),
    };
    let link = ListQuery::closed_in(period)
        .with_outcome(Some(Outcome::Resolved))
        .with_bot_alone(true)
        .with_closed_by(None);
    let (filter, cursor) = link.parse(Tz::UTC).unwrap();
    assert_eq!(filter.state, Some(StateFilter::Closed));
    assert_eq!(filter.outcome, Some(Outcome::Resolved));
    assert_eq!(filter.agent_involved, Some(false));
    assert_eq!(filter.closed_by, Some(None));
    assert_eq!(
        (filter.closed_from, filter.closed_to),
        (Some(day(1)), Some(day(7)))
    );
    assert_eq!(cursor, None);
    assert!(link.from_report() && link.bot_alone() == Some(true));
    assert!(link.closed_automatically() && link.outcome_is(Outcome::Resolved));
}

#[test]
fn customer_side_links_filter_what_they_say() {
    let period = Period {
        from: day(1),
        to: day(7),
    };
    let (filter, _) = ListQuery::closed_in(period)
        .with_came_back(true)
        .with_verdict(Some(Verdict::Yes))
        .disagreeing()
        .parse(Tz::UTC)
        .unwrap();
    assert_eq!(filter.came_back, Some(true));
    assert_eq!(filter.verdict, Some(Verdict::Yes));
    assert!(filter.disagree && filter.only_closed() && filter.narrows());
    let wrong = ListQuery {
        came_back: "maybe".to_owned(),
        verdict: "perhaps".to_owned(),
        disagree: "2".to_owned(),
        ..ListQuery::default()
    };
    assert_eq!(wrong.parse(Tz::UTC).unwrap_err().len(), 3);
}

#[test]
fn first_response_and_answered_links_filter_what_they_say() {
    let period = Period {
        from: day(1),
        to: day(7),
    };
    let link = ListQuery::responded_in(period, Some(4));
    let (filter, _) = link.parse(Tz::UTC).unwrap();
    let start = day(1).and_hms_opt(0, 0, 0).unwrap();
    let end = day(8).and_hms_opt(0, 0, 0).unwrap();
    assert_eq!(filter.responded_between, Some((start, end)));
    assert_eq!(filter.responded_by, Some(4));
    assert!(filter.narrows() && !filter.only_closed() && link.from_report());
    let (filter, _) = ListQuery::closed_in(period)
        .with_verdict(None)
        .parse(Tz::UTC)
        .unwrap();
    assert!(filter.answered && filter.verdict.is_none());
    // A member without days says what is missing.
    let alone = ListQuery {
        responded_by: "4".to_owned(),
        ..ListQuery::default()
    };
    assert_eq!(alone.parse(Tz::UTC).unwrap_err().len(), 1);
}

#[test]
fn the_list_form_carries_every_report_filter_but_its_own_fields() {
    let link = ListQuery {
        q: "refund".to_owned(),
        outcome: "resolved".to_owned(),
        after: "1_2".to_owned(),
        ..ListQuery::responded_in(
            Period {
                from: day(1),
                to: day(7),
            },
            Some(4),
        )
        .with_came_back(true)
    };
    let carried = link.report_fields();
    let names: Vec<&str> = carried.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        [
            "came_back",
            "responded_from",
            "responded_to",
            "responded_by"
        ]
    );
}
