//! `/api/v1/experiments` and `/api/v1/schedules`: what `aiops experiment` and `aiops schedule`
//! do, over HTTP. Handlers translate HTTP to core calls and back; no SQL here.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};

use super::error::{ApiError, ApiJson, ApiQuery, ApiResult, Problem};
use super::AppState;
use crate::experiment::report::{self, Comparison, Prices, Progress, Report};
use crate::experiment::{self, ExperimentSpec};
use crate::queue::{
    self, ExperimentCancelled, ExperimentSummary, Schedule, ScheduleFire, SubmittedExperiment,
};
use crate::schedule::{self as sched, Payload};
use crate::task::TaskRequest;

/// The `by` of a report: a comma list of grouping columns.
const BY_PATTERN: &str = "^(agent|task_type|problem)(,(agent|task_type|problem))*$";

/// The `prices` of a report: `MODEL=IN,OUT` entries separated by `;`.
const PRICES_PATTERN: &str = r"^[^=;,\x00]+=[0-9]{1,9}(\.[0-9]{1,9})?,[0-9]{1,9}(\.[0-9]{1,9})?(;[^=;,\x00]+=[0-9]{1,9}(\.[0-9]{1,9})?,[0-9]{1,9}(\.[0-9]{1,9})?)*$";

#[utoipa::path(get, path = "/api/v1/experiments", operation_id = "list_experiments", tag = "experiments",
    responses((status = 200, body = Vec<ExperimentSummary>)))]
/// Every experiment, newest first, with its tasks counted by status.
pub async fn list(State(st): State<AppState>) -> ApiResult<Json<Vec<ExperimentSummary>>> {
    Ok(Json(queue::list_experiments(&st.pool).await?))
}

/// Query of `POST /api/v1/experiments`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SubmitParams {
    /// Return the matrix; submit nothing.
    pub dry_run: Option<bool>,
}

#[utoipa::path(post, path = "/api/v1/experiments", operation_id = "submit_experiment", tag = "experiments",
    params(SubmitParams), request_body = ExperimentSpec,
    responses(
        (status = 201, description = "Tasks were created", body = SubmittedExperiment),
        (status = 200, description = "Every task existed already (or `dry_run`: the matrix, a list of cells)", body = SubmittedExperiment),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
/// Submit an experiment spec: its record and every task in one transaction. Submitting the
/// same spec again creates nothing.
pub async fn submit(
    State(st): State<AppState>,
    ApiQuery(p): ApiQuery<SubmitParams>,
    ApiJson(spec): ApiJson<ExperimentSpec>,
) -> ApiResult<Response> {
    if p.dry_run == Some(true) {
        let plan = experiment::plan(&st.pool, &spec).await?;
        return Ok(Json(plan.cells).into_response());
    }
    let done = experiment::submit(&st.pool, &spec).await?;
    let code = if done.created > 0 {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((code, Json(done)).into_response())
}

#[utoipa::path(get, path = "/api/v1/experiments/{name}", operation_id = "get_experiment", tag = "experiments",
    params(("name" = String, Path)),
    responses((status = 200, body = Progress),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
/// Where an experiment stands: done/total per agent and task type, failures, ETA.
pub async fn status(
    State(st): State<AppState>,
    Path(name): Path<String>,
) -> ApiResult<Json<Progress>> {
    Ok(Json(experiment::progress_of(&st.pool, &name).await?))
}

/// Query of the report routes.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// Grouping columns, comma separated (default `agent,task_type`; compare: `task_type`).
    #[param(pattern = "^(agent|task_type|problem)(,(agent|task_type|problem))*$")]
    pub by: Option<String>,
    /// Prices per million tokens, `MODEL=IN,OUT` entries separated by `;`.
    #[param(
        pattern = r"^[^=;,\x00]+=[0-9]{1,9}(\.[0-9]{1,9})?,[0-9]{1,9}(\.[0-9]{1,9})?(;[^=;,\x00]+=[0-9]{1,9}(\.[0-9]{1,9})?,[0-9]{1,9}(\.[0-9]{1,9})?)*$"
    )]
    pub prices: Option<String>,
}

