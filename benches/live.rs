//! Live updates and floods, measured on real `hearken serve` processes over one PostgreSQL:
//!
//! 1. latency: a visitor writes on instance A; how long until the event reaches an agent's
//!    stream on instance B, and until B has served the agent's refreshed conversation page;
//! 2. memory: instance B's resident memory before and after 1,000 idle open streams;
//! 3. floods: 200 rapid messages from one visitor and 150 new visitors from one address,
//!    against an instance with the default limits.
//!
//! `cargo bench --bench live -- --messages 200 --streams 1000`
//! (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres; it creates and
//! drops the database `hearken_live`).

mod common;

use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{field, signed_in_client};
use diesel::{Connection, PgConnection, RunQueryDsl};

const SECRET: &str = "live-bench-secret-live-bench-secret-0123456789";
const PASSWORD: &str = "correct horse battery";

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn hearken(database: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hearken"));
    command
        .env("DATABASE_URL", database)
        .env("HEARKEN_SECRET_KEY", SECRET)
        .env("HEARKEN_BACKGROUND_JOBS", "false")
        .env("RUST_LOG", "warn");
    command
}

/// A `hearken serve` on `port`; `generous` lifts the visitor limits (for the latency run).
fn serve(database: &str, port: u16, generous: bool) -> Child {
    let mut command = hearken(database);
    command
        .arg("serve")
        .env("HEARKEN_ADDR", format!("127.0.0.1:{port}"))
        .env("HEARKEN_WORKERS", "2")
        .stdout(Stdio::null());
    if generous {
        for variable in [
            "HEARKEN_VISITOR_MESSAGES_PER_MINUTE",
            "HEARKEN_ADDRESS_MESSAGES_PER_MINUTE",
            "HEARKEN_ADDRESS_CHATS_PER_MINUTE",
            "HEARKEN_ADDRESS_READS_PER_MINUTE",
        ] {
            command.env(variable, "1000000");
        }
    }
    command.spawn().expect("start hearken serve")
}

