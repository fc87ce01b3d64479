//! An experiment's numbers, computed from its stored runs: progress (`experiment status`),
//! the AIOpsLab results table (`experiment report`) and the difference of two experiments
//! (`experiment compare`). Pure functions over [`ExperimentRun`]s, so the same numbers reach
//! the CLI and HTTP.
//!
//! How each run counts:
//! - a completed task whose `results` hold a verdict is *answered*: correct when
//!   `Detection Accuracy` is `Correct` (detection) or `success` is true (the other types),
//!   wrong otherwise (including `Invalid Format`);
//! - a task that timed out, failed (worker, cluster, runner or agent error, every attempt
//!   spent), or completed without a verdict is an *infrastructure failure*;
//! - `runs` = answered + infrastructure failures, and accuracy = correct / runs: an
//!   infrastructure failure counts as not correct, never leaves the denominator;
//!   `answered_accuracy` = correct / answered is given beside it;
//! - cancelled and unfinished (pending, running) tasks are not runs; they are counted apart;
//! - time-to-X, steps and tokens average over answered runs that report them; the time is
//!   the one of `TTD`, `TTL`, `TTA`, `TTM` the results hold; p50 is the median (the mean of
//!   the two middle values for an even count);
//! - cost = the answered runs' input and output tokens × the model's price per million.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use super::TASK_TYPES;
use crate::error::{Error, Result};
use crate::queue::ExperimentRun;
use crate::task::TaskStatus;

/// How the report treats each kind of run, stated in every report.
pub const TREATMENT: [&str; 5] = [
    "runs = answered + infrastructure failures; accuracy = correct / runs, with a 95 % Wilson interval",
    "infrastructure failures (timeout, failed: worker, cluster, runner or agent error with every attempt spent, or completed without a verdict) count as not correct; answered_accuracy = correct / answered",
    "wrong answers include Incorrect and Invalid Format",
    "time-to-X (TTD/TTL/TTA/TTM), steps and tokens: over answered runs that report them; p50 is the median",
    "cancelled and unfinished tasks are not runs and are counted apart",
];

/// A column a report groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dim {
    Agent,
    TaskType,
    Problem,
}

impl Dim {
    /// The name used in `--by` and as a column.
    pub fn as_str(self) -> &'static str {
        match self {
            Dim::Agent => "agent",
            Dim::TaskType => "task_type",
            Dim::Problem => "problem",
        }
    }
}

/// Parse `--by`: a comma list of agent, task_type, problem.
pub fn parse_by(s: &str) -> Result<Vec<Dim>> {
    let mut dims = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let d = match part {
            "agent" => Dim::Agent,
            "task_type" | "task-type" | "type" => Dim::TaskType,
            "problem" | "problem_id" => Dim::Problem,
            other => {
                return Err(Error::usage(format!(
                    "--by '{other}' is not a column; group by agent, task_type or problem, comma separated"
                )))
            }
        };
        if !dims.contains(&d) {
            dims.push(d);
        }
    }
    if dims.is_empty() {
        return Err(Error::usage(
            "--by is empty; give agent, task_type or problem, comma separated",
        ));
    }
    Ok(dims)
}

/// Prices per million tokens, by model (or by agent name when an agent names no model).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Prices(pub HashMap<String, (f64, f64)>);

impl Prices {
    /// Parse `MODEL=IN,OUT` entries (USD per million input and output tokens).
    pub fn parse(entries: &[String]) -> Result<Prices> {
        let mut m = HashMap::new();
        for e in entries {
            let bad = || {
                Error::usage(format!(
                    "--price '{e}' is not MODEL=IN,OUT; write e.g. --price gpt-4o=2.5,10 (USD per million input and output tokens)"
                ))
            };
            let (model, rest) = e.split_once('=').ok_or_else(bad)?;
            let (i, o) = rest.split_once(',').ok_or_else(bad)?;
            let i: f64 = i.trim().parse().map_err(|_| bad())?;
            let o: f64 = o.trim().parse().map_err(|_| bad())?;
            if model.is_empty() || !i.is_finite() || !o.is_finite() || i < 0.0 || o < 0.0 {
                return Err(bad());
            }
            m.insert(model.to_string(), (i, o));
        }
        Ok(Prices(m))
    }
}

