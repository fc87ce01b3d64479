//! The embedded default database: a private PostgreSQL instance that aiops creates, starts and
//! stops itself, so `aiops submit` works on a machine where nobody has set up a server.
//!
//! It lives under `$XDG_DATA_HOME/aiops/postgres` (`/var/lib/aiops/postgres` for root), listens
//! on a unix socket only (no TCP port), trusts local connections (the socket is mode 0700) and
//! keeps running after aiops exits. It is built from the PostgreSQL server binaries found via
//! `pg_config --bindir`, `PATH` or `/usr/lib/postgresql/*/bin` ([`binaries`]).
//!
//! PostgreSQL refuses to run as root, so when aiops runs as root every server program (initdb,
//! pg_ctl, postgres) runs as the OS user `postgres` (setuid/setgid before exec).
//!
//! This file holds where the instance lives and who runs it; [`lifecycle`] starts, stops and
//! inspects it, and [`init`] creates the data directory and, through sqlx over the socket,
//! database `aiops`. Callers only need [`Embedded`].

mod binaries;
mod init;
mod lifecycle;

use std::ffi::OsStr;
use std::fs::{self, File};
use std::io::{self, Read};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use nix::unistd::{Gid, Uid, User};

/// The OS account that runs the server when aiops runs as root.
const SERVER_USER: &str = "postgres";
/// The superuser created by initdb and the database aiops uses.
const DB_USER: &str = "aiops";
const DB_NAME: &str = "aiops";
/// The port only names the socket file (`.s.PGSQL.5432`); there is no TCP listener.
const PORT: u16 = 5432;
/// `sizeof(sockaddr_un.sun_path)` on Linux is 108, including the terminating NUL.
const MAX_SOCKET_PATH: usize = 107;
/// Settings file rewritten on every start and included from postgresql.conf.
const CONF_FILE: &str = "aiops.conf";
const LOG_FILE: &str = "server.log";
/// The server log is rotated (once, to `server.log.1`) when it grows past this at a start.
const LOG_ROTATE_BYTES: u64 = 16 * 1024 * 1024;
/// How long `pg_ctl start|stop -w` may wait (crash recovery can take a while).
const PG_CTL_TIMEOUT_SECS: &str = "120";

