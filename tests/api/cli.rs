use diesel::prelude::*;
use hearken::db::schema::{conversations, messages, users};

use crate::helpers::{location, spawn_app, Backend, PASSWORD};
use crate::on_both_backends;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

async fn user_add_creates_a_member_who_can_sign_in(backend: Backend) {
    let app = spawn_app(backend).await;

    let added = app.hearken(
        &[
            "user",
            "add",
            "--email",
            "Priya@Example.com",
            "--name",
            "Priya Shah",
            "--role",
            "lead",
        ],
        &format!("{PASSWORD}\n"),
    );

    assert!(
        added.status.success(),
        "{:?}, stderr: {}, stdout: {}",
        added.status,
        text(&added.stderr),
        text(&added.stdout)
    );
    assert!(text(&added.stdout).contains("Added Priya Shah <priya@example.com> as Team lead."));
    let response = app.sign_in("priya@example.com", PASSWORD).await;
    assert_eq!(location(&response), "/");
    assert_eq!(
        app.get("/team").await.status().as_u16(),
        200,
        "a lead sees the team"
    );
    let listed = app.hearken(&["user", "list"], "");
    assert!(text(&listed.stdout).contains("priya@example.com"));
}

async fn user_add_refuses_bad_input(backend: Backend) {
    let app = spawn_app(backend).await;
    app.hearken(
        &[
            "user",
            "add",
            "--email",
            "priya@example.com",
            "--name",
            "Priya",
            "--role",
            "agent",
        ],
        &format!("{PASSWORD}\n"),
    );

    let duplicate = app.hearken(
        &[
            "user",
            "add",
            "--email",
            "PRIYA@example.com",
            "--name",
            "Other",
            "--role",
            "agent",
        ],
        &format!("{PASSWORD}\n"),
    );
    let short_password = app.hearken(
        &[
            "user",
            "add",
            "--email",
            "tom@example.com",
            "--name",
            "Tom",
            "--role",
            "agent",
        ],
        "short\n",
    );
    let bad_role = app.hearken(
        &[
            "user",
            "add",
            "--email",
            "tom@example.com",
            "--name",
            "Tom",
            "--role",
            "owner",
        ],
        &format!("{PASSWORD}\n"),
    );

    assert!(!duplicate.status.success());
    assert!(text(&duplicate.stderr).contains("already exists"));
    assert!(!short_password.status.success());
    assert!(text(&short_password.stderr).contains("at least 10 characters"));
    assert!(!bad_role.status.success());
    assert!(text(&bad_role.stderr).contains("agent, lead or admin"));
    let count: i64 = users::table.count().get_result(&mut app.db()).unwrap();
    assert_eq!(count, 1);
}

async fn demo_data_loads_once_and_its_admin_can_sign_in(backend: Backend) {
    let app = spawn_app(backend).await;

    let first = app.hearken(&["demo"], "");
    assert!(first.status.success(), "{}", text(&first.stderr));
    let counts = |app: &crate::helpers::TestApp| {
        let mut conn = app.db();
        (
            users::table.count().get_result::<i64>(&mut conn).unwrap(),
            conversations::table
                .count()
                .get_result::<i64>(&mut conn)
                .unwrap(),
            messages::table
                .count()
                .get_result::<i64>(&mut conn)
                .unwrap(),
        )
    };
    let after_first = counts(&app);
    let second = app.hearken(&["demo"], "");

    assert!(second.status.success());
    assert!(text(&second.stdout).contains("Demo data not loaded"));
    assert_eq!(counts(&app), after_first);
    assert_eq!(after_first.0, 5);
    assert!(after_first.1 >= 200, "a few hundred conversations");
    // Every state of the lifecycle is there.
    for state in ["bot", "waiting", "agent", "closed"] {
        let n: i64 = conversations::table
            .filter(conversations::state.eq(state))
            .count()
            .get_result(&mut app.db())
            .unwrap();
        assert!(n > 0, "no {state} conversations");
    }
    // The demo plays its stories through the lifecycle's one door: every conversation is in
    // a state its own notes lead to.
    crate::consistency::assert_every_conversation_agrees_with_its_notes(&mut app.db());
    // The customer's side and the times have something to show.
    let mut conn = app.db();
    let verdicts: i64 = hearken::db::schema::verdicts::table
        .count()
        .get_result(&mut conn)
        .unwrap();
    let returns: i64 = conversations::table
        .filter(conversations::follows_id.is_not_null())
        .count()
        .get_result(&mut conn)
        .unwrap();
    let times: i64 = hearken::db::schema::time_counts::table
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert!(
        verdicts > 10 && returns > 5 && times > 10,
        "{verdicts} {returns} {times}"
    );
    drop(conn);
    let checked = app.hearken(&["check"], "");
    assert!(checked.status.success(), "{}", text(&checked.stdout));
    let response = app
        .sign_in("admin@demo.hearken.test", hearken::demo::DEMO_PASSWORD)
        .await;
    assert_eq!(location(&response), "/");
}