/// How one run ended, as the report counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Correct,
    Wrong,
    Timeout,
    Failed,
    NoVerdict,
    Cancelled,
    Unfinished,
}

/// The verdict of AIOpsLab `results`: `Detection Accuracy` for detection, else `success`.
pub fn verdict(results: &Value) -> Option<bool> {
    if let Some(d) = results.get("Detection Accuracy").and_then(Value::as_str) {
        return Some(d == "Correct");
    }
    match results.get("success") {
        Some(Value::Bool(b)) => Some(*b),
        Some(Value::String(s)) => Some(s.eq_ignore_ascii_case("true")),
        _ => None,
    }
}

/// How a run counts (see the module's documentation).
pub fn outcome(r: &ExperimentRun) -> Outcome {
    match r.status {
        TaskStatus::Pending | TaskStatus::Running => Outcome::Unfinished,
        TaskStatus::Cancelled => Outcome::Cancelled,
        TaskStatus::Timeout => Outcome::Timeout,
        TaskStatus::Failed => Outcome::Failed,
        TaskStatus::Completed => match r.results.as_ref().and_then(verdict) {
            Some(true) => Outcome::Correct,
            Some(false) => Outcome::Wrong,
            None => Outcome::NoVerdict,
        },
    }
}

/// The time-to-X of results, and which key it came from.
pub fn time_to_x(results: &Value) -> Option<(&'static str, f64)> {
    ["TTD", "TTL", "TTA", "TTM"]
        .into_iter()
        .find_map(|k| results.get(k).and_then(Value::as_f64).map(|v| (k, v)))
}

fn number(results: &Value, key: &str) -> Option<f64> {
    results.get(key).and_then(Value::as_f64)
}

/// The 95 % Wilson score interval of `k` successes in `n` trials.
pub fn wilson(k: u64, n: u64) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    const Z: f64 = 1.959_963_984_540_054;
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let z2 = Z * Z;
    let denom = 1.0 + z2 / n;
    let center = (p + z2 / (2.0 * n)) / denom;
    let half = Z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    Some(((center - half).max(0.0), (center + half).min(1.0)))
}

/// The median: the middle value, or the mean of the two middle ones.
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// One row of the results table.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ReportRow {
    /// The row's values of the grouping columns, by column name.
    pub group: BTreeMap<String, String>,
    /// Answered runs plus infrastructure failures.
    pub runs: u64,
    pub correct: u64,
    pub wrong: u64,
    /// Timeouts, failures and completions without a verdict.
    pub infra_failures: u64,
    pub timeouts: u64,
    pub failures: u64,
    pub no_verdict: u64,
    pub cancelled: u64,
    pub unfinished: u64,
    /// correct / runs.
    pub accuracy: Option<f64>,
    pub accuracy_ci_low: Option<f64>,
    pub accuracy_ci_high: Option<f64>,
    /// correct / (correct + wrong).
    pub answered_accuracy: Option<f64>,
    /// Which time-to-X the times are (`TTD`, `TTL`, `TTA`, `TTM`, or several joined by `/`).
    pub time_key: Option<String>,
    pub mean_time: Option<f64>,
    pub p50_time: Option<f64>,
    pub mean_steps: Option<f64>,
    pub mean_in_tokens: Option<f64>,
    pub mean_out_tokens: Option<f64>,
    /// Total USD of the answered runs' tokens, when every run's model has a price.
    pub cost: Option<f64>,
}

/// An experiment's results table.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Report {
    pub experiment: String,
    /// The grouping columns.
    pub by: Vec<String>,
    pub rows: Vec<ReportRow>,
    /// How each kind of run is counted.
    pub treatment: Vec<String>,
}

fn group_value(r: &ExperimentRun, d: Dim) -> String {
    match d {
        Dim::Agent => r.agent.clone().unwrap_or_else(|| "-".into()),
        Dim::TaskType => r
            .task_type
            .clone()
            .unwrap_or_else(|| super::task_type_of(&r.problem_id, None)),
        Dim::Problem => r.problem_id.clone(),
    }
}

/// A group's values of the grouping columns, and its runs.
type Group<'a> = (Vec<String>, Vec<&'a ExperimentRun>);

