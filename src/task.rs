//! What a task is: its id, its status machine, the stored record, and the validated request
//! that creates one. Validation lives here so the CLI, bulk submit and HTTP refuse the same
//! inputs with the same words.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;
use std::str::FromStr;
use std::time::Duration;
use uuid::Uuid;

/// A task's identity: a time-ordered UUID v7, so ids sort by creation.
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
#[sqlx(transparent)]
#[serde(transparent)]
#[schema(value_type = uuid::Uuid)]
pub struct TaskId(pub Uuid);

impl TaskId {
    /// A fresh id, ordered after every id made before it in this process.
    pub fn new() -> TaskId {
        TaskId(Uuid::now_v7())
    }
}

impl Default for TaskId {
    fn default() -> Self {
        TaskId::new()
    }
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Lets a text column hold a Rust enum that has `as_str` and `FromStr`: the enum is bound and
/// read as PostgreSQL `text` (arrays too), so a column with a CHECK of its values needs no
/// PostgreSQL enum type, and a value the enum does not know fails the read instead of passing
/// as a string.
macro_rules! sql_as_text {
    ($t:ty) => {
        impl sqlx::Type<sqlx::Postgres> for $t {
            fn type_info() -> sqlx::postgres::PgTypeInfo {
                <str as sqlx::Type<sqlx::Postgres>>::type_info()
            }
            fn compatible(ty: &sqlx::postgres::PgTypeInfo) -> bool {
                <str as sqlx::Type<sqlx::Postgres>>::compatible(ty)
            }
        }

        impl sqlx::postgres::PgHasArrayType for $t {
            fn array_type_info() -> sqlx::postgres::PgTypeInfo {
                <&str as sqlx::postgres::PgHasArrayType>::array_type_info()
            }
            fn array_compatible(ty: &sqlx::postgres::PgTypeInfo) -> bool {
                <&str as sqlx::postgres::PgHasArrayType>::array_compatible(ty)
            }
        }

        impl<'q> sqlx::Encode<'q, sqlx::Postgres> for $t {
            fn encode_by_ref(
                &self,
                buf: &mut sqlx::postgres::PgArgumentBuffer,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <&str as sqlx::Encode<'q, sqlx::Postgres>>::encode(self.as_str(), buf)
            }
        }

        impl<'r> sqlx::Decode<'r, sqlx::Postgres> for $t {
            fn decode(
                value: sqlx::postgres::PgValueRef<'r>,
            ) -> Result<Self, sqlx::error::BoxDynError> {
                let s = <&str as sqlx::Decode<'r, sqlx::Postgres>>::decode(value)?;
                Ok(s.parse::<$t>()?)
            }
        }
    };
}
pub(crate) use sql_as_text;

/// The kind of cluster a worker drives, which a task may ask for. Workers store it and claims
/// match tasks against it; it is `text` with a CHECK in the schema, hence `sql_as_text`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// A kind cluster the worker finds or makes.
    Kind,
    /// An existing cluster reached through a kubeconfig.
    Existing,
    /// No cluster (plain shell jobs).
    None,
}

impl Backend {
    /// Every backend, in the order messages list them.
    pub const ALL: [Backend; 3] = [Backend::Kind, Backend::Existing, Backend::None];

    /// The name used in JSON, SQL and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Kind => "kind",
            Backend::Existing => "existing",
            Backend::None => "none",
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Backend {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Backend::ALL
            .into_iter()
            .find(|b| b.as_str() == s)
            .ok_or_else(|| format!("unknown backend '{s}'; use kind, existing or none"))
    }
}

sql_as_text!(Backend);

/// Where a task is in its life. Only the transitions in [`TaskStatus::can_become`] exist.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema,
)]
#[sqlx(type_name = "task_status", rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum TaskStatus {
    Pending,
    Running,
    Completed,
    Failed,
    Timeout,
    Cancelled,
}

impl TaskStatus {
    /// Every status, in life order, for validation messages and stats.
    pub const ALL: [TaskStatus; 6] = [
        TaskStatus::Pending,
        TaskStatus::Running,
        TaskStatus::Completed,
        TaskStatus::Failed,
        TaskStatus::Timeout,
        TaskStatus::Cancelled,
    ];