/// Everything that can go wrong while managing the embedded server. Each message is one line
/// saying what was wrong and what to do, ready to be printed as `error: <message>`.
#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    /// No directory holding initdb, pg_ctl and postgres was found.
    #[error("no PostgreSQL server binaries found (initdb, pg_ctl); install them (Debian/Ubuntu: apt-get install postgresql) or set AIOPS_DATABASE_URL / --database-url to an existing server")]
    NoBinaries,
    /// The data directory was made by a PostgreSQL major version whose binaries are not installed.
    #[error("the embedded database {data_dir} was created by PostgreSQL {data_version}, but only PostgreSQL {found} server binaries were found; install PostgreSQL {data_version} (Debian/Ubuntu: apt-get install postgresql-{data_version}) or set AIOPS_DATABASE_URL / --database-url to another server")]
    VersionMismatch {
        /// The data directory.
        data_dir: PathBuf,
        /// Contents of its PG_VERSION file.
        data_version: String,
        /// Versions of the binaries that were found.
        found: String,
    },
    /// Neither XDG_DATA_HOME nor HOME tells where the data directory belongs.
    #[error("cannot place the embedded database: neither XDG_DATA_HOME nor HOME is set; set one of them, or set AIOPS_DATABASE_URL / --database-url to an existing server")]
    NoHome,
    /// Running as root, but there is no unprivileged account to run the server as.
    #[error("running as root, and PostgreSQL refuses to run as root, but there is no OS user `postgres` to run it as; create it (useradd --system --user-group postgres), run aiops as a normal user, or set AIOPS_DATABASE_URL / --database-url to an existing server")]
    NoServerUser,
    /// Running as root, the `postgres` account cannot reach the data directory.
    #[error("the embedded database {data_dir} is not reachable by OS user `postgres` (which runs the server because aiops runs as root): {blocked} is not searchable by it; unset XDG_DATA_HOME to use /var/lib/aiops/postgres, or allow it with `chmod o+x {blocked}`")]
    NotTraversable {
        /// The data directory.
        data_dir: PathBuf,
        /// The first directory on the way that `postgres` may not enter.
        blocked: PathBuf,
    },
    /// The path contains characters pg_ctl cannot pass through `/bin/sh`.
    #[error("the embedded database path {path} contains a quote, `$`, backquote, backslash or newline, which pg_ctl cannot handle; set XDG_DATA_HOME to a plainer directory")]
    UnsafePath {
        /// The offending path.
        path: PathBuf,
    },
    /// The short socket directory under /tmp exists but is not ours alone.
    #[error("socket directory {path} is not safe to use ({reason}); remove it and try again")]
    InsecureSocketDir {
        /// The socket directory.
        path: PathBuf,
        /// Why it was refused.
        reason: String,
    },
    /// The data directory exists but is not a PostgreSQL cluster.
    #[error("{path} exists but is not a PostgreSQL data directory (no PG_VERSION); move it away and try again")]
    NotADataDir {
        /// The data directory.
        path: PathBuf,
    },
    /// A file-system operation failed.
    #[error("could not {action} {path}: {err}")]
    Io {
        /// What was being done, e.g. "create directory".
        action: &'static str,
        /// The file or directory involved.
        path: PathBuf,
        /// The OS error.
        err: io::Error,
    },
    /// A server program could not be started at all.
    #[error("could not run {program}: {err}")]
    Spawn {
        /// The program.
        program: PathBuf,
        /// The OS error.
        err: io::Error,
    },
    /// A server program ran and failed (initdb, pg_ctl start, pg_ctl stop).
    #[error("{action} failed: {detail}")]
    Failed {
        /// What was being done.
        action: &'static str,
        /// The program's last output lines and where to read more.
        detail: String,
    },
    /// The running server did not let us create the `aiops` database.
    #[error("could not create database `aiops` in the embedded server (socket {socket}): {detail}; see {log}")]
    CreateDatabase {
        /// The socket file.
        socket: PathBuf,
        /// What the server or the connection said.
        detail: String,
        /// The server log.
        log: PathBuf,
    },
    /// The async runtime needed to talk to the server could not be started or went away.
    #[error("could not run the async runtime that talks to the embedded database: {0}; check the process limits (ulimit -n, ulimit -u) and try again")]
    Runtime(io::Error),
}

/// What [`Embedded::start`] did, so `aiops db start` can tell the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartOutcome {
    /// The data directory was created (initdb) and the server started.
    Initialized,
    /// An existing data directory's server was started.
    Started,
    /// The server was already running; nothing was started.
    AlreadyRunning,
}

/// What [`Embedded::stop`] did, so `aiops db stop` can tell the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopOutcome {
    /// The server was running and has shut down.
    Stopped,
    /// The server was not running.
    NotRunning,
}

/// A snapshot for `aiops db status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbeddedStatus {
    /// Where the cluster lives.
    pub data_dir: PathBuf,
    /// Whether initdb has run (PG_VERSION exists).
    pub initialized: bool,
    /// Whether the postmaster recorded in postmaster.pid is alive.
    pub running: bool,
    /// The postmaster's pid when running.
    pub pid: Option<u32>,
    /// The connection URL (valid once running).
    pub url: String,
    /// PostgreSQL major version of the data directory (PG_VERSION), when initialized.
    pub version: Option<String>,
    /// The server log, the first place to look when the server does not start.
    pub log_file: PathBuf,
}

/// The account that runs the server programs when aiops runs as root.
#[derive(Debug, Clone)]
struct RunAs {
    name: String,
    uid: Uid,
    gid: Gid,
    home: PathBuf,
}

