//! The problem catalog: the problem ids tasks may name, imported from AIOpsLab or a file, and
//! the check that refuses an unknown one with the closest known ids.

use serde::Serialize;
use sqlx::{PgPool, Row};

use crate::error::{Error, Result};

/// A known problem id.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct Problem {
    pub id: String,
    #[serde(default)]
    pub task_type: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

/// A problem with how its tasks stand, for `problems list`.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct ProblemSummary {
    pub id: String,
    pub task_type: Option<String>,
    pub description: Option<String>,
    pub tasks: i64,
    pub pending: i64,
    pub running: i64,
    pub completed: i64,
    pub failed: i64,
    pub timeout: i64,
    pub cancelled: i64,
}

/// Add or update problems in one statement; returns how many rows were new.
pub async fn import_problems(pool: &PgPool, problems: &[Problem], source: &str) -> Result<u64> {
    let ids: Vec<&str> = problems.iter().map(|p| p.id.as_str()).collect();
    let types: Vec<Option<&str>> = problems.iter().map(|p| p.task_type.as_deref()).collect();
    let descs: Vec<Option<&str>> = problems.iter().map(|p| p.description.as_deref()).collect();
    let row = sqlx::query(
        "WITH up AS ( \
            INSERT INTO problems (id, task_type, description, source) \
            SELECT DISTINCT ON (id) id, task_type, description, $4 \
            FROM unnest($1::text[], $2::text[], $3::text[]) AS p(id, task_type, description) \
            ON CONFLICT (id) DO UPDATE SET task_type = coalesce(EXCLUDED.task_type, problems.task_type), \
                description = coalesce(EXCLUDED.description, problems.description), \
                source = EXCLUDED.source, imported_at = now() \
            RETURNING (xmax = 0) AS inserted) \
         SELECT count(*) FILTER (WHERE inserted) FROM up",
    )
    .bind(&ids)
    .bind(&types)
    .bind(&descs)
    .bind(source)
    .fetch_one(pool)
    .await?;
    Ok(row.get::<i64, _>(0) as u64)
}

/// The catalog with per-status task counts.
pub async fn list_problems(pool: &PgPool) -> Result<Vec<ProblemSummary>> {
    Ok(sqlx::query_as(
        "SELECT p.id, p.task_type, p.description, count(t.id) AS tasks, \
            count(*) FILTER (WHERE t.status = 'pending') AS pending, \
            count(*) FILTER (WHERE t.status = 'running') AS running, \
            count(*) FILTER (WHERE t.status = 'completed') AS completed, \
            count(*) FILTER (WHERE t.status = 'failed') AS failed, \
            count(*) FILTER (WHERE t.status = 'timeout') AS timeout, \
            count(*) FILTER (WHERE t.status = 'cancelled') AS cancelled \
         FROM problems p LEFT JOIN tasks t ON t.problem_id = p.id \
         GROUP BY p.id ORDER BY p.id",
    )
    .fetch_all(pool)
    .await?)
}

/// Refuse problem ids the catalog does not know (when it knows any), naming the closest ones.
pub async fn check_known_problems(pool: &PgPool, ids: &[&str]) -> Result<()> {
    let unknown: Vec<(String,)> = sqlx::query_as(
        "SELECT DISTINCT q.id FROM unnest($1::text[]) AS q(id) \
         WHERE EXISTS (SELECT 1 FROM problems) \
           AND NOT EXISTS (SELECT 1 FROM problems p WHERE p.id = q.id)",
    )
    .bind(ids)
    .fetch_all(pool)
    .await?;
    let Some((first,)) = unknown.first() else {
        return Ok(());
    };
    let known: Vec<(String,)> = sqlx::query_as("SELECT id FROM problems")
        .fetch_all(pool)
        .await?;
    let near = closest(first, known.iter().map(|(k,)| k.as_str()));
    let more = if unknown.len() > 1 {
        format!(" (and {} more unknown ids)", unknown.len() - 1)
    } else {
        String::new()
    };
    Err(Error::Usage(format!(
        "unknown problem id '{first}'{more}; did you mean {near}? See 'aiops problems list', or pass --allow-unknown"
    )))
}

/// The three known ids closest to `id`, comma separated, for "did you mean" hints.
pub fn closest<'a>(id: &str, known: impl Iterator<Item = &'a str>) -> String {
    let mut scored: Vec<(f64, &str)> = known
        .map(|k| (strsim::normalized_levenshtein(id, k), k))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    let near: Vec<&str> = scored.iter().take(3).map(|(_, k)| *k).collect();
    near.join(", ")
}

/// The catalog's problems, by id.
pub async fn catalog<'e>(db: impl sqlx::PgExecutor<'e>) -> Result<Vec<Problem>> {
    Ok(
        sqlx::query_as("SELECT id, task_type, description FROM problems ORDER BY id")
            .fetch_all(db)
            .await?,
    )
}
