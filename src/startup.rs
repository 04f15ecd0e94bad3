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
use crate::domain::Role;
use crate::error::AppError;
use crate::models::server_secret::ServerSecret;
use crate::models::session::IdleLimit;
use crate::routes::{
    account, assets, auth, chat, conversations, health, kb, live, reports, settings, team,
};
use crate::session::require_role;

/// A running Hearken: its port (useful when bound to port 0 in tests) and its server.
pub struct Application {
    port: u16,
    server: Server,
    pool: Pool,
}

impl Application {
    /// Opens and migrates the database, then binds `config.addr`.
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        let setup_config = config.clone();
        let (pool, key) = web::block(move || -> anyhow::Result<(Pool, Key)> {
            let pool = prepare_database(&setup_config)?;
            let key = session_key(&setup_config, &pool)?;
            Ok((pool, key))
        })
        .await??;
        let listener = TcpListener::bind(&config.addr)
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.addr))?;
        let port = listener.local_addr()?.port();
        if config.background_jobs {
            crate::jobs::start(pool.clone());
        }
        let server = serve(listener, pool.clone(), key, &config)?;
        Ok(Application { port, server, pool })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The pool the server uses, so tests can occupy its connections deterministically.
    pub fn pool(&self) -> Pool {
        self.pool.clone()
    }

    /// A handle to stop the server (tests stop theirs when they finish).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Connects to the configured database and applies pending migrations.
pub fn prepare_database(config: &Config) -> anyhow::Result<Pool> {
    let pool = db::connect_pool(&config.database, config.pool_size)?;
    let mut conn = pool.get()?;
    let applied = db::migrations::run_pending(&mut conn)?;
    if !applied.is_empty() {
        tracing::info!(count = applied.len(), "applied database migrations");
    }
    Ok(pool)
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

fn serve(listener: TcpListener, pool: Pool, key: Key, config: &Config) -> anyhow::Result<Server> {
    let pool = web::Data::new(pool);
    let idle_limit = web::Data::new(IdleLimit::hours(config.session_idle_hours));
    // The health check's own way to the database, for when the pool has no connection free.
    let health_manager = web::Data::new(db::Manager::new(config.database.clone()));
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
            .app_data(idle_limit.clone())
            .app_data(health_manager.clone())
            .app_data(web::PayloadConfig::new(64 * 1024))
            .app_data(web::PathConfig::default().error_handler(|_, _| AppError::NotFound.into()))
            .app_data(web::QueryConfig::default().error_handler(|error, _| {
                AppError::BadRequest(format!("The address has a bad parameter: {error}.")).into()
            }))
            .route("/healthz", web::get().to(health::check))
            .route("/static/{name}", web::get().to(assets::serve))
            .route("/sign-in", web::get().to(auth::sign_in::form))
            .route("/sign-in", web::post().to(auth::sign_in::submit))
            .route("/sign-out", web::post().to(auth::sign_out::submit))
            .route("/setup", web::get().to(auth::setup::form))
            .route("/setup", web::post().to(auth::setup::submit))
            .route("/", web::get().to(live::show::show))
            .route("/live/board", web::get().to(live::board::part))
            .route("/conversations", web::get().to(conversations::list::list))
            .route(
                "/conversations/{id}",
                web::get().to(conversations::show::show),
            )
            .route(
                "/conversations/{id}/take-over",
                web::post().to(conversations::act::take_over),
            )
            .route(
                "/conversations/{id}/hand-back",
                web::post().to(conversations::act::hand_back),
            )
            .route(
                "/conversations/{id}/close",
                web::get().to(conversations::close::form),
            )
            .route(
                "/conversations/{id}/close",
                web::post().to(conversations::close::submit),
            )
            .route(
                "/conversations/{id}/messages",
                web::post().to(conversations::reply::submit),
            )
            .service(
                web::resource("/conversations/{id}/reopen")
                    .wrap(from_fn(|req, next| require_role(Role::Admin, req, next)))
                    .route(web::post().to(conversations::act::reopen)),
            )
            .service(
                web::resource("/kb")
                    .wrap(from_fn(|req, next| require_role(Role::Lead, req, next)))
                    .route(web::get().to(kb::edit::list))
                    .route(web::post().to(kb::edit::create)),
            )
            .service(
                web::resource("/kb/new")
                    .wrap(from_fn(|req, next| require_role(Role::Lead, req, next)))
                    .route(web::get().to(kb::edit::new)),
            )
            .service(
                web::resource("/kb/{slug}/edit")
                    .wrap(from_fn(|req, next| require_role(Role::Lead, req, next)))
                    .route(web::get().to(kb::edit::edit)),
            )
            .service(
                web::resource("/kb/{slug}")
                    .route(web::get().to(kb::show::show))
                    .route(
                        web::post()
                            .to(kb::edit::update)
                            .wrap(from_fn(|req, next| require_role(Role::Lead, req, next))),
                    ),
            )
            .route("/help/{slug}", web::get().to(kb::public::show))
            .route("/chat", web::get().to(chat::show::show))
            .route("/chat/history", web::get().to(chat::show::history))
            .route("/chat/messages", web::post().to(chat::send::message))
            .route("/chat/person", web::post().to(chat::send::person))
            .service(
                web::scope("/reports")
                    .wrap(from_fn(|req, next| require_role(Role::Lead, req, next)))
                    .route("", web::get().to(reports::show::show))
                    .route("/{table}.csv", web::get().to(reports::export::export)),
            )
            .service(
                web::scope("/settings")
                    .wrap(from_fn(|req, next| require_role(Role::Lead, req, next)))
                    .route("", web::get().to(settings::edit::form))
                    .route("", web::post().to(settings::edit::submit)),
            )
            .service(
                web::scope("/account")
                    .wrap(from_fn(|req, next| require_role(Role::Agent, req, next)))
                    .route("", web::get().to(account::show::show))
                    .route("/password", web::post().to(account::password::submit))
                    .route(
                        "/sign-out-others",
                        web::post().to(account::sessions::sign_out_others),
                    ),
            )
            .service(
                web::scope("/team")
                    .wrap(from_fn(|req, next| require_role(Role::Lead, req, next)))
                    .route("", web::get().to(team::list::list))
                    .route("", web::post().to(team::add::submit))
                    .route("/{id}/role", web::post().to(team::change::role))
                    .route("/{id}/deactivate", web::post().to(team::change::deactivate))
                    .route("/{id}/reactivate", web::post().to(team::change::reactivate))
                    .route("/{id}/password", web::post().to(team::change::password)),
            )
            .default_service(web::to(|| async {
                Err::<actix_web::HttpResponse, _>(AppError::NotFound)
            }))
    })
    .listen(listener)?;
    if let Some(workers) = config.workers {
        server = server.workers(workers);
    }
    Ok(server.run())
}
