//! The one place that decides what reaches the terminal: data on stdout (tables or exactly one
//! JSON document), notes and progress on stderr, nothing decorative when quiet, JSON or piped.

use std::io::{IsTerminal, Write};

use comfy_table::{presets, ContentArrangement, Table};
use serde::Serialize;

use crate::cli::{ColorChoice, GlobalArgs, OutputFormat};
use crate::error::{Error, Result};

/// Prints for one command invocation.
#[derive(Debug, Clone)]
pub struct Printer {
    /// Table or JSON.
    pub format: OutputFormat,
    /// Suppress notes and progress.
    pub quiet: bool,
    /// Colour allowed on stderr.
    pub color: bool,
    /// Colour allowed on stdout (a terminal, or --color always).
    pub stdout_color: bool,
    /// stderr is a terminal (progress bars and prompts need one).
    pub stderr_tty: bool,
    /// stdin is a terminal (prompts need one).
    pub stdin_tty: bool,
}

impl Printer {
    /// Build from the global flags and the environment.
    pub fn new(g: &GlobalArgs) -> Printer {
        let stderr_tty = std::io::stderr().is_terminal();
        let color = match g.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => stderr_tty && std::env::var_os("NO_COLOR").is_none(),
        };
        let stdout_color = match g.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        };
        Printer {
            format: g.output,
            quiet: g.quiet,
            color,
            stdout_color,
            stderr_tty,
            stdin_tty: std::io::stdin().is_terminal(),
        }
    }

    /// True when data should be one JSON document.
    pub fn json(&self) -> bool {
        self.format == OutputFormat::Json
    }

    /// Progress bars and spinners only for a person watching.
    pub fn show_progress(&self) -> bool {
        self.stderr_tty && !self.quiet && !self.json()
    }

    /// Write one JSON document on stdout.
    pub fn print_json<T: Serialize + ?Sized>(&self, value: &T) -> Result<()> {
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, value)
            .map_err(|e| Error::Io(format!("writing JSON: {e}")))?;
        writeln!(out).map_err(stdout_err)
    }

    /// A line of data on stdout (ids, tables).
    pub fn data(&self, line: impl AsRef<str>) -> Result<()> {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", line.as_ref()).map_err(stdout_err)
    }

    /// A note for people on stderr (hidden with -q).
    pub fn note(&self, line: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("{}", line.as_ref());
        }
    }

    /// A warning on stderr (shown even with -q).
    pub fn warn(&self, line: impl AsRef<str>) {
        if self.color {
            eprintln!("\x1b[33mwarning:\x1b[0m {}", line.as_ref());
        } else {
            eprintln!("warning: {}", line.as_ref());
        }
    }

    /// A table with a header row, sized to the terminal when there is one.
    pub fn table(&self, header: &[&str], rows: Vec<Vec<String>>) -> Result<()> {
        let mut t = Table::new();
        t.load_preset(presets::NOTHING)
            .set_content_arrangement(ContentArrangement::Disabled)
            .set_header(header.iter().map(|h| h.to_uppercase()));
        for r in rows {
            t.add_row(r);
        }
        for col in t.column_iter_mut() {
            col.set_padding((0, 2));
        }
        let s = t.to_string();
        let mut out = std::io::stdout().lock();
        for line in s.lines() {
            writeln!(out, "{}", line.trim_end()).map_err(stdout_err)?;
        }
        Ok(())
    }

    /// Key/value detail view (`status ID`, `workers ID`).
    pub fn details(&self, rows: &[(&str, String)]) -> Result<()> {
        let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
        let mut out = std::io::stdout().lock();
        for (k, v) in rows {
            let mut lines = v.lines();
            let first = lines.next().unwrap_or("");
            writeln!(out, "{k:>width$}  {first}").map_err(stdout_err)?;
            for more in lines {
                writeln!(out, "{:>width$}  {more}", "").map_err(stdout_err)?;
            }
        }
        Ok(())
    }

    /// Ask yes/no on a terminal; refuse (usage error) when there is none and `-y` was not given.
    pub fn confirm(&self, question: &str, assume_yes: bool) -> Result<bool> {
        if assume_yes {
            return Ok(true);
        }
        if !(self.stdin_tty && self.stderr_tty) {
            return Err(Error::usage(format!(
                "{question} needs confirmation but there is no terminal to ask; pass -y to proceed"
            )));
        }
        dialoguer::Confirm::new()
            .with_prompt(question)
            .default(false)
            .interact()
            .map_err(|e| Error::Io(format!("reading the answer: {e}")))
    }
}

fn stdout_err(e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        // N.B.: the reader went away (`aiops status | head`): nothing is wrong, stop quietly.
        std::process::exit(0);
    }
    Error::Io(format!("writing to stdout: {e}"))
}

/// Shorten long text for table cells.
pub fn ellipsize(s: &str, max: usize) -> String {
    let s = s.lines().next().unwrap_or("");
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}
