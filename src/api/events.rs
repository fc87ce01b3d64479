//! Server-sent events. One LISTEN connection per server, open while some stream is (and for
//! [`resume_window`] after the last one closed), forwards the database's notifications
//! (`aiops_task`, `aiops_log`) to every stream through a broadcast channel;
//! `GET /api/v1/events` turns task notifications into events by reading the database's event
//! journal (`task_events`, see `migrations/20261205000012_event_journal.sql`), whose id each
//! event carries, so a stream that reconnects with `Last-Event-ID` is replayed what it missed.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use std::collections::HashSet;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;
use tokio::sync::{broadcast, mpsc, watch, Notify};
use tokio_stream::wrappers::ReceiverStream;

use super::AppState;
use crate::notify::{Heard, Listener, Watch, LOG, TASK};
use crate::queue;
use crate::task::{Task, TaskId};

/// A notification: the database channel (or `local_*` for events of this server) and payload.
#[derive(Debug, Clone)]
pub struct Note {
    pub channel: String,
    pub payload: String,
}

/// Forward notifications to the streams until shutdown, reconnecting after a lost connection.
/// The server watches tasks only while some stream is open: with none, it neither listens nor
/// keeps claims and completions announcing their changes ([`crate::watch`]). `wanted` wakes it
/// when a stream opens; `live` says whether it watches.
pub async fn listen_loop(
    pool: PgPool,
    tx: broadcast::Sender<Note>,
    wanted: Arc<Notify>,
    live: Arc<watch::Sender<bool>>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        while tx.receiver_count() == 0 {
            tokio::select! {
                _ = wanted.notified() => {}
                _ = shutdown.changed() => return,
            }
        }
        let mut l = match Listener::connect(&pool, &[TASK, LOG], Watch::All).await {
            Ok(l) => l,
            Err(e) => {
                tracing::debug!("watching tasks failed: {e}");
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(1)) => continue,
                    _ = shutdown.changed() => return,
                }
            }
        };
        live.send_replace(true);
        let mut still_wanted = tokio::time::interval(Duration::from_secs(1));
        let mut idle_since: Option<tokio::time::Instant> = None;
        loop {
            tokio::select! {
                n = l.recv() => match n {
                    Ok(Heard::Note(n)) => {
                        let _ = tx.send(Note { channel: n.channel().to_string(), payload: n.payload().to_string() });
                    }
                    // Streams re-read on their own timer; the watch is registered again.
                    Ok(Heard::Reconnected) => {}
                    Err(e) => {
                        tracing::debug!("notification connection lost: {e}");
                        tokio::time::sleep(Duration::from_millis(500)).await;
                        break;
                    }
                },
                _ = still_wanted.tick() => {
                    // Kept watching (and the journal written) for a while after the last
                    // stream closed, so that a client reconnecting then resumes exactly.
                    if tx.receiver_count() > 0 {
                        idle_since = None;
                    } else if idle_since.get_or_insert_with(tokio::time::Instant::now).elapsed()
                        >= resume_window()
                    {
                        l.finish().await;
                        break;
                    }
                }
                _ = shutdown.changed() => {
                    l.finish().await;
                    return;
                }
            }
        }
        live.send_replace(false);
    }
}

/// How long the server keeps watching tasks (and so recording the event journal) after its
/// last stream closed: a client that reconnects within it resumes without a gap. Two minutes;
/// `AIOPS_EVENTS_RESUME_WINDOW_MS` changes it (a tuning and test knob).
fn resume_window() -> Duration {
    std::env::var("AIOPS_EVENTS_RESUME_WINDOW_MS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_millis)
        .unwrap_or(Duration::from_secs(120))
}

/// What an event is about.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EventData {
    pub task_id: Option<TaskId>,
    pub worker_id: Option<String>,
    /// Run time of a finished attempt.
    pub duration_ms: Option<i64>,
    pub error_message: Option<String>,
}

/// One event of `GET /api/v1/events`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TaskEvent {
    /// `task.created`, `task.running`, `task.completed`, `task.failed`, `task.timeout`,
    /// `task.cancelled`, `task.pending` (re-queued or retried), `task.cancel_requested`,
    /// `worker.registered`; and `stream.resync` first on a resumed stream whose Last-Event-ID
    /// cannot be resumed exactly (events may be missing: re-read what you track).
    #[serde(rename = "type")]
    pub kind: String,
    pub problem_id: Option<String>,
    /// The task's status as this event left it.
    pub status: String,
    pub timestamp: DateTime<Utc>,
    pub data: EventData,
}

