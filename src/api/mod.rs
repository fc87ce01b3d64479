//! `aiops serve`: the HTTP API (`docs/contract.md` §5) over the same core as the CLI. [`router`]
//! builds the
//! app from a state (tests can call it without a socket), [`serve`] runs it on a listener
//! until a shutdown future resolves, and [`run`] wires a [`ServeConfig`], the database, the
//! [`crate::maintenance`] duties, LISTEN and signals together.

mod auth;
mod dashboard;
pub mod error;
mod events;
mod experiments;
mod health;
mod limits;
mod metrics;
mod openapi;
mod operations;
mod tasks;
mod wakeups;
mod workers;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request};
use axum::{middleware, Extension, Router};
use sqlx::PgPool;
use tokio::net::TcpListener;
use tokio::sync::{broadcast, watch, Notify};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::db::PoolConfig;
use crate::error::{Error, Result};

pub use events::Note;

/// Everything a handler needs.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub pool: PgPool,
    /// The bearer token, when one is required.
    pub token: Option<Arc<[u8]>>,
    /// A second token that may read but not act (GET and HEAD only).
    pub read_only_token: Option<Arc<[u8]>>,
    /// Signs the dashboard's session cookies and CSRF tokens; new for each process, so a
    /// restart signs everyone out.
    pub session_key: Arc<[u8; 32]>,
    /// HTTP request metrics.
    pub http: Arc<metrics::HttpMetrics>,
    /// Database notifications (and this server's own events) for SSE streams.
    pub notes: broadcast::Sender<Note>,
    /// Wakes the LISTEN connection when a stream opens ([`events::listen_loop`]).
    pub wanted: Arc<Notify>,
    /// Whether the server watches tasks (a stream is open and the watch registered).
    pub live: Arc<watch::Sender<bool>>,
    /// Flips to true when the server shuts down; SSE streams end then.
    pub shutdown: watch::Receiver<bool>,
    /// Cancels the server's session heard (and its restarts), for HTTP workers waiting on them.
    pub protocol: broadcast::Sender<Note>,
    /// HTTP workers waiting for work, woken a few at a time ([`wakeups`]).
    pub wakeups: Arc<wakeups::Wakeups>,
}

impl AppState {
    /// A state over a pool; `shutdown` ends the streams when it turns true.
    pub fn new(pool: PgPool, token: Option<String>, shutdown: watch::Receiver<bool>) -> AppState {
        let (notes, _) = broadcast::channel(1024);
        AppState {
            pool,
            token: token.map(|t| Arc::from(t.into_bytes().into_boxed_slice())),
            read_only_token: None,
            session_key: Arc::new(rand::random()),
            http: Arc::default(),
            notes,
            wanted: Arc::default(),
            live: Arc::new(watch::channel(false).0),
            shutdown,
            protocol: broadcast::channel(1024).0,
            wakeups: Arc::default(),
        }
    }

    /// The same state, also accepting `token` for reading only.
    pub fn with_read_only_token(self, token: Option<String>) -> AppState {
        AppState {
            read_only_token: token.map(|t| Arc::from(t.into_bytes().into_boxed_slice())),
            ..self
        }
    }

    /// Subscribe a stream to the notifications, and return once the server watches tasks (or
    /// after [`WATCH_WAIT`], when the database is slow to answer: streams re-read on a timer),
    /// so that every change committed after this returns reaches the stream.
    async fn watch_tasks(&self) -> broadcast::Receiver<Note> {
        let notes = self.notes.subscribe();
        self.wanted.notify_one();
        let mut live = self.live.subscribe();
        let _ = tokio::time::timeout(WATCH_WAIT, live.wait_for(|l| *l)).await;
        notes
    }

    /// Publish an event of this server to the SSE streams.
    fn announce(&self, channel: &str, payload: &str) {
        let _ = self.notes.send(Note {
            channel: channel.into(),
            payload: payload.into(),
        });
    }
}