/// How one group value sorts.
type SortKey = (usize, String);

/// Sort key of a group value: task types in AIOpsLab's order, the rest by name.
fn order_of(d: Dim, v: &str) -> SortKey {
    match d {
        Dim::TaskType => (
            TASK_TYPES
                .iter()
                .position(|t| *t == v)
                .unwrap_or(TASK_TYPES.len()),
            v.to_string(),
        ),
        _ => (0, v.to_string()),
    }
}

/// The results table of these runs, one row per group.
pub fn report(experiment: &str, runs: &[ExperimentRun], by: &[Dim], prices: &Prices) -> Report {
    let mut groups: BTreeMap<Vec<SortKey>, Group> = BTreeMap::new();
    for r in runs {
        let values: Vec<String> = by.iter().map(|d| group_value(r, *d)).collect();
        let key = by
            .iter()
            .zip(&values)
            .map(|(d, v)| order_of(*d, v))
            .collect();
        groups
            .entry(key)
            .or_insert_with(|| (values, Vec::new()))
            .1
            .push(r);
    }
    let rows = groups
        .into_values()
        .map(|(values, members)| {
            let group = by
                .iter()
                .zip(values)
                .map(|(d, v)| (d.as_str().to_string(), v))
                .collect();
            row(group, &members, prices)
        })
        .collect();
    Report {
        experiment: experiment.to_string(),
        by: by.iter().map(|d| d.as_str().to_string()).collect(),
        rows,
        treatment: TREATMENT.iter().map(|s| s.to_string()).collect(),
    }
}

fn row(group: BTreeMap<String, String>, runs: &[&ExperimentRun], prices: &Prices) -> ReportRow {
    let mut n = HashMap::<&'static str, u64>::new();
    let (mut times, mut steps, mut tin, mut tout) = (vec![], vec![], vec![], vec![]);
    let mut keys: Vec<&'static str> = Vec::new();
    let mut cost = Some(0.0);
    for r in runs {
        let o = outcome(r);
        *n.entry(match o {
            Outcome::Correct => "correct",
            Outcome::Wrong => "wrong",
            Outcome::Timeout => "timeout",
            Outcome::Failed => "failed",
            Outcome::NoVerdict => "no_verdict",
            Outcome::Cancelled => "cancelled",
            Outcome::Unfinished => "unfinished",
        })
        .or_default() += 1;
        if !matches!(o, Outcome::Correct | Outcome::Wrong) {
            continue;
        }
        let Some(res) = &r.results else { continue };
        if let Some((k, t)) = time_to_x(res) {
            times.push(t);
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
        steps.extend(number(res, "steps"));
        let (i, o) = (number(res, "in_tokens"), number(res, "out_tokens"));
        tin.extend(i);
        tout.extend(o);
        let model = r.model.as_deref().or(r.agent.as_deref()).unwrap_or("");
        cost = match (cost, prices.0.get(model)) {
            (Some(c), Some((pi, po))) => {
                Some(c + (i.unwrap_or(0.0) * pi + o.unwrap_or(0.0) * po) / 1e6)
            }
            _ => None,
        };
    }
    let get = |k: &str| n.get(k).copied().unwrap_or(0);
    let (correct, wrong) = (get("correct"), get("wrong"));
    let infra = get("timeout") + get("failed") + get("no_verdict");
    let total = correct + wrong + infra;
    let ci = wilson(correct, total);
    ReportRow {
        group,
        runs: total,
        correct,
        wrong,
        infra_failures: infra,
        timeouts: get("timeout"),
        failures: get("failed"),
        no_verdict: get("no_verdict"),
        cancelled: get("cancelled"),
        unfinished: get("unfinished"),
        accuracy: (total > 0).then(|| correct as f64 / total as f64),
        accuracy_ci_low: ci.map(|c| c.0),
        accuracy_ci_high: ci.map(|c| c.1),
        answered_accuracy: (correct + wrong > 0).then(|| correct as f64 / (correct + wrong) as f64),
        time_key: (!keys.is_empty()).then(|| keys.join("/")),
        mean_time: mean(&times),
        p50_time: median(&times),
        mean_steps: mean(&steps),
        mean_in_tokens: mean(&tin),
        mean_out_tokens: mean(&tout),
        cost: if prices.0.is_empty() || correct + wrong == 0 {
            None
        } else {
            cost
        },
    }
}

/// One row of `experiment compare`: A minus B for one group.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CompareRow {
    pub group: BTreeMap<String, String>,
    pub runs_a: u64,
    pub runs_b: u64,
    pub accuracy_a: Option<f64>,
    pub accuracy_b: Option<f64>,
    /// accuracy A − accuracy B.
    pub accuracy_diff: Option<f64>,
    /// 95 % interval of the difference (Newcombe's hybrid score interval from the two Wilson
    /// intervals).
    pub diff_ci_low: Option<f64>,
    pub diff_ci_high: Option<f64>,
    /// Mean time-to-X A − B.
    pub mean_time_diff: Option<f64>,
    /// Mean input tokens A − B.
    pub mean_in_tokens_diff: Option<f64>,
    /// Mean output tokens A − B.
    pub mean_out_tokens_diff: Option<f64>,
}