/// A journal row with what the event shows of its task (as the task is now).
#[derive(sqlx::FromRow)]
struct JournalRow {
    id: i64,
    kind: String,
    status: crate::task::TaskStatus,
    at: DateTime<Utc>,
    task_id: TaskId,
    problem_id: String,
    worker_id: Option<String>,
    started_at: Option<DateTime<Utc>>,
    completed_at: Option<DateTime<Utc>>,
    error_details: Option<String>,
}

impl JournalRow {
    fn event(self) -> (i64, TaskEvent) {
        let terminal = self.status.is_terminal();
        let duration_ms = match (self.started_at, self.completed_at) {
            (Some(s), Some(e)) if terminal => Some((e - s).num_milliseconds()),
            _ => None,
        };
        let ev = TaskEvent {
            kind: self.kind,
            problem_id: Some(self.problem_id),
            status: self.status.to_string(),
            timestamp: self.at,
            data: EventData {
                task_id: Some(self.task_id),
                worker_id: self.worker_id,
                duration_ms,
                error_message: if terminal { self.error_details } else { None },
            },
        };
        (self.id, ev)
    }
}

const JOURNAL_SELECT: &str = "SELECT e.id, e.kind, e.status, e.at, t.id AS task_id, t.problem_id, \
        t.worker_id, t.started_at, t.completed_at, t.error_details \
     FROM task_events e JOIN tasks t ON t.id = e.task_id";

/// Journal events after `after`, oldest first, at most `limit` (events of tasks pruned since
/// are left out).
async fn journal_after(
    pool: &PgPool,
    after: i64,
    limit: i64,
) -> crate::error::Result<Vec<(i64, TaskEvent)>> {
    let rows: Vec<JournalRow> = sqlx::query_as(&format!(
        "{JOURNAL_SELECT} WHERE e.id > $1 ORDER BY e.id LIMIT $2"
    ))
    .bind(after)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(JournalRow::event).collect())
}

/// Whether a stream that last saw event `last` can be replayed exactly: that event is still in
/// the journal and recording has not restarted since (which would leave a gap). Also the
/// newest id, which a `stream.resync` carries.
async fn resumable(pool: &PgPool, last: i64) -> crate::error::Result<(bool, i64)> {
    let (ok, newest): (bool, Option<i64>) = sqlx::query_as(
        "SELECT EXISTS (SELECT 1 FROM task_events WHERE id = $1) \
            AND NOT EXISTS (SELECT 1 FROM task_events WHERE kind = 'journal.started' AND id > $1), \
            (SELECT max(id) FROM task_events)",
    )
    .bind(last)
    .fetch_one(pool)
    .await?;
    Ok((ok, newest.unwrap_or(0)))
}

/// A task event of a notification without a journal id (announced before this server watched
/// every task): built from the payload's status and the task as it is now.
fn unjournaled_event(t: &Task, what: &str) -> TaskEvent {
    let kind = if what == "created" {
        "task.created".to_string()
    } else if t.cancel_requested && what == "running" {
        "task.cancel_requested".to_string()
    } else {
        format!("task.{what}")
    };
    let terminal = t.status.is_terminal();
    let duration_ms = match (t.started_at, t.completed_at) {
        (Some(s), Some(e)) if terminal => Some((e - s).num_milliseconds()),
        _ => None,
    };
    TaskEvent {
        kind,
        problem_id: Some(t.problem_id.clone()),
        status: if what == "created" {
            t.status.to_string()
        } else {
            what.to_string()
        },
        timestamp: t.updated_at,
        data: EventData {
            task_id: Some(t.id),
            worker_id: t.worker_id.clone(),
            duration_ms,
            error_message: if terminal {
                t.error_details.clone()
            } else {
                None
            },
        },
    }
}

/// The event of a notification, with its journal id when it has one.
async fn event_of(pool: &PgPool, n: &Note) -> Option<(Option<i64>, TaskEvent)> {
    match n.channel.as_str() {
        crate::notify::TASK => {
            let mut parts = n.payload.split(':');
            let id = TaskId(uuid::Uuid::parse_str(parts.next()?).ok()?);
            let what = parts.next()?;
            if let Some(ev) = parts.next().and_then(|e| e.parse::<i64>().ok()) {
                let row: JournalRow = sqlx::query_as(&format!("{JOURNAL_SELECT} WHERE e.id = $1"))
                    .bind(ev)
                    .fetch_optional(pool)
                    .await
                    .ok()??;
                let (ev, event) = row.event();
                return Some((Some(ev), event));
            }
            let t = queue::get(pool, id).await.ok()?;
            Some((None, unjournaled_event(&t, what)))
        }
        "local_worker" => Some((
            None,
            TaskEvent {
                kind: "worker.registered".into(),
                problem_id: None,
                status: "idle".into(),
                timestamp: Utc::now(),
                data: EventData {
                    task_id: None,
                    worker_id: Some(n.payload.clone()),
                    duration_ms: None,
                    error_message: None,
                },
            },
        )),
        _ => None,
    }
}