/// Every route with its OpenAPI description (routes only exist through `routes!`).
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(tasks::create, tasks::list))
        .routes(routes!(tasks::get, tasks::cancel))
        .routes(routes!(tasks::cancel_post))
        .routes(routes!(tasks::retry))
        .routes(routes!(tasks::logs))
        .routes(routes!(workers::list))
        .routes(routes!(workers::get))
        .routes(routes!(workers::register))
        .routes(routes!(workers::heartbeat))
        .routes(routes!(workers::claim))
        .routes(routes!(workers::complete))
        .routes(routes!(workers::fail))
        .routes(routes!(workers::logs))
        .routes(routes!(workers::beat))
        .routes(routes!(workers::claims))
        .routes(routes!(workers::next_due))
        .routes(routes!(workers::records))
        .routes(routes!(workers::progress))
        .routes(routes!(workers::wait))
        .routes(routes!(workers::offline))
        .routes(routes!(experiments::list, experiments::submit))
        .routes(routes!(experiments::status))
        .routes(routes!(experiments::report))
        .routes(routes!(experiments::compare))
        .routes(routes!(experiments::cancel))
        .routes(routes!(experiments::retry))
        .routes(routes!(
            experiments::list_schedules,
            experiments::add_schedule
        ))
        .routes(routes!(
            experiments::get_schedule,
            experiments::delete_schedule
        ))
        .routes(routes!(experiments::pause))
        .routes(routes!(experiments::resume))
        .routes(routes!(experiments::fires))
        .routes(routes!(limits::list))
        .routes(routes!(limits::set, limits::clear))
        .routes(routes!(operations::list))
        .routes(routes!(operations::pause))
        .routes(routes!(operations::resume))
        .routes(routes!(operations::drain))
        .routes(routes!(stats))
        .routes(routes!(events::events))
        .routes(routes!(openapi::document))
        .routes(routes!(health::health))
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .routes(routes!(metrics::metrics))
}

/// The OpenAPI document of [`router`].
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = api_routes().into_openapi();
    openapi::add_common_rules(&mut doc);
    doc
}

/// The whole app: routes, problem+json errors, auth, body limit, request ids, tracing, metrics.
pub fn router(state: AppState, max_body_bytes: usize) -> Router {
    let (routes, mut doc) = api_routes().split_for_parts();
    openapi::add_common_rules(&mut doc);
    let x_request_id = HeaderName::from_static("x-request-id");
    routes
        .fallback(|| async {
            error::ApiError::new(
                axum::http::StatusCode::NOT_FOUND,
                "no-such-route",
                "no such route; see /api/v1/openapi.json",
            )
        })
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .layer(RequestBodyLimitLayer::new(max_body_bytes))
        .layer(middleware::from_fn_with_state(state.clone(), auth::require_token))
        .layer(middleware::from_fn(error::refuse_nul))
        .layer(middleware::from_fn(error::problemize))
        .layer(middleware::from_fn_with_state(state.http.clone(), metrics::track))
        .layer(Extension(Arc::new(doc)))
        .with_state(state.clone())
        .merge(dashboard::router(state))
        .layer(PropagateRequestIdLayer::new(x_request_id.clone()))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                let id = req
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
            }),
        )
        .layer(SetRequestIdLayer::new(x_request_id, MakeRequestUuid))
}

#[utoipa::path(get, path = "/api/v1/stats", tag = "stats",
    params(("since" = Option<openapi::DurationText>, Query, description = "Only tasks created within this long, e.g. 24h")),
    responses((status = 200, body = crate::stats::Stats)))]
/// Counts and timings, as `aiops stats`.
async fn stats(
    axum::extract::State(st): axum::extract::State<AppState>,
    error::ApiQuery(p): error::ApiQuery<std::collections::HashMap<String, String>>,
) -> error::ApiResult<axum::Json<crate::stats::Stats>> {
    let within = p
        .get("since")
        .map(|s| crate::duration::parse(s).map_err(|m| error::ApiError::bad_param("since", m)))
        .transpose()?;
    Ok(axum::Json(crate::stats::compute(&st.pool, within).await?))
}

/// Serve `app` on `listener` until `shutdown` resolves, then finish in-flight requests.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// How often `serve` takes back tasks whose worker stopped heartbeating.
const RESCUE_EVERY: Duration = Duration::from_secs(5);
/// Longest a new stream waits for the server to start watching tasks.
const WATCH_WAIT: Duration = Duration::from_secs(2);

/// What `aiops serve` runs with, checked.
pub struct ServeConfig {
    /// Where to listen.
    pub bind: SocketAddr,
    /// The bearer token every route but the health checks requires.
    pub token: Option<String>,
    /// A token that may read but not act.
    pub read_only_token: Option<String>,
    /// Largest accepted request body.
    pub max_body_bytes: usize,
    /// Most PostgreSQL connections the server holds, its session included.
    pub max_connections: u32,
}

/// The connections `serve` holds unless told otherwise.
pub const DEFAULT_MAX_CONNECTIONS: u32 = 16;