async fn wait_until_up(base: &str) {
    let client = reqwest::Client::new();
    for _ in 0..300 {
        if let Ok(response) = client.get(format!("{base}/healthz")).send().await {
            if response.status().is_success() {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{base} did not start");
}

fn resident_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .unwrap_or(0)
}

fn visitor_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn chat_token(client: &reqwest::Client, base: &str) -> String {
    let page = client
        .get(format!("{base}/chat"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    field(&page, "name=\"csrf_token\" value=\"")
        .expect("a token on /chat")
        .to_owned()
}

async fn write(client: &reqwest::Client, base: &str, csrf: &str, body: &str) -> u16 {
    client
        .post(format!("{base}/chat/messages"))
        .form(&[("csrf_token", csrf), ("body", body)])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Ids and conversations of the events on an open stream, as they arrive.
fn follow(response: reqwest::Response) -> tokio::sync::mpsc::UnboundedReceiver<(i64, i64)> {
    let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut response = response;
        let mut buffer = String::new();
        while let Ok(Some(chunk)) = response.chunk().await {
            buffer.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = buffer.find("\n\n") {
                let block: String = buffer.drain(..end + 2).collect();
                let id = block
                    .lines()
                    .find_map(|l| l.strip_prefix("id: "))
                    .and_then(|v| v.parse::<i64>().ok());
                let conversation = block
                    .lines()
                    .find_map(|l| l.strip_prefix("data: {\"conversation\":"))
                    .and_then(|v| v.trim_end_matches('}').parse::<i64>().ok());
                if let (Some(id), Some(conversation)) = (id, conversation) {
                    let _ = sender.send((id, conversation));
                }
            }
        }
    });
    receiver
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

async fn latency(first: &str, second: &str, messages: usize) {
    let agent = signed_in_client(second, "agent@example.com", PASSWORD).await;
    let stream = agent
        .get(format!("{second}/events"))
        .send()
        .await
        .expect("open the agent's stream");
    let mut events = follow(stream);
    let visitor = visitor_client();
    let csrf = chat_token(&visitor, first).await;
    let mut to_event = Vec::new();
    let mut to_page = Vec::new();
    let mut newest = 0;
    for n in 0..messages {
        let started = Instant::now();
        let status = write(&visitor, first, &csrf, &format!("Question number {n}")).await;
        assert_eq!(status, 303, "message {n}");
        let conversation = loop {
            let (id, conversation) = tokio::time::timeout(Duration::from_secs(10), events.recv())
                .await
                .expect("an event within 10 s")
                .expect("the stream is open");
            if id > newest {
                newest = id;
                break conversation;
            }
        };
        to_event.push(started.elapsed().as_secs_f64() * 1000.0);
        let page = agent
            .get(format!("{second}/conversations/{conversation}"))
            .send()
            .await
            .unwrap();
        assert!(page.status().is_success());
        let html = page.text().await.unwrap();
        assert!(html.contains(&format!("Question number {n}")));
        to_page.push(started.elapsed().as_secs_f64() * 1000.0);
        // The bot's answer, if any, is an event too: let it pass before the next question.
        tokio::time::sleep(Duration::from_millis(30)).await;
        while let Ok((id, _)) = events.try_recv() {
            newest = newest.max(id);
        }
    }
    for (what, values) in [
        ("event on the other instance", &mut to_event),
        ("agent's page refreshed", &mut to_page),
    ] {
        values.sort_by(f64::total_cmp);
        println!(
            "| visitor message → {what} | {} | {:.1} ms | {:.1} ms | {:.1} ms |",
            values.len(),
            percentile(values, 0.5),
            percentile(values, 0.95),
            values[values.len() - 1]
        );
    }
}

async fn idle_streams(base: &str, pid: u32, streams: usize) {
    let agent = signed_in_client(base, "agent@example.com", PASSWORD).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let before = resident_kib(pid);
    let mut open = Vec::with_capacity(streams);
    for _ in 0..streams {
        let response = agent
            .get(format!("{base}/events"))
            .send()
            .await
            .expect("open a stream");
        assert_eq!(response.status(), 200);
        open.push(response);
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = resident_kib(pid);
    let health = Instant::now();
    let healthy = reqwest::get(format!("{base}/healthz"))
        .await
        .unwrap()
        .status();
    println!(
        "| {streams} idle streams open | resident memory {:.1} MB → {:.1} MB: {:.1} MB added ({:.1} KB a stream); /healthz {} in {:.1} ms |",
        before as f64 / 1024.0,
        after as f64 / 1024.0,
        (after.saturating_sub(before)) as f64 / 1024.0,
        (after.saturating_sub(before)) as f64 / streams as f64,
        healthy.as_u16(),
        health.elapsed().as_secs_f64() * 1000.0
    );
    drop(open);
}

async fn floods(base: &str, database: &str) {
    let count = |table: &str| -> i64 {
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let mut conn = PgConnection::establish(database).unwrap();
        diesel::sql_query(format!("SELECT count(*) AS n FROM {table}"))
            .get_result::<Count>(&mut conn)
            .unwrap()
            .n
    };
    let conversations_before = count("conversations");
    let flooder = visitor_client();
    let csrf = chat_token(&flooder, base).await;
    let started = Instant::now();
    let mut statuses = std::collections::BTreeMap::new();
    for n in 0..200 {
        *statuses
            .entry(write(&flooder, base, &csrf, &format!("flood {n}")).await)
            .or_insert(0) += 1;
    }
    let flood_ms = started.elapsed().as_secs_f64() * 1000.0;
    let colleague = visitor_client();
    let colleague_csrf = chat_token(&colleague, base).await;
    let colleague_status = write(&colleague, base, &colleague_csrf, "Hello, a question").await;
    let after_flood = count("conversations") - conversations_before;
    println!(
        "| 200 rapid messages, one visitor | {statuses:?} in {flood_ms:.0} ms; conversations created: {}; a colleague at the same address right after: {colleague_status} |",
        after_flood - 1
    );
    let before = count("conversations");
    let mut statuses = std::collections::BTreeMap::new();
    for n in 0..150 {
        let visitor = visitor_client();
        let csrf = chat_token(&visitor, base).await;
        *statuses
            .entry(write(&visitor, base, &csrf, &format!("new visitor {n}")).await)
            .or_insert(0) += 1;
    }
    println!(
        "| 150 new visitors, one address, within a minute | {statuses:?}; conversations created: {} (the flooder and the colleague above used two of the 20 a minute) |",
        count("conversations") - before
    );
}

#[tokio::main]
async fn main() {
    let messages = arg("--messages", 200);
    let streams = arg("--streams", 1000);
    let admin = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    let mut url = url::Url::parse(&admin).expect("BENCH_DATABASE_URL is a URL");
    url.set_path("hearken_live");
    let database = url.to_string();
    let mut admin_conn = PgConnection::establish(&admin).expect("connect to BENCH_DATABASE_URL");
    diesel::sql_query("DROP DATABASE IF EXISTS hearken_live WITH (FORCE)")
        .execute(&mut admin_conn)
        .unwrap();
    diesel::sql_query("CREATE DATABASE hearken_live")
        .execute(&mut admin_conn)
        .unwrap();
    let status = hearken(&database).arg("migrate").status().unwrap();
    assert!(status.success());
    let mut add = hearken(&database)
        .args([
            "user",
            "add",
            "--email",
            "agent@example.com",
            "--name",
            "Agent Live",
            "--role",
            "agent",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    add.stdin
        .take()
        .unwrap()
        .write_all(format!("{PASSWORD}\n").as_bytes())
        .unwrap();
    assert!(add.wait().unwrap().success());

    let mut servers = vec![
        serve(&database, 18181, true),
        serve(&database, 18182, true),
        serve(&database, 18183, false),
    ];
    let (first, second, limited) = (
        "http://127.0.0.1:18181",
        "http://127.0.0.1:18182",
        "http://127.0.0.1:18183",
    );
    for base in [first, second, limited] {
        wait_until_up(base).await;
    }
    println!("| measure | n | median | p95 | worst |");
    println!("|---|---|---|---|---|");
    latency(first, second, messages).await;
    println!();
    idle_streams(second, servers[1].id(), streams).await;
    floods(limited, &database).await;
    for server in &mut servers {
        let _ = server.kill();
        let _ = server.wait();
    }
    diesel::sql_query("DROP DATABASE IF EXISTS hearken_live WITH (FORCE)")
        .execute(&mut admin_conn)
        .unwrap();
}
