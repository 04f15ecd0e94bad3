//! `spawn_app()`: a real Hearken on a free port with its own database, SQLite or PostgreSQL,
//! and an HTTP client with a cookie store.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Once;

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use hearken::config::Config;
use hearken::db::{AnyConnection, DatabaseLocation, Manager, Pool};
use hearken::domain::{hash_password, Email, Password, PersonName, Role};
use hearken::domain::{Author, ConversationState, Outcome};
use hearken::models::closure::Closure;
use hearken::models::conversation::{Conversation, NewConversation};
use hearken::models::customer::{Customer, NewCustomer};
use hearken::models::message::{Message, NewMessage};
use hearken::models::user::{NewUser, User};
use hearken::startup::Application;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The server URL tests create their PostgreSQL databases on, if any.
pub fn postgres_admin_url() -> Option<String> {
    let url = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty());
    if url.is_none() {
        if std::env::var("HEARKEN_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") {
            panic!("HEARKEN_REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set");
        }
        static WARN: Once = Once::new();
        WARN.call_once(|| {
            // Written straight to the terminal: the test harness would swallow eprintln!.
            let _ = std::io::stderr().write_all(
                b"\n\n*** PostgreSQL SKIPPED: TEST_DATABASE_URL is not set, so every test ran on \
                  SQLite only. ***\n*** Set TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
                  to run them on PostgreSQL too. ***\n\n",
            );
        });
    }
    url
}

/// Runs an async test body on each backend: SQLite always, PostgreSQL when configured.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::helpers::Backend::Sqlite).await
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if $crate::helpers::postgres_admin_url().is_some() {
                        super::$name($crate::helpers::Backend::Postgres).await
                    }
                }
            }
        )+
    };
}

/// Removes the test's database when the test ends.
enum DatabaseGuard {
    Sqlite(PathBuf),
    Postgres { admin_url: String, name: String },
}

impl Drop for DatabaseGuard {
    fn drop(&mut self) {
        match self {
            DatabaseGuard::Sqlite(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            DatabaseGuard::Postgres { admin_url, name } => {
                if let Ok(mut conn) = PgConnection::establish(admin_url) {
                    let _ = conn
                        .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
                }
            }
        }
    }
}

pub struct TestApp {
    pub address: String,
    /// The server's own connection pool (tests hold its connections to exhaust it).
    pub pool: Pool,
    /// How many statements the server's pool has sent (a page's round trips are the difference).
    pub statements: hearken::db::Statements,
    /// The DATABASE_URL of this test's database (also handed to the `hearken` binary).
    pub database_url: String,
    /// The first browser: most tests need only one person.
    pub visitor: Visitor,
    handle: hearken::startup::StopHandle,
    guard: Option<DatabaseGuard>,
}

/// One person's browser: its own cookies, so its own session.
pub struct Visitor {
    pub address: String,
    pub client: reqwest::Client,
}

impl std::ops::Deref for TestApp {
    type Target = Visitor;

    fn deref(&self) -> &Visitor {
        &self.visitor
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Sends the stop command at once; the database goes after the server.
        drop(self.handle.stop(false));
        self.guard.take();
    }
}

fn unique_name() -> String {
    use rand::RngCore;
    format!("hearken_test_{:016x}", rand::thread_rng().next_u64())
}

/// A fresh, empty database for one test.
fn create_database(backend: Backend) -> (String, DatabaseGuard) {
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(unique_name());
            std::fs::create_dir_all(&dir).expect("create test folder");
            let path = dir.join("hearken.db");
            (
                path.to_string_lossy().into_owned(),
                DatabaseGuard::Sqlite(dir),
            )
        }
        Backend::Postgres => {
            let admin_url = postgres_admin_url().expect("TEST_DATABASE_URL");
            let name = unique_name();
            let mut conn =
                PgConnection::establish(&admin_url).expect("connect to TEST_DATABASE_URL");
            conn.batch_execute(&format!("CREATE DATABASE \"{name}\""))
                .expect("create test database");
            let mut url = url::Url::parse(&admin_url).expect("TEST_DATABASE_URL is a URL");
            url.set_path(&name);
            (url.to_string(), DatabaseGuard::Postgres { admin_url, name })
        }
    }
}

pub fn test_config(database_url: &str, secret_key: Option<String>) -> Config {
    Config {
        database: DatabaseLocation::parse(database_url),
        addr: "127.0.0.1:0".to_owned(),
        secret_key,
        cookie_secure: false,
        workers: Some(1),
        pool_size: 4,
        statement_timeout_seconds: 5,
        session_idle_hours: 12,
        // Tests run the jobs themselves, at the moment they choose.
        background_jobs: false,
        trust_proxy: false,
        visitor_limits: Default::default(),
        bot: Default::default(),
    }
}