    /// The name used in JSON, SQL and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Pending => "pending",
            TaskStatus::Running => "running",
            TaskStatus::Completed => "completed",
            TaskStatus::Failed => "failed",
            TaskStatus::Timeout => "timeout",
            TaskStatus::Cancelled => "cancelled",
        }
    }

    /// Terminal states never change except by an explicit retry.
    pub fn is_terminal(self) -> bool {
        !matches!(self, TaskStatus::Pending | TaskStatus::Running)
    }

    /// States `retry` accepts.
    pub fn is_retryable(self) -> bool {
        matches!(
            self,
            TaskStatus::Failed | TaskStatus::Timeout | TaskStatus::Cancelled
        )
    }

    /// Every move a task's status may make (claim, finish, cancel, release, rescue, retry): the
    /// state machine itself, used by tests to prove the SQL never leaves it.
    pub fn can_become(self, next: TaskStatus) -> bool {
        use TaskStatus::*;
        matches!(
            (self, next),
            (Pending, Running)
                | (Pending, Cancelled)
                | (Running, Completed)
                | (Running, Failed)
                | (Running, Timeout)
                | (Running, Cancelled)
                | (Running, Pending)
                | (Failed, Pending)
                | (Timeout, Pending)
                | (Cancelled, Pending)
        )
    }

    /// Exit code of `submit --wait` for a task that ended in this state.
    pub fn wait_exit_code(self) -> u8 {
        match self {
            TaskStatus::Completed => 0,
            TaskStatus::Failed => 10,
            TaskStatus::Timeout => 11,
            TaskStatus::Cancelled => 12,
            TaskStatus::Pending | TaskStatus::Running => 13,
        }
    }
}

impl fmt::Display for TaskStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TaskStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TaskStatus::ALL
            .into_iter()
            .find(|st| st.as_str() == s.trim())
            .ok_or_else(|| {
                format!(
                    "unknown status '{s}'; use one of pending, running, completed, failed, timeout, cancelled"
                )
            })
    }
}

/// Parse a comma list such as `failed,timeout` (the `--status` and `?status=` filters).
pub fn parse_status_list(s: &str) -> Result<Vec<TaskStatus>, String> {
    s.split(',')
        .filter(|p| !p.trim().is_empty())
        .map(TaskStatus::from_str)
        .collect()
}

/// A stored task: the columns of `tasks` but its lease and cancel reason, in the JSON shape the
/// CLI and HTTP share (README.md, "The HTTP API").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Task {
    pub id: TaskId,
    pub problem_id: String,
    pub status: TaskStatus,
    pub queue: String,
    pub priority: i16,
    pub backend_type: Option<Backend>,
    pub parameters: Value,
    pub timeout_seconds: i32,
    pub metadata: Value,
    pub callback_url: Option<String>,
    pub idempotency_key: Option<String>,
    pub attempt: i32,
    pub max_attempts: i32,
    pub worker_id: Option<String>,
    pub progress: Option<Value>,
    pub result: Option<Value>,
    pub error_details: Option<String>,
    pub exit_code: Option<i32>,
    pub cancel_requested: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub run_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub heartbeat_at: Option<DateTime<Utc>>,
    /// Running tasks with the same key are capped across all workers (`aiops limits`).
    #[serde(default)]
    pub concurrency_key: Option<String>,
}

impl Task {
    /// The task's timeout as a duration (the column holds whole seconds).
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout_seconds.max(1) as u64)
    }

    /// `parameters.max_steps`, defaulting as submit does.
    pub fn max_steps(&self) -> i64 {
        self.parameters
            .get("max_steps")
            .and_then(Value::as_i64)
            .unwrap_or(DEFAULT_MAX_STEPS)
    }

    /// `parameters.agent_config`, or an empty object.
    pub fn agent_config(&self) -> Value {
        self.parameters
            .get("agent_config")
            .cloned()
            .unwrap_or_else(|| Value::Object(Map::new()))
    }
}

