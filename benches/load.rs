//! Load, consistency and fault run on PostgreSQL: many agents working the same conversations at
//! once, then a check that nothing was lost, doubled or left inconsistent.
//!
//!     cargo bench --bench load -- [--agents 200] [--seconds 60] [--conversations 500]
//!                                 [--pool 10] [--restart-postgres-at 20]
//!
//! Creates a fresh database `hearken_load` on BENCH_DATABASE_URL's server (default
//! postgres://postgres@127.0.0.1:5432/postgres), adds the agents and the waiting conversations,
//! starts Hearken in this process and lets every agent, in its own browser session, loop: open
//! a random conversation, then take it over, reply, hand it back, close it with a random
//! outcome, or only read it, as the page's buttons allow. With `--restart-postgres-at S` the
//! PostgreSQL cluster is restarted S seconds in. Afterwards it checks: no 500; every close
//! answered 303 is in the closure log exactly once; every conversation agrees with its notes;
//! the report counters equal a recount. Exits non-zero when a check fails.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use hearken::config::Config;
use hearken::db::schema::closure_log;
use hearken::db::DatabaseLocation;
use hearken::domain::lifecycle::{Action, Actor};
use hearken::domain::time::Moment;
use hearken::domain::{hash_password, Author, Email, Password, PersonName, Role, SystemEvent};
use hearken::models::conversation::{Conversation, NewConversation};
use hearken::models::customer::{Customer, NewCustomer};
use hearken::models::message::{Message, NewMessage};
use hearken::models::report_count::ReportCount;
use hearken::models::user::{NewUser, User};
use hearken::startup::{prepare_database, Application};
use rand::Rng;

#[path = "common/mod.rs"]
mod common;
use common::{field, signed_in_client};

const PASSWORD: &str = "load-test-password";

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

/// What the agents saw.
#[derive(Default)]
struct Tally {
    by_status: HashMap<u16, u64>,
    transport_errors: u64,
    views: Vec<Duration>,
    posts: Vec<Duration>,
    /// Closes answered 303, per conversation.
    closes: HashMap<i64, i64>,
    /// When each request failed with a 5xx (seconds from the start), to see the outage.
    failures_at: Vec<f64>,
    last_ok_at: f64,
}

/// Fills the database: agents (one in ten a team lead) and waiting conversations.
fn arrange(config: &Config, agents: u64, conversations: u64) -> Vec<i64> {
    let pool = prepare_database(config).expect("migrate");
    let mut conn = pool.get().expect("connection");
    let hash = hash_password(&Password::parse(PASSWORD).unwrap()).unwrap();
    for n in 0..agents {
        let name = PersonName::parse(&format!("Agent {n}")).unwrap();
        let email = Email::parse(&format!("agent{n}@load.test")).unwrap();
        let role = if n % 10 == 0 { Role::Lead } else { Role::Agent };
        User::create(&mut conn, &NewUser::new(&name, &email, &hash, role)).unwrap();
    }
    let now = hearken::models::now();
    (0..conversations)
        .map(|n| {
            let name = format!("Customer {n}");
            let customer = Customer::create(
                &mut conn,
                &NewCustomer {
                    name: Some(&name),
                    email: None,
                    notes: "",
                    created_at: now,
                },
            )
            .unwrap();
            let conversation = Conversation::create(
                &mut conn,
                &NewConversation::with_bot(customer.id, now, None),
            )
            .unwrap();
            Message::create(
                &mut conn,
                &NewMessage {
                    conversation_id: conversation.id,
                    author: Author::Customer,
                    author_user_id: None,
                    body: "I need a person, please.",
                    system_event: None,
                    event_outcome: None,
                    created_at: now,
                },
            )
            .unwrap();
            let escalate = Action::Escalate(SystemEvent::CustomerRequestedHuman);
            // The bench team keeps the default time zone.
            let now = Moment {
                at: now,
                zone: chrono_tz::UTC,
            };
            Conversation::act(&mut conn, conversation.id, 1, &Actor::Bot, escalate, now).unwrap();
            conversation.id
        })
        .collect()
}