/// Two experiments side by side.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Comparison {
    pub a: String,
    pub b: String,
    pub by: Vec<String>,
    pub rows: Vec<CompareRow>,
    pub treatment: Vec<String>,
}

/// Compare the reports of two experiments grouped the same way, group by group (a group
/// only one of them has shows its runs and no differences).
pub fn compare(a: &Report, b: &Report) -> Comparison {
    let mut keys: Vec<&BTreeMap<String, String>> = a.rows.iter().map(|r| &r.group).collect();
    for r in &b.rows {
        if !keys.contains(&&r.group) {
            keys.push(&r.group);
        }
    }
    let find = |rep: &'_ Report, g: &BTreeMap<String, String>| {
        rep.rows.iter().find(|r| &r.group == g).cloned()
    };
    let diff = |x: Option<f64>, y: Option<f64>| x.zip(y).map(|(x, y)| x - y);
    let rows = keys
        .into_iter()
        .map(|g| {
            let (ra, rb) = (find(a, g), find(b, g));
            let acc_a = ra.as_ref().and_then(|r| r.accuracy);
            let acc_b = rb.as_ref().and_then(|r| r.accuracy);
            let ci = match (&ra, &rb) {
                (Some(x), Some(y)) => newcombe(x.correct, x.runs, y.correct, y.runs),
                _ => None,
            };
            let field = |f: fn(&ReportRow) -> Option<f64>| {
                diff(ra.as_ref().and_then(f), rb.as_ref().and_then(f))
            };
            CompareRow {
                group: g.clone(),
                runs_a: ra.as_ref().map_or(0, |r| r.runs),
                runs_b: rb.as_ref().map_or(0, |r| r.runs),
                accuracy_a: acc_a,
                accuracy_b: acc_b,
                accuracy_diff: diff(acc_a, acc_b),
                diff_ci_low: ci.map(|c| c.0),
                diff_ci_high: ci.map(|c| c.1),
                mean_time_diff: field(|r| r.mean_time),
                mean_in_tokens_diff: field(|r| r.mean_in_tokens),
                mean_out_tokens_diff: field(|r| r.mean_out_tokens),
            }
        })
        .collect();
    Comparison {
        a: a.experiment.clone(),
        b: b.experiment.clone(),
        by: a.by.clone(),
        rows,
        treatment: TREATMENT.iter().map(|s| s.to_string()).collect(),
    }
}

/// Newcombe's hybrid score interval for p1 − p2 (his method 10).
pub fn newcombe(k1: u64, n1: u64, k2: u64, n2: u64) -> Option<(f64, f64)> {
    let (l1, u1) = wilson(k1, n1)?;
    let (l2, u2) = wilson(k2, n2)?;
    let (p1, p2) = (k1 as f64 / n1 as f64, k2 as f64 / n2 as f64);
    let d = p1 - p2;
    Some((
        d - ((p1 - l1).powi(2) + (u2 - p2).powi(2)).sqrt(),
        d + ((u1 - p1).powi(2) + (p2 - l2).powi(2)).sqrt(),
    ))
}

