//! Benchmark of the Reports page on PostgreSQL at scale.
//!
//!     cargo bench --bench reports -- --conversations 1000000 [--requests 60]
//!
//! Creates (once) a database `hearken_bench_<N>` on BENCH_DATABASE_URL's server (default
//! postgres://postgres@127.0.0.1:5432/postgres), fills it with `hearken seed` data over 365 days,
//! starts Hearken on it, signs in as the seeded team lead and times GET /reports?period=90
//! over real HTTP, one request after another. Prints the median, p95 and mean.

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use hearken::config::Config;
use hearken::db::DatabaseLocation;
use hearken::startup::{prepare_database, Application};

#[path = "common/mod.rs"]
mod common;
use common::signed_in_client;

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

fn database_url(admin: &str, name: &str) -> String {
    let mut url = url::Url::parse(admin).expect("BENCH_DATABASE_URL is a URL");
    url.set_path(name);
    url.to_string()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let conversations = arg("--conversations", 100_000);
    let requests = arg("--requests", 60);
    let admin = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
    let name = format!("hearken_bench_{conversations}");
    let url = database_url(&admin, &name);
    let config = Config {
        database: DatabaseLocation::parse(&url),
        addr: "127.0.0.1:0".to_owned(),
        secret_key: Some("benchmark-secret-benchmark-secret-0123456789".to_owned()),
        cookie_secure: false,
        workers: Some(2),
        pool_size: 4,
        statement_timeout_seconds: 5,
        session_idle_hours: 12,
        background_jobs: false,
        trust_proxy: false,
        visitor_limits: Default::default(),
        bot: Default::default(),
    };

    let mut admin_conn = PgConnection::establish(&admin).expect("connect to BENCH_DATABASE_URL");
    let exists = admin_conn
        .batch_execute(&format!("CREATE DATABASE \"{name}\""))
        .is_err();
    if exists {
        println!("reusing database {name}");
    } else {
        println!("seeding {conversations} conversations over 365 days into {name} ...");
        let hash = hearken::seed::password_hash().expect("hash");
        let pool = prepare_database(&config).expect("migrate");
        let mut conn = pool.get().expect("connection");
        let started = Instant::now();
        let summary =
            hearken::seed::seed(&mut conn, &hash, conversations, 365, |_| {}).expect("seed");
        println!(
            "seeded {} conversations, {} messages in {:.1} s",
            summary.conversations,
            summary.messages,
            started.elapsed().as_secs_f64()
        );
        conn.batch_execute("ANALYZE").expect("analyze");
    }

    let app = Application::build(config).await.expect("start Hearken");
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let client = signed_in_client(
        &base,
        hearken::seed::SEED_LEAD,
        hearken::seed::SEED_PASSWORD,
    )
    .await;

    let page = format!("{base}/reports?period=90");
    for _ in 0..5 {
        let response = client.get(&page).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
        response.bytes().await.unwrap();
    }
    let mut timings: Vec<Duration> = Vec::with_capacity(requests);
    for _ in 0..requests {
        let started = Instant::now();
        let response = client.get(&page).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
        response.bytes().await.unwrap();
        timings.push(started.elapsed());
    }
    timings.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = ms(timings[timings.len() / 2]);
    let p95 = ms(timings[(timings.len() * 95 / 100).min(timings.len() - 1)]);
    let mean = timings.iter().map(|d| ms(*d)).sum::<f64>() / timings.len() as f64;
    println!(
        "GET /reports?period=90 at {conversations} conversations: median {median:.1} ms, p95 {p95:.1} ms, mean {mean:.1} ms ({requests} requests)"
    );
}