/// Default `parameters.max_steps`.
pub const DEFAULT_MAX_STEPS: i64 = 30;
/// Default timeout in seconds (30 minutes).
pub const DEFAULT_TIMEOUT_SECONDS: i64 = 1800;
/// Longest allowed timeout (24 hours).
pub const MAX_TIMEOUT_SECONDS: i64 = 86_400;
/// Longest allowed timeout in minutes (24 hours).
pub const MAX_TIMEOUT_MINUTES: f64 = 1440.0;
/// Default priority; higher runs first.
pub const DEFAULT_PRIORITY: i64 = 5;
/// Default number of attempts.
pub const DEFAULT_MAX_ATTEMPTS: i64 = 3;
/// The queue tasks go to unless told otherwise.
pub const DEFAULT_QUEUE: &str = "default";

/// A request to create a task, as it arrives (CLI flags, a `--from` line, an HTTP body).
/// Unknown fields are refused so a typo never silently becomes a default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskRequest {
    #[schema(
        min_length = 1,
        max_length = 255,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub problem_id: String,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub agent_config: Option<Value>,
    #[serde(default, deserialize_with = "whole::opt_i64")]
    #[schema(minimum = 1, maximum = 1000)]
    pub max_steps: Option<i64>,
    /// Rounded to whole seconds, at least 1; `timeout_seconds` wins when both are given.
    #[serde(default)]
    #[schema(exclusive_minimum = 0, maximum = 1440)]
    pub timeout_minutes: Option<f64>,
    #[serde(default, deserialize_with = "whole::opt_i64")]
    #[schema(minimum = 1, maximum = 86400)]
    pub timeout_seconds: Option<i64>,
    #[serde(default, deserialize_with = "whole::opt_i64")]
    #[schema(minimum = 0, maximum = 10)]
    pub priority: Option<i64>,
    #[serde(default, deserialize_with = "whole::opt_i64")]
    #[schema(minimum = 1, maximum = 20)]
    pub max_attempts: Option<i64>,
    #[serde(default)]
    #[schema(
        min_length = 1,
        max_length = 255,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub queue: Option<String>,
    #[serde(default)]
    #[schema(pattern = "^(kind|existing|none)$")]
    pub backend_type: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<TaskParameters>)]
    pub parameters: Option<Value>,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<Value>,
    #[serde(default)]
    #[schema(
        max_length = 2048,
        pattern = r"^https?://(?:[A-Za-z0-9._~!$&'()*+,;=:-]+@)?(?:(?:[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*\.)*[A-Za-z][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*\.?|(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])|\[(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,7}:|(?:[0-9A-Fa-f]{1,4}:){1,6}:[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,5}(?::[0-9A-Fa-f]{1,4}){1,2}|(?:[0-9A-Fa-f]{1,4}:){1,4}(?::[0-9A-Fa-f]{1,4}){1,3}|(?:[0-9A-Fa-f]{1,4}:){1,3}(?::[0-9A-Fa-f]{1,4}){1,4}|(?:[0-9A-Fa-f]{1,4}:){1,2}(?::[0-9A-Fa-f]{1,4}){1,5}|[0-9A-Fa-f]{1,4}:(?::[0-9A-Fa-f]{1,4}){1,6}|:(?:(?::[0-9A-Fa-f]{1,4}){1,7}|:))\])(?::(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4}))?(?:[/?#][^\s\x00-\x1f\x7f-\x9f\u2028\u2029\u0085]*)?$"
    )]
    pub callback_url: Option<String>,
    /// Any text but NUL, which PostgreSQL text cannot hold.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 255, pattern = r"^[^\x00]*$")]
    pub idempotency_key: Option<String>,
    #[serde(default)]
    pub run_at: Option<DateTime<Utc>>,
    /// Caps how many tasks with this key run at once across all workers (`aiops limits`).
    #[serde(default)]
    #[schema(
        min_length = 1,
        max_length = 255,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub concurrency_key: Option<String>,
}

/// `parameters` of a request (documentation only: extra keys are kept as given).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct TaskParameters {
    /// Overridden by the top-level `agent_config`.
    #[schema(value_type = Option<Object>)]
    agent_config: Option<Value>,
    /// Used when the top-level `max_steps` is absent.
    #[schema(minimum = 1, maximum = 1000)]
    max_steps: Option<i64>,
    /// Used when neither `timeout_seconds` nor `timeout_minutes` is given.
    #[schema(exclusive_minimum = 0, maximum = 1440)]
    timeout_minutes: Option<f64>,
}

