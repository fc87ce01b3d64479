//! Server-sent events. One LISTEN connection per server, open while some stream is, forwards
//! the database's notifications (`aiops_task`, `aiops_log`) to every stream through a broadcast
//! channel;
//! `GET /api/v1/events` turns task notifications into events by re-reading the task.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::postgres::PgListener;
use sqlx::PgPool;
use tokio::sync::{broadcast, mpsc, watch, Notify};
use tokio_stream::wrappers::ReceiverStream;

use super::AppState;
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
        let mut l = match PgListener::connect_with(&pool).await {
            Ok(l) => l,
            Err(e) => {
                tracing::debug!("LISTEN connection failed: {e}");
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(1)) => continue,
                    _ = shutdown.changed() => return,
                }
            }
        };
        if let Err(e) = crate::watch::start(&mut l, None).await {
            tracing::debug!("watching tasks failed: {e}");
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        }
        live.send_replace(true);
        let mut still_wanted = tokio::time::interval(Duration::from_secs(1));
        loop {
            tokio::select! {
                n = l.try_recv() => match n {
                    Ok(Some(n)) => {
                        let _ = tx.send(Note { channel: n.channel().to_string(), payload: n.payload().to_string() });
                    }
                    Ok(None) => {
                        // Reconnected: the watch belonged to the lost session.
                        if let Err(e) = crate::watch::start(&mut l, None).await {
                            tracing::debug!("watching tasks again failed: {e}");
                            break;
                        }
                    }
                    Err(e) => {
                        tracing::debug!("notification connection lost: {e}");
                        tokio::time::sleep(Duration::from_millis(500)).await;
                        break;
                    }
                },
                _ = still_wanted.tick() => {
                    if tx.receiver_count() == 0 {
                        if let Err(e) = crate::watch::stop(&mut l).await {
                            tracing::debug!("unwatch failed: {e}");
                        }
                        break;
                    }
                }
                _ = shutdown.changed() => {
                    let _ = crate::watch::stop(&mut l).await;
                    return;
                }
            }
        }
        live.send_replace(false);
    }
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
    /// `worker.registered`.
    #[serde(rename = "type")]
    pub kind: String,
    pub problem_id: Option<String>,
    pub status: String,
    pub timestamp: DateTime<Utc>,
    pub data: EventData,
}

fn task_event(t: &Task, created: bool) -> TaskEvent {
    let kind = if created {
        "task.created".to_string()
    } else if t.cancel_requested && t.status == crate::task::TaskStatus::Running {
        "task.cancel_requested".to_string()
    } else {
        format!("task.{}", t.status)
    };
    let duration_ms = match (t.started_at, t.completed_at) {
        (Some(s), Some(e)) if t.status.is_terminal() => Some((e - s).num_milliseconds()),
        _ => None,
    };
    TaskEvent {
        kind,
        problem_id: Some(t.problem_id.clone()),
        status: t.status.to_string(),
        timestamp: t.updated_at,
        data: EventData {
            task_id: Some(t.id),
            worker_id: t.worker_id.clone(),
            duration_ms,
            error_message: if t.status.is_terminal() {
                t.error_details.clone()
            } else {
                None
            },
        },
    }
}

async fn event_of(pool: &PgPool, n: &Note) -> Option<TaskEvent> {
    match n.channel.as_str() {
        crate::watch::TASK_CHANNEL => {
            let (id, what) = n.payload.split_once(':')?;
            let id = TaskId(uuid::Uuid::parse_str(id).ok()?);
            let t = queue::get(pool, id).await.ok()?;
            Some(task_event(&t, what == "created"))
        }
        "local_worker" => Some(TaskEvent {
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
        }),
        _ => None,
    }
}

#[utoipa::path(get, path = "/api/v1/events", tag = "events",
    responses((status = 200, description = "text/event-stream of TaskEvent JSON objects (event name = type), with `: keep-alive` comments every 15 s", body = TaskEvent, content_type = "text/event-stream")))]
/// Live task and worker events.
pub async fn events(
    State(st): State<AppState>,
) -> Sse<impl futures_util::Stream<Item = Result<Event, Infallible>>> {
    let (tx, rx) = mpsc::channel::<Result<Event, Infallible>>(256);
    let mut notes = st.watch_tasks().await;
    let mut shutdown = st.shutdown.clone();
    tokio::spawn(async move {
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
            let Some(ev) = event_of(&st.pool, &n).await else {
                continue;
            };
            let sse = Event::default().event(ev.kind.clone());
            let sse = sse.json_data(&ev).unwrap_or_else(|_| Event::default());
            if tx.send(Ok(sse)).await.is_err() {
                return;
            }
        }
    });
    Sse::new(ReceiverStream::new(rx)).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}
