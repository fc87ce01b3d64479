//! Finding the PostgreSQL server programs (initdb, pg_ctl, postgres) for the embedded instance,
//! and choosing the installation whose major version can open an existing data directory.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::EmbeddedError;

/// A directory holding initdb, pg_ctl and postgres.
#[derive(Debug, Clone)]
pub(super) struct Binaries {
    pub(super) dir: PathBuf,
}

impl Binaries {
    pub(super) fn pg_ctl(&self) -> PathBuf {
        self.dir.join("pg_ctl")
    }
}

/// Candidate binary directories in order: `pg_config --bindir`, `PATH` (symlinks resolved),
/// then `/usr/lib/postgresql/*/bin` newest first; only those holding all three programs.
pub(super) fn binary_candidates() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Ok(out) = Command::new("pg_config")
        .arg("--bindir")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
    {
        if out.status.success() {
            let s = String::from_utf8_lossy(&out.stdout).trim().to_owned();
            if !s.is_empty() {
                dirs.push(PathBuf::from(s));
            }
        }
    }
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            let pg_ctl = dir.join("pg_ctl");
            if is_executable(&pg_ctl) {
                if let Some(real) = fs::canonicalize(&pg_ctl)
                    .ok()
                    .and_then(|p| p.parent().map(Path::to_path_buf))
                {
                    dirs.push(real);
                }
            }
        }
    }
    let mut versioned: Vec<(Vec<u32>, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let key = name
                .split('.')
                .map(|p| p.parse::<u32>().ok())
                .collect::<Option<Vec<_>>>()?;
            Some((key, e.path().join("bin")))
        })
        .collect();
    versioned.sort_by(|a, b| b.0.cmp(&a.0));
    dirs.extend(versioned.into_iter().map(|(_, p)| p));
    let mut seen = Vec::new();
    dirs.into_iter()
        .filter(|d| {
            ["initdb", "pg_ctl", "postgres"]
                .iter()
                .all(|p| is_executable(&d.join(p)))
        })
        .filter(|d| {
            let key = fs::canonicalize(d).unwrap_or_else(|_| d.clone());
            let new = !seen.contains(&key);
            seen.push(key);
            new
        })
        .collect()
}

/// The first candidate, or, for an existing data directory, the first whose major version
/// matches its PG_VERSION (a newer server cannot open an older cluster).
pub(super) fn find_binaries(
    want_major: Option<&str>,
    data_dir: &Path,
) -> Result<Binaries, EmbeddedError> {
    let candidates = binary_candidates();
    if candidates.is_empty() {
        return Err(EmbeddedError::NoBinaries);
    }
    let Some(want) = want_major else {
        return Ok(Binaries {
            dir: candidates[0].clone(),
        });
    };
    let mut found = Vec::new();
    for dir in candidates {
        let major = binaries_major(&dir);
        if major.as_deref() == Some(want) {
            return Ok(Binaries { dir });
        }
        found.push(major.unwrap_or_else(|| "of unknown version".to_owned()));
    }
    found.dedup();
    Err(EmbeddedError::VersionMismatch {
        data_dir: data_dir.to_path_buf(),
        data_version: want.to_owned(),
        found: found.join(", "),
    })
}

/// Major version from `pg_ctl --version` ("pg_ctl (PostgreSQL) 15.14 (Debian …)" → "15";
/// "9.6.24" → "9.6", matching PG_VERSION's format).
fn binaries_major(dir: &Path) -> Option<String> {
    let out = Command::new(dir.join("pg_ctl"))
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .ok()?;
    major_version(&String::from_utf8_lossy(&out.stdout))
}

/// The major version in a `--version` line, in PG_VERSION's format.
fn major_version(text: &str) -> Option<String> {
    let ver = text
        .split_whitespace()
        .find(|w| w.starts_with(|c: char| c.is_ascii_digit()))?;
    let parts: Vec<&str> = ver
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .collect();
    let first: u32 = parts.first()?.parse().ok()?;
    if first < 10 {
        Some(format!("{}.{}", parts.first()?, parts.get(1)?))
    } else {
        Some(first.to_string())
    }
}

fn is_executable(path: &Path) -> bool {
    fs::metadata(path)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::major_version;

    #[test]
    fn major_version_matches_pg_version_files() {
        let of = |s: &str| major_version(s);
        assert_eq!(
            of("pg_ctl (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)").as_deref(),
            Some("15")
        );
        assert_eq!(of("pg_ctl (PostgreSQL) 9.6.24").as_deref(), Some("9.6"));
        assert_eq!(of("pg_ctl (PostgreSQL) 17devel").as_deref(), Some("17"));
        assert_eq!(of("no version here"), None);
    }
}