/// Integers that also arrive as whole floats (`3.0`): JSON Schema's `integer` admits them.
pub mod whole {
    use serde::{Deserialize, Deserializer};

    fn to_i64<E: serde::de::Error>(v: serde_json::Number) -> Result<i64, E> {
        if let Some(i) = v.as_i64() {
            return Ok(i);
        }
        match v.as_f64() {
            Some(f) if f.fract() == 0.0 && f >= i64::MIN as f64 && f < i64::MAX as f64 => {
                Ok(f as i64)
            }
            _ => Err(E::custom(format!("{v} is not an integer in range"))),
        }
    }

    /// An optional i64.
    pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        Option::<serde_json::Number>::deserialize(d)?
            .map(to_i64)
            .transpose()
    }

    /// An i32.
    pub fn i32<'de, D: Deserializer<'de>>(d: D) -> Result<i32, D::Error> {
        let n = to_i64(serde_json::Number::deserialize(d)?)?;
        i32::try_from(n).map_err(|_| serde::de::Error::custom(format!("{n} is out of range")))
    }

    /// An optional i32.
    pub fn opt_i32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
        opt_i64(d)?
            .map(|n| {
                i32::try_from(n)
                    .map_err(|_| serde::de::Error::custom(format!("{n} is out of range")))
            })
            .transpose()
    }
}

/// An integer, also written as a whole float (`3.0`), as JSON Schema's `integer` admits.
fn whole_number(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| {
        v.as_f64()
            .filter(|f| f.fract() == 0.0 && *f >= i64::MIN as f64 && *f < i64::MAX as f64)
            .map(|f| f as i64)
    })
}

/// One thing wrong with a request: the field and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// A request that passed validation: every value in range, defaults filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTask {
    pub id: TaskId,
    pub problem_id: String,
    pub queue: String,
    pub priority: i16,
    pub backend_type: Option<Backend>,
    pub parameters: Value,
    pub timeout_seconds: i32,
    pub metadata: Value,
    pub callback_url: Option<String>,
    pub idempotency_key: Option<String>,
    pub max_attempts: i32,
    /// `None` means "now" by the database clock.
    pub run_at: Option<DateTime<Utc>>,
    /// See [`Task::concurrency_key`].
    pub concurrency_key: Option<String>,
}

fn check_name(field: &str, value: &str, errors: &mut Vec<FieldError>) {
    if value.is_empty() {
        errors.push(FieldError {
            field: field.into(),
            message: "must not be empty".into(),
        });
    } else if value.chars().count() > 255 {
        errors.push(FieldError {
            field: field.into(),
            message: format!(
                "is {} characters long; the limit is 255",
                value.chars().count()
            ),
        });
    } else if value.chars().any(char::is_control) {
        errors.push(FieldError {
            field: field.into(),
            message: "contains control characters; use printable text".into(),
        });
    }
}

fn range(field: &str, v: i64, lo: i64, hi: i64, errors: &mut Vec<FieldError>) {
    if !(lo..=hi).contains(&v) {
        errors.push(FieldError {
            field: field.into(),
            message: format!("{v} is out of range; use {lo} to {hi}"),
        });
    }
}

impl TaskRequest {
    /// Check every field and fill defaults. All problems are reported at once so a user fixes
    /// a request in one go.
    pub fn validate(self) -> Result<NewTask, Vec<FieldError>> {
        let mut errors = Vec::new();
        check_name("problem_id", &self.problem_id, &mut errors);

        let mut parameters = match self.parameters {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(m)) => m,
            Some(_) => {
                errors.push(FieldError {
                    field: "parameters".into(),
                    message: "must be a JSON object".into(),
                });
                Map::new()
            }
        };
        match self.agent_config {
            None | Some(Value::Null) => {}
            Some(v @ Value::Object(_)) => {
                parameters.insert("agent_config".into(), v);
            }
            Some(_) => errors.push(FieldError {
                field: "agent_config".into(),
                message: "must be a JSON object, e.g. {\"agent\":\"module:Class\"}".into(),
            }),
        }
        if parameters.get("agent_config").is_some_and(Value::is_null) {
            parameters.remove("agent_config");
        }
        if let Some(v) = parameters.get("agent_config") {
            if !v.is_object() {
                errors.push(FieldError {
                    field: "parameters.agent_config".into(),
                    message: "must be a JSON object".into(),
                });
            }
        } else {
            parameters.insert("agent_config".into(), Value::Object(Map::new()));
        }

