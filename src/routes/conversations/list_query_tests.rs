//! The list's query string: links read back as what they say.

use super::*;

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
            .with_verdict(Verdict::No)
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
        .with_verdict(Verdict::Yes)
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
