//! What a worker writes when an attempt ends: its last log lines, its progress and its outcome,
//! several attempts to a transaction. A direct worker's recorder and `serve` (for HTTP workers)
//! both write through [`record_batch`], so an attempt ends the same way whichever way its
//! worker reaches the database.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::{PgConnection, PgPool};

use super::{Failure, Fence};
use crate::error::{Error, Result};
use crate::log::NewLogLine;

/// What a finished attempt writes.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Record {
    /// The attempt.
    pub fence: Fence,
    /// Its log lines not written yet.
    pub lines: Vec<NewLogLine>,
    /// Its latest progress, if not written yet.
    #[serde(default)]
    #[schema(value_type = Option<serde_json::Value>)]
    pub progress: Option<Value>,
    /// How it ended.
    pub outcome: Outcome,
}

/// How the attempt ended, as the queue records it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Outcome {
    /// Succeeded.
    Complete {
        /// The result file's JSON.
        #[serde(default)]
        #[schema(value_type = Option<serde_json::Value>)]
        result: Option<Value>,
        /// The executor's exit code.
        #[serde(default, deserialize_with = "crate::task::whole::opt_i32")]
        exit_code: Option<i32>,
    },
    /// Failed, timed out or was cancelled.
    Fail {
        /// Which of the three.
        kind: Failure,
        /// The one-line reason shown on the task.
        summary: String,
        /// The executor's exit code, when it exited.
        #[serde(default, deserialize_with = "crate::task::whole::opt_i32")]
        exit_code: Option<i32>,
        /// What the attempt wrote before it ended, kept as the task's result.
        #[serde(default)]
        #[schema(value_type = Option<serde_json::Value>)]
        result: Option<Value>,
    },
    /// Stopped by shutdown: back to the queue without spending the attempt.
    Release {
        /// The one-line reason.
        summary: String,
    },
}

/// Write records in one transaction; each record's answer in order. A record refused by its
/// fence (or rejected by the database) leaves nothing behind, and the others still commit. An
/// error of the whole (the connection, the commit) is the outer one.
///
/// N.B.: successful attempts are written by one statement ([`super::complete_batch`]); the
/// others one after another with no savepoints, which would cost two round trips each. A record its fence refuses at its first write has written nothing, so the
/// others need no protection from it. Only a record that fails after writing something (its
/// task changed in between) or a database error (which aborts the transaction) sends the batch
/// back to be written again with a savepoint per record.
pub async fn record_batch(pool: &PgPool, records: &[&Record]) -> Result<Vec<Result<()>>> {
    let mut tx = pool.begin().await?;
    let mut answers: Vec<Option<Result<()>>> = records.iter().map(|_| None).collect();
    // Successful attempts, the common case, in one statement for all of them.
    let completed: Vec<(usize, super::Completed<'_>)> = records
        .iter()
        .enumerate()
        .filter_map(|(i, r)| match &r.outcome {
            Outcome::Complete { result, exit_code } => Some((
                i,
                super::Completed {
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
        let batch: Vec<super::Completed<'_>> = completed.iter().map(|(_, c)| *c).collect();
        match super::complete_batch(&mut *tx, &batch).await {
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
        .map(|a| a.unwrap_or_else(|| Err(Error::Database("a record was left unwritten".into()))))
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
        super::append_logs(&mut *db, &r.fence, &r.lines).await?;
        *wrote = true;
    }
    if let Some(p) = &r.progress {
        super::set_progress(&mut *db, &r.fence, p).await?;
        *wrote = true;
    }
    match &r.outcome {
        Outcome::Complete { result, exit_code } => {
            super::complete(&mut *db, &r.fence, result.as_ref(), *exit_code).await
        }
        Outcome::Fail {
            kind,
            summary,
            exit_code,
            result,
        } => super::fail_keeping(
            &mut *db,
            &r.fence,
            *kind,
            summary,
            *exit_code,
            result.as_ref(),
        )
        .await
        .map(drop),
        Outcome::Release { summary } => super::release(&mut *db, &r.fence, summary).await,
    }
}