/// One agent's loop until `deadline`.
async fn work(
    base: String,
    client: reqwest::Client,
    ids: Arc<Vec<i64>>,
    tally: Arc<Mutex<Tally>>,
    started: Instant,
    deadline: Instant,
) {
    while Instant::now() < deadline {
        let id = ids[rand::thread_rng().gen_range(0..ids.len())];
        let page = format!("{base}/conversations/{id}");
        let at = Instant::now();
        let response = client.get(&page).send().await;
        let html = match response {
            Ok(response) => {
                let status = response.status().as_u16();
                let body = response.text().await.unwrap_or_default();
                record(&tally, status, at, started, false);
                if status != 200 {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    continue;
                }
                body
            }
            Err(_) => {
                tally.lock().unwrap().transport_errors += 1;
                tokio::time::sleep(Duration::from_millis(200)).await;
                continue;
            }
        };
        let (Some(token), Some(version)) = (
            field(&html, "name=\"csrf_token\" value=\""),
            field(&html, "name=\"version\" value=\""),
        ) else {
            continue;
        };
        let mut choices = vec!["view"];
        if html.contains(&format!("/conversations/{id}/take-over\"")) {
            choices.push("take-over");
        }
        if html.contains(&format!("/conversations/{id}/hand-back\"")) {
            choices.push("hand-back");
        }
        if html.contains(&format!("/conversations/{id}/messages\"")) {
            choices.extend(["reply", "reply"]);
        }
        if html.contains(&format!("/conversations/{id}/close\"")) {
            choices.push("close");
        }
        let (choice, outcome) = {
            let mut dice = rand::thread_rng();
            let choice = choices[dice.gen_range(0..choices.len())];
            let outcome = if dice.gen_bool(0.7) {
                "resolved"
            } else {
                "unresolved"
            };
            (choice, outcome)
        };
        let (path, fields): (String, Vec<(&str, &str)>) = match choice {
            "view" => continue,
            "reply" => (
                format!("{page}/messages"),
                vec![
                    ("csrf_token", token),
                    ("body", "Checking that for you now."),
                ],
            ),
            "close" => (
                format!("{page}/close"),
                vec![
                    ("csrf_token", token),
                    ("version", version),
                    ("outcome", outcome),
                ],
            ),
            action => (
                format!("{page}/{action}"),
                vec![("csrf_token", token), ("version", version)],
            ),
        };
        let at = Instant::now();
        match client.post(&path).form(&fields).send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                let _ = response.bytes().await;
                record(&tally, status, at, started, true);
                if choice == "close" && status == 303 {
                    *tally.lock().unwrap().closes.entry(id).or_default() += 1;
                }
            }
            Err(_) => tally.lock().unwrap().transport_errors += 1,
        }
    }
}

fn record(tally: &Mutex<Tally>, status: u16, at: Instant, started: Instant, post: bool) {
    let took = at.elapsed();
    let since_start = (Instant::now() - started).as_secs_f64();
    let mut tally = tally.lock().unwrap();
    *tally.by_status.entry(status).or_default() += 1;
    if status >= 500 {
        tally.failures_at.push(since_start);
    } else {
        tally.last_ok_at = since_start;
        if post {
            tally.posts.push(took);
        } else {
            tally.views.push(took);
        }
    }
}

fn percentile(sorted: &[Duration], p: usize) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[(sorted.len() * p / 100).min(sorted.len() - 1)].as_secs_f64() * 1000.0
}