/// Done and total of one agent × task type, for `experiment status`.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ProgressRow {
    pub agent: String,
    pub task_type: String,
    pub total: u64,
    /// Ended: completed, failed, timeout or cancelled.
    pub done: u64,
    pub pending: u64,
    pub running: u64,
    pub completed: u64,
    pub failed: u64,
    pub timeout: u64,
    pub cancelled: u64,
}

/// Where an experiment stands.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Progress {
    pub experiment: String,
    pub total: u64,
    pub done: u64,
    /// Failed and timed-out tasks.
    pub failures: u64,
    pub rows: Vec<ProgressRow>,
    /// Seconds until every task has ended at the pace since the first one started; none
    /// before one has ended, or when all have.
    pub eta_seconds: Option<f64>,
    /// The exit code `experiment status --wait` returns once every task has ended: 0 all
    /// completed, else 10 when any failed, 11 when any timed out, 12 when any was cancelled.
    pub exit_code: Option<u8>,
}

/// Progress of these runs at the database's `now`.
pub fn progress(experiment: &str, runs: &[ExperimentRun], now: DateTime<Utc>) -> Progress {
    let mut rows: BTreeMap<(String, SortKey), ProgressRow> = BTreeMap::new();
    for r in runs {
        let agent = group_value(r, Dim::Agent);
        let task_type = group_value(r, Dim::TaskType);
        let row = rows
            .entry((agent.clone(), order_of(Dim::TaskType, &task_type)))
            .or_insert_with(|| ProgressRow {
                agent,
                task_type,
                total: 0,
                done: 0,
                pending: 0,
                running: 0,
                completed: 0,
                failed: 0,
                timeout: 0,
                cancelled: 0,
            });
        row.total += 1;
        row.done += u64::from(r.status.is_terminal());
        *match r.status {
            TaskStatus::Pending => &mut row.pending,
            TaskStatus::Running => &mut row.running,
            TaskStatus::Completed => &mut row.completed,
            TaskStatus::Failed => &mut row.failed,
            TaskStatus::Timeout => &mut row.timeout,
            TaskStatus::Cancelled => &mut row.cancelled,
        } += 1;
    }
    let rows: Vec<ProgressRow> = rows.into_values().collect();
    let sum = |f: fn(&ProgressRow) -> u64| rows.iter().map(f).sum::<u64>();
    let (total, done) = (sum(|r| r.total), sum(|r| r.done));
    let first_start = runs.iter().filter_map(|r| r.started_at).min();
    let eta_seconds = match first_start {
        Some(s) if done > 0 && done < total => {
            let elapsed = (now - s).num_milliseconds().max(1) as f64 / 1000.0;
            Some(elapsed / done as f64 * (total - done) as f64)
        }
        _ => None,
    };
    let exit_code = (done == total).then(|| {
        if sum(|r| r.failed) > 0 {
            TaskStatus::Failed.wait_exit_code()
        } else if sum(|r| r.timeout) > 0 {
            TaskStatus::Timeout.wait_exit_code()
        } else if sum(|r| r.cancelled) > 0 {
            TaskStatus::Cancelled.wait_exit_code()
        } else {
            0
        }
    });
    Progress {
        experiment: experiment.to_string(),
        total,
        done,
        failures: sum(|r| r.failed + r.timeout),
        rows,
        eta_seconds,
        exit_code,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_the_textbook_values() {
        let (lo, hi) = wilson(8, 10).unwrap();
        assert!(
            (lo - 0.4902).abs() < 1e-3 && (hi - 0.9433).abs() < 1e-3,
            "{lo} {hi}"
        );
        assert_eq!(wilson(0, 0), None);
        let (lo, hi) = wilson(0, 5).unwrap();
        assert_eq!(lo, 0.0);
        assert!((hi - 0.4345).abs() < 1e-3, "{hi}");
    }

    #[test]
    fn median_of_even_counts_is_the_mean_of_the_middle_two() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn newcombe_brackets_the_difference() {
        let (lo, hi) = newcombe(56, 70, 48, 80).unwrap();
        // Newcombe (1998), example (a): 0.0524 to 0.3339.
        assert!(
            (lo - 0.0524).abs() < 1e-3 && (hi - 0.3339).abs() < 1e-3,
            "{lo} {hi}"
        );
    }
}
