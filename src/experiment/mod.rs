//! Experiments: a spec naming problems, agents and repeats, expanded into a matrix of tasks
//! that are submitted as one unit (see `queue::submit_experiment`), watched together and
//! summarised as AIOpsLab's results table ([`report`]).
//!
//! Every task of an experiment carries in `metadata` the experiment's name, the agent's name,
//! the repeat and the problem's task type, and an idempotency key derived from the experiment,
//! agent, problem and repeat: submitting the same spec again adds nothing, and a spec that grew
//! adds only its new cells.

pub mod report;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::queue::Problem;
use crate::task::{NewTask, TaskRequest};

/// Most tasks one experiment may have.
pub const MAX_CELLS: usize = 20_000;

/// The four kinds of AIOpsLab problem, in the order reports list them.
pub const TASK_TYPES: [&str; 4] = ["detection", "localization", "analysis", "mitigation"];

/// What an experiment runs: read from TOML or JSON, or built from flags. Unknown fields are
/// refused, so a typo never silently becomes a default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExperimentSpec {
    /// The experiment's name: 1 to 100 characters of letters, digits, `.`, `_`, `-`.
    #[schema(pattern = "^[A-Za-z0-9._-]{1,100}$")]
    pub name: String,
    /// Problem ids, globs (`*`, `?`) over the catalog, or `all`.
    #[serde(default)]
    pub problems: Vec<String>,
    /// Every catalog problem of these task types (detection, localization, analysis,
    /// mitigation).
    #[serde(default)]
    pub task_types: Vec<String>,
    /// The agents, by name (names as the experiment's).
    pub agents: BTreeMap<String, AgentSpec>,
    /// Runs of each problem by each agent (1 to 1000).
    #[serde(default = "one")]
    #[schema(minimum = 1, maximum = 1000)]
    pub repeats: u32,
    /// Most agent steps per run.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 1000)]
    pub max_steps: Option<i64>,
    /// Time limit of one attempt, e.g. `45m` (1 s to 24 h).
    #[serde(default)]
    pub timeout: Option<String>,
    /// Priority 0 to 10.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 10)]
    pub priority: Option<i64>,
    /// Attempts per task (1 to 20).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 20)]
    pub max_attempts: Option<i64>,
    /// Queue name.
    #[serde(default)]
    #[schema(
        min_length = 1,
        max_length = 255,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub queue: Option<String>,
    /// Only workers of this backend may run its tasks.
    #[serde(default)]
    #[schema(pattern = "^(kind|existing|none)$")]
    pub backend: Option<String>,
    /// Accept problem ids the catalog does not know.
    #[serde(default)]
    pub allow_unknown: bool,
}

fn one() -> u32 {
    1
}

/// One named agent of an experiment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentSpec {
    /// The runner's agent: a name from AIOpsLab's registry or `module:Class`.
    #[schema(min_length = 1)]
    pub agent: String,
    /// Keyword arguments for the agent's constructor.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub kwargs: Option<Value>,
    /// The model it calls: the default concurrency key, and the key of `--price`.
    #[serde(default)]
    #[schema(
        min_length = 1,
        max_length = 255,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub model: Option<String>,
    /// Caps this agent's running tasks with others of the same key (`aiops limits`); default
    /// the model.
    #[serde(default)]
    #[schema(
        min_length = 1,
        max_length = 255,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub concurrency_key: Option<String>,
}

impl ExperimentSpec {
    /// Read and check a spec from TOML or JSON text; `origin` names it in errors (a path or
    /// "the body").
    pub fn parse(text: &str, origin: &str) -> Result<ExperimentSpec> {
        let spec = ExperimentSpec::read(text, origin)?;
        spec.check()?;
        Ok(spec)
    }

    /// Read a spec without checking it, for callers that complete it first (flags over a
    /// file): they [`check`](ExperimentSpec::check) it once complete.
    pub fn read(text: &str, origin: &str) -> Result<ExperimentSpec> {
        let spec: ExperimentSpec = if text.trim_start().starts_with('{') {
            serde_json::from_str(text).map_err(|e| {
                Error::usage(format!("{origin} is not a valid experiment spec: {e}"))
            })?
        } else {
            toml::from_str(text).map_err(|e| {
                Error::usage(format!(
                    "{origin} is not a valid experiment spec: {}",
                    crate::error::one_line(&e.to_string())
                ))
            })?
        };
        Ok(spec)
    }

