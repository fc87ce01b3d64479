//! The embedded default database: a private PostgreSQL instance that aiops creates, starts and
//! stops itself, so `aiops submit` works on a machine where nobody has set up a server.
//!
//! It lives under `$XDG_DATA_HOME/aiops/postgres` (`/var/lib/aiops/postgres` for root), listens
//! on a unix socket only (no TCP port), trusts local connections (the socket is mode 0700) and
//! keeps running after aiops exits. It is built from the PostgreSQL server binaries found via
//! `pg_config --bindir`, `PATH` or `/usr/lib/postgresql/*/bin`.
//!
//! PostgreSQL refuses to run as root, so when aiops runs as root every server program (initdb,
//! pg_ctl, postgres) runs as the OS user `postgres` (setuid/setgid before exec).
//!
//! Only std, nix, thiserror and tracing are used: the one SQL statement needed here (`CREATE
//! DATABASE aiops`) goes through a minimal PostgreSQL wire-protocol client over the unix
//! socket, so no `psql`/`createdb` and no async runtime are required.

use std::ffi::OsStr;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use nix::fcntl::{Flock, FlockArg};
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

    /// Make the server usable: initdb if absent, start it if not running, create database
    /// `aiops` if missing. Idempotent and safe when several processes call it at once (they
    /// serialize on a lock file next to the data directory). Called before every command that
    /// uses the embedded default.
    ///
    /// # Errors
    /// See [`Embedded::start`].
    pub fn ensure_running(&self) -> Result<(), EmbeddedError> {
        self.start().map(|_| ())
    }

    /// `aiops db start`: as [`Embedded::ensure_running`], reporting what was done.
    ///
    /// # Errors
    /// Missing binaries, a failed initdb or server start (with the log's last lines), or a
    /// server that refuses `CREATE DATABASE aiops`.
    pub fn start(&self) -> Result<StartOutcome, EmbeddedError> {
        self.create_parent_dirs()?;
        let _lock = self.lock()?;
        let mut outcome = StartOutcome::AlreadyRunning;
        if self.running_pid().is_none() {
            let initialized = self.is_initialized()?;
            let bin = find_binaries(self.data_version().as_deref(), &self.data_dir)?;
            if !initialized {
                self.initdb(&bin)?;
                outcome = StartOutcome::Initialized;
            } else {
                outcome = StartOutcome::Started;
            }
            self.pg_ctl_start(&bin)?;
        }
        self.ensure_database()?;
        Ok(outcome)
    }

    /// `aiops db stop`: a fast shutdown (`pg_ctl stop -m fast -w`): open transactions are rolled
    /// back, workers' connections drop and they reconnect once it is started again.
    ///
    /// # Errors
    /// Missing binaries or a failed `pg_ctl stop`.
    pub fn stop(&self) -> Result<StopOutcome, EmbeddedError> {
        if self.running_pid().is_none() {
            return Ok(StopOutcome::NotRunning);
        }
        let _lock = self.lock()?;
        if self.running_pid().is_none() {
            return Ok(StopOutcome::NotRunning);
        }
        let bin = find_binaries(self.data_version().as_deref(), &self.data_dir)?;
        let out = self.run_output(
            &bin.pg_ctl(),
            &[
                OsStr::new("stop"),
                OsStr::new("-D"),
                self.data_dir.as_os_str(),
                OsStr::new("-m"),
                OsStr::new("fast"),
                OsStr::new("-w"),
                OsStr::new("-t"),
                OsStr::new(PG_CTL_TIMEOUT_SECS),
            ],
        )?;
        if !out.status.success() {
            return Err(EmbeddedError::Failed {
                action: "stopping the embedded PostgreSQL server (pg_ctl stop)",
                detail: format!("{}; see {}", output_tail(&out), self.log_file().display()),
            });
        }
        if self.socket_dir != self.data_dir {
            // The private /tmp socket directory is empty now; start() recreates it.
            let _ = fs::remove_dir(&self.socket_dir);
        }
        tracing::info!(data_dir = %self.data_dir.display(), "embedded PostgreSQL stopped");
        Ok(StopOutcome::Stopped)
    }

    /// `aiops db status`: read-only, needs no server binaries and takes no lock.
    ///
    /// # Errors
    /// Only when the data directory cannot be inspected (e.g. permissions).
    pub fn status(&self) -> Result<EmbeddedStatus, EmbeddedError> {
        let initialized = self.is_initialized()?;
        let pid = self.running_pid();
        Ok(EmbeddedStatus {
            data_dir: self.data_dir.clone(),
            initialized,
            running: pid.is_some(),
            pid,
            url: self.url(),
            version: self.data_version(),
            log_file: self.log_file(),
        })
    }

    // ---- internals -------------------------------------------------------------------------

    fn socket_path(&self) -> PathBuf {
        socket_file(&self.socket_dir)
    }

    fn lock_path(&self) -> PathBuf {
        let mut name = self
            .data_dir
            .file_name()
            .unwrap_or(OsStr::new("postgres"))
            .to_owned();
        name.push(".lock");
        self.data_dir.with_file_name(name)
    }

    /// Serializes start/stop between processes. N.B.: flock locks belong to the open file
    /// description, so two threads of one process also exclude each other.
    fn lock(&self) -> Result<Flock<File>, EmbeddedError> {
        let path = self.lock_path();
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|err| EmbeddedError::Io {
                action: "open lock file",
                path: path.clone(),
                err,
            })?;
        Flock::lock(file, FlockArg::LockExclusive).map_err(|(_, errno)| EmbeddedError::Io {
            action: "lock",
            path,
            err: io::Error::from(errno),
        })
    }

    fn is_initialized(&self) -> Result<bool, EmbeddedError> {
        match fs::metadata(self.data_dir.join("PG_VERSION")) {
            Ok(_) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(err) => Err(EmbeddedError::Io {
                action: "inspect",
                path: self.data_dir.clone(),
                err,
            }),
        }
    }

    fn data_version(&self) -> Option<String> {
        let v = fs::read_to_string(self.data_dir.join("PG_VERSION")).ok()?;
        let v = v.trim();
        (!v.is_empty()).then(|| v.to_owned())
    }

    /// The postmaster's pid if postmaster.pid names a live process (what `pg_ctl status` does).
    fn running_pid(&self) -> Option<u32> {
        let text = fs::read_to_string(self.data_dir.join("postmaster.pid")).ok()?;
        let pid: i32 = text.lines().next()?.trim().parse().ok()?;
        if pid <= 0 {
            return None;
        }
        match nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None) {
            Ok(()) | Err(nix::errno::Errno::EPERM) => Some(pid as u32),
            Err(_) => None,
        }
    }

    /// Creates the data directory's missing ancestors. As root they get mode 0755 (explicitly,
    /// whatever the umask) so `postgres` can pass through; otherwise 0700.
    fn create_parent_dirs(&self) -> Result<(), EmbeddedError> {
        let Some(parent) = self.data_dir.parent() else {
            return Ok(());
        };
        let mode = if self.run_as.is_some() { 0o755 } else { 0o700 };
        let mut missing = Vec::new();
        let mut cur = Some(parent);
        while let Some(dir) = cur {
            if dir.exists() {
                break;
            }
            missing.push(dir.to_path_buf());
            cur = dir.parent();
        }
        for dir in missing.into_iter().rev() {
            match fs::DirBuilder::new().mode(mode).create(&dir) {
                Ok(()) => set_mode(&dir, mode)?,
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(err) => {
                    return Err(EmbeddedError::Io {
                        action: "create directory",
                        path: dir,
                        err,
                    })
                }
            }
        }
        Ok(())
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

    /// initdb into `<data_dir>.initdb` and rename it into place, so a crash or Ctrl-C half-way
    /// never leaves a half-initialized data directory behind.
    fn initdb(&self, bin: &Binaries) -> Result<(), EmbeddedError> {
        match fs::read_dir(&self.data_dir) {
            Ok(mut entries) => {
                if entries.next().is_some() {
                    return Err(EmbeddedError::NotADataDir {
                        path: self.data_dir.clone(),
                    });
                }
                fs::remove_dir(&self.data_dir).map_err(|err| EmbeddedError::Io {
                    action: "remove empty directory",
                    path: self.data_dir.clone(),
                    err,
                })?;
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(err) => {
                return Err(EmbeddedError::Io {
                    action: "read",
                    path: self.data_dir.clone(),
                    err,
                })
            }
        }
        let mut tmp_name = self
            .data_dir
            .file_name()
            .unwrap_or(OsStr::new("postgres"))
            .to_owned();
        tmp_name.push(".initdb");
        let tmp = self.data_dir.with_file_name(tmp_name);
        if tmp.exists() {
            fs::remove_dir_all(&tmp).map_err(|err| EmbeddedError::Io {
                action: "remove",
                path: tmp.clone(),
                err,
            })?;
        }
        fs::DirBuilder::new()
            .mode(0o700)
            .create(&tmp)
            .map_err(|err| EmbeddedError::Io {
                action: "create directory",
                path: tmp.clone(),
                err,
            })?;
        self.chown_to_server(&tmp)?;
        tracing::info!(data_dir = %self.data_dir.display(), bindir = %bin.dir.display(), "initializing embedded PostgreSQL");
        // N.B.: no --no-sync: this is the user's real data. Locale C: byte-order collation is
        // stable across glibc upgrades (no index corruption) and exists everywhere.
        let out = self.run_output(
            &bin.dir.join("initdb"),
            &[
                OsStr::new("-D"),
                tmp.as_os_str(),
                OsStr::new("-U"),
                OsStr::new(DB_USER),
                OsStr::new("-A"),
                OsStr::new("trust"),
                OsStr::new("-E"),
                OsStr::new("UTF8"),
                OsStr::new("--locale=C"),
            ],
        )?;
        if !out.status.success() {
            let _ = fs::remove_dir_all(&tmp);
            return Err(EmbeddedError::Failed {
                action: "initializing the embedded PostgreSQL data directory (initdb)",
                detail: output_tail(&out),
            });
        }
        let conf = tmp.join("postgresql.conf");
        let mut f =
            OpenOptions::new()
                .append(true)
                .open(&conf)
                .map_err(|err| EmbeddedError::Io {
                    action: "open",
                    path: conf.clone(),
                    err,
                })?;
        writeln!(f, "\n# Added by aiops: its settings (socket only, no TCP), rewritten at every start.\ninclude_if_exists = '{CONF_FILE}'")
            .map_err(|err| EmbeddedError::Io { action: "write", path: conf.clone(), err })?;
        fs::rename(&tmp, &self.data_dir).map_err(|err| EmbeddedError::Io {
            action: "rename into place",
            path: tmp.clone(),
            err,
        })?;
        Ok(())
    }

    /// Creates the /tmp socket directory when the data directory's path is too long for a
    /// socket, refusing one that someone else owns or can enter.
    fn prepare_socket_dir(&self) -> Result<(), EmbeddedError> {
        if self.socket_dir == self.data_dir {
            return Ok(());
        }
        let want_uid = self.run_as.as_ref().map_or_else(Uid::effective, |u| u.uid);
        match fs::symlink_metadata(&self.socket_dir) {
            Ok(meta) => {
                let reason = if !meta.is_dir() {
                    Some("not a directory".to_owned())
                } else if meta.uid() != want_uid.as_raw() {
                    Some(format!(
                        "owned by uid {}, expected {}",
                        meta.uid(),
                        want_uid
                    ))
                } else if meta.mode() & 0o077 != 0 {
                    Some(format!("mode {:o}, expected 700", meta.mode() & 0o777))
                } else {
                    None
                };
                match reason {
                    Some(reason) => Err(EmbeddedError::InsecureSocketDir {
                        path: self.socket_dir.clone(),
                        reason,
                    }),
                    None => Ok(()),
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                fs::DirBuilder::new()
                    .mode(0o700)
                    .create(&self.socket_dir)
                    .map_err(|err| EmbeddedError::Io {
                        action: "create directory",
                        path: self.socket_dir.clone(),
                        err,
                    })?;
                set_mode(&self.socket_dir, 0o700)?;
                self.chown_to_server(&self.socket_dir)
            }
            Err(err) => Err(EmbeddedError::Io {
                action: "inspect",
                path: self.socket_dir.clone(),
                err,
            }),
        }
    }

    /// Writes aiops.conf (only when it changed) so the settings also hold for a server someone
    /// starts by hand with `pg_ctl start -D`. `max_connections` is above PostgreSQL's 100 because
    /// each worker keeps up to 2 × concurrency + 4 connections: four local workers at
    /// concurrency 16 would otherwise be refused with "too many clients".
    fn write_conf(&self) -> Result<(), EmbeddedError> {
        let path = self.data_dir.join(CONF_FILE);
        let text = format!(
            "# Written by aiops at every start of the embedded server; edits are overwritten.\n\
             listen_addresses = ''\n\
             port = {PORT}\n\
             max_connections = 300\n\
             unix_socket_directories = '{}'\n\
             unix_socket_permissions = 0700\n",
            self.socket_dir.display()
        );
        if fs::read_to_string(&path).ok().as_deref() == Some(text.as_str()) {
            return Ok(());
        }
        fs::write(&path, text).map_err(|err| EmbeddedError::Io {
            action: "write",
            path: path.clone(),
            err,
        })?;
        set_mode(&path, 0o600)?;
        self.chown_to_server(&path)
    }

    /// Opens the log for appending (rotating it when large), owned by the server user because
    /// pg_ctl (running as that user) appends the server's output to it.
    fn open_log(&self) -> Result<File, EmbeddedError> {
        let log = self.log_file();
        if fs::metadata(&log)
            .map(|m| m.len() > LOG_ROTATE_BYTES)
            .unwrap_or(false)
        {
            let mut old = log.clone().into_os_string();
            old.push(".1");
            let _ = fs::rename(&log, old);
        }
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .map_err(|err| EmbeddedError::Io {
                action: "open",
                path: log.clone(),
                err,
            })?;
        set_mode(&log, 0o600)?;
        self.chown_to_server(&log)?;
        Ok(file)
    }

    /// `pg_ctl start -w`. The postmaster daemonizes with its stdio on the log file; pg_ctl's own
    /// stderr goes to the log too and its stdout to /dev/null, so nothing inherits our pipes
    /// (a harness reading our output would otherwise hang until the server stops).
    fn pg_ctl_start(&self, bin: &Binaries) -> Result<(), EmbeddedError> {
        self.prepare_socket_dir()?;
        self.write_conf()?;
        let log = self.open_log()?;
        tracing::info!(data_dir = %self.data_dir.display(), "starting embedded PostgreSQL");
        let pg_ctl = bin.pg_ctl();
        let status = self
            .server_command(&pg_ctl)
            .arg("start")
            .arg("-D")
            .arg(&self.data_dir)
            .arg("-l")
            .arg(self.log_file())
            .args(["-w", "-t", PG_CTL_TIMEOUT_SECS])
            .stdout(Stdio::null())
            .stderr(log)
            .status()
            .map_err(|err| EmbeddedError::Spawn {
                program: pg_ctl.clone(),
                err,
            })?;
        if !status.success() {
            return Err(EmbeddedError::Failed {
                action: "starting the embedded PostgreSQL server (pg_ctl start)",
                detail: format!(
                    "{}; see {}",
                    file_tail(&self.log_file()),
                    self.log_file().display()
                ),
            });
        }
        Ok(())
    }

    /// Creates database `aiops` when missing, over the socket with a tiny wire client. Retries
    /// briefly while the server is still coming up (e.g. started by someone else just now).
    fn ensure_database(&self) -> Result<(), EmbeddedError> {
        let socket = self.socket_path();
        let fail = |detail: String| EmbeddedError::CreateDatabase {
            socket: socket.clone(),
            detail,
            log: self.log_file(),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut conn = loop {
            match wire::Conn::connect(&socket, DB_USER, "postgres") {
                Ok(conn) => break conn,
                Err(e) if e.is_transient() && Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(200))
                }
                Err(e) => return Err(fail(e.to_string())),
            }
        };
        let rows = conn
            .simple_query(&format!(
                "SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'"
            ))
            .map_err(|e| fail(e.to_string()))?;
        if rows == 0 {
            match conn.simple_query(&format!("CREATE DATABASE {DB_NAME}")) {
                Ok(_) => tracing::info!("created database {DB_NAME} in the embedded server"),
                // Someone else (not going through our lock) created it meanwhile.
                Err(wire::Error::Server { code, .. }) if code == "42P04" => {}
                Err(e) => return Err(fail(e.to_string())),
            }
        }
        conn.terminate();
        Ok(())
    }
}

/// A directory holding initdb, pg_ctl and postgres.
#[derive(Debug, Clone)]
struct Binaries {
    dir: PathBuf,
}

impl Binaries {
    fn pg_ctl(&self) -> PathBuf {
        self.dir.join("pg_ctl")
    }
}

/// Candidate binary directories in order: `pg_config --bindir`, `PATH` (symlinks resolved),
/// then `/usr/lib/postgresql/*/bin` newest first; only those holding all three programs.
fn binary_candidates() -> Vec<PathBuf> {
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
fn find_binaries(want_major: Option<&str>, data_dir: &Path) -> Result<Binaries, EmbeddedError> {
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
    let text = String::from_utf8_lossy(&out.stdout);
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

/// Just enough of the PostgreSQL frontend/backend protocol (v3, trust auth, simple query) to
/// create a database without psql or an async runtime.
mod wire {
    use super::*;

    #[derive(Debug)]
    pub(super) enum Error {
        Io(io::Error),
        Server { code: String, message: String },
        Protocol(String),
    }

    impl std::fmt::Display for Error {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            match self {
                Error::Io(e) => write!(f, "{e}"),
                Error::Server { code, message } => write!(f, "{message} (SQLSTATE {code})"),
                Error::Protocol(m) => write!(f, "{m}"),
            }
        }
    }

    impl Error {
        /// Server not accepting yet: socket missing/refused, or "the database system is
        /// starting up" (57P03).
        pub(super) fn is_transient(&self) -> bool {
            match self {
                Error::Io(e) => matches!(
                    e.kind(),
                    io::ErrorKind::NotFound | io::ErrorKind::ConnectionRefused
                ),
                Error::Server { code, .. } => code == "57P03",
                Error::Protocol(_) => false,
            }
        }
    }

    impl From<io::Error> for Error {
        fn from(e: io::Error) -> Self {
            Error::Io(e)
        }
    }

    pub(super) struct Conn {
        stream: UnixStream,
    }

    impl Conn {
        pub(super) fn connect(socket: &Path, user: &str, database: &str) -> Result<Conn, Error> {
            let stream = UnixStream::connect(socket)?;
            stream.set_read_timeout(Some(Duration::from_secs(60)))?;
            stream.set_write_timeout(Some(Duration::from_secs(60)))?;
            let mut conn = Conn { stream };
            let mut body = 196_608_u32.to_be_bytes().to_vec(); // protocol 3.0
            for (k, v) in [
                ("user", user),
                ("database", database),
                ("client_encoding", "UTF8"),
            ] {
                body.extend_from_slice(k.as_bytes());
                body.push(0);
                body.extend_from_slice(v.as_bytes());
                body.push(0);
            }
            body.push(0);
            let mut msg = ((body.len() + 4) as u32).to_be_bytes().to_vec();
            msg.extend_from_slice(&body);
            conn.stream.write_all(&msg)?;
            loop {
                let (tag, body) = conn.read_message()?;
                match tag {
                    b'R' => {
                        let code = body
                            .get(..4)
                            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
                        if code != Some(0) {
                            return Err(Error::Protocol(format!(
                                "the server asks for a password (auth method {}), but the embedded server should trust local connections; check pg_hba.conf in the data directory",
                                code.unwrap_or(u32::MAX)
                            )));
                        }
                    }
                    b'E' => return Err(server_error(&body)),
                    b'Z' => return Ok(conn),
                    _ => {}
                }
            }
        }

        /// Runs one statement; returns the number of rows it produced.
        pub(super) fn simple_query(&mut self, sql: &str) -> Result<usize, Error> {
            let mut msg = vec![b'Q'];
            msg.extend_from_slice(&((sql.len() + 5) as u32).to_be_bytes());
            msg.extend_from_slice(sql.as_bytes());
            msg.push(0);
            self.stream.write_all(&msg)?;
            let mut rows = 0;
            let mut error = None;
            loop {
                let (tag, body) = self.read_message()?;
                match tag {
                    b'D' => rows += 1,
                    b'E' => error = Some(server_error(&body)),
                    b'Z' => return error.map_or(Ok(rows), Err),
                    _ => {}
                }
            }
        }

        pub(super) fn terminate(mut self) {
            let _ = self.stream.write_all(&[b'X', 0, 0, 0, 4]);
        }

        fn read_message(&mut self) -> Result<(u8, Vec<u8>), Error> {
            let mut head = [0u8; 5];
            self.stream.read_exact(&mut head)?;
            let len = u32::from_be_bytes([head[1], head[2], head[3], head[4]]) as usize;
            if !(4..=1 << 24).contains(&len) {
                return Err(Error::Protocol(format!(
                    "unexpected message length {len} from the server"
                )));
            }
            let mut body = vec![0u8; len - 4];
            self.stream.read_exact(&mut body)?;
            Ok((head[0], body))
        }
    }

    fn server_error(body: &[u8]) -> Error {
        let (mut code, mut message) = (String::new(), String::new());
        for field in body.split(|b| *b == 0) {
            if let Some((&kind, text)) = field.split_first() {
                let text = String::from_utf8_lossy(text).into_owned();
                match kind {
                    b'C' => code = text,
                    b'M' => message = text,
                    _ => {}
                }
            }
        }
        Error::Server { code, message }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stops the server even when an assertion fails, so no postmaster outlives the test run.
    struct StopOnDrop(Embedded);
    impl Drop for StopOnDrop {
        fn drop(&mut self) {
            let _ = self.0.stop();
        }
    }

    /// A temp dir that `postgres` can traverse when the tests run as root.
    fn temp_base() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).expect("chmod");
        dir
    }

    fn pg_ctl_status(e: &Embedded) -> Output {
        let bin = find_binaries(None, e.data_dir()).expect("binaries");
        e.run_output(
            &bin.pg_ctl(),
            &[
                OsStr::new("status"),
                OsStr::new("-D"),
                e.data_dir().as_os_str(),
            ],
        )
        .expect("pg_ctl status")
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
    fn status_of_a_fresh_location_needs_no_server() {
        let base = temp_base();
        let e = Embedded::at(base.path().join("aiops/postgres")).unwrap();
        let s = e.status().unwrap();
        assert!(!s.initialized && !s.running && s.pid.is_none() && s.version.is_none());
        assert_eq!(e.stop().unwrap(), StopOutcome::NotRunning);
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
    fn lifecycle_init_start_stop_restart() {
        if binary_candidates().is_empty() {
            eprintln!("skipping: no PostgreSQL server binaries");
            return;
        }
        let base = temp_base();
        let e = Embedded::at(base.path().join("aiops/postgres")).unwrap();
        let guard = StopOnDrop(e.clone());

        assert_eq!(e.start().unwrap(), StartOutcome::Initialized);
        assert!(e.socket_path().exists(), "socket file exists");
        let out = pg_ctl_status(&e);
        assert!(
            out.status.success(),
            "pg_ctl status: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("server is running"));
        let s = e.status().unwrap();
        assert!(s.initialized && s.running && s.pid.is_some() && s.version.is_some());

        // Database aiops exists and we can talk to it; no TCP listener was configured.
        let mut conn =
            wire::Conn::connect(&e.socket_path(), DB_USER, DB_NAME).expect("connect to aiops");
        assert_eq!(
            conn.simple_query("SELECT 1 WHERE current_setting('listen_addresses') = ''")
                .unwrap(),
            1
        );
        conn.terminate();

        assert_eq!(e.start().unwrap(), StartOutcome::AlreadyRunning);
        e.ensure_running().unwrap();

        assert_eq!(e.stop().unwrap(), StopOutcome::Stopped);
        assert!(!e.status().unwrap().running);
        assert!(!e.socket_path().exists());
        assert_eq!(e.stop().unwrap(), StopOutcome::NotRunning);

        assert_eq!(e.start().unwrap(), StartOutcome::Started);
        assert!(e.status().unwrap().running);
        drop(guard);
        assert!(!e.status().unwrap().running);
    }

    #[test]
    fn concurrent_ensure_running_initializes_once() {
        if binary_candidates().is_empty() {
            return;
        }
        let base = temp_base();
        // Long path: exercises the /tmp socket dir fallback too.
        let e = Embedded::at(base.path().join("x".repeat(100)).join("aiops/postgres")).unwrap();
        assert_ne!(e.socket_dir(), e.data_dir());
        let _guard = StopOnDrop(e.clone());
        let outcomes: Vec<StartOutcome> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4).map(|_| s.spawn(|| e.start().unwrap())).collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(
            outcomes
                .iter()
                .filter(|o| **o == StartOutcome::Initialized)
                .count(),
            1,
            "{outcomes:?}"
        );
        assert!(e.socket_path().exists());
        let conn = wire::Conn::connect(&e.socket_path(), DB_USER, DB_NAME).expect("connect");
        conn.terminate();
        let dir = e.socket_dir().to_path_buf();
        drop(_guard);
        assert!(!dir.exists(), "stop removes the /tmp socket dir");
    }

    #[test]
    fn start_failure_is_one_line_with_the_log() {
        if binary_candidates().is_empty() {
            return;
        }
        let base = temp_base();
        let e = Embedded::at(base.path().join("aiops/postgres")).unwrap();
        let _guard = StopOnDrop(e.clone());
        e.start().unwrap();
        e.stop().unwrap();
        // Break the configuration: the server refuses to start.
        fs::write(
            e.data_dir().join("postgresql.auto.conf"),
            "shared_buffers = 'lots'\n",
        )
        .unwrap();
        let err = e.start().unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, EmbeddedError::Failed { .. }), "{msg}");
        assert!(!msg.contains('\n'), "{msg}");
        assert!(msg.contains("shared_buffers"), "{msg}");
        assert!(msg.contains(&e.log_file().display().to_string()), "{msg}");
    }
}