/// The embedded instance: where its data and socket live and who runs it. Cheap to create;
/// nothing touches the disk until [`Embedded::ensure_running`], [`Embedded::start`] or
/// [`Embedded::stop`].
#[derive(Debug, Clone)]
pub struct Embedded {
    data_dir: PathBuf,
    /// Where the server puts `.s.PGSQL.5432`: the data directory itself, unless that path would
    /// exceed the 107-byte unix socket limit, in which case a short private directory
    /// `/tmp/aiops-pg-<hash of data dir>` (mode 0700, owned by the server user) is used.
    socket_dir: PathBuf,
    /// `Some` when we are root and the server runs as `postgres`.
    run_as: Option<RunAs>,
}

impl Embedded {
    /// Resolve the default location: `$XDG_DATA_HOME/aiops/postgres` (XDG_DATA_HOME defaults to
    /// `$HOME/.local/share`). As root without an explicit XDG_DATA_HOME it is
    /// `/var/lib/aiops/postgres`, because root's home is 0700 and the `postgres` account that runs
    /// the server (PostgreSQL refuses root) could not reach it.
    ///
    /// # Errors
    /// No HOME, no `postgres` account while root, or (root with XDG_DATA_HOME set) a directory on
    /// the way that `postgres` cannot enter.
    pub fn locate() -> Result<Embedded, EmbeddedError> {
        let root = Uid::effective().is_root();
        // The XDG spec says relative values are invalid and must be ignored.
        let xdg = std::env::var_os("XDG_DATA_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute());
        let data_dir = match xdg {
            Some(xdg) => xdg.join("aiops").join("postgres"),
            None if root => PathBuf::from("/var/lib/aiops/postgres"),
            None => home_dir()?.join(".local/share/aiops/postgres"),
        };
        Self::at(data_dir)
    }

    /// The instance at an explicit data directory (tests, or a future `--data-dir`). Applies the
    /// same root handling and checks as [`Embedded::locate`].
    ///
    /// # Errors
    /// As [`Embedded::locate`].
    pub fn at(data_dir: impl Into<PathBuf>) -> Result<Embedded, EmbeddedError> {
        let mut data_dir: PathBuf = data_dir.into();
        if !data_dir.is_absolute() {
            let cwd = std::env::current_dir().map_err(|err| EmbeddedError::Io {
                action: "read the current directory for",
                path: data_dir.clone(),
                err,
            })?;
            data_dir = cwd.join(data_dir);
        }
        if data_dir
            .as_os_str()
            .as_bytes()
            .iter()
            .any(|b| matches!(b, b'"' | b'\'' | b'$' | b'`' | b'\\' | b'\n' | b'\r'))
        {
            return Err(EmbeddedError::UnsafePath { path: data_dir });
        }
        let run_as = if Uid::effective().is_root() {
            let user = User::from_name(SERVER_USER)
                .ok()
                .flatten()
                .ok_or(EmbeddedError::NoServerUser)?;
            let run_as = RunAs {
                name: user.name,
                uid: user.uid,
                gid: user.gid,
                home: user.dir,
            };
            if let Some(blocked) = first_blocked_ancestor(&data_dir, &run_as) {
                return Err(EmbeddedError::NotTraversable { data_dir, blocked });
            }
            Some(run_as)
        } else {
            None
        };
        let socket_dir = if socket_file(&data_dir).as_os_str().len() <= MAX_SOCKET_PATH {
            data_dir.clone()
        } else {
            PathBuf::from(format!(
                "/tmp/aiops-pg-{:016x}",
                fnv1a(data_dir.as_os_str().as_bytes())
            ))
        };
        Ok(Embedded {
            data_dir,
            socket_dir,
            run_as,
        })
    }

    /// The cluster's data directory, for `aiops db status` and error messages.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The directory holding the server's unix socket (see the field docs for the /tmp fallback).
    pub fn socket_dir(&self) -> &Path {
        &self.socket_dir
    }

    /// The server log: initdb/pg_ctl failures point here.
    pub fn log_file(&self) -> PathBuf {
        self.data_dir.join(LOG_FILE)
    }

    /// The connection URL, unix socket only:
    /// `postgres://aiops@localhost/aiops?host=<percent-encoded socket dir>`. Both sqlx
    /// (`PgConnectOptions`) and libpq accept it; the `host` parameter wins over `localhost`.
    pub fn url(&self) -> String {
        format!(
            "postgres://{DB_USER}@localhost/{DB_NAME}?host={}",
            percent_encode(self.socket_dir.as_os_str().as_bytes())
        )
    }

    /// The socket file itself: `.s.PGSQL.5432` in the socket directory.
    fn socket_path(&self) -> PathBuf {
        socket_file(&self.socket_dir)
    }

    /// Gives a file or directory we created to the server user (no-op unless root).
    fn chown_to_server(&self, path: &Path) -> Result<(), EmbeddedError> {
        if let Some(u) = &self.run_as {
            nix::unistd::chown(path, Some(u.uid), Some(u.gid)).map_err(|errno| {
                EmbeddedError::Io {
                    action: "change the owner of",
                    path: path.to_path_buf(),
                    err: io::Error::from(errno),
                }
            })?;
        }
        Ok(())
    }

    /// A command for a server program: runs as the server user when root, from `/` (root's cwd
    /// may be unreadable for it), with no `PG*` variables (a stray PGPORT or PGDATA would
    /// silently change which server we talk about), and stdin from /dev/null.
    fn server_command(&self, program: &Path) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir("/").stdin(Stdio::null());
        for (key, _) in std::env::vars_os() {
            if key.as_bytes().starts_with(b"PG") {
                cmd.env_remove(key);
            }
        }
        if let Some(u) = &self.run_as {
            // N.B.: std drops supplementary groups (setgroups(0)) before setuid.
            cmd.uid(u.uid.as_raw()).gid(u.gid.as_raw());
            cmd.env("HOME", &u.home)
                .env("USER", &u.name)
                .env("LOGNAME", &u.name);
        }
        cmd
    }