/// The team's time zone as stored, for tests that act on conversations directly
/// (`team_zone(conn).at(time)`).
pub fn team_zone(conn: &mut AnyConnection) -> hearken::domain::time::TeamZone {
    hearken::models::team_settings::TeamSettings::get(conn)
        .expect("team settings")
        .time_zone
}

/// A client without a cookie store: cookies are sent by hand, as someone replaying them would.
pub fn bare_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("build HTTP client")
}

pub fn new_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("build HTTP client")
}

/// Starts Hearken against `database_url` and returns its address and stop handle.
pub async fn start_server(config: Config) -> (String, hearken::startup::StopHandle) {
    let (address, handle, _) = start_server_with_pool(config).await;
    (address, handle)
}

/// The pool the server uses and its statement counter.
type ServerPool = (Pool, hearken::db::Statements);

async fn start_server_with_pool(
    config: Config,
) -> (String, hearken::startup::StopHandle, ServerPool) {
    let app = Application::build(config).await.expect("build application");
    let address = format!("http://127.0.0.1:{}", app.port());
    let handle = app.handle();
    let (pool, statements) = (app.pool(), app.statements());
    tokio::spawn(app.run_until_stopped());
    (address, handle, (pool, statements))
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |_| {}).await
}

/// Like `spawn_app`, with settings changed from the test defaults (Secure cookies, idle hours).
pub async fn spawn_app_with(backend: Backend, configure: impl FnOnce(&mut Config)) -> TestApp {
    let (database_url, guard) = create_database(backend);
    let secret = Some(format!("test-secret-{}-{}", unique_name(), unique_name()));
    let mut config = test_config(&database_url, secret);
    configure(&mut config);
    let (address, handle, (pool, statements)) = start_server_with_pool(config).await;
    TestApp {
        pool,
        statements,
        visitor: Visitor {
            address: address.clone(),
            client: new_client(),
        },
        address,
        database_url,
        handle,
        guard: Some(guard),
    }
}

/// The value of the first `csrf_token` field in a page.
pub fn csrf_token_in(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).expect("page has a CSRF token") + marker.len();
    let end = html[start..].find('"').expect("token ends") + start;
    html[start..end].to_owned()
}

pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

impl Visitor {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    pub async fn get_html(&self, path: &str) -> String {
        self.get(path).await.text().await.expect("body")
    }

    /// Posts a form as a browser would, with the CSRF token from the page at `form_page`.
    pub async fn submit(
        &self,
        form_page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let token = csrf_token_in(&self.get_html(form_page).await);
        let mut body: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        body.extend_from_slice(fields);
        self.post_raw(action, &body).await
    }

    /// Posts exactly these fields (no token added).
    pub async fn post_raw(&self, action: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(action))
            .form(fields)
            .send()
            .await
            .expect("POST")
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> reqwest::Response {
        self.submit(
            "/sign-in",
            "/sign-in",
            &[("email", email), ("password", password)],
        )
        .await
    }

    pub async fn sign_out(&self) -> reqwest::Response {
        self.submit("/", "/sign-out", &[]).await
    }

    /// Sends a conversation action (`take-over`, `hand-back`, `close`, `reopen`) as the button
    /// on the conversation page does.
    pub async fn act(&self, id: i64, action: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.submit(
            &format!("/conversations/{id}"),
            &format!("/conversations/{id}/{action}"),
            fields,
        )
        .await
    }
}

impl TestApp {
    /// Another person's browser on the same app.
    pub fn new_visitor(&self) -> Visitor {
        Visitor {
            address: self.address.clone(),
            client: new_client(),
        }
    }

    /// A published article titled `title` (its address made from the title); its id.
    pub fn article(&self, title: &str) -> i64 {
        use hearken::models::article::{Article, NewArticle};
        let now = hearken::models::now();
        Article::create(
            &mut self.db(),
            &NewArticle {
                title,
                slug: &title.to_lowercase().replace(' ', "-"),
                body: "…",
                also_asked: "",
                published: true,
                created_at: now,
                updated_at: now,
            },
        )
        .unwrap()
        .id
    }

    /// A direct connection to this test's database, for arranging and checking data.
    pub fn db(&self) -> AnyConnection {
        use diesel::r2d2::ManageConnection;
        Manager::new(DatabaseLocation::parse(&self.database_url))
            .connect()
            .expect("connect to test database")
    }

    /// The one-time code of the first-admin setup link, as `hearken serve` printed it.
    pub fn setup_code(&self) -> Option<String> {
        use hearken::models::server_secret::{ServerSecret, SETUP_CODE};
        ServerSecret::get(&mut self.db(), SETUP_CODE).expect("read server secrets")
    }

    /// Adds a team member straight into the database.
    pub fn add_member(&self, name: &str, email: &str, role: Role, password: &str) -> User {
        let name = PersonName::parse(name).unwrap();
        let email = Email::parse(email).unwrap();
        let hash = hash_password(&Password::parse(password).unwrap()).unwrap();
        User::create(&mut self.db(), &NewUser::new(&name, &email, &hash, role)).expect("add member")
    }

