//! Records finished attempts, several in one transaction when several finish together.
//!
//! Each record is a task's last log lines, its progress and its outcome; on its own it would
//! cost a commit (a WAL flush) and hold the worker's row (its completed counter) locked until
//! then, so a worker's attempts would queue one flush behind another. One task takes whatever
//! records are waiting, writes them in one transaction (a refused or rejected record undoes only
//! its own writes) and commits once. A lone record is written at once: batching never waits.

use std::time::{Duration, Instant};

use serde_json::Value;
use sqlx::{PgConnection, PgPool};
use tokio::sync::{mpsc, oneshot};

use crate::db::Suspect;
use crate::error::{Error, Result};
use crate::log::NewLogLine;
use crate::queue::{self, Failure, Fence};

/// Records written in one transaction at most.
const MAX_BATCH: usize = 64;

/// What a finished attempt writes.
pub struct Record {
    /// The attempt.
    pub fence: Fence,
    /// Its log lines not written yet.
    pub lines: Vec<NewLogLine>,
    /// Its latest progress, if not written yet.
    pub progress: Option<Value>,
    /// How it ended.
    pub outcome: Outcome,
}

/// How the attempt ended, as the queue records it.
pub enum Outcome {
    /// Succeeded.
    Complete {
        /// The result file's JSON.
        result: Option<Value>,
        /// The executor's exit code.
        exit_code: Option<i32>,
    },
    /// Failed, timed out or was cancelled.
    Fail {
        /// Which of the three.
        kind: Failure,
        /// The one-line reason shown on the task.
        summary: String,
        /// The executor's exit code, when it exited.
        exit_code: Option<i32>,
        /// What the attempt wrote before it ended, kept as the task's result.
        result: Option<Value>,
    },
    /// Stopped by shutdown: back to the queue without spending the attempt.
    Release {
        /// The one-line reason.
        summary: String,
    },
}

struct Job {
    record: Record,
    /// Past this the lease is gone and the write pointless: the batch is bounded by the
    /// earliest deadline among its records.
    deadline: Instant,
    reply: oneshot::Sender<(Record, Result<()>)>,
}

/// The handle attempts send their records through.
pub(crate) struct Recorder {
    jobs: mpsc::Sender<Job>,
}

impl Recorder {
    /// Start the recording task; it ends when the last handle is dropped.
    pub fn start(pool: PgPool, suspect: Suspect) -> Recorder {
        let (jobs, rx) = mpsc::channel(1024);
        tokio::spawn(run(pool, suspect, rx));
        Recorder { jobs }
    }

    /// Write one record, bounded by `deadline` (at least half a second from now). The record
    /// comes back with the answer so a retry can send it again; it is `None` only when the
    /// recording task has gone (the worker is going down).
    pub async fn record(&self, record: Record, deadline: Instant) -> (Result<()>, Option<Record>) {
        let (reply, answer) = oneshot::channel();
        let job = Job {
            record,
            deadline,
            reply,
        };
        if let Err(mpsc::error::SendError(job)) = self.jobs.send(job).await {
            return (Err(gone()), Some(job.record));
        }
        match answer.await {
            Ok((record, answer)) => (answer, Some(record)),
            Err(_) => (Err(gone()), None),
        }
    }
}

fn gone() -> Error {
    Error::Database("the worker's recorder has stopped".into())
}

async fn run(pool: PgPool, suspect: Suspect, mut rx: mpsc::Receiver<Job>) {
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let deadline = batch
            .iter()
            .map(|j| j.deadline)
            .min()
            .unwrap_or_else(Instant::now);
        let limit = deadline
            .saturating_duration_since(Instant::now())
            .max(Duration::from_millis(500));
        let records: Vec<&Record> = batch.iter().map(|j| &j.record).collect();
        let answers = suspect.bounded(limit, write_batch(&pool, &records)).await;
        drop(records);
        match answers {
            Ok(answers) => {
                for (job, answer) in batch.into_iter().zip(answers) {
                    let _ = job.reply.send((job.record, answer));
                }
            }
            Err(e) => {
                let why = e.to_string();
                for job in batch {
                    let _ = job
                        .reply
                        .send((job.record, Err(Error::Database(why.clone()))));
                }
            }
        }
    }
}