        // Every value given is checked, also one that another field overrides: the OpenAPI
        // document states each field's range on its own, and a request it calls invalid is.
        let param_max_steps = match parameters.get("max_steps") {
            None | Some(Value::Null) => None,
            Some(v) => match whole_number(v).filter(|n| (1..=1000).contains(n)) {
                Some(n) => Some(n),
                None => {
                    errors.push(FieldError {
                        field: "parameters.max_steps".into(),
                        message: format!("{v} is not an integer from 1 to 1000"),
                    });
                    None
                }
            },
        };
        if let Some(n) = self.max_steps {
            range("max_steps", n, 1, 1000, &mut errors);
        }
        let max_steps = self
            .max_steps
            .or(param_max_steps)
            .unwrap_or(DEFAULT_MAX_STEPS);
        parameters.insert("max_steps".into(), Value::from(max_steps));

        if let Some(s) = self.timeout_seconds {
            if !(1..=MAX_TIMEOUT_SECONDS).contains(&s) {
                errors.push(FieldError {
                    field: "timeout_seconds".into(),
                    message: format!(
                        "{s} s is out of range; use 1 s to 24 h ({MAX_TIMEOUT_SECONDS} s)"
                    ),
                });
            }
        }
        let minutes = |field: &str, m: f64, errors: &mut Vec<FieldError>| {
            if m > 0.0 && m <= MAX_TIMEOUT_MINUTES {
                Some(m)
            } else {
                errors.push(FieldError {
                    field: field.into(),
                    message: format!(
                        "{m} is out of range; use more than 0 and at most {MAX_TIMEOUT_MINUTES} minutes (24 h)"
                    ),
                });
                None
            }
        };
        let top_minutes = self
            .timeout_minutes
            .and_then(|m| minutes("timeout_minutes", m, &mut errors));
        let param_minutes = match parameters.get("timeout_minutes") {
            None | Some(Value::Null) => None,
            Some(v) => match v.as_f64() {
                Some(m) => minutes("parameters.timeout_minutes", m, &mut errors),
                None => {
                    errors.push(FieldError {
                        field: "parameters.timeout_minutes".into(),
                        message: format!("{v} is not a number of minutes"),
                    });
                    None
                }
            },
        };
        let timeout_seconds = match (self.timeout_seconds, top_minutes.or(param_minutes)) {
            (Some(s), _) => s,
            (None, Some(m)) => ((m * 60.0).round() as i64).max(1),
            (None, None) => DEFAULT_TIMEOUT_SECONDS,
        };
        parameters.insert(
            "timeout_minutes".into(),
            serde_json::json!(timeout_seconds as f64 / 60.0),
        );

        let priority = self.priority.unwrap_or(DEFAULT_PRIORITY);
        range("priority", priority, 0, 10, &mut errors);
        let max_attempts = self.max_attempts.unwrap_or(DEFAULT_MAX_ATTEMPTS);
        range("max_attempts", max_attempts, 1, 20, &mut errors);

        let queue = self.queue.unwrap_or_else(|| DEFAULT_QUEUE.to_string());
        check_name("queue", &queue, &mut errors);

        let backend_type = match self.backend_type.as_deref().map(Backend::from_str) {
            None => None,
            Some(Ok(b)) => Some(b),
            Some(Err(message)) => {
                errors.push(FieldError {
                    field: "backend_type".into(),
                    message,
                });
                None
            }
        };

        let metadata = match self.metadata {
            None | Some(Value::Null) => Value::Object(Map::new()),
            Some(v @ Value::Object(_)) => v,
            Some(_) => {
                errors.push(FieldError {
                    field: "metadata".into(),
                    message: "must be a JSON object".into(),
                });
                Value::Null
            }
        };