    fn run_output(&self, program: &Path, args: &[&OsStr]) -> Result<Output, EmbeddedError> {
        self.server_command(program)
            .args(args)
            .output()
            .map_err(|err| EmbeddedError::Spawn {
                program: program.to_path_buf(),
                err,
            })
    }
}

fn home_dir() -> Result<PathBuf, EmbeddedError> {
    if let Some(home) = std::env::var_os("HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
    {
        return Ok(home);
    }
    User::from_uid(Uid::effective())
        .ok()
        .flatten()
        .map(|u| u.dir)
        .filter(|d| d.is_absolute())
        .ok_or(EmbeddedError::NoHome)
}

fn socket_file(dir: &Path) -> PathBuf {
    dir.join(format!(".s.PGSQL.{PORT}"))
}

fn set_mode(path: &Path, mode: u32) -> Result<(), EmbeddedError> {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).map_err(|err| EmbeddedError::Io {
        action: "change the mode of",
        path: path.to_path_buf(),
        err,
    })
}

/// The first existing ancestor directory of `data_dir` that `user` cannot search (execute).
/// Only the primary group counts, because supplementary groups are dropped when we switch user.
fn first_blocked_ancestor(data_dir: &Path, user: &RunAs) -> Option<PathBuf> {
    let parent = data_dir.parent()?;
    let mut chain: Vec<&Path> = parent.ancestors().collect();
    chain.reverse();
    for dir in chain {
        let Ok(meta) = fs::metadata(dir) else { break };
        let mode = meta.mode();
        let ok = if meta.uid() == user.uid.as_raw() {
            mode & 0o100 != 0
        } else if meta.gid() == user.gid.as_raw() {
            mode & 0o010 != 0
        } else {
            mode & 0o001 != 0
        };
        if !ok {
            return Some(dir.to_path_buf());
        }
    }
    None
}

