//! Starting, stopping and inspecting the embedded server: the lock that serializes processes,
//! postmaster.pid, the socket directory, the server log and `pg_ctl`.
//!
//! Starting runs programs and waits for them, so the async entry points hand that work to
//! tokio's blocking pool, and the synchronous ones step off the runtime's worker thread when
//! they are called from async code: a command that starts the server on demand must not stall
//! every other task of the process meanwhile.

use std::ffi::OsStr;
use std::fs::{self, File, OpenOptions};
use std::future::Future;
use std::io;
use std::os::unix::fs::{DirBuilderExt, MetadataExt};
use std::process::Stdio;

use nix::fcntl::{Flock, FlockArg};
use nix::unistd::Uid;
use tokio::runtime::{Handle, RuntimeFlavor};

use super::binaries::{find_binaries, Binaries};
use super::{
    file_tail, output_tail, set_mode, Embedded, EmbeddedError, EmbeddedStatus, StartOutcome,
    StopOutcome, LOG_ROTATE_BYTES, PG_CTL_TIMEOUT_SECS,
};

impl Embedded {
    /// Make the server usable: initdb if absent, start it if not running, create database
    /// `aiops` if missing. Idempotent and safe when several processes call it at once (they
    /// serialize on a lock file next to the data directory). Called before every command that
    /// uses the embedded default.
    ///
    /// Safe to call from async code on a multi-threaded runtime (see [`Embedded::start`]).
    ///
    /// # Errors
    /// See [`Embedded::start`].
    pub fn ensure_running(&self) -> Result<(), EmbeddedError> {
        self.start().map(|_| ())
    }

    /// [`Embedded::ensure_running`] for async callers.
    ///
    /// # Errors
    /// See [`Embedded::start`].
    pub async fn ensure_running_async(&self) -> Result<(), EmbeddedError> {
        self.start_async().await.map(|_| ())
    }

    /// `aiops db start`: as [`Embedded::ensure_running`], reporting what was done.
    ///
    /// Called from a task of a multi-threaded tokio runtime, it moves that worker's other tasks
    /// to another thread while it waits (`block_in_place`); on a current-thread runtime it
    /// blocks it, so async code there should use [`Embedded::start_async`].
    ///
    /// # Errors
    /// Missing binaries, a failed initdb or server start (with the log's last lines), or a
    /// server that refuses `CREATE DATABASE aiops`.
    pub fn start(&self) -> Result<StartOutcome, EmbeddedError> {
        off_worker(|| {
            let (lock, outcome) = self.start_server()?;
            block_on(self.ensure_database())??;
            drop(lock);
            Ok(outcome)
        })
    }

    /// [`Embedded::start`] for async callers: the lock and the server programs run on tokio's
    /// blocking pool, the database is created over an async connection.
    ///
    /// # Errors
    /// As [`Embedded::start`].
    pub async fn start_async(&self) -> Result<StartOutcome, EmbeddedError> {
        let this = self.clone();
        let (lock, outcome) = unblock(move || this.start_server()).await??;
        // N.B.: still under the lock, so a concurrent `stop` cannot pull the server away
        // between starting it and creating the database.
        self.ensure_database().await?;
        drop(lock);
        Ok(outcome)
    }

    /// `aiops db stop`: a fast shutdown (`pg_ctl stop -m fast -w`): open transactions are rolled
    /// back, workers' connections drop and they reconnect once it is started again.
    ///
    /// Like [`Embedded::start`], it steps off a multi-threaded runtime's worker while it waits.
    ///
    /// # Errors
    /// Missing binaries or a failed `pg_ctl stop`.
    pub fn stop(&self) -> Result<StopOutcome, EmbeddedError> {
        off_worker(|| self.stop_server())
    }