/// Write records in one transaction; each record's answer in order. A record refused by its
/// fence (or rejected by the database) leaves nothing behind, and the others still commit. An
/// error of the whole (the connection, the commit) is the outer one.
///
/// N.B.: successful attempts are written by one statement ([`queue::complete_batch`]); the
/// others one after another with no savepoints, which would cost two round trips each. A record its fence refuses at its first write has written nothing, so the
/// others need no protection from it. Only a record that fails after writing something (its
/// task changed in between) or a database error (which aborts the transaction) sends the batch
/// back to be written again with a savepoint per record.
pub async fn write_batch(pool: &PgPool, records: &[&Record]) -> Result<Vec<Result<()>>> {
    let mut tx = pool.begin().await?;
    let mut answers: Vec<Option<Result<()>>> = records.iter().map(|_| None).collect();
    // Successful attempts, the common case, in one statement for all of them.
    let completed: Vec<(usize, queue::Completed<'_>)> = records
        .iter()
        .enumerate()
        .filter_map(|(i, r)| match &r.outcome {
            Outcome::Complete { result, exit_code } => Some((
                i,
                queue::Completed {
                    fence: &r.fence,
                    lines: &r.lines,
                    progress: r.progress.as_ref(),
                    result: result.as_ref(),
                    exit_code: *exit_code,
                },
            )),
            _ => None,
        })
        .collect();
    if !completed.is_empty() {
        let batch: Vec<queue::Completed<'_>> = completed.iter().map(|(_, c)| *c).collect();
        match queue::complete_batch(&mut *tx, &batch).await {
            Ok(held) => {
                for ((i, c), held) in completed.iter().zip(held) {
                    answers[*i] = Some(if held { Ok(()) } else { Err(c.fence.refused()) });
                }
            }
            Err(_) => {
                drop(tx);
                return write_each_in_savepoint(pool, records).await;
            }
        }
    }
    for (i, r) in records.iter().enumerate() {
        if answers[i].is_some() {
            continue;
        }
        let (answer, clean) = write_one(&mut tx, r).await;
        if answer.is_err() && !clean {
            drop(tx);
            if records.len() == 1 {
                // Rolling back is all a savepoint would have done.
                return Ok(vec![answer]);
            }
            return write_each_in_savepoint(pool, records).await;
        }
        answers[i] = Some(answer);
    }
    tx.commit().await?;
    Ok(answers
        .into_iter()
        .map(|a| a.unwrap_or_else(|| Err(gone())))
        .collect())
}

async fn write_each_in_savepoint(pool: &PgPool, records: &[&Record]) -> Result<Vec<Result<()>>> {
    let mut tx = pool.begin().await?;
    let mut answers = Vec::with_capacity(records.len());
    for r in records {
        let mut sp = sqlx::Acquire::begin(&mut *tx).await?;
        let (answer, _) = write_one(&mut sp, r).await;
        if answer.is_ok() {
            sp.commit().await?;
        } else {
            sp.rollback().await?;
        }
        answers.push(answer);
    }
    tx.commit().await?;
    Ok(answers)
}

/// Write one record. The flag says whether the transaction is as it was before, which holds
/// on success and when the fence refused the record's first write.
async fn write_one(db: &mut PgConnection, r: &Record) -> (Result<()>, bool) {
    let mut wrote = false;
    let answer = write_steps(db, r, &mut wrote).await;
    let clean = match &answer {
        Ok(()) => true,
        Err(Error::Fenced { .. }) => !wrote,
        Err(_) => false,
    };
    (answer, clean)
}

async fn write_steps(db: &mut PgConnection, r: &Record, wrote: &mut bool) -> Result<()> {
    if !r.lines.is_empty() {
        queue::append_logs(&mut *db, &r.fence, &r.lines).await?;
        *wrote = true;
    }
    if let Some(p) = &r.progress {
        queue::set_progress(&mut *db, &r.fence, p).await?;
        *wrote = true;
    }
    match &r.outcome {
        Outcome::Complete { result, exit_code } => {
            queue::complete(&mut *db, &r.fence, result.as_ref(), *exit_code).await
        }
        Outcome::Fail {
            kind,
            summary,
            exit_code,
            result,
        } => queue::fail_keeping(
            &mut *db,
            &r.fence,
            *kind,
            summary,
            *exit_code,
            result.as_ref(),
        )
        .await
        .map(drop),
        Outcome::Release { summary } => queue::release(&mut *db, &r.fence, summary).await,
    }
}