on_both_backends!(
    user_add_creates_a_member_who_can_sign_in,
    user_add_refuses_bad_input,
    demo_data_loads_once_and_its_admin_can_sign_in,
);

#[test]
fn help_documents_every_command_and_variable() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_hearken"))
        .arg("--help")
        .output()
        .unwrap();
    let help = text(&output.stdout);
    for expected in [
        "serve",
        "migrate",
        "user",
        "demo",
        "DATABASE_URL",
        "HEARKEN_ADDR",
        "HEARKEN_SECRET_KEY",
        "HEARKEN_COOKIE_SECURE",
        "[env: HEARKEN_WORKERS",
        "[env: HEARKEN_POOL_SIZE=] [default: 10]",
        "[env: HEARKEN_SESSION_IDLE_HOURS=] [default: 12]",
        "[env: HEARKEN_BACKGROUND_JOBS=] [default: true]",
        "[env: HEARKEN_TRUST_PROXY=] [default: false]",
        "[env: RUST_LOG",
    ] {
        assert!(help.contains(expected), "--help lacks {expected}");
    }
}

/// Runs `hearken migrate` on a throwaway SQLite file with extra variables and arguments.
fn migrate_with(vars: &[(&str, &str)], args: &[&str]) -> std::process::Output {
    let dir = std::env::temp_dir().join(format!(
        "hearken_cli_{}_{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_hearken"))
        .arg("migrate")
        .args(args)
        .env("DATABASE_URL", dir.join("hearken.db"))
        .envs(vars.iter().copied())
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(dir);
    output
}

#[test]
fn a_bad_setting_is_refused_naming_its_variable() {
    for (name, value, reason) in [
        ("HEARKEN_POOL_SIZE", "0", "must be a positive number"),
        ("HEARKEN_WORKERS", "many", "must be a positive number"),
        ("HEARKEN_SESSION_IDLE_HOURS", "0", "from 1 to 336"),
        ("HEARKEN_SESSION_IDLE_HOURS", "100000", "from 1 to 336"),
        ("HEARKEN_COOKIE_SECURE", "maybe", "must be true or false"),
        (
            "HEARKEN_BACKGROUND_JOBS",
            "sometimes",
            "must be true or false",
        ),
        (
            "HEARKEN_SECRET_KEY",
            "too-short-secret",
            "at least 32 characters",
        ),
    ] {
        let refused = migrate_with(&[(name, value)], &[]);

        let stderr = text(&refused.stderr);
        assert!(!refused.status.success(), "{name}={value} was accepted");
        assert!(stderr.contains(name), "{name}: {stderr}");
        assert!(stderr.contains(reason), "{name}: {stderr}");
    }
    let secret = migrate_with(&[("HEARKEN_SECRET_KEY", "too-short-secret")], &[]);
    assert!(!text(&secret.stderr).contains("too-short-secret"));
    let option = migrate_with(&[], &["--pool-size", "0"]);
    assert!(text(&option.stderr).contains("--pool-size <HEARKEN_POOL_SIZE>"));
}

#[test]
fn a_blank_setting_counts_as_unset() {
    let blank = [
        "HEARKEN_ADDR",
        "HEARKEN_SECRET_KEY",
        "HEARKEN_COOKIE_SECURE",
        "HEARKEN_WORKERS",
        "HEARKEN_POOL_SIZE",
        "HEARKEN_SESSION_IDLE_HOURS",
        "HEARKEN_BACKGROUND_JOBS",
    ]
    .map(|name| (name, " "));

    let migrated = migrate_with(&blank, &[]);

    assert!(migrated.status.success(), "{}", text(&migrated.stderr));
    assert!(text(&migrated.stdout).contains("is up to date"));
}