impl ServeConfig {
    /// A configuration, refusing a non-loopback address without a token unless
    /// `allow_unauthenticated`.
    pub fn new(
        bind: &str,
        token: Option<String>,
        read_only_token: Option<String>,
        allow_unauthenticated: bool,
        max_body_bytes: usize,
    ) -> Result<ServeConfig> {
        let bind: SocketAddr = bind.parse().map_err(|_| {
            Error::usage(format!(
                "--bind '{bind}' is not an address; use HOST:PORT, e.g. 127.0.0.1:8080"
            ))
        })?;
        let token = token.filter(|t| !t.is_empty());
        let read_only_token = read_only_token.filter(|t| !t.is_empty());
        if read_only_token.is_some() && token.is_none() {
            return Err(Error::usage(
                "--read-only-token needs --token too (without a token everyone may act); set both",
            ));
        }
        if read_only_token.is_some() && read_only_token == token {
            return Err(Error::usage(
                "--read-only-token must differ from --token; choose another read-only token",
            ));
        }
        if !bind.ip().is_loopback() && token.is_none() && !allow_unauthenticated {
            return Err(Error::usage(format!(
                "refusing to serve on non-loopback address {bind} without a token; set --token or AIOPS_API_TOKEN, or pass --allow-unauthenticated"
            )));
        }
        Ok(ServeConfig {
            bind,
            token,
            read_only_token,
            max_body_bytes,
            max_connections: DEFAULT_MAX_CONNECTIONS,
        })
    }

    /// Hold at most `n` connections (at least 3: the session, the change feed's LISTEN while a
    /// stream is open, and one for requests).
    pub fn with_max_connections(self, n: u32) -> Result<ServeConfig> {
        if n < 3 {
            return Err(Error::usage(format!(
                "--max-connections {n} is too few; serve needs at least 3 (its session, the change feed and one for requests)"
            )));
        }
        Ok(ServeConfig {
            max_connections: n,
            ..self
        })
    }
}

/// Run the server until SIGINT/SIGTERM. `listening` is told the address once it accepts
/// connections.
pub async fn run(
    cfg: ServeConfig,
    database_url: &str,
    listening: impl FnOnce(SocketAddr),
) -> Result<u8> {
    let webhook_secret = crate::callbacks::WebhookSecret::from_env()?;
    let pool = crate::db::connect(
        database_url,
        &PoolConfig {
            max_connections: cfg.max_connections - 1,
            connect_timeout: Duration::from_secs(5),
            claims_only: false,
            application_name: "aiops serve",
        },
    )
    .await?;
    let listener = TcpListener::bind(cfg.bind)
        .await
        .map_err(|e| Error::Io(format!("cannot listen on {}: {e}", cfg.bind)))?;
    let local = listener.local_addr()?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let state = AppState::new(pool.clone(), cfg.token, stop_rx.clone())
        .with_read_only_token(cfg.read_only_token);
    tokio::spawn(events::listen_loop(
        pool.clone(),
        state.notes.clone(),
        state.wanted.clone(),
        state.live.clone(),
        stop_rx.clone(),
    ));
    let session =
        crate::db::connect_session(database_url, Duration::from_secs(5), "aiops serve").await?;
    crate::notify::check_session(&session, &pool).await?;
    let protocol = state.protocol.clone();
    let wakeups = state.wakeups.clone();
    let maintenance = crate::maintenance::start(
        pool.clone(),
        session,
        crate::maintenance::Plan {
            sweep_every: RESCUE_EVERY,
            on_rescue: None,
            webhook_secret,
            who: format!(
                "serve http://{local} ({}, pid {})",
                crate::worker::local_hostname(),
                std::process::id()
            ),
            suspect: crate::db::Suspect::default(),
            channels: vec![crate::notify::SUBMIT, crate::notify::CANCEL],
            on_heard: Arc::new(move |h| {
                if let crate::maintenance::Heard::Note(n) = &h {
                    if n.channel() == crate::notify::SUBMIT {
                        wakeups.wake(n.payload(), 1);
                        return;
                    }
                }
                let note = match h {
                    crate::maintenance::Heard::Listening => Note {
                        channel: "local_listening".into(),
                        payload: String::new(),
                    },
                    crate::maintenance::Heard::Note(n) => Note {
                        channel: n.channel().to_string(),
                        payload: n.payload().to_string(),
                    },
                };
                let _ = protocol.send(note);
            }),
            renew: Arc::default(),
        },
    );
    let app = router(state, cfg.max_body_bytes);
    listening(local);
    let shutdown = async move {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing in-flight requests");
        let _ = stop_tx.send(true);
    };
    let served = serve(listener, app, shutdown).await;
    maintenance.stop().await;
    served.map_err(|e| Error::Io(format!("the server failed: {e}")))?;
    Ok(0)
}

async fn shutdown_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        std::future::pending::<()>().await;
        return;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
    }
}
