//! Builds the application: database ready, session key known, routes and middleware in one place.

use std::net::TcpListener;
use std::time::Instant;

use actix_session::config::PersistentSession;
use actix_session::storage::CookieSessionStore;
use actix_session::SessionMiddleware;
use actix_web::body::MessageBody;
use actix_web::cookie::{Key, SameSite};
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::middleware::{from_fn, DefaultHeaders};
use actix_web::{web, App, HttpMessage, HttpServer};
use sha2::{Digest, Sha512};
use tracing::Span;
use tracing_actix_web::{RequestId, RootSpanBuilder, TracingLogger};

use crate::config::Config;
use crate::db::{self, Pool};
use crate::error::AppError;
use crate::models::server_secret::{ServerSecret, SETUP_CODE};
use crate::models::session::IdleLimit;
use crate::models::user::User;
use crate::routes::auth::gate::SignInGate;
use crate::routes::chat::limits::VisitorGuard;
use crate::routes::table::{form_limit, FORM_LIMIT};

/// A running Hearken: its port (useful when bound to port 0 in tests) and its server.
pub struct Application {
    port: u16,
    server: Server,
    hub: std::sync::Arc<crate::events::Hub>,
    setup_link: Option<String>,
    pool: Pool,
    statements: db::Statements,
}

impl Application {
    /// Opens and migrates the database, then binds `config.addr`. The pool's connections have
    /// the statement timeout; migrations ran on a connection of their own, without it.
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        let manager = db::Manager::new(config.database.clone())
            .with_statement_timeout(config.statement_timeout());
        let statements = manager.statements();
        let setup_config = config.clone();
        let pool_manager = manager.clone();
        let (pool, key, setup_code) = web::block(move || {
            migrate(&setup_config.database)?;
            let pool = db::open_pool(pool_manager, setup_config.pool_size)?;
            let key = session_key(&setup_config, &pool)?;
            let setup_code = setup_code(&pool)?;
            anyhow::Ok((pool, key, setup_code))
        })
        .await??;
        let listener = TcpListener::bind(&config.addr)
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.addr))?;
        let bound = listener.local_addr()?;
        let port = bound.port();
        let setup_link = setup_code.map(|code| format!("http://{bound}/setup?code={code}"));
        if let Some(link) = &setup_link {
            tracing::warn!("No team members yet: create the first admin at {link}");
        }
        if config.background_jobs {
            crate::jobs::start(pool.clone());
        }
        let hub = crate::events::Hub::start(&config.database, pool.clone());
        let server = serve(listener, pool.clone(), manager, key, &config, hub.clone())?;
        Ok(Application {
            port,
            server,
            hub,
            setup_link,
            pool,
            statements,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// On a database without team members: the one-time link that creates the first admin.
    pub fn setup_link(&self) -> Option<&str> {
        self.setup_link.as_deref()
    }

    /// The pool the server uses, so tests can occupy its connections deterministically.
    pub fn pool(&self) -> Pool {
        self.pool.clone()
    }

    /// How many statements the pool's connections have sent (tests count a page's round trips).
    pub fn statements(&self) -> db::Statements {
        self.statements.clone()
    }

    /// A handle to stop the server (tests stop theirs when they finish).
    pub fn handle(&self) -> StopHandle {
        StopHandle {
            server: self.server.handle(),
            hub: self.hub.clone(),
        }
    }

    /// Serves until SIGTERM or Ctrl-C: then live-update streams end at once (browsers
    /// reconnect, to another instance if there is one) and requests in flight are answered.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let handle = self.handle();
        tokio::spawn(async move {
            stop_signal().await;
            tracing::info!("stopping: answering the requests in flight");
            handle.stop(true).await;
        });
        self.server.await
    }
}

/// Stops a server: its live-update streams first (they would otherwise keep a graceful stop
/// waiting for its whole timeout), then the server.
#[derive(Clone)]
pub struct StopHandle {
    server: actix_web::dev::ServerHandle,
    hub: std::sync::Arc<crate::events::Hub>,
}

