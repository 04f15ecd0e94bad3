//! Live updates over server-sent events: a visitor's message reaches an agent's stream (on
//! another instance too), an agent's reply reaches the visitor's stream, a stream that reconnects
//! with Last-Event-ID is sent what it missed, and a visitor's stream carries only their own
//! conversation.

use std::time::Duration;

use diesel::prelude::*;
use hearken::db::schema::messages;
use hearken::domain::{Role, SystemEvent};

use crate::helpers::{new_client, spawn_app, start_server, test_config, Backend, TestApp, Visitor};
use crate::on_both_backends;

/// Long enough for a slow test machine; the README's benchmark measures the real latency.
const PATIENCE: Duration = Duration::from_secs(10);

/// One event: its id (the message's id) and its data.
#[derive(Debug)]
pub struct Event {
    pub id: Option<i64>,
    pub data: String,
}

impl Event {
    pub fn conversation(&self) -> Option<i64> {
        let value: serde_json::Value = serde_json::from_str(&self.data).ok()?;
        value.get("conversation")?.as_i64()
    }
}

/// An open event stream, read one event at a time.
pub struct EventStream {
    response: reqwest::Response,
    buffer: String,
}

impl EventStream {
    pub async fn open(visitor: &Visitor, path: &str, last_event_id: Option<i64>) -> EventStream {
        let mut request = visitor.client.get(visitor.url(path));
        if let Some(id) = last_event_id {
            request = request.header("Last-Event-ID", id.to_string());
        }
        let response = request.send().await.expect("open the stream");
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(
            response.headers()["content-type"].to_str().unwrap(),
            "text/event-stream"
        );
        EventStream {
            response,
            buffer: String::new(),
        }
    }

    /// The next event with data (comments and the retry line are skipped), or `None` if none
    /// comes within `PATIENCE`.
    pub async fn next(&mut self) -> Option<Event> {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut event = Event {
                    id: None,
                    data: String::new(),
                };
                for line in block.lines() {
                    if let Some(id) = line.strip_prefix("id: ") {
                        event.id = id.parse().ok();
                    } else if let Some(data) = line.strip_prefix("data: ") {
                        event.data.push_str(data);
                    }
                }
                if !event.data.is_empty() {
                    return Some(event);
                }
            }
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk())
                .await
                .ok()?
                .ok()??;
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// Reads events until one is about `conversation`; returns it.
    pub async fn until_conversation(&mut self, conversation: i64) -> Event {
        loop {
            let event = self
                .next()
                .await
                .unwrap_or_else(|| panic!("no event about conversation {conversation}"));
            if event.conversation() == Some(conversation) {
                return event;
            }
        }
    }
}

/// The visitor's open conversation: the newest one.
fn newest_conversation(app: &TestApp) -> i64 {
    use hearken::db::schema::conversations;
    conversations::table
        .select(diesel::dsl::max(conversations::id))
        .first::<Option<i64>>(&mut app.db())
        .unwrap()
        .expect("a conversation")
}

fn message_ids_after(app: &TestApp, after: i64) -> Vec<i64> {
    messages::table
        .select(messages::id)
        .filter(messages::id.gt(after))
        .order(messages::id)
        .load(&mut app.db())
        .unwrap()
}

async fn visitor_writes(visitor: &Visitor, body: &str) {
    let sent = visitor
        .submit("/chat", "/chat/messages", &[("body", body)])
        .await;
    assert_eq!(sent.status(), 303, "{body}");
}

async fn messages_reach_agents_and_a_reconnection_gets_what_it_missed(backend: Backend) {
    let app = spawn_app(backend).await;
    let agent = app.new_visitor();
    app.member_signed_in(&agent, "priya", Role::Agent).await;
    let mut agents_stream = EventStream::open(&agent, "/events", None).await;

    let customer = app.new_visitor();
    assert_eq!(
        customer.get("/chat/events").await.status(),
        204,
        "no conversation yet: nothing to follow"
    );
    visitor_writes(&customer, "Hello, where is my parcel?").await;
    let conversation = newest_conversation(&app);
    let first = agents_stream.until_conversation(conversation).await;
    let seen = first.id.expect("events have ids");

    // The agent's page is closed for a while; the customer writes twice meanwhile.
    drop(agents_stream);
    visitor_writes(&customer, "Still there?").await;
    visitor_writes(&customer, "I would like to talk to a person").await;
    let missed = message_ids_after(&app, seen);
    assert!(missed.len() >= 2, "{missed:?}");
    let mut again = EventStream::open(&agent, "/events", Some(seen)).await;
    let mut replayed = Vec::new();
    while replayed.len() < missed.len() {
        let event = again.next().await.expect("the missed events are sent");
        assert_eq!(event.conversation(), Some(conversation));
        replayed.push(event.id.unwrap());
    }
    assert_eq!(replayed, missed, "exactly the missed messages, in order");

    // The customer's own stream: an agent taking over reaches it.
    let mut customers_stream = EventStream::open(&customer, "/chat/events", None).await;
    let version: i64 = {
        use hearken::db::schema::conversations;
        conversations::table
            .find(conversation)
            .select(conversations::version)
            .first(&mut app.db())
            .unwrap()
    };
    let taken = agent
        .act(
            conversation,
            "take-over",
            &[("version", &version.to_string())],
        )
        .await;
    assert_eq!(taken.status(), 303);
    customers_stream.until_conversation(conversation).await;
    assert!(customer
        .get_html("/chat/history")
        .await
        .contains("Priya joined the conversation"));
}