/// An SSE event of a task event, with its journal id as the SSE id when it has one.
fn sse_of(id: Option<i64>, ev: &TaskEvent) -> Event {
    let sse = Event::default().event(ev.kind.clone());
    let sse = match id {
        Some(id) => sse.id(id.to_string()),
        None => sse,
    };
    sse.json_data(ev).unwrap_or_else(|_| Event::default())
}

/// Events replayed at most per query while resuming.
const REPLAY_PAGE: i64 = 1000;

#[utoipa::path(get, path = "/api/v1/events", tag = "events",
    params(("Last-Event-ID" = Option<i64>, Header, description = "Resume after this event: what followed it is sent first (a `stream.resync` event instead when that cannot be done exactly)")),
    responses((status = 200, description = "text/event-stream of TaskEvent JSON objects (event name = type, id = the event's place in the database's event journal), with `: keep-alive` comments every 15 s", body = TaskEvent, content_type = "text/event-stream")))]
/// Live task and worker events; reconnect with `Last-Event-ID` to resume.
pub async fn events(
    State(st): State<AppState>,
    headers: HeaderMap,
) -> Sse<impl futures_util::Stream<Item = Result<Event, Infallible>>> {
    let last_seen = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().parse::<i64>().unwrap_or(-1));
    let (tx, rx) = mpsc::channel::<Result<Event, Infallible>>(256);
    // Subscribed before the replay is read: an event committed meanwhile is in both, and sent
    // once (`replayed`).
    let mut notes = st.watch_tasks().await;
    let mut shutdown = st.shutdown.clone();
    tokio::spawn(async move {
        let mut replayed: HashSet<i64> = HashSet::new();
        if let Some(last) = last_seen {
            match resumable(&st.pool, last).await {
                Ok((true, _)) => {
                    let mut after = last;
                    loop {
                        let page = match journal_after(&st.pool, after, REPLAY_PAGE).await {
                            Ok(p) => p,
                            Err(e) => {
                                tracing::warn!("replaying events after {after}: {e}");
                                return;
                            }
                        };
                        let full = page.len() as i64 == REPLAY_PAGE;
                        for (id, ev) in page {
                            after = id;
                            replayed.insert(id);
                            if tx.send(Ok(sse_of(Some(id), &ev))).await.is_err() {
                                return;
                            }
                        }
                        if !full {
                            break;
                        }
                    }
                }
                Ok((false, newest)) => {
                    let ev = TaskEvent {
                        kind: "stream.resync".into(),
                        problem_id: None,
                        status: String::new(),
                        timestamp: Utc::now(),
                        data: EventData {
                            task_id: None,
                            worker_id: None,
                            duration_ms: None,
                            error_message: Some(format!(
                                "events after {last} cannot be replayed (too old, or the journal has a gap since); re-read the tasks you track"
                            )),
                        },
                    };
                    if tx.send(Ok(sse_of(Some(newest), &ev))).await.is_err() {
                        return;
                    }
                }
                Err(e) => {
                    tracing::warn!("resuming events after {last}: {e}");
                    return;
                }
            }
        }
        loop {
            let n = tokio::select! {
                n = notes.recv() => n,
                _ = tx.closed() => return,
                _ = shutdown.changed() => return,
            };
            let n = match n {
                Ok(n) => n,
                Err(broadcast::error::RecvError::Lagged(k)) => {
                    tracing::warn!("event stream fell behind; {k} notifications skipped");
                    continue;
                }
                Err(broadcast::error::RecvError::Closed) => return,
            };
            let Some((id, ev)) = event_of(&st.pool, &n).await else {
                continue;
            };
            if id.is_some_and(|id| replayed.remove(&id)) {
                continue;
            }
            if tx.send(Ok(sse_of(id, &ev))).await.is_err() {
                return;
            }
        }
    });
    Sse::new(ReceiverStream::new(rx)).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}