async fn seed_adds_conversations_and_the_report_counts_them_all(backend: Backend) {
    let app = spawn_app(backend).await;

    let seeded = app.hearken(&["seed", "--conversations", "3000", "--days", "60"], "");

    assert!(seeded.status.success(), "{}", text(&seeded.stderr));
    let mut conn = app.db();
    let total: i64 = conversations::table.count().get_result(&mut conn).unwrap();
    assert_eq!(total, 3000);
    let closed: i64 = conversations::table
        .filter(conversations::state.eq("closed"))
        .count()
        .get_result(&mut conn)
        .unwrap();
    // It leaves fresh planner statistics behind (PostgreSQL plans blind without them).
    if backend == Backend::Postgres {
        #[derive(QueryableByName)]
        struct Analyzed {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let analyzed = diesel::sql_query(
            "SELECT COUNT(*) AS n FROM pg_stat_user_tables \
             WHERE relname IN ('conversations', 'messages') AND last_analyze IS NOT NULL",
        )
        .get_result::<Analyzed>(&mut conn)
        .unwrap();
        assert_eq!(analyzed.n, 2);
    }
    // Its notes read exactly as the product writes them, never ad-hoc texts.
    let notes: Vec<String> = hearken::db::schema::messages::table
        .filter(hearken::db::schema::messages::author.eq("system"))
        .select(hearken::db::schema::messages::body)
        .distinct()
        .load(&mut conn)
        .unwrap();
    for note in &notes {
        let by_a_member = |what: &str| {
            note.strip_suffix(what)
                .is_some_and(|name| name.contains("Seed") && !name.is_empty())
        };
        let designed = note == "Customer requested to speak to a human"
            || by_a_member(" joined the conversation")
            || by_a_member(" closed the conversation")
            || (note.starts_with("Closed automatically after ")
                && note.ends_with(" hours without activity"));
        assert!(
            designed,
            "a seeded note the product would never write: {note:?}"
        );
    }
    assert!(notes.contains(&"Seed Lead closed the conversation".to_owned()));
    assert!(notes.iter().any(|n| n.starts_with("Closed automatically")));
    // New conversations after seeding get fresh ids (PostgreSQL's sequences were moved on).
    let id = app.conversation(
        None,
        hearken::domain::ConversationState::Waiting,
        None,
        "Hi",
    );
    assert!(id > 3000);
    // The report over the whole seeded range counts every closed conversation exactly once.
    app.sign_in(hearken::seed::SEED_LEAD, hearken::seed::SEED_PASSWORD)
        .await;
    let today = chrono::Utc::now().date_naive();
    let csv = app
        .get_html(&format!(
            "/reports/handled-by.csv?period=custom&from={}&to={}",
            today - chrono::Duration::days(70),
            today + chrono::Duration::days(1)
        ))
        .await;
    let counted: i64 = crate::helpers::csv_rows(&csv)
        .iter()
        .map(|row| row["closed"].parse::<i64>().unwrap())
        .sum();
    assert_eq!(counted, closed);
}

on_both_backends!(seed_adds_conversations_and_the_report_counts_them_all);

async fn rebuilding_the_reports_gives_the_same_counters(backend: Backend) {
    use hearken::db::schema::report_counts;
    let app = spawn_app(backend).await;
    app.hearken(&["demo"], "");
    // Each counter's total over its slots (live changes spread over slots, a rebuild uses one).
    type Key = (chrono::NaiveDate, String, String, bool, i64, i64);
    let snapshot = |app: &crate::helpers::TestApp| -> std::collections::BTreeMap<Key, i64> {
        let rows: Vec<(chrono::NaiveDate, String, String, bool, i64, i64, i64)> =
            report_counts::table
                .select((
                    report_counts::day,
                    report_counts::metric,
                    report_counts::outcome,
                    report_counts::agent_involved,
                    report_counts::closed_by_id,
                    report_counts::article_id,
                    report_counts::count,
                ))
                .load(&mut app.db())
                .unwrap();
        let mut totals = std::collections::BTreeMap::new();
        for (day, metric, outcome, involved, closer, article, count) in rows {
            *totals
                .entry((day, metric, outcome, involved, closer, article))
                .or_insert(0) += count;
        }
        totals.retain(|_, count| *count != 0);
        totals
    };
    // Live changes after the demo, through the buttons' code path.
    app.sign_in("admin@demo.hearken.test", hearken::demo::DEMO_PASSWORD)
        .await;
    let id = app.conversation(
        None,
        hearken::domain::ConversationState::Waiting,
        None,
        "Hi",
    );
    app.act(id, "close", &[("version", "1"), ("outcome", "resolved")])
        .await;
    app.act(id, "close", &[("version", "2"), ("outcome", "unresolved")])
        .await;
    let before = snapshot(&app);

    let rebuilt = app.hearken(&["rebuild-reports"], "");

    assert!(rebuilt.status.success(), "{}", text(&rebuilt.stderr));
    assert!(text(&rebuilt.stdout).contains("Europe/Berlin"));
    assert_eq!(snapshot(&app), before);
    // `hearken check` agrees, and finds a counter someone broke by hand.
    let checked = app.hearken(&["check"], "");
    assert!(checked.status.success(), "{}", text(&checked.stdout));
    assert!(text(&checked.stdout).contains("agree with their history"));
    diesel::update(report_counts::table.filter(report_counts::metric.eq("closed")))
        .set(report_counts::count.eq(report_counts::count + 1))
        .execute(&mut app.db())
        .unwrap();
    diesel::update(conversations::table.filter(conversations::id.eq(id)))
        .set(conversations::version.eq(7))
        .execute(&mut app.db())
        .unwrap();
    let broken = app.hearken(&["check"], "");
    assert!(!broken.status.success());
    let said = text(&broken.stdout);
    assert!(said.contains("is not what a recount gives"), "{said}");
    assert!(said.contains(&format!("conversation #{id} is")), "{said}");
}

on_both_backends!(rebuilding_the_reports_gives_the_same_counters);

#[test]
fn a_database_that_cannot_be_opened_is_reported_at_start() {
    let run = |url: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_hearken"))
            .args(["serve"])
            .env("DATABASE_URL", url)
            .env("HEARKEN_ADDR", "127.0.0.1:0")
            .output()
            .expect("run hearken")
    };
    let unwritable = run("/proc/no-such-folder/hearken.db");
    assert!(!unwritable.status.success());
    assert!(text(&unwritable.stderr).contains("cannot create the data folder /proc/no-such-folder"));
    let unreachable = run("postgres://postgres@127.0.0.1:9/hearken");
    assert!(!unreachable.status.success());
    let said = text(&unreachable.stderr);
    assert!(
        said.contains("cannot open PostgreSQL at") && said.contains("refused"),
        "{said}"
    );
}

