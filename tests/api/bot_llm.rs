//! The optional language model, against a small OpenAI-compatible chat-completions server
//! started by the test: it writes the reply from the retrieved passages and cites them; when
//! it fails, is too slow or cites nothing, the bot sends the quoted passage instead.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use diesel::prelude::*;
use hearken::db::schema::{citations, conversations, messages};
use serde_json::{json, Value};

use crate::bot::demo_knowledge_base;
use crate::helpers::{spawn_app_with, Backend, TestApp};
use crate::on_both_backends;

/// How the fake model behaves.
#[derive(Clone, Copy)]
enum Model {
    /// Answers from passage 1 and cites it.
    Cites,
    /// Answers without citing anything.
    CitesNothing,
    /// Answers 500.
    Fails,
    /// Answers after 10 seconds (far past the timeout).
    Slow,
}

const WRITTEN: &str = "Your gift card stays valid for three years after you buy it [1].";

/// What the fake model was asked: (authorization header, body).
type Asked = Arc<Mutex<Vec<(String, Value)>>>;

async fn completions(
    req: HttpRequest,
    body: web::Json<Value>,
    model: web::Data<Model>,
    asked: web::Data<Asked>,
) -> HttpResponse {
    let authorization = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    asked
        .lock()
        .unwrap()
        .push((authorization, body.into_inner()));
    let content = match **model {
        Model::Cites => WRITTEN,
        Model::CitesNothing => "Gift cards never expire, trust me.",
        Model::Fails => return HttpResponse::InternalServerError().body("model crashed"),
        Model::Slow => {
            tokio::time::sleep(Duration::from_secs(10)).await;
            WRITTEN
        }
    };
    HttpResponse::Ok().json(json!({
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
    }))
}

/// Starts the fake model on a free port: its base address and what it was asked.
fn fake_model(model: Model) -> (String, Asked) {
    let asked: Asked = Arc::default();
    let recorded = asked.clone();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(model))
            .app_data(web::Data::new(recorded.clone()))
            .route("/v1/chat/completions", web::post().to(completions))
    })
    .workers(1)
    .bind("127.0.0.1:0")
    .expect("bind the fake model");
    let address = server.addrs()[0];
    tokio::spawn(server.run());
    (format!("http://{address}/v1"), asked)
}

async fn app_with_model(backend: Backend, model: Model) -> (TestApp, Asked) {
    let (url, asked) = fake_model(model);
    let app = spawn_app_with(backend, |config| {
        config.bot.llm_url = Some(url);
        config.bot.llm_model = "tiny-test-model".to_owned();
        config.bot.llm_key = Some("test-key".to_owned());
        config.bot.llm_timeout_ms = 500;
    })
    .await;
    demo_knowledge_base(&app);
    (app, asked)
}

/// The bot's reply to "do gift cards expire" and the addresses of the articles it cites.
async fn reply_to_question(app: &TestApp) -> (String, Vec<String>) {
    let visitor = app.new_visitor();
    visitor
        .submit(
            "/chat",
            "/chat/messages",
            &[("body", "do gift cards expire")],
        )
        .await;
    let id: i64 = conversations::table
        .select(conversations::id)
        .order(conversations::id.desc())
        .first(&mut app.db())
        .unwrap();
    let (message, body): (i64, String) = messages::table
        .filter(messages::conversation_id.eq(id))
        .filter(messages::author.eq("bot"))
        .select((messages::id, messages::body))
        .first(&mut app.db())
        .unwrap();
    use hearken::db::schema::articles;
    let cited: Vec<String> = citations::table
        .inner_join(articles::table)
        .filter(citations::message_id.eq(message))
        .select(articles::slug)
        .load(&mut app.db())
        .unwrap();
    (body, cited)
}

/// The bot's own answer: a passage of the gift cards article, not the model's words.
fn assert_quoted(body: &str) {
    let article = hearken::demo::ARTICLES
        .iter()
        .find(|a| a.slug == "gift-cards")
        .unwrap()
        .body()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(!body.contains("three years after you buy it"), "{body}");
    let first_sentence = body.split(". ").next().unwrap();
    assert!(article.contains(first_sentence), "{body}");
}

async fn the_model_writes_the_reply_from_the_passages(backend: Backend) {
    let (app, asked) = app_with_model(backend, Model::Cites).await;

    let (body, cited) = reply_to_question(&app).await;

    assert_eq!(
        body,
        "Your gift card stays valid for three years after you buy it."
    );
    assert_eq!(cited, vec!["gift-cards".to_owned()]);
    let asked = asked.lock().unwrap();
    assert_eq!(asked.len(), 1);
    let (authorization, request) = &asked[0];
    assert_eq!(authorization, "Bearer test-key");
    assert_eq!(request["model"], "tiny-test-model");
    let prompt = request["messages"][1]["content"].as_str().unwrap();
    assert!(prompt.contains("[1] Gift cards:"), "{prompt}");
    assert!(
        prompt.contains("Question: do gift cards expire"),
        "{prompt}"
    );
}

async fn a_failing_model_leaves_the_quoted_passage(backend: Backend) {
    for model in [Model::Fails, Model::CitesNothing] {
        let (app, asked) = app_with_model(backend, model).await;

        let (body, cited) = reply_to_question(&app).await;

        assert_eq!(asked.lock().unwrap().len(), 1, "the model was asked");
        assert_quoted(&body);
        assert!(!body.contains("trust me"));
        assert_eq!(cited, vec!["gift-cards".to_owned()]);
    }
}

async fn a_slow_model_is_not_waited_for(backend: Backend) {
    let (app, asked) = app_with_model(backend, Model::Slow).await;
    let started = std::time::Instant::now();

    let (body, _) = reply_to_question(&app).await;

    // The reply is the bot's own, sent long before the model would have answered.
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(asked.lock().unwrap().len(), 1);
    assert_quoted(&body);
}

on_both_backends!(
    the_model_writes_the_reply_from_the_passages,
    a_failing_model_leaves_the_quoted_passage,
    a_slow_model_is_not_waited_for,
);