impl StopHandle {
    /// Ends the streams and tells the server to stop at once; await the result to wait for it.
    pub fn stop(&self, graceful: bool) -> impl std::future::Future<Output = ()> {
        self.hub.close();
        self.server.stop(graceful)
    }
}

/// SIGTERM (how orchestrators stop a service) or Ctrl-C.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = terminate.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Applies pending migrations on a connection of their own, without a statement timeout.
pub fn migrate(location: &db::DatabaseLocation) -> anyhow::Result<()> {
    let mut conn = db::connect_one(location)?;
    let applied = db::migrations::run_pending(&mut conn)?;
    if !applied.is_empty() {
        tracing::info!(count = applied.len(), "applied database migrations");
    }
    Ok(())
}

/// For the command line: applies pending migrations, then opens a pool without a statement
/// timeout (seeding, rebuilding reports and the demo may run long statements).
pub fn prepare_database(config: &Config) -> anyhow::Result<Pool> {
    migrate(&config.database)?;
    db::connect_pool(&config.database, config.pool_size)
}

/// The database migrated, and one connection for a command that needs no more: a pool would
/// keep opening connections on a thread of its own, which may still be in a TLS handshake
/// when the command exits.
pub fn prepare_connection(config: &Config) -> anyhow::Result<db::AnyConnection> {
    migrate(&config.database)?;
    db::connect_one(&config.database)
}

/// The cookie key: derived from HEARKEN_SECRET_KEY, or generated once and kept in the database.
fn session_key(config: &Config, pool: &Pool) -> anyhow::Result<Key> {
    let secret = match &config.secret_key {
        Some(secret) => secret.clone(),
        None => {
            let mut conn = pool.get()?;
            ServerSecret::get_or_create(&mut conn, "session_key", || {
                format!(
                    "{}{}",
                    crate::session::random_token(),
                    crate::session::random_token()
                )
            })?
        }
    };
    Ok(Key::from(Sha512::digest(secret.as_bytes()).as_slice()))
}

/// On a team without members, the one-time code that lets whoever reads the server's output
/// create the first admin. Generated once and kept, so every instance prints the same link.
fn setup_code(pool: &Pool) -> anyhow::Result<Option<String>> {
    let mut conn = pool.get()?;
    if User::count(&mut conn)? > 0 {
        return Ok(None);
    }
    let code = ServerSecret::get_or_create(&mut conn, SETUP_CODE, crate::session::random_token)?;
    Ok(Some(code))
}

/// Headers for every response; `DefaultHeaders` leaves a header a handler set itself alone.
fn security_headers(cookie_secure: bool) -> DefaultHeaders {
    let headers = DefaultHeaders::new()
        .add((
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        ))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "same-origin"))
        // Every dynamic response, not only signed-in ones: anonymous pages carry the session's
        // CSRF token (sign-in, setup) or a visitor's own chat, so none may sit in a cache or in
        // the back button of a shared computer. Static files set their own caching.
        .add(("Cache-Control", "no-store"));
    // Secure cookies mean Hearken is served over HTTPS: browsers should never try plain HTTP.
    if cookie_secure {
        headers.add(("Strict-Transport-Security", "max-age=31536000"))
    } else {
        headers
    }
}

/// Request logs: each request runs in a span carrying its request id (so every line logged while
/// handling it can be traced back), and ends with one line giving its status and duration.
struct RequestLog;

/// When the request came in, to log how long it took.
struct Started(Instant);

impl RootSpanBuilder for RequestLog {
    fn on_request_start(request: &ServiceRequest) -> Span {
        request.extensions_mut().insert(Started(Instant::now()));
        let request_id = request.extensions().get::<RequestId>().copied();
        tracing::info_span!(
            "request",
            method = %request.method(),
            path = %request.path(),
            request_id = request_id.map(tracing::field::display),
        )
    }