    /// Refuse what cannot make a matrix, each refusal saying what to change.
    pub fn check(&self) -> Result<()> {
        check_name("experiment name", &self.name)?;
        if self.agents.is_empty() {
            return Err(Error::usage(format!(
                "experiment '{}' names no agents; add one, e.g. [agents.gpt] agent = \"module:Class\"",
                self.name
            )));
        }
        for (name, a) in &self.agents {
            check_name("agent name", name)?;
            if a.agent.trim().is_empty() {
                return Err(Error::usage(format!(
                    "agent '{name}' has an empty 'agent'; give an AIOpsLab agent name or module:Class"
                )));
            }
            if a.kwargs.as_ref().is_some_and(|k| !k.is_object()) {
                return Err(Error::usage(format!(
                    "agent '{name}': kwargs must be a table (object) of keyword arguments"
                )));
            }
        }
        if self.problems.is_empty() && self.task_types.is_empty() {
            return Err(Error::usage(format!(
                "experiment '{}' names no problems; set problems = [\"id\", \"glob*\", \"all\"] or task_types = [\"detection\"]",
                self.name
            )));
        }
        for t in &self.task_types {
            if !TASK_TYPES.contains(&t.as_str()) {
                return Err(Error::usage(format!(
                    "unknown task type '{t}'; use detection, localization, analysis or mitigation"
                )));
            }
        }
        let cells = self.agents.len() as u64 * u64::from(self.repeats);
        if cells > MAX_CELLS as u64 {
            return Err(Error::usage(format!(
                "experiment '{}' would have more than {MAX_CELLS} tasks; split it",
                self.name
            )));
        }
        if !(1..=1000).contains(&self.repeats) {
            return Err(Error::usage(format!(
                "repeats {} is out of range; use 1 to 1000",
                self.repeats
            )));
        }
        if let Some(t) = &self.timeout {
            crate::duration::parse(t).map_err(|e| Error::usage(format!("timeout '{t}': {e}")))?;
        }
        Ok(())
    }
}

/// Names of experiments and agents go into keys, tags and file names: keep them plain.
pub fn check_name(what: &str, name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 100
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(Error::usage(format!(
            "{what} '{}' must be 1 to 100 letters, digits, '.', '_' or '-'",
            name.escape_debug()
        )))
    }
}

/// The task type of a problem: the catalog's, else the first of [`TASK_TYPES`] its id names.
pub fn task_type_of(problem_id: &str, catalog_type: Option<&str>) -> String {
    if let Some(t) = catalog_type.filter(|t| !t.is_empty()) {
        return t.to_string();
    }
    TASK_TYPES
        .iter()
        .find(|t| problem_id.contains(*t))
        .map(|t| t.to_string())
        .unwrap_or_else(|| "other".into())
}

/// A problem the experiment runs, with its task type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
pub struct Selected {
    pub problem_id: String,
    pub task_type: String,
}

fn glob_regex(glob: &str) -> regex::Regex {
    let mut re = String::from("^");
    for c in glob.chars() {
        match c {
            '*' => re.push_str(".*"),
            '?' => re.push('.'),
            c => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    re.push('$');
    regex::Regex::new(&re).expect("an escaped glob is a valid regex")
}

/// The problems a spec selects from the catalog, by id. Globs, `all` and task types need a
/// catalog (`aiops problems import`); exact ids it does not know are refused unless the spec
/// allows unknown ones. Each selector must select something.
pub fn select(spec: &ExperimentSpec, catalog: &[Problem]) -> Result<Vec<Selected>> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let typed = |p: &Problem| task_type_of(&p.id, p.task_type.as_deref());
    let no_catalog = |what: &str| {
        Error::usage(format!(
            "{what} needs the problem catalog, which is empty; run 'aiops problems import --from-runner' (or import a file) first"
        ))
    };
    for sel in &spec.problems {
        if sel == "all" || sel.contains(['*', '?']) {
            if catalog.is_empty() {
                return Err(no_catalog(&format!("problem selector '{sel}'")));
            }
            let re = glob_regex(if sel == "all" { "*" } else { sel });
            let mut hit = false;
            for p in catalog.iter().filter(|p| re.is_match(&p.id)) {
                hit = true;
                out.insert(p.id.clone(), typed(p));
            }
            if !hit {
                return Err(Error::usage(format!(
                    "problem glob '{sel}' matches no catalog problem; see 'aiops problems list'"
                )));
            }
        } else if let Some(p) = catalog.iter().find(|p| &p.id == sel) {
            out.insert(p.id.clone(), typed(p));
        } else if spec.allow_unknown || catalog.is_empty() {
            out.insert(sel.clone(), task_type_of(sel, None));
        } else {
            let near = crate::queue::closest(sel, catalog.iter().map(|p| p.id.as_str()));
            return Err(Error::usage(format!(
                "unknown problem id '{sel}'; did you mean {near}? See 'aiops problems list', or set allow_unknown = true"
            )));
        }
    }
    for t in &spec.task_types {
        if catalog.is_empty() {
            return Err(no_catalog(&format!("task type '{t}'")));
        }
        let mut hit = false;
        for p in catalog.iter().filter(|p| &typed(p) == t) {
            hit = true;
            out.insert(p.id.clone(), t.clone());
        }
        if !hit {
            return Err(Error::usage(format!(
                "the catalog has no {t} problems; see 'aiops problems list'"
            )));
        }
    }
    Ok(out
        .into_iter()
        .map(|(problem_id, task_type)| Selected {
            problem_id,
            task_type,
        })
        .collect())
}

/// One cell of the matrix: which agent runs which problem, which time.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Cell {
    pub agent: String,
    pub problem_id: String,
    pub task_type: String,
    pub repeat: u32,
    /// The task's idempotency key.
    pub key: String,
    /// The task's concurrency key.
    pub concurrency_key: Option<String>,
}