async fn a_visitor_stream_carries_only_their_own_conversation(backend: Backend) {
    let app = spawn_app(backend).await;
    let ana = app.new_visitor();
    let ben = app.new_visitor();
    visitor_writes(&ana, "Hello from Ana").await;
    let anas = newest_conversation(&app);
    visitor_writes(&ben, "Hello from Ben").await;
    let bens = newest_conversation(&app);
    let mut anas_stream = EventStream::open(&ana, "/chat/events", None).await;
    visitor_writes(&ben, "Ben again").await;
    visitor_writes(&ana, "Ana again").await;
    let event = anas_stream.next().await.expect("Ana's own message");
    assert_eq!(event.conversation(), Some(anas), "Ben's {bens} never shows");

    // The team's notes are not even announced to her: a take-over writes "joined" (shown to
    // customers), closing and reopening write notes that are not; of those, only the close is
    // announced (so her chat asks for her verdict), never its outcome. Then she writes again.
    let before = message_ids_after(&app, 0).last().copied().unwrap();
    app.member_signed_in(&app.visitor, "priya", Role::Admin)
        .await;
    for (action, fields) in [
        ("take-over", vec![]),
        ("close", vec![("outcome", "unresolved")]),
        ("reopen", vec![]),
    ] {
        let version = app.stored(anas).version.to_string();
        let mut fields = fields;
        fields.push(("version", &version));
        let done = app.act(anas, action, &fields).await;
        assert_eq!(done.status(), 303, "{action}");
    }
    visitor_writes(&ana, "Ana once more").await;
    let written: Vec<(i64, Option<SystemEvent>)> = messages::table
        .select((messages::id, messages::system_event))
        .filter(messages::id.gt(before))
        .order(messages::id)
        .load(&mut app.db())
        .unwrap();
    let seen: Vec<i64> = written
        .iter()
        .filter(|(_, event)| {
            SystemEvent::customer_sees(*event) || *event == Some(SystemEvent::Closed)
        })
        .map(|(id, _)| *id)
        .collect();
    assert!(seen.len() < written.len(), "some notes: {written:?}");
    let mut heard = Vec::new();
    while heard.last() != seen.last() {
        heard.push(anas_stream.next().await.expect("an event").id.unwrap());
    }
    assert_eq!(heard, seen, "not the notes of {written:?}");
    // A stream without a sign-in for members is refused.
    let anonymous = new_client().get(app.url("/events")).send().await.unwrap();
    assert_ne!(anonymous.status(), 200);
}

async fn a_visitor_on_one_instance_and_an_agent_on_another_talk_live(backend: Backend) {
    let app = spawn_app(backend).await;
    let (first_url, first) = start_server(test_config(&app.database_url, None)).await;
    let (second_url, second) = start_server(test_config(&app.database_url, None)).await;
    let customer = Visitor {
        address: first_url,
        client: new_client(),
    };
    let agent = Visitor {
        address: second_url,
        client: new_client(),
    };
    app.member_signed_in(&agent, "omar", Role::Agent).await;
    let mut agents_stream = EventStream::open(&agent, "/events", None).await;

    visitor_writes(&customer, "I need a human please").await;
    let conversation = newest_conversation(&app);
    agents_stream.until_conversation(conversation).await;
    let mut customers_stream = EventStream::open(&customer, "/chat/events", None).await;
    let taken = agent
        .act(conversation, "take-over", &[("version", "2")])
        .await;
    assert_eq!(
        taken.status(),
        303,
        "the customer's request made it version 2"
    );
    let replied = agent
        .submit(
            &format!("/conversations/{conversation}"),
            &format!("/conversations/{conversation}/messages"),
            &[("body", "Omar here, how can I help?")],
        )
        .await;
    assert_eq!(replied.status(), 303);
    // Joined note, then the reply: both reach the customer's stream on the other instance.
    customers_stream.until_conversation(conversation).await;
    customers_stream.until_conversation(conversation).await;
    assert!(customer
        .get_html("/chat/history")
        .await
        .contains("Omar here, how can I help?"));
    first.stop(true).await;
    second.stop(true).await;
}

on_both_backends!(
    messages_reach_agents_and_a_reconnection_gets_what_it_missed,
    a_visitor_stream_carries_only_their_own_conversation,
    a_visitor_on_one_instance_and_an_agent_on_another_talk_live,
);