    /// Adds a member with `role` and signs this app's first browser in as them.
    pub async fn signed_in_as(&self, role: Role) -> User {
        self.member_signed_in(&self.visitor, role.as_str(), role)
            .await
    }

    /// Adds a member named after `handle` ("priya" becomes "Priya", priya@example.com) and
    /// signs `visitor` in as them.
    pub async fn member_signed_in(&self, visitor: &Visitor, handle: &str, role: Role) -> User {
        let email = format!("{handle}@example.com");
        let mut name = handle.to_owned();
        name[..1].make_ascii_uppercase();
        let user = self.add_member(&name, &email, role, PASSWORD);
        let response = visitor.sign_in(&email, PASSWORD).await;
        assert_eq!(
            response.status().as_u16(),
            303,
            "sign-in as {handle} failed"
        );
        user
    }

    /// A conversation with a customer message, in `state` (bot, waiting or agent).
    pub fn conversation(
        &self,
        customer: Option<&str>,
        state: ConversationState,
        assignee: Option<i64>,
        first_message: &str,
    ) -> i64 {
        let mut conn = self.db();
        let now = hearken::models::now();
        let customer = Customer::create(
            &mut conn,
            &NewCustomer {
                name: customer,
                email: None,
                notes: "",
                created_at: now,
            },
        )
        .unwrap();
        let conversation = Conversation::create(
            &mut conn,
            &NewConversation {
                customer_id: customer.id,
                state,
                assignee_id: assignee,
                outcome: None,
                closed_by_id: None,
                closed_at: None,
                waiting_since: (state == ConversationState::Waiting).then_some(now),
                last_activity_at: now,
                agent_involved: assignee.is_some(),
                version: 1,
                created_at: now,
                visitor_token_hash: None,
            },
        )
        .unwrap();
        Message::create(
            &mut conn,
            &NewMessage {
                conversation_id: conversation.id,
                author: Author::Customer,
                author_user_id: None,
                body: first_message,
                system_event: None,
                event_outcome: None,
                created_at: now,
            },
        )
        .unwrap();
        conversation.id
    }

    /// The conversation row as stored now.
    pub fn stored(&self, id: i64) -> Conversation {
        Conversation::find(&mut self.db(), id)
            .unwrap()
            .expect("conversation exists")
    }

    /// The text of every system note, oldest first, with its outcome.
    pub fn notes(&self, id: i64) -> Vec<(String, Option<String>)> {
        use diesel::prelude::*;
        use hearken::db::schema::messages;
        messages::table
            .filter(messages::conversation_id.eq(id))
            .filter(messages::author.eq("system"))
            .order(messages::id.asc())
            .select((messages::body, messages::event_outcome))
            .load(&mut self.db())
            .unwrap()
    }

    /// The closure log of a conversation: (outcome, replaced outcome, actor, reason).
    pub fn closures(&self, id: i64) -> Vec<ClosureRow> {
        Closure::history(&mut self.db(), id)
            .unwrap()
            .into_iter()
            .map(|(c, _)| {
                let text = |o: Outcome| o.as_str().to_owned();
                (
                    text(c.outcome),
                    c.replaced_outcome.map(text),
                    c.actor_user_id,
                    c.reason,
                )
            })
            .collect()
    }

    pub fn message_count(&self, id: i64) -> i64 {
        use diesel::prelude::*;
        use hearken::db::schema::messages;
        messages::table
            .filter(messages::conversation_id.eq(id))
            .count()
            .get_result(&mut self.db())
            .unwrap()
    }

    /// Runs the `hearken` binary against this test's database.
    pub fn hearken(&self, args: &[&str], stdin: &str) -> std::process::Output {
        use std::process::{Command, Stdio};
        let mut child = Command::new(env!("CARGO_BIN_EXE_hearken"))
            .args(args)
            .env("DATABASE_URL", &self.database_url)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run hearken");
        // A command that refuses its arguments exits before reading: a broken pipe is fine.
        let _ = child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes());
        child.wait_with_output().expect("hearken finished")
    }
}

/// (outcome, replaced outcome, actor, reason) of one closure-log row.
pub type ClosureRow = (String, Option<String>, Option<i64>, Option<String>);

pub const PASSWORD: &str = "correct horse battery";

/// The rows of a CSV body as a spreadsheet reads them: each row's cells by column heading.
pub fn csv_rows(body: &str) -> Vec<BTreeMap<String, String>> {
    csv::Reader::from_reader(body.as_bytes())
        .deserialize()
        .collect::<Result<_, _>>()
        .expect("a well-formed CSV file with a heading row")
}

/// Cells of a CSV row, by column heading.
pub fn cells<const N: usize>(row: &BTreeMap<String, String>, columns: [&str; N]) -> [String; N] {
    columns.map(|column| {
        row.get(column)
            .unwrap_or_else(|| panic!("no column {column:?} in {row:?}"))
            .clone()
    })
}