    /// [`Embedded::stop`] for async callers, on tokio's blocking pool.
    ///
    /// # Errors
    /// As [`Embedded::stop`].
    pub async fn stop_async(&self) -> Result<StopOutcome, EmbeddedError> {
        let this = self.clone();
        unblock(move || this.stop_server()).await?
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

    /// The blocking half of a start: take the lock, then initdb and `pg_ctl start` as needed.
    /// Returns the lock so the caller keeps holding it while it creates the database.
    fn start_server(&self) -> Result<(Flock<File>, StartOutcome), EmbeddedError> {
        self.create_parent_dirs()?;
        let lock = self.lock()?;
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
        Ok((lock, outcome))
    }

    fn stop_server(&self) -> Result<StopOutcome, EmbeddedError> {
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

    fn lock_path(&self) -> std::path::PathBuf {
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
}

/// Runs blocking work from synchronous code that may itself be running inside a task of a
/// multi-threaded tokio runtime: there `block_in_place` hands the worker's other tasks to
/// another thread first. Elsewhere (no runtime, a current-thread runtime, a blocking-pool
/// thread) it simply runs `f`, as any synchronous call would.
fn off_worker<R>(f: impl FnOnce() -> R) -> R {
    match Handle::try_current() {
        Ok(h) if h.runtime_flavor() == RuntimeFlavor::MultiThread => tokio::task::block_in_place(f),
        _ => f(),
    }
}

/// Drives `fut` to completion from synchronous code, on a private current-thread runtime in a
/// thread of its own: the calling thread may already be inside a runtime, where starting
/// another one on it would panic.
fn block_on<F>(fut: F) -> Result<F::Output, EmbeddedError>
where
    F: Future + Send,
    F::Output: Send,
{
    std::thread::scope(|s| {
        s.spawn(|| {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(EmbeddedError::Runtime)?;
            Ok(rt.block_on(fut))
        })
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// Runs blocking work on tokio's blocking pool, passing a panic on to the caller.
async fn unblock<R: Send + 'static>(
    f: impl FnOnce() -> R + Send + 'static,
) -> Result<R, EmbeddedError> {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => Ok(r),
        Err(e) => match e.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(_) => Err(EmbeddedError::Runtime(io::Error::other(
                "the async runtime shut down before the embedded server was ready",
            ))),
        },
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;
    use std::process::Output;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    use sqlx::{ConnectOptions, Connection};

    use super::super::binaries::binary_candidates;
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

    fn have_binaries() -> bool {
        let found = !binary_candidates().is_empty();
        if !found {
            eprintln!("skipping: no PostgreSQL server binaries");
        }
        found
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

    /// Connects to database `aiops` through [`Embedded::url`], as the rest of aiops does, and
    /// checks that the server has no TCP listener.
    async fn socket_only(e: &Embedded) -> bool {
        let opts: sqlx::postgres::PgConnectOptions = e.url().parse().expect("url parses");
        let mut conn = opts.connect().await.expect("connect to aiops");
        let listen: String = sqlx::query_scalar("SELECT current_setting('listen_addresses')")
            .fetch_one(&mut conn)
            .await
            .expect("query");
        conn.close().await.expect("close");
        listen.is_empty()
    }

    fn socket_only_sync(e: &Embedded) -> bool {
        block_on(socket_only(e)).expect("runtime")
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
    fn lifecycle_init_start_stop_restart() {
        if !have_binaries() {
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
        assert!(socket_only_sync(&e));

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
        if !have_binaries() {
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
        assert!(socket_only_sync(&e));
        let dir = e.socket_dir().to_path_buf();
        drop(_guard);
        assert!(!dir.exists(), "stop removes the /tmp socket dir");
    }

    /// The starts run in spawned tasks, as commands and handlers do, on the runtime's only
    /// worker thread: a start that held on to that thread would stop the ticker for as long as
    /// initdb and pg_ctl run.
    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn starting_from_async_code_leaves_the_runtime_running() {
        if !have_binaries() {
            return;
        }
        let base = temp_base();
        let e = Embedded::at(base.path().join("aiops/postgres")).unwrap();
        let _guard = StopOnDrop(e.clone());
        let ticks = Arc::new(AtomicU64::new(0));
        let ticker = tokio::spawn({
            let ticks = ticks.clone();
            async move {
                loop {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    ticks.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
        // Let the ticker start before the worker thread is asked to wait.
        tokio::time::sleep(Duration::from_millis(50)).await;

        let before = ticks.load(Ordering::Relaxed);
        let sync = tokio::spawn({
            let e = e.clone();
            async move { e.start() }
        });
        assert_eq!(sync.await.unwrap().unwrap(), StartOutcome::Initialized);
        let during_sync = ticks.load(Ordering::Relaxed) - before;
        assert!(socket_only(&e).await);
        let stop = tokio::spawn({
            let e = e.clone();
            async move { e.stop_async().await }
        });
        assert_eq!(stop.await.unwrap().unwrap(), StopOutcome::Stopped);

        let before = ticks.load(Ordering::Relaxed);
        let started = tokio::spawn({
            let e = e.clone();
            async move { e.start_async().await }
        });
        assert_eq!(started.await.unwrap().unwrap(), StartOutcome::Started);
        let during_async = ticks.load(Ordering::Relaxed) - before;
        assert!(socket_only(&e).await);
        assert_eq!(e.start_async().await.unwrap(), StartOutcome::AlreadyRunning);
        ticker.abort();

        // Both starts last far longer than a few ticks: initdb, then the server's startup.
        assert!(
            during_sync >= 5,
            "ticker stalled during start(): {during_sync}"
        );
        assert!(
            during_async >= 5,
            "ticker stalled during start_async(): {during_async}"
        );
    }

    #[test]
    fn start_failure_is_one_line_with_the_log() {
        if !have_binaries() {
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