        if let Some(url) = &self.callback_url {
            if let Err(m) = check_callback_url(url) {
                errors.push(FieldError {
                    field: "callback_url".into(),
                    message: m,
                });
            }
        }
        if let Some(k) = &self.idempotency_key {
            if k.is_empty() || k.chars().count() > 255 {
                errors.push(FieldError {
                    field: "idempotency_key".into(),
                    message: "must be 1 to 255 characters long".into(),
                });
            } else if k.contains('\0') {
                errors.push(FieldError {
                    field: "idempotency_key".into(),
                    message: "contains a NUL byte; use printable text".into(),
                });
            }
        }

        if let Some(k) = &self.concurrency_key {
            check_name("concurrency_key", k, &mut errors);
        }

        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(NewTask {
            id: TaskId::new(),
            problem_id: self.problem_id,
            queue,
            priority: priority as i16,
            backend_type,
            parameters: Value::Object(parameters),
            timeout_seconds: timeout_seconds as i32,
            metadata,
            callback_url: self.callback_url,
            idempotency_key: self.idempotency_key,
            max_attempts: max_attempts as i32,
            run_at: self.run_at,
            concurrency_key: self.concurrency_key,
        })
    }
}

/// What a callback URL must look like, for the OpenAPI document (`callback_url`'s pattern
/// repeats it; a test holds the two equal) and for [`check_callback_url`]: http(s), optional
/// user info, a host that is a DNS name (whose last label starts with a letter), an IPv4
/// address or a bracketed IPv6 address, a port up to 65535, then any path, query and fragment
/// without spaces or control characters.
///
/// N.B.: it is narrower than what the `url` crate parses, on purpose: everything it matches
/// parses (a property test checks it), so a request the document calls valid is never refused
/// (and one it calls invalid always is). Hosts the `url` crate would refuse late (`xn--`
/// labels that are not punycode, names ending in a number such as `a.1`) never match.
pub const CALLBACK_URL_PATTERN: &str = r"^https?://(?:[A-Za-z0-9._~!$&'()*+,;=:-]+@)?(?:(?:[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*\.)*[A-Za-z][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*\.?|(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])|\[(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,7}:|(?:[0-9A-Fa-f]{1,4}:){1,6}:[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,5}(?::[0-9A-Fa-f]{1,4}){1,2}|(?:[0-9A-Fa-f]{1,4}:){1,4}(?::[0-9A-Fa-f]{1,4}){1,3}|(?:[0-9A-Fa-f]{1,4}:){1,3}(?::[0-9A-Fa-f]{1,4}){1,4}|(?:[0-9A-Fa-f]{1,4}:){1,2}(?::[0-9A-Fa-f]{1,4}){1,5}|[0-9A-Fa-f]{1,4}:(?::[0-9A-Fa-f]{1,4}){1,6}|:(?:(?::[0-9A-Fa-f]{1,4}){1,7}|:))\])(?::(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4}))?(?:[/?#][^\s\x00-\x1f\x7f-\x9f\u2028\u2029\u0085]*)?$";

fn callback_url_pattern() -> &'static regex::Regex {
    static RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(CALLBACK_URL_PATTERN).expect("a valid pattern")
    });
    &RE
}