/// FNV-1a: a hash that is stable across Rust versions, so the /tmp socket dir name is too.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Percent-encodes everything but unreserved characters and `/` (query values are
/// form-decoded by sqlx, so even `+` must be encoded).
fn percent_encode(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// The last few non-empty lines of a program's stderr (else stdout), joined on one line.
fn output_tail(out: &Output) -> String {
    let text = if out.stderr.iter().any(|b| !b.is_ascii_whitespace()) {
        &out.stderr
    } else {
        &out.stdout
    };
    let tail = tail_lines(&String::from_utf8_lossy(text));
    if tail.is_empty() {
        format!("exited with {}", out.status)
    } else {
        tail
    }
}

fn file_tail(path: &Path) -> String {
    let mut buf = Vec::new();
    if let Ok(mut f) = File::open(path) {
        let len = f.metadata().map(|m| m.len()).unwrap_or(0);
        let _ = io::Seek::seek(&mut f, io::SeekFrom::Start(len.saturating_sub(8192)));
        let _ = f.read_to_end(&mut buf);
    }
    let tail = tail_lines(&String::from_utf8_lossy(&buf));
    if tail.is_empty() {
        "the server log is empty".to_owned()
    } else {
        tail
    }
}

fn tail_lines(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let mut tail = lines[lines.len().saturating_sub(4)..].join(" | ");
    if tail.len() > 800 {
        let cut = (0..=tail.len() - 800)
            .rev()
            .find(|&i| tail.is_char_boundary(i))
            .unwrap_or(0);
        tail = format!("…{}", &tail[cut..]);
    }
    tail
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A temp dir that `postgres` can traverse when the tests run as root.
    fn temp_base() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).expect("chmod");
        dir
    }

    #[test]
    fn url_percent_encodes_the_socket_dir() {
        let e = Embedded {
            data_dir: "/x".into(),
            socket_dir: "/tmp/a b+c%".into(),
            run_as: None,
        };
        assert_eq!(
            e.url(),
            "postgres://aiops@localhost/aiops?host=/tmp/a%20b%2Bc%25"
        );
    }

    #[test]
    fn long_data_dir_gets_a_short_socket_dir() {
        let base = temp_base();
        let long = base.path().join("d".repeat(120)).join("aiops/postgres");
        let e = Embedded::at(&long).expect("at");
        assert_ne!(e.socket_dir(), e.data_dir());
        assert!(e.socket_path().as_os_str().len() <= MAX_SOCKET_PATH);
        assert_eq!(
            Embedded::at(&long).unwrap().socket_dir(),
            e.socket_dir(),
            "stable name"
        );
    }

    #[test]
    fn unsafe_characters_are_refused() {
        let err = Embedded::at("/tmp/it's/aiops/postgres").unwrap_err();
        assert!(matches!(err, EmbeddedError::UnsafePath { .. }), "{err}");
    }

    #[test]
    fn root_refuses_a_dir_postgres_cannot_reach() {
        if !Uid::effective().is_root() {
            return;
        }
        let base = tempfile::tempdir().unwrap();
        fs::set_permissions(base.path(), fs::Permissions::from_mode(0o700)).unwrap(); // like /root
        let err = Embedded::at(base.path().join("aiops/postgres")).unwrap_err();
        match &err {
            EmbeddedError::NotTraversable { blocked, .. } => assert_eq!(blocked, base.path()),
            other => panic!("unexpected {other}"),
        }
        assert!(!err.to_string().contains('\n'));
    }

    #[test]
    fn the_connection_url_reaches_the_socket() {
        let e = Embedded {
            data_dir: "/x".into(),
            socket_dir: "/tmp/a b+c%".into(),
            run_as: None,
        };
        let url: sqlx::postgres::PgConnectOptions = e.url().parse().unwrap();
        let direct = e.connect_options("aiops");
        assert_eq!(url.get_socket(), direct.get_socket());
        assert_eq!(url.get_port(), direct.get_port());
        assert_eq!(url.get_username(), direct.get_username());
    }
}