#[test]
fn sigterm_answers_the_request_in_flight_before_exiting() {
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::time::{Duration, Instant};
    let folder = std::env::temp_dir().join(format!("hearken-sigterm-{}", std::process::id()));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_hearken"))
        .args(["serve"])
        .env("DATABASE_URL", folder.join("hearken.db"))
        .env("HEARKEN_ADDR", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("start hearken");
    let started = Instant::now();
    let mut stream = loop {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(stream) => break stream,
            Err(_) if started.elapsed() < Duration::from_secs(30) => {
                std::thread::sleep(Duration::from_millis(100))
            }
            Err(error) => panic!("hearken did not start: {error}"),
        }
    };
    // A request whose body is still arriving when the signal comes.
    let body = b"body=hello+there";
    write!(
        stream,
        "POST /chat/messages HTTP/1.1\r\nHost: test\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    stream.write_all(&body[..4]).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    std::thread::sleep(Duration::from_millis(500));
    stream.write_all(&body[4..]).unwrap();
    let mut answer = [0u8; 64];
    let read = stream.read(&mut answer).unwrap();
    let status_line = String::from_utf8_lossy(&answer[..read]).into_owned();
    // Answered in full (refused for its missing form token, as any such request is).
    assert!(status_line.starts_with("HTTP/1.1 403"), "{status_line}");
    let exited = server.wait().unwrap();
    assert!(exited.success(), "{exited:?}");
    let _ = std::fs::remove_dir_all(folder);
}