/// The idempotency key of a cell: a digest, so any names fit the column.
fn cell_key(experiment: &str, agent: &str, problem: &str, repeat: u32) -> String {
    let mut h = Sha256::new();
    for part in [experiment, agent, problem, &repeat.to_string()] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    format!("experiment:{}", hex::encode(h.finalize()))
}

/// The matrix, agent by agent, problem by problem, repeat by repeat, and the tasks that run
/// it, validated as every task request is.
pub fn expand(spec: &ExperimentSpec, problems: &[Selected]) -> Result<(Vec<Cell>, Vec<NewTask>)> {
    let n = spec.agents.len() * problems.len() * spec.repeats as usize;
    if n > MAX_CELLS {
        return Err(Error::usage(format!(
            "experiment '{}' would have {n} tasks, more than {MAX_CELLS}; split it",
            spec.name
        )));
    }
    let timeout_seconds = spec
        .timeout
        .as_deref()
        .map(crate::duration::parse)
        .transpose()
        .map_err(Error::usage)?
        .map(|d| d.as_secs_f64().ceil() as i64);
    let mut cells = Vec::new();
    let mut tasks = Vec::new();
    for (agent_name, agent) in &spec.agents {
        let mut config = Map::new();
        config.insert("agent".into(), Value::String(agent.agent.clone()));
        if let Some(k) = &agent.kwargs {
            config.insert("kwargs".into(), k.clone());
        }
        let concurrency_key = agent.concurrency_key.clone().or(agent.model.clone());
        for p in problems {
            for repeat in 1..=spec.repeats {
                let key = cell_key(&spec.name, agent_name, &p.problem_id, repeat);
                let mut metadata = json!({
                    "experiment": spec.name,
                    "agent": agent_name,
                    "repeat": repeat,
                    "task_type": p.task_type,
                });
                if let Some(m) = &agent.model {
                    metadata["model"] = Value::String(m.clone());
                }
                let req = TaskRequest {
                    problem_id: p.problem_id.clone(),
                    agent_config: Some(Value::Object(config.clone())),
                    max_steps: spec.max_steps,
                    timeout_seconds,
                    priority: spec.priority,
                    max_attempts: spec.max_attempts,
                    queue: spec.queue.clone(),
                    backend_type: spec.backend.clone(),
                    metadata: Some(metadata),
                    idempotency_key: Some(key.clone()),
                    concurrency_key: concurrency_key.clone(),
                    ..Default::default()
                };
                let task = req.validate().map_err(|errors| Error::Invalid {
                    context: format!("experiment '{}' (nothing was submitted)", spec.name),
                    errors,
                })?;
                tasks.push(task);
                cells.push(Cell {
                    agent: agent_name.clone(),
                    problem_id: p.problem_id.clone(),
                    task_type: p.task_type.clone(),
                    repeat,
                    key,
                    concurrency_key: concurrency_key.clone(),
                });
            }
        }
    }
    Ok((cells, tasks))
}

/// A spec resolved against the catalog: its matrix and the tasks that run it.
pub struct Plan {
    pub cells: Vec<Cell>,
    pub tasks: Vec<NewTask>,
    /// Problems selected.
    pub problems: usize,
}

/// Resolve a spec against the database's catalog.
pub async fn plan(pool: &sqlx::PgPool, spec: &ExperimentSpec) -> Result<Plan> {
    spec.check()?;
    let catalog = crate::queue::catalog(pool).await?;
    let problems = select(spec, &catalog)?;
    let (cells, tasks) = expand(spec, &problems)?;
    Ok(Plan {
        cells,
        tasks,
        problems: problems.len(),
    })
}

/// Submit a spec: its record and every task in one transaction (again: nothing new).
pub async fn submit(
    pool: &sqlx::PgPool,
    spec: &ExperimentSpec,
) -> Result<crate::queue::SubmittedExperiment> {
    let p = plan(pool, spec).await?;
    let json = serde_json::to_value(spec).map_err(|e| Error::Other(e.to_string()))?;
    crate::queue::submit_experiment(pool, &spec.name, &json, &p.tasks).await
}

/// The results table of a stored experiment.
pub async fn report_of(
    pool: &sqlx::PgPool,
    name: &str,
    by: &[report::Dim],
    prices: &report::Prices,
) -> Result<report::Report> {
    crate::queue::get_experiment(pool, name).await?;
    let (runs, _) = crate::queue::experiment_runs(pool, name).await?;
    Ok(report::report(name, &runs, by, prices))
}

/// Where a stored experiment stands.
pub async fn progress_of(pool: &sqlx::PgPool, name: &str) -> Result<report::Progress> {
    crate::queue::get_experiment(pool, name).await?;
    let (runs, now) = crate::queue::experiment_runs(pool, name).await?;
    Ok(report::progress(name, &runs, now))
}
