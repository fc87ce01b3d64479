//! Task log entries: the levels and sources a line can carry, shared by the executor that
//! produces lines, the queue that stores them and the commands that print them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::task::TaskId;

/// Severity of a log line; ordered so that `--level warning` can mean "warning or worse".
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    sqlx::Type,
    utoipa::ToSchema,
)]
#[sqlx(type_name = "log_level", rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    Debug,
    Info,
    Warning,
    Error,
    Critical,
}

impl LogLevel {
    /// Every level, lowest first, for help texts and validation messages.
    pub const ALL: [LogLevel; 5] = [
        LogLevel::Debug,
        LogLevel::Info,
        LogLevel::Warning,
        LogLevel::Error,
        LogLevel::Critical,
    ];

    /// The name used in JSON, SQL and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Debug => "debug",
            LogLevel::Info => "info",
            LogLevel::Warning => "warning",
            LogLevel::Error => "error",
            LogLevel::Critical => "critical",
        }
    }

    /// Lenient parse for levels written by executors (`warn`, `ERROR`, `fatal`), which should
    /// not lose a line just because a tool spells its level differently.
    pub fn parse_lenient(s: &str) -> Option<LogLevel> {
        match s.to_ascii_lowercase().as_str() {
            "debug" | "trace" => Some(LogLevel::Debug),
            "info" | "notice" => Some(LogLevel::Info),
            "warning" | "warn" => Some(LogLevel::Warning),
            "error" | "err" => Some(LogLevel::Error),
            "critical" | "crit" | "fatal" => Some(LogLevel::Critical),
            _ => None,
        }
    }
}

impl fmt::Display for LogLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LogLevel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        LogLevel::ALL
            .into_iter()
            .find(|l| l.as_str() == s)
            .ok_or_else(|| {
                format!("unknown log level '{s}'; use one of debug, info, warning, error, critical")
            })
    }
}

/// Where a log line came from: the executor's streams, the worker itself, or the API.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema,
)]
#[sqlx(type_name = "log_source", rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum LogSource {
    Stdout,
    Stderr,
    Worker,
    Api,
}

impl LogSource {
    /// The name used in JSON and SQL.
    pub fn as_str(self) -> &'static str {
        match self {
            LogSource::Stdout => "stdout",
            LogSource::Stderr => "stderr",
            LogSource::Worker => "worker",
            LogSource::Api => "api",
        }
    }
}

impl fmt::Display for LogSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A line to be stored; the database assigns id and (unless given) the timestamp.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewLogLine {
    pub timestamp: DateTime<Utc>,
    pub level: LogLevel,
    pub source: LogSource,
    pub message: String,
    #[schema(value_type = Option<serde_json::Value>)]
    pub context: Option<serde_json::Value>,
}

/// A stored log entry, as `logs -o json` and the HTTP API show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct LogEntry {
    pub id: i64,
    pub task_id: TaskId,
    pub attempt: i32,
    pub timestamp: DateTime<Utc>,
    pub level: LogLevel,
    pub source: LogSource,
    pub message: String,
    pub context: Option<serde_json::Value>,
}