fn by_of(p: &ReportParams, default: &str) -> ApiResult<Vec<report::Dim>> {
    let by = p.by.as_deref().unwrap_or(default);
    if !regex::Regex::new(BY_PATTERN).expect("static").is_match(by) {
        return Err(ApiError::bad_param(
            "by",
            "group by agent, task_type or problem, comma separated",
        ));
    }
    report::parse_by(by).map_err(|e| ApiError::bad_param("by", e.to_string()))
}

#[utoipa::path(get, path = "/api/v1/experiments/{name}/report", operation_id = "report_experiment", tag = "experiments",
    params(("name" = String, Path), ReportParams),
    responses((status = 200, body = Report),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
/// The results table: per group, runs, accuracy with its 95 % Wilson interval, time-to-X,
/// steps, tokens and cost; `treatment` says how infrastructure failures count.
pub async fn report(
    State(st): State<AppState>,
    Path(name): Path<String>,
    ApiQuery(p): ApiQuery<ReportParams>,
) -> ApiResult<Json<Report>> {
    let by = by_of(&p, "agent,task_type")?;
    let prices = match p.prices.as_deref() {
        None => Prices::default(),
        Some(s) => {
            if !regex::Regex::new(PRICES_PATTERN)
                .expect("static")
                .is_match(s)
            {
                return Err(ApiError::bad_param(
                    "prices",
                    "write MODEL=IN,OUT entries separated by ';', e.g. gpt-4o=2.5,10",
                ));
            }
            let entries: Vec<String> = s.split(';').map(String::from).collect();
            Prices::parse(&entries).map_err(|e| ApiError::bad_param("prices", e.to_string()))?
        }
    };
    Ok(Json(
        experiment::report_of(&st.pool, &name, &by, &prices).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/experiments/{a}/compare/{b}", operation_id = "compare_experiments", tag = "experiments",
    params(("a" = String, Path), ("b" = String, Path), ReportParams),
    responses((status = 200, body = Comparison),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
/// Experiment A against B per group (default per task type): accuracy difference with its
/// 95 % interval, and the differences of mean time and tokens. `prices` is ignored.
pub async fn compare(
    State(st): State<AppState>,
    Path((a, b)): Path<(String, String)>,
    ApiQuery(p): ApiQuery<ReportParams>,
) -> ApiResult<Json<Comparison>> {
    let by = by_of(&p, "task_type")?;
    let ra = experiment::report_of(&st.pool, &a, &by, &Prices::default()).await?;
    let rb = experiment::report_of(&st.pool, &b, &by, &Prices::default()).await?;
    Ok(Json(report::compare(&ra, &rb)))
}

#[utoipa::path(post, path = "/api/v1/experiments/{name}/cancel", operation_id = "cancel_experiment", tag = "experiments",
    params(("name" = String, Path)),
    responses((status = 200, body = ExperimentCancelled),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
/// Cancel every unfinished task of an experiment.
pub async fn cancel(
    State(st): State<AppState>,
    Path(name): Path<String>,
) -> ApiResult<Json<ExperimentCancelled>> {
    Ok(Json(queue::cancel_experiment(&st.pool, &name, None).await?))
}

/// Query of `POST /api/v1/experiments/{name}/retry`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RetryParams {
    /// Also re-queue cancelled tasks.
    pub cancelled: Option<bool>,
}

/// What a retry did.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Retried {
    pub experiment: String,
    /// Tasks re-queued.
    pub retried: i64,
}

#[utoipa::path(post, path = "/api/v1/experiments/{name}/retry", operation_id = "retry_experiment", tag = "experiments",
    params(("name" = String, Path), RetryParams),
    responses((status = 200, body = Retried),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
/// Re-queue an experiment's failed and timed-out tasks (and cancelled ones on request).
pub async fn retry(
    State(st): State<AppState>,
    Path(name): Path<String>,
    ApiQuery(p): ApiQuery<RetryParams>,
) -> ApiResult<Json<Retried>> {
    use crate::task::TaskStatus;
    let mut statuses = vec![TaskStatus::Failed, TaskStatus::Timeout];
    if p.cancelled == Some(true) {
        statuses.push(TaskStatus::Cancelled);
    }
    let retried = queue::retry_experiment(&st.pool, &name, &statuses).await?;
    Ok(Json(Retried {
        experiment: name,
        retried,
    }))
}

#[utoipa::path(get, path = "/api/v1/schedules", operation_id = "list_schedules", tag = "schedules",
    responses((status = 200, body = Vec<Schedule>)))]
/// Every schedule with its next tick and last fire.
pub async fn list_schedules(State(st): State<AppState>) -> ApiResult<Json<Vec<Schedule>>> {
    Ok(Json(queue::list_schedules(&st.pool).await?))
}

/// Body of `POST /api/v1/schedules`: an experiment spec or a task request, never both.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleRequest {
    #[schema(pattern = "^[A-Za-z0-9._-]{1,100}$")]
    pub name: String,
    /// 5 fields (minute hour day month weekday), or 6 with seconds first.
    pub cron: String,
    /// IANA time zone (default UTC).
    #[serde(default)]
    pub tz: Option<String>,
    /// The experiment each tick submits.
    #[serde(default)]
    pub experiment: Option<ExperimentSpec>,
    /// The task each tick submits.
    #[serde(default)]
    pub task: Option<TaskRequest>,
}

#[utoipa::path(post, path = "/api/v1/schedules", operation_id = "add_schedule", tag = "schedules",
    request_body = ScheduleRequest,
    responses((status = 201, body = Schedule),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
/// Add a schedule; its first tick is the next one after now.
pub async fn add_schedule(
    State(st): State<AppState>,
    ApiJson(req): ApiJson<ScheduleRequest>,
) -> ApiResult<Response> {
    let payload = match (req.experiment, req.task) {
        (Some(e), None) => Payload::Experiment(e),
        (None, Some(t)) => Payload::Task(t),
        _ => {
            return Err(ApiError::invalid(
                "give exactly one of experiment and task",
                vec![crate::task::FieldError {
                    field: "experiment".into(),
                    message: "give exactly one of experiment and task".into(),
                }],
            ))
        }
    };
    let tz = req.tz.as_deref().unwrap_or("UTC");
    let s = sched::add(&st.pool, &req.name, &req.cron, tz, &payload).await?;
    Ok((StatusCode::CREATED, Json(s)).into_response())
}

#[utoipa::path(get, path = "/api/v1/schedules/{name}", operation_id = "get_schedule", tag = "schedules",
    params(("name" = String, Path)),
    responses((status = 200, body = Schedule),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
/// One schedule.
pub async fn get_schedule(
    State(st): State<AppState>,
    Path(name): Path<String>,
) -> ApiResult<Json<Schedule>> {
    Ok(Json(queue::get_schedule(&st.pool, &name).await?))
}

#[utoipa::path(delete, path = "/api/v1/schedules/{name}", operation_id = "delete_schedule", tag = "schedules",
    params(("name" = String, Path)),
    responses((status = 204, description = "Deleted"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
/// Delete a schedule and its fire records (its experiments stay).
pub async fn delete_schedule(
    State(st): State<AppState>,
    Path(name): Path<String>,
) -> ApiResult<StatusCode> {
    queue::delete_schedule(&st.pool, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/schedules/{name}/pause", operation_id = "pause_schedule", tag = "schedules",
    params(("name" = String, Path)),
    responses((status = 200, body = Schedule),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
/// Stop firing a schedule.
pub async fn pause(
    State(st): State<AppState>,
    Path(name): Path<String>,
) -> ApiResult<Json<Schedule>> {
    Ok(Json(queue::set_paused(&st.pool, &name, true, None).await?))
}

#[utoipa::path(post, path = "/api/v1/schedules/{name}/resume", operation_id = "resume_schedule", tag = "schedules",
    params(("name" = String, Path)),
    responses((status = 200, body = Schedule),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
/// Fire a paused schedule again, from its next tick after now.
pub async fn resume(
    State(st): State<AppState>,
    Path(name): Path<String>,
) -> ApiResult<Json<Schedule>> {
    Ok(Json(sched::resume(&st.pool, &name).await?))
}

#[utoipa::path(get, path = "/api/v1/schedules/{name}/fires", operation_id = "schedule_fires", tag = "schedules",
    params(("name" = String, Path)),
    responses((status = 200, body = Vec<ScheduleFire>),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
/// Every fire of a schedule, with the experiment or task it made.
pub async fn fires(
    State(st): State<AppState>,
    Path(name): Path<String>,
) -> ApiResult<Json<Vec<ScheduleFire>>> {
    Ok(Json(queue::schedule_fires(&st.pool, &name).await?))
}