fn restart_postgres() -> Duration {
    let version = std::fs::read_dir("/etc/postgresql")
        .ok()
        .and_then(|mut dirs| dirs.next())
        .and_then(|d| d.ok())
        .map(|d| d.file_name().to_string_lossy().into_owned())
        .expect("a PostgreSQL cluster under /etc/postgresql");
    let started = Instant::now();
    let status = std::process::Command::new("pg_ctlcluster")
        .args(["--skip-systemctl-redirect", &version, "main", "restart"])
        .status()
        .expect("run pg_ctlcluster");
    assert!(status.success(), "restart PostgreSQL");
    started.elapsed()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let agents = arg("--agents", 200);
    let seconds = arg("--seconds", 60);
    let conversations = arg("--conversations", 500);
    let pool_size = arg("--pool", 10) as u32;
    let restart_at = arg("--restart-postgres-at", 0);
    let admin = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    let mut url = url::Url::parse(&admin).expect("BENCH_DATABASE_URL is a URL");
    url.set_path("hearken_load");
    let mut admin_conn = PgConnection::establish(&admin).expect("connect to BENCH_DATABASE_URL");
    // Two statements: PostgreSQL runs a batch as one transaction, which DROP DATABASE refuses.
    admin_conn
        .batch_execute("DROP DATABASE IF EXISTS hearken_load WITH (FORCE)")
        .expect("drop hearken_load");
    admin_conn
        .batch_execute("CREATE DATABASE hearken_load")
        .expect("create hearken_load");
    let config = Config {
        database: DatabaseLocation::parse(url.as_str()),
        addr: "127.0.0.1:0".to_owned(),
        secret_key: Some("load-test-secret-load-test-secret-0123456789".to_owned()),
        cookie_secure: false,
        workers: Some(2),
        pool_size,
        statement_timeout_seconds: 5,
        background_jobs: false,
        trust_proxy: false,
        visitor_limits: Default::default(),
        bot: Default::default(),
        session_idle_hours: 12,
    };
    println!("arranging {agents} agents and {conversations} waiting conversations ...");
    let ids = Arc::new(arrange(&config, agents, conversations));
    let database = config.database.clone();
    let app = Application::build(config).await.expect("start Hearken");
    let base = format!("http://127.0.0.1:{}", app.port());
    let server = app.handle();
    tokio::spawn(app.run_until_stopped());

    println!("signing in {agents} agents ...");
    let mut clients = Vec::new();
    for n in 0..agents {
        let email = format!("agent{n}@load.test");
        clients.push(signed_in_client(&base, &email, PASSWORD).await);
    }
    println!("{agents} agents working for {seconds} s ...");
    let tally = Arc::new(Mutex::new(Tally::default()));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let restart = (restart_at > 0).then(|| {
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(restart_at)).await;
            let took = tokio::task::spawn_blocking(restart_postgres).await.unwrap();
            (restart_at as f64, took)
        })
    });
    let workers: Vec<_> = clients
        .into_iter()
        .map(|client| {
            tokio::spawn(work(
                base.clone(),
                client,
                ids.clone(),
                tally.clone(),
                started,
                deadline,
            ))
        })
        .collect();
    for worker in workers {
        worker.await.unwrap();
    }
    let elapsed = started.elapsed().as_secs_f64();
    let mut tally = Arc::try_unwrap(tally).ok().unwrap().into_inner().unwrap();
    tally.views.sort();
    tally.posts.sort();
    let total: u64 = tally.by_status.values().sum();
    let mut statuses: Vec<_> = tally.by_status.iter().collect();
    statuses.sort();
    println!(
        "{total} requests in {elapsed:.0} s ({:.0}/s); by status {statuses:?}; {} transport errors",
        total as f64 / elapsed,
        tally.transport_errors
    );
    println!(
        "page views: p50 {:.1} ms, p99 {:.1} ms; actions (POST): p50 {:.1} ms, p99 {:.1} ms",
        percentile(&tally.views, 50),
        percentile(&tally.views, 99),
        percentile(&tally.posts, 50),
        percentile(&tally.posts, 99)
    );
    if let Some(restart) = restart {
        let (at, took) = restart.await.unwrap();
        let outage: Vec<f64> = tally
            .failures_at
            .iter()
            .copied()
            .filter(|t| *t >= at)
            .collect();
        let last_failure = outage.iter().copied().fold(at, f64::max);
        println!(
            "PostgreSQL restarted at {at:.0} s (took {:.1} s); {} requests failed with 5xx after \
             it, the last {:.1} s after the restart began; pages answered again by themselves",
            took.as_secs_f64(),
            outage.len(),
            last_failure - at
        );
    }

    // The checks, on a pool opened now: a restart ends the connections opened before, and a
    // pool that has not yet seen one fail hands out its idle connection unchecked.
    let checks = hearken::db::connect_pool(&database, 1).unwrap();
    let mut conn = checks.get().unwrap();
    let mut failed = Vec::new();
    let errors_500 = tally.by_status.get(&500).copied().unwrap_or(0);
    if errors_500 > 0 {
        failed.push(format!("{errors_500} answers were 500"));
    }
    if restart_at == 0 {
        let server_errors: u64 = tally
            .by_status
            .iter()
            .filter(|(s, _)| **s >= 500)
            .map(|(_, n)| n)
            .sum();
        if server_errors > 0 {
            failed.push(format!("{server_errors} answers were 5xx"));
        }
    }
    let logged: Vec<(i64, i64)> = closure_log::table
        .group_by(closure_log::conversation_id)
        .select((closure_log::conversation_id, diesel::dsl::count_star()))
        .load(&mut conn)
        .unwrap();
    let logged: HashMap<i64, i64> = logged.into_iter().collect();
    let closes: i64 = tally.closes.values().sum();
    if logged != tally.closes {
        failed.push(format!(
            "the closure log ({} rows) differs from the closes answered 303 ({closes})",
            logged.values().sum::<i64>()
        ));
    }
    let problems = Conversation::audit(&mut conn).unwrap();
    failed.extend(problems.into_iter().take(20));
    failed.extend(
        ReportCount::differences_from_rebuild(&mut conn)
            .unwrap()
            .into_iter()
            .take(20),
    );
    // Stop the server before leaving: exiting under its running threads aborted in libc.
    server.stop(true).await;
    drop(conn);
    if failed.is_empty() {
        println!(
            "CONSISTENT: {closes} closes answered 303, each in the closure log once; all {} \
             conversations agree with their notes; the counters equal a recount",
            ids.len()
        );
    } else {
        for failure in &failed {
            println!("FAILED: {failure}");
        }
        std::process::exit(1);
    }
}
