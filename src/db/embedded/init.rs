//! Creating the embedded instance: its directories, the data directory (initdb), the settings
//! file aiops owns, and database `aiops` inside the running server.

use std::ffi::OsStr;
use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::DirBuilderExt;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgSslMode};
use sqlx::{ConnectOptions, Connection, Executor, PgConnection};

use super::binaries::Binaries;
use super::{output_tail, set_mode, Embedded, EmbeddedError, CONF_FILE, DB_NAME, DB_USER, PORT};

/// How long to keep retrying while the server is not accepting connections yet (started by
/// another process just now, or still replaying its WAL).
const CONNECT_RETRY: Duration = Duration::from_secs(30);
/// How long one statement against the maintenance database may take.
const STATEMENT_TIMEOUT: Duration = Duration::from_secs(60);

impl Embedded {
    /// Creates the data directory's missing ancestors. As root they get mode 0755 (explicitly,
    /// whatever the umask) so `postgres` can pass through; otherwise 0700.
    pub(super) fn create_parent_dirs(&self) -> Result<(), EmbeddedError> {
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

    /// initdb into `<data_dir>.initdb` and rename it into place, so a crash or Ctrl-C half-way
    /// never leaves a half-initialized data directory behind.
    pub(super) fn initdb(&self, bin: &Binaries) -> Result<(), EmbeddedError> {
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

    /// Writes aiops.conf (only when it changed) so the settings also hold for a server someone
    /// starts by hand with `pg_ctl start -D`. `max_connections` is above PostgreSQL's 100 because
    /// each worker keeps up to 2 × concurrency + 4 connections: four local workers at
    /// concurrency 16 would otherwise be refused with "too many clients".
    pub(super) fn write_conf(&self) -> Result<(), EmbeddedError> {
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

    /// Connection options for the running server over its unix socket, as the superuser that
    /// initdb created. Only the socket, port, user and database are taken from here: PG*
    /// variables could otherwise point the connection at another server.
    pub(super) fn connect_options(&self, database: &str) -> PgConnectOptions {
        PgConnectOptions::new()
            .socket(&self.socket_dir)
            .port(PORT)
            .username(DB_USER)
            .database(database)
            .ssl_mode(PgSslMode::Disable)
            .application_name("aiops")
            .log_statements(tracing::log::LevelFilter::Trace)
    }

    /// Creates database `aiops` when missing, through the `postgres` maintenance database.
    /// Retries briefly while the server is still coming up (e.g. started by someone else just
    /// now). Runs under the start lock, but a server started by hand may be used by others too,
    /// so losing a race to create the database counts as success.
    pub(super) async fn ensure_database(&self) -> Result<(), EmbeddedError> {
        let fail = |detail: String| EmbeddedError::CreateDatabase {
            socket: self.socket_path(),
            detail: crate::error::one_line(&detail),
            log: self.log_file(),
        };
        let opts = self.connect_options("postgres");
        let deadline = tokio::time::Instant::now() + CONNECT_RETRY;
        let conn = loop {
            match tokio::time::timeout(STATEMENT_TIMEOUT, opts.connect()).await {
                Ok(Ok(conn)) => break conn,
                Ok(Err(e)) if is_starting_up(&e) && tokio::time::Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Ok(Err(e)) => return Err(fail(e.to_string())),
                Err(_) => return Err(fail(timed_out("connecting"))),
            }
        };
        match create_database(conn, DB_NAME).await {
            Ok(true) => {
                tracing::info!("created database {DB_NAME} in the embedded server");
                Ok(())
            }
            Ok(false) => Ok(()),
            Err(detail) => Err(fail(detail)),
        }
    }
}

/// `CREATE DATABASE name` unless it exists, then closes the connection; true when this call
/// created it.
async fn create_database(mut conn: PgConnection, name: &str) -> Result<bool, String> {
    let created = create_database_on(&mut conn, name).await;
    let _ = conn.close().await;
    created
}

async fn create_database_on(conn: &mut PgConnection, name: &str) -> Result<bool, String> {
    let exists = sqlx::query_scalar::<_, bool>(
        "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)",
    )
    .bind(name)
    .fetch_one(&mut *conn);
    match tokio::time::timeout(STATEMENT_TIMEOUT, exists).await {
        Ok(Ok(true)) => return Ok(false),
        Ok(Ok(false)) => {}
        Ok(Err(e)) => return Err(e.to_string()),
        Err(_) => return Err(timed_out("looking the database up")),
    }
    // N.B.: the simple query protocol, because CREATE DATABASE refuses to run inside a
    // transaction block and identifiers cannot be bound as parameters.
    let create = format!("CREATE DATABASE {}", quote_ident(name));
    match tokio::time::timeout(STATEMENT_TIMEOUT, conn.execute(sqlx::raw_sql(&create))).await {
        Ok(Ok(_)) => Ok(true),
        // Someone else (not going through our lock) created it meanwhile.
        Ok(Err(sqlx::Error::Database(e))) if e.code().as_deref() == Some("42P04") => Ok(false),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(timed_out("creating the database")),
    }
}

/// The server is not accepting connections yet: no socket file, refused, or "the database
/// system is starting up" (SQLSTATE 57P03).
fn is_starting_up(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(e) => matches!(
            e.kind(),
            io::ErrorKind::NotFound | io::ErrorKind::ConnectionRefused
        ),
        sqlx::Error::Database(e) => e.code().as_deref() == Some("57P03"),
        _ => false,
    }
}

fn timed_out(what: &str) -> String {
    format!(
        "no answer from the server within {}s while {what}",
        STATEMENT_TIMEOUT.as_secs()
    )
}

/// An SQL identifier in double quotes, with embedded quotes doubled, so any name is taken
/// literally and cannot end the statement.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::quote_ident;

    #[test]
    fn identifiers_are_quoted_literally() {
        assert_eq!(quote_ident("aiops"), "\"aiops\"");
        assert_eq!(
            quote_ident("a\"; DROP DATABASE x; --"),
            "\"a\"\"; DROP DATABASE x; --\""
        );
    }
}