    fn on_request_end<B: MessageBody>(
        _span: Span,
        outcome: &Result<ServiceResponse<B>, actix_web::Error>,
    ) {
        match outcome {
            Ok(response) => {
                let ms = response
                    .request()
                    .extensions()
                    .get::<Started>()
                    .map(|started| started.0.elapsed().as_secs_f64() * 1000.0);
                tracing::info!(status = response.status().as_u16(), ms, "request");
            }
            Err(error) => {
                let status = error.as_response_error().status_code();
                tracing::info!(status = status.as_u16(), "request");
            }
        }
    }
}

fn serve(
    listener: TcpListener,
    pool: Pool,
    manager: db::Manager,
    key: Key,
    config: &Config,
    hub: std::sync::Arc<crate::events::Hub>,
) -> anyhow::Result<Server> {
    let pool = web::Data::new(pool);
    let team_settings = web::Data::from(hub.settings());
    let bot = web::Data::new(crate::bot::Bot {
        knowledge: hub.knowledge(),
        llm: config.bot.llm(),
    });
    let hub = web::Data::from(hub);
    let sign_in_gate = web::Data::new(SignInGate::new(config.pool_size, config.trust_proxy));
    let visitor_guard =
        web::Data::new(VisitorGuard::new(config.visitor_limits, config.trust_proxy));
    let idle_limit = web::Data::new(IdleLimit::hours(config.session_idle_hours));
    let stream_limits = web::Data::new(crate::routes::events::StreamLimits::of_this_process());
    let stream_keys = web::Data::new(crate::routes::widget::stream_key::StreamKeys::new(
        key.signing(),
    ));
    // The health check's own way to the database, for when the pool has no connection free.
    let health_manager = web::Data::new(manager);
    let cookie_secure = config.cookie_secure;
    let mut server = HttpServer::new(move || {
        let sessions = SessionMiddleware::builder(CookieSessionStore::default(), key.clone())
            .cookie_name("hearken_session".to_owned())
            .cookie_secure(cookie_secure)
            .cookie_http_only(true)
            .cookie_same_site(SameSite::Lax)
            .session_lifecycle(PersistentSession::default().session_ttl(
                actix_web::cookie::time::Duration::days(crate::models::session::SESSION_DAYS),
            ))
            .build();
        App::new()
            .wrap(sessions)
            .wrap(security_headers(cookie_secure))
            .wrap(TracingLogger::<RequestLog>::new())
            .app_data(pool.clone())
            .app_data(sign_in_gate.clone())
            .app_data(visitor_guard.clone())
            .app_data(hub.clone())
            .app_data(team_settings.clone())
            .app_data(bot.clone())
            .app_data(stream_limits.clone())
            .app_data(stream_keys.clone())
            .app_data(idle_limit.clone())
            .app_data(health_manager.clone())
            .wrap(from_fn(refuse_oversize_forms))
            .app_data(web::PayloadConfig::new(FORM_LIMIT))
            .app_data(web::PathConfig::default().error_handler(|_, _| AppError::NotFound.into()))
            .app_data(web::QueryConfig::default().error_handler(|error, _| {
                AppError::BadRequest(format!("The address has a bad parameter: {error}.")).into()
            }))
            .configure(crate::routes::table::configure)
            .default_service(web::to(|| async {
                Err::<actix_web::HttpResponse, _>(AppError::NotFound)
            }))
    })
    .listen(listener)?
    // Signals are handled in `run_until_stopped`, to end the live-update streams first.
    .disable_signals();
    if let Some(workers) = config.workers {
        server = server.workers(workers);
    }
    Ok(server.run())
}

/// Refuses a body larger than its route accepts before reading it, with the limit named (the
/// form extractor alone could only say it "could not be read").
async fn refuse_oversize_forms(
    req: ServiceRequest,
    next: actix_web::middleware::Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let limit = form_limit(req.match_pattern().as_deref().unwrap_or_default());
    let length = req
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok());
    if length.is_some_and(|length| length > limit) {
        return Err(AppError::TooLarge {
            limit_kib: limit / 1024,
        }
        .into());
    }
    next.call(req).await
}
