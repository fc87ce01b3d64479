//! Records finished attempts, several in one transaction when several finish together.
//!
//! Each record is a task's last log lines, its progress and its outcome; on its own it would
//! cost a commit (a WAL flush) and hold the worker's row (its completed counter) locked until
//! then, so a worker's attempts would queue one flush behind another. One task takes whatever
//! records are waiting, writes them in one transaction (a refused or rejected record undoes only
//! its own writes) and commits once. A lone record is written at once: batching never waits.

use std::time::{Duration, Instant};

use tokio::sync::{mpsc, oneshot};

use super::link::Link;
use crate::db::Suspect;
use crate::error::{Error, Result};
pub use crate::queue::{Outcome, Record};

/// Records written in one transaction at most.
const MAX_BATCH: usize = 64;

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
    pub fn start(link: Link, suspect: Suspect) -> Recorder {
        let (jobs, rx) = mpsc::channel(1024);
        tokio::spawn(run(link, suspect, rx));
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

async fn run(link: Link, suspect: Suspect, mut rx: mpsc::Receiver<Job>) {
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
        let answers = suspect.bounded(limit, link.record(&records)).await;
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