/// Check a callback URL with the `url` crate (the parser of record: it decides what a host,
/// a scheme and a port are) and [`CALLBACK_URL_PATTERN`]. Each refusal says what to fix.
pub fn check_callback_url(url: &str) -> Result<(), String> {
    const EXAMPLE: &str = "e.g. https://example.org/hook";
    if url.len() > 2048 {
        return Err("is longer than 2048 bytes".into());
    }
    let parsed = match url::Url::parse(url) {
        Ok(p) => p,
        Err(url::ParseError::EmptyHost) => {
            return Err(format!("'{url}' has no host; give one, {EXAMPLE}"))
        }
        Err(e) => {
            return Err(format!(
                "'{url}' is not a valid URL ({e}); give one such as https://example.org/hook"
            ))
        }
    };
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!(
            "'{url}' is not an http:// or https:// URL; callbacks are POSTed over HTTP, {EXAMPLE}"
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(format!("'{url}' has no host; give one, {EXAMPLE}"));
    }
    if !callback_url_pattern().is_match(url) {
        return Err(format!(
            "'{url}' is not accepted: use a DNS name, an IPv4 address or a [bracketed] IPv6 address as the host, a port up to 65535, and no spaces or control characters, {EXAMPLE}"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(p: &str) -> TaskRequest {
        TaskRequest {
            problem_id: p.into(),
            ..Default::default()
        }
    }

    #[test]
    fn defaults_are_filled() {
        let t = req("noop_detection_hotel_reservation-1")
            .validate()
            .unwrap();
        assert_eq!(t.priority, 5);
        assert_eq!(t.max_attempts, 3);
        assert_eq!(t.timeout_seconds, 1800);
        assert_eq!(t.queue, "default");
        assert_eq!(t.parameters["max_steps"], 30);
        assert!(t.parameters["agent_config"].is_object());
    }

    #[test]
    fn every_problem_is_reported() {
        let mut r = req("bad\u{7}id");
        r.priority = Some(11);
        r.max_steps = Some(0);
        r.callback_url = Some("ftp://x".into());
        let errs = r.validate().unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["problem_id", "max_steps", "priority", "callback_url"]
        );
    }

    #[test]
    fn callback_urls_need_an_http_scheme_and_a_host() {
        for good in [
            "https://example.org/hook",
            "http://127.0.0.1:9/x?a=1,b",
            "http://[::1]:8080/h#f",
            "http://user:pw@hooks.example.org./x",
            "http://localhost:65535",
        ] {
            assert_eq!(check_callback_url(good), Ok(()), "{good}");
        }
        for (bad, says) in [
            ("http://:80/", "has no host"),
            ("http:///x", "not accepted"),
            ("https://", "has no host"),
            ("ftp://example.org/x", "not an http:// or https:// URL"),
            ("mailto:a@example.org", "not an http:// or https:// URL"),
            ("file:///etc/passwd", "not an http:// or https:// URL"),
            ("example.org/hook", "not a valid URL"),
            ("http://a b/", "not a valid URL"),
            ("http://h:65536/", "not a valid URL"),
            ("http://a.1/", "not a valid URL"),
            ("http://h/a b", "not accepted"),
        ] {
            let e = check_callback_url(bad).unwrap_err();
            assert!(e.contains(says), "{bad}: {e}");
            assert!(!e.contains('\n'), "{e}");
        }
    }

    /// The OpenAPI document states the same pattern the server checks.
    #[test]
    fn the_documented_callback_url_pattern_is_the_checked_one() {
        use utoipa::PartialSchema;
        let schema = serde_json::to_value(TaskRequest::schema()).unwrap();
        assert_eq!(
            schema["properties"]["callback_url"]["pattern"],
            CALLBACK_URL_PATTERN
        );
    }

    proptest::proptest! {
        /// Everything the pattern matches, the `url` crate parses with an http(s) scheme and a
        /// host: a URL the document calls valid is never refused.
        #[test]
        fn every_url_the_pattern_matches_is_accepted(
            u in proptest::string::string_regex(
                &CALLBACK_URL_PATTERN[1..CALLBACK_URL_PATTERN.len() - 1]
            ).unwrap()
        ) {
            proptest::prop_assume!(u.len() <= 2048);
            proptest::prop_assert_eq!(check_callback_url(&u), Ok(()), "{}", u);
        }
    }

    /// JSON, SQL and the command line spell a backend the same way.
    #[test]
    fn backend_names_agree_everywhere() {
        for b in Backend::ALL {
            assert_eq!(b.as_str().parse::<Backend>(), Ok(b));
            assert_eq!(serde_json::to_value(b).unwrap(), b.as_str());
        }
        assert_eq!(
            "Kind".parse::<Backend>().unwrap_err(),
            "unknown backend 'Kind'; use kind, existing or none"
        );
    }

    #[test]
    fn timeout_minutes_converts() {
        let mut r = req("p");
        r.timeout_minutes = Some(2.5);
        assert_eq!(r.validate().unwrap().timeout_seconds, 150);
        let mut r = req("p");
        r.timeout_seconds = Some(86_401);
        assert!(r.validate().is_err());
    }

    #[test]
    fn state_machine_has_no_exit_from_terminal_but_retry() {
        for s in TaskStatus::ALL.into_iter().filter(|s| s.is_terminal()) {
            for n in TaskStatus::ALL {
                assert_eq!(
                    s.can_become(n),
                    n == TaskStatus::Pending && s.is_retryable(),
                    "{s}->{n}"
                );
            }
        }
    }
}
