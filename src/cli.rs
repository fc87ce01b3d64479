//! Every command-line type: one clap-derive tree, so help, completions and man pages come
//! from the same source as parsing.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

fn duration(s: &str) -> Result<Duration, String> {
    crate::duration::parse(s)
}

/// Run AIOpsLab problems and shell jobs through a durable PostgreSQL queue.
#[derive(Debug, Parser)]
#[command(name = "aiops", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command accepts.
#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// PostgreSQL URL; without it DATABASE_URL, else the embedded instance
    #[arg(
        long,
        global = true,
        env = "AIOPS_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// Output format: tables for people, one JSON document for scripts
    #[arg(short, long, global = true, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
    /// Print only data (ids, tables, JSON); no progress or notes
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// When to use colour (NO_COLOR is honoured)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

/// How data is printed on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Human tables and text
    Table,
    /// Exactly one JSON document
    Json,
}

/// Colour policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when stderr is a terminal and NO_COLOR is unset
    Auto,
    /// Always colour
    Always,
    /// Never colour
    Never,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a task (prints its id), or many with --from
    Submit(SubmitArgs),
    /// List tasks, or show every field of one
    Status(StatusArgs),
    /// Print a task's log
    Logs(LogsArgs),
    /// Cancel tasks: pending at once, running by stopping their process
    Cancel(CancelArgs),
    /// Re-queue failed, timed-out or cancelled tasks for one more attempt
    Retry(RetryArgs),
    /// List workers, show one, or ask one to drain
    Workers(WorkersArgs),
    /// List queues, pause or resume one
    Queues(QueuesArgs),
    /// Run a worker bound to one cluster
    Worker(WorkerArgs),
    /// The problem catalog
    Problems(ProblemsArgs),
    /// Run the HTTP API and the web dashboard
    Serve(ServeArgs),
    /// Counts, success rate and wait/run times, overall and per problem and worker
    Stats(StatsArgs),
    /// Finished tasks as JSON Lines: a dataset for training
    Export(ExportArgs),
    /// Delete finished tasks and their logs older than a given age
    Prune(PruneArgs),
    /// Cap how many tasks with a concurrency key run at once, across all workers
    Limits(LimitsArgs),
    /// Problems × agents × repeats as one unit: submit, watch, report, compare
    Experiment(ExperimentArgs),
    /// Submit an experiment or a task at every tick of a cron expression
    Schedule(ScheduleArgs),
    /// Measure queue throughput and pickup latency with a no-op executor
    Bench(BenchArgs),
    /// Check every prerequisite of a worker: database, Python, AIOpsLab, tools, cluster
    Doctor(DoctorArgs),
    /// Schema and the embedded PostgreSQL instance
    Db(DbArgs),
    /// Print shell completions
    Completions(CompletionsArgs),
    /// Write man pages into a directory
    Man(ManArgs),
}

/// `submit`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  aiops submit noop_detection_hotel_reservation-1 --agent-config '{\"agent\":\"my_agents:GPTAgent\"}'\n  aiops submit misconfig_app_hotel_res-detection-1 --max-steps 20 --timeout 45m --wait\n  aiops submit --from tasks.jsonl"
)]
pub struct SubmitArgs {
    /// Problem id, e.g. noop_detection_hotel_reservation-1
    #[arg(required_unless_present = "from", conflicts_with = "from")]
    pub problem_id: Option<String>,
    /// Bulk: one JSON task request per line from FILE or - (stdin); all or nothing
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// Agent configuration: a JSON object, or @FILE holding one
    #[arg(long, value_name = "JSON|@FILE")]
    pub agent_config: Option<String>,
    /// Most agent steps (1-1000) [default: 30]
    #[arg(long, value_name = "N")]
    pub max_steps: Option<i64>,
    /// Time limit of one attempt, e.g. 45m (1s-24h) [default: 30m]
    #[arg(long, value_name = "DUR", value_parser = duration)]
    pub timeout: Option<Duration>,
    /// Priority 0-10, higher runs first [default: 5]
    #[arg(long, value_name = "N")]
    pub priority: Option<i64>,
    /// Attempts before the task fails for good (1-20) [default: 3]
    #[arg(long, value_name = "N")]
    pub max_attempts: Option<i64>,
    /// Queue name [default: default]
    #[arg(long, value_name = "Q")]
    pub queue: Option<String>,
    /// Only workers of this backend may run it
    #[arg(long, value_name = "TYPE", value_parser = ["kind", "existing", "none"])]
    pub backend: Option<String>,
    /// Extra parameter KEY=VALUE (VALUE parsed as JSON when it is JSON); repeatable
    #[arg(long = "param", value_name = "K=V")]
    pub params: Vec<String>,
    /// Metadata KEY=VALUE (VALUE parsed as JSON when it is JSON); repeatable
    #[arg(long = "metadata", value_name = "K=V")]
    pub metadata: Vec<String>,
    /// POST the finished task here (http or https)
    #[arg(long, value_name = "URL")]
    pub callback_url: Option<String>,
    /// Submitting the same key again returns the existing task
    #[arg(long, value_name = "KEY")]
    pub idempotency_key: Option<String>,
    /// Concurrency key: running tasks with the same key are capped by 'aiops limits set'
    #[arg(long, value_name = "K")]
    pub concurrency_key: Option<String>,
    /// Start no earlier than this long from now
    #[arg(long, value_name = "DUR", value_parser = duration, conflicts_with = "run_at")]
    pub delay: Option<Duration>,
    /// Start no earlier than this RFC 3339 time
    #[arg(long, value_name = "TIME")]
    pub run_at: Option<String>,
    /// Accept a problem id the catalog does not know
    #[arg(long)]
    pub allow_unknown: bool,
    /// Block until the task ends; exit 0 completed, 10 failed, 11 timeout, 12 cancelled, 13 wait expired
    #[arg(long, conflicts_with = "from")]
    pub wait: bool,
    /// With --wait: stream the task's log meanwhile
    #[arg(long, requires = "wait")]
    pub follow: bool,
    /// With --wait: give up after this long (exit 13)
    #[arg(long, value_name = "DUR", value_parser = duration, requires = "wait")]
    pub wait_timeout: Option<Duration>,
}

/// `status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Task ids or unique prefixes (8+ hex characters); none lists tasks
    pub ids: Vec<String>,
    /// Only these statuses, comma separated
    #[arg(long, value_name = "S,...")]
    pub status: Option<String>,
    /// Only this problem id
    #[arg(long, value_name = "P")]
    pub problem: Option<String>,
    /// Only tasks of this worker
    #[arg(long, value_name = "W")]
    pub worker: Option<String>,
    /// Only this queue
    #[arg(long, value_name = "Q")]
    pub queue: Option<String>,
    /// Only tasks created within this long, e.g. 2h
    #[arg(long, value_name = "DUR", value_parser = duration)]
    pub since: Option<Duration>,
    /// Most tasks listed
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub limit: i64,
}

/// `logs`.
#[derive(Debug, Args)]
pub struct LogsArgs {
    /// Task id or unique prefix
    pub id: String,
    /// Keep printing new lines until the task ends
    #[arg(short, long)]
    pub follow: bool,
    /// Only the last N lines
    #[arg(long, value_name = "N")]
    pub tail: Option<i64>,
    /// Only this level or worse (debug, info, warning, error, critical)
    #[arg(long, value_name = "L")]
    pub level: Option<crate::log::LogLevel>,
    /// Only lines from within this long, e.g. 10m
    #[arg(long, value_name = "DUR", value_parser = duration)]
    pub since: Option<Duration>,
    /// Only this attempt
    #[arg(long, value_name = "N")]
    pub attempt: Option<i32>,
}

/// `cancel`.
#[derive(Debug, Args)]
pub struct CancelArgs {
    /// Task ids or unique prefixes
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub ids: Vec<String>,
    /// Why (kept on the task)
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// Cancel every matching pending task (needs --status pending)
    #[arg(long, requires = "status")]
    pub all: bool,
    /// With --all: which status to cancel (only pending is accepted)
    #[arg(long, value_name = "S")]
    pub status: Option<String>,
    /// With --all: only this problem id
    #[arg(long, value_name = "P", requires = "all")]
    pub problem: Option<String>,
    /// With --all: only this queue
    #[arg(long, value_name = "Q", requires = "all")]
    pub queue: Option<String>,
    /// Do not ask for confirmation
    #[arg(short = 'y', long)]
    pub yes: bool,
}

/// `retry`.
#[derive(Debug, Args)]
pub struct RetryArgs {
    /// Task ids or unique prefixes
    #[arg(required = true)]
    pub ids: Vec<String>,
}

/// `workers`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct WorkersArgs {
    #[command(subcommand)]
    pub command: Option<WorkersCommand>,
    /// Show this worker in detail
    pub id: Option<String>,
}

/// `workers …` subcommands.
#[derive(Debug, Subcommand)]
pub enum WorkersCommand {
    /// Ask a worker to finish its running tasks, claim nothing more and exit
    Drain(WorkerIdArg),
}

/// A worker id.
#[derive(Debug, Args)]
pub struct WorkerIdArg {
    /// The worker's id (see 'aiops workers')
    pub id: String,
}

/// `queues`.
#[derive(Debug, Args)]
pub struct QueuesArgs {
    #[command(subcommand)]
    pub command: QueuesCommand,
}

/// `queues …` subcommands.
#[derive(Debug, Subcommand)]
pub enum QueuesCommand {
    /// Queues with pending and running tasks, live workers, and whether each is paused
    List,
    /// Stop claims from a queue; its running tasks go on
    Pause(QueueNameArg),
    /// Let workers claim from a paused queue again
    Resume(QueueNameArg),
}

/// A queue name.
#[derive(Debug, Args)]
pub struct QueueNameArg {
    /// The queue's name
    pub queue: String,
}

/// `worker`.
#[derive(Debug, Args)]
pub struct WorkerArgs {
    #[command(subcommand)]
    pub command: WorkerCommand,
}

/// `worker …` subcommands.
#[derive(Debug, Subcommand)]
pub enum WorkerCommand {
    /// Claim and run tasks on one cluster until stopped
    Run(WorkerRunArgs),
}

/// Which cluster a worker drives, as the `--backend` flag spells it; converts into
/// [`crate::task::Backend`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Backend {
    /// A kind cluster named --cluster (found, or made with --create-cluster)
    Kind,
    /// An existing cluster reached through --kubeconfig
    Existing,
    /// No cluster (plain shell jobs)
    None,
}

/// The flag's value is the core [`crate::task::Backend`]; this copy exists only so that clap
/// stays in this file.
impl From<Backend> for crate::task::Backend {
    fn from(b: Backend) -> Self {
        match b {
            Backend::Kind => crate::task::Backend::Kind,
            Backend::Existing => crate::task::Backend::Existing,
            Backend::None => crate::task::Backend::None,
        }
    }
}

/// `worker run`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  aiops worker run --cluster aiops-1 --create-cluster\n  aiops worker run --cluster local --backend none --exec './run-task.sh' --drain"
)]
pub struct WorkerRunArgs {
    /// Cluster this worker owns (one live worker per cluster)
    #[arg(long, value_name = "NAME")]
    pub cluster: String,
    /// Take tasks through this `aiops serve` (its root URL) instead of the database: the
    /// worker then needs no database URL and holds no database connection
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
    /// With --server: the server's bearer token (ignored without --server, so one environment
    /// can hold it for serve and direct workers alike)
    #[arg(
        long,
        env = "AIOPS_API_TOKEN",
        value_name = "T",
        hide_env_values = true
    )]
    pub token: Option<String>,
    /// Cluster backend
    #[arg(long, value_enum, default_value_t = Backend::Kind)]
    pub backend: Backend,
    /// Worker id [default: the cluster name]
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,
    /// Queues to serve; repeatable [default: default]
    #[arg(long = "queue", value_name = "Q")]
    pub queues: Vec<String>,
    /// Tasks run at once
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub concurrency: u32,
    /// Run each task with `sh -c CMD` instead of the AIOpsLab runner
    #[arg(long, value_name = "CMD")]
    pub exec: Option<String>,
    /// Python for the AIOpsLab runner
    #[arg(long, value_name = "PATH", default_value = "python3")]
    pub python: String,
    /// Kubeconfig of the cluster (backend existing)
    #[arg(long, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,
    /// kind config used with --create-cluster / --recreate-cluster
    #[arg(long, value_name = "FILE")]
    pub kind_config: Option<PathBuf>,
    /// Create the kind cluster if it does not exist
    #[arg(long)]
    pub create_cluster: bool,
    /// Delete and recreate the kind cluster before each task
    #[arg(long)]
    pub recreate_cluster: bool,
    /// Delete the kind cluster when the worker exits
    #[arg(long)]
    pub delete_cluster_on_exit: bool,
    /// Heartbeat interval; a task's lease lasts 3 heartbeats
    #[arg(long, value_name = "DUR", value_parser = duration, default_value = "10s")]
    pub heartbeat: Duration,
    /// Polling backstop when no notification arrives
    #[arg(long, value_name = "DUR", value_parser = duration, default_value = "5s")]
    pub poll: Duration,
    /// Run one task, then exit
    #[arg(long)]
    pub once: bool,
    /// Exit when nothing is claimable
    #[arg(long)]
    pub drain: bool,
    /// On the first signal, wait this long for running tasks before stopping them [default: until they end]
    #[arg(long, value_name = "DUR", value_parser = duration)]
    pub shutdown_grace: Option<Duration>,
    /// Time between SIGTERM and SIGKILL when stopping a task's processes, so AIOpsLab can
    /// recover its fault and clean up [default: 3m for the AIOpsLab runner, 10s with --exec]
    #[arg(long, value_name = "DUR", value_parser = duration)]
    pub kill_grace: Option<Duration>,
    /// Keep AIOpsLab's own session file of each attempt under DIR/<task id>-<attempt>/
    #[arg(long, value_name = "DIR")]
    pub results_dir: Option<PathBuf>,
}

/// `doctor`.
#[derive(Debug, Args)]
#[command(
    after_help = "Exits 0 only when everything the worker needs passes; each failed line says how to fix it.\n\nExamples:\n  aiops doctor --cluster aiops-1\n  aiops doctor --cluster lab --backend existing --kubeconfig lab.yaml --python ~/AIOpsLab/.venv/bin/python"
)]
pub struct DoctorArgs {
    /// The worker's cluster; without it the cluster is not checked
    #[arg(long, value_name = "NAME")]
    pub cluster: Option<String>,
    /// Cluster backend the worker will use
    #[arg(long, value_enum, default_value_t = Backend::Kind)]
    pub backend: Backend,
    /// Kubeconfig of the cluster (backend existing)
    #[arg(long, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,
    /// Python for the AIOpsLab runner
    #[arg(long, value_name = "PATH", default_value = "python3")]
    pub python: String,
}

/// `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on; anything but loopback needs --token
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// Bearer token every route but /healthz and /readyz requires
    #[arg(
        long,
        env = "AIOPS_API_TOKEN",
        value_name = "T",
        hide_env_values = true
    )]
    pub token: Option<String>,
    /// A second token that may read (the API's GET routes, the dashboard) but not act
    #[arg(
        long,
        env = "AIOPS_API_READ_ONLY_TOKEN",
        value_name = "T",
        hide_env_values = true
    )]
    pub read_only_token: Option<String>,
    /// Allow a non-loopback bind without a token
    #[arg(long)]
    pub allow_unauthenticated: bool,
    /// Largest accepted request body
    #[arg(long, value_name = "BYTES", default_value_t = 1024 * 1024)]
    pub max_body_bytes: usize,
    /// Most PostgreSQL connections the server holds (at least 3)
    #[arg(long, value_name = "N", default_value_t = crate::api::DEFAULT_MAX_CONNECTIONS)]
    pub max_connections: u32,
}

/// `stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Only tasks created within this long, e.g. 24h
    #[arg(long, value_name = "DUR", value_parser = duration)]
    pub since: Option<Duration>,
}

/// `export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Only these statuses, comma separated [default: every finished status]
    #[arg(long, value_name = "S,...")]
    pub status: Option<String>,
    /// Only this problem id
    #[arg(long, value_name = "P")]
    pub problem: Option<String>,
    /// Only tasks created within this long
    #[arg(long, value_name = "DUR", value_parser = duration)]
    pub since: Option<Duration>,
    /// Only the tasks of this experiment
    #[arg(long, value_name = "NAME")]
    pub experiment: Option<String>,
    /// Write here instead of stdout
    #[arg(long, value_name = "F")]
    pub output_file: Option<PathBuf>,
}

/// `prune`.
#[derive(Debug, Args)]
pub struct PruneArgs {
    /// Delete finished tasks that ended longer ago than this, e.g. 30d
    #[arg(long, value_name = "DUR", value_parser = duration)]
    pub older_than: Duration,
    /// Only these finished statuses, comma separated
    #[arg(long, value_name = "S,...")]
    pub status: Option<String>,
    /// Show what would be deleted, delete nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask for confirmation
    #[arg(short = 'y', long)]
    pub yes: bool,
}

/// `bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Tasks to enqueue and drain
    #[arg(long, value_name = "N", default_value_t = 20_000)]
    pub tasks: u64,
    /// Workers draining at once
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub workers: u32,
    /// Executor slots per worker, as `worker run --concurrency`
    #[arg(long, value_name = "N", default_value_t = 16)]
    pub concurrency: u32,
}

/// `limits`.
#[derive(Debug, Args)]
pub struct LimitsArgs {
    #[command(subcommand)]
    pub command: LimitsCommand,
}

/// `limits …` subcommands.
#[derive(Debug, Subcommand)]
#[command(
    after_help = "Examples:\n  aiops limits set gpt-4o 8\n  aiops submit misconfig_app_hotel_res-detection-1 --concurrency-key gpt-4o\n  aiops limits list"
)]
pub enum LimitsCommand {
    /// Set a key's cap: at most N of its tasks run at once (0 holds them back)
    Set {
        /// The concurrency key, e.g. a model name
        key: String,
        /// Most running tasks with this key
        #[arg(allow_negative_numbers = true)]
        cap: i64,
    },
    /// List caps with running and pending counts
    List,
    /// Remove a key's cap
    Clear {
        /// The concurrency key
        key: String,
    },
}

/// `experiment`.
#[derive(Debug, Args)]
pub struct ExperimentArgs {
    #[command(subcommand)]
    pub command: ExperimentCommand,
}

/// `experiment …` subcommands.
#[derive(Debug, Subcommand)]
pub enum ExperimentCommand {
    /// Submit every task of a spec in one transaction; again, it adds nothing
    Submit(ExperimentSubmitArgs),
    /// List experiments with their tasks counted by status
    List,
    /// Done/total per agent and task type, failures and ETA
    Status(ExperimentStatusArgs),
    /// Cancel every unfinished task of an experiment
    Cancel(ExperimentCancelArgs),
    /// Re-queue an experiment's failed and timed-out tasks
    Retry(ExperimentRetryArgs),
    /// The results table: accuracy with 95 % interval, time-to-X, steps, tokens, cost
    Report(ExperimentReportArgs),
    /// Two experiments per task type: accuracy difference with its interval, time and tokens
    Compare(ExperimentCompareArgs),
}

/// `experiment submit`.
#[derive(Debug, Args)]
#[command(
    after_help = "A spec (TOML, or JSON):\n  name = \"gpt-vs-flash\"\n  problems = [\"k8s_target_port-misconfig-*\", \"noop_detection_hotel_reservation-1\"]\n  task_types = [\"detection\"]\n  repeats = 3\n  max_steps = 20\n  timeout = \"45m\"\n  [agents.gpt4o]\n  agent = \"clients.gpt:GPTAgent\"\n  model = \"gpt-4o\"\n  kwargs = { temperature = 0.5 }\n\nExamples:\n  aiops experiment submit nightly.toml --dry-run\n  aiops experiment submit --name quick --problem 'noop_*' --agent dummy=my_agents:Dummy --repeats 2"
)]
pub struct ExperimentSubmitArgs {
    /// The spec file (TOML or JSON; - for stdin); flags below override its fields
    pub file: Option<PathBuf>,
    /// The experiment's name
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Problem id, glob or 'all' (repeatable; replaces the spec's list)
    #[arg(long = "problem", value_name = "ID|GLOB")]
    pub problems: Vec<String>,
    /// Every catalog problem of this task type (repeatable; replaces the spec's list)
    #[arg(long = "task-type", value_name = "TYPE", value_parser = ["detection", "localization", "analysis", "mitigation"])]
    pub task_types: Vec<String>,
    /// Agent NAME=module:Class or NAME=JSON object of agent, kwargs, model, concurrency_key (repeatable; replaces the spec's agents)
    #[arg(long = "agent", value_name = "NAME=SPEC")]
    pub agents: Vec<String>,
    /// Runs of each problem by each agent [default: 1]
    #[arg(long, value_name = "N")]
    pub repeats: Option<u32>,
    /// Most agent steps per run (1-1000)
    #[arg(long, value_name = "N")]
    pub max_steps: Option<i64>,
    /// Time limit of one attempt, e.g. 45m
    #[arg(long, value_name = "DUR")]
    pub timeout: Option<String>,
    /// Priority 0-10
    #[arg(long, value_name = "N")]
    pub priority: Option<i64>,
    /// Attempts per task (1-20)
    #[arg(long, value_name = "N")]
    pub max_attempts: Option<i64>,
    /// Queue name
    #[arg(long, value_name = "Q")]
    pub queue: Option<String>,
    /// Accept problem ids the catalog does not know
    #[arg(long)]
    pub allow_unknown: bool,
    /// Print the matrix; submit nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// `experiment status`.
#[derive(Debug, Args)]
pub struct ExperimentStatusArgs {
    /// The experiment
    pub name: String,
    /// Block until every task has ended; exit 0 all completed, 10 any failed, 11 any timed out, 12 any cancelled, 13 wait expired
    #[arg(long)]
    pub wait: bool,
    /// With --wait: give up after this long (exit 13)
    #[arg(long, value_name = "DUR", value_parser = duration, requires = "wait")]
    pub wait_timeout: Option<Duration>,
}

/// `experiment cancel`.
#[derive(Debug, Args)]
pub struct ExperimentCancelArgs {
    /// The experiment
    pub name: String,
    /// Why (kept on each task)
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
}

/// `experiment retry`.
#[derive(Debug, Args)]
pub struct ExperimentRetryArgs {
    /// The experiment
    pub name: String,
    /// Re-queue failed and timed-out tasks (required: says what is retried)
    #[arg(long, required = true)]
    pub failed: bool,
    /// Also re-queue cancelled tasks
    #[arg(long)]
    pub cancelled: bool,
}

/// How a report is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// A table for people
    Table,
    /// One JSON document
    Json,
    /// Comma-separated values with a header
    Csv,
    /// A GitHub-flavoured Markdown table
    Markdown,
}

/// `experiment report`.
#[derive(Debug, Args)]
pub struct ExperimentReportArgs {
    /// The experiment
    pub name: String,
    /// Group by these columns: agent, task_type, problem
    #[arg(long, value_name = "COLS", default_value = "agent,task_type")]
    pub by: String,
    /// Output format [default: table, or json with -o json]
    #[arg(long, value_enum)]
    pub format: Option<ReportFormat>,
    /// Price of a model in USD per million input and output tokens (repeatable)
    #[arg(long = "price", value_name = "MODEL=IN,OUT")]
    pub prices: Vec<String>,
}

/// `experiment compare`.
#[derive(Debug, Args)]
pub struct ExperimentCompareArgs {
    /// The first experiment (A)
    pub a: String,
    /// The second experiment (B); differences are A − B
    pub b: String,
    /// Group by these columns: agent, task_type, problem
    #[arg(long, value_name = "COLS", default_value = "task_type")]
    pub by: String,
    /// Output format [default: table, or json with -o json]
    #[arg(long, value_enum)]
    pub format: Option<ReportFormat>,
}

/// `schedule`.
#[derive(Debug, Args)]
pub struct ScheduleArgs {
    #[command(subcommand)]
    pub command: ScheduleCommand,
}

/// `schedule …` subcommands.
#[derive(Debug, Subcommand)]
#[command(
    after_help = "Ticks fire once each, from the elected maintainer (any worker or serve). When several ticks were missed while none ran, the latest fires and the older are skipped (and counted); ticks while paused are not fired.\n\nExamples:\n  aiops schedule add nightly --cron '0 2 * * *' --tz Europe/Paris --experiment nightly.toml\n  aiops schedule add probe --cron '*/10 * * * *' --task '{\"problem_id\":\"noop_detection_hotel_reservation-1\"}'"
)]
pub enum ScheduleCommand {
    /// Add a schedule; its first tick is the next one after now
    Add(ScheduleAddArgs),
    /// List schedules with their next tick and last fire
    List,
    /// Stop firing a schedule
    Pause {
        /// The schedule
        name: String,
    },
    /// Fire a paused schedule again, from its next tick
    Resume {
        /// The schedule
        name: String,
    },
    /// Delete a schedule and its fire records (its experiments stay)
    Delete {
        /// The schedule
        name: String,
    },
    /// Every fire of a schedule, with the experiment or task it made
    Fires {
        /// The schedule
        name: String,
    },
}

/// `schedule add`.
#[derive(Debug, Args)]
pub struct ScheduleAddArgs {
    /// The schedule's name
    pub name: String,
    /// Cron expression: 5 fields (minute hour day month weekday), or 6 with seconds first
    #[arg(long, value_name = "EXPR")]
    pub cron: String,
    /// IANA time zone the expression is read in
    #[arg(long, value_name = "ZONE", default_value = "UTC")]
    pub tz: String,
    /// Submit this experiment spec (TOML or JSON) at each tick
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "task",
        conflicts_with = "task"
    )]
    pub experiment: Option<PathBuf>,
    /// Submit this task request (JSON, or @FILE) at each tick
    #[arg(long, value_name = "JSON|@FILE")]
    pub task: Option<String>,
}

/// `problems`.
#[derive(Debug, Args)]
pub struct ProblemsArgs {
    #[command(subcommand)]
    pub command: ProblemsCommand,
}

/// `problems …` subcommands.
#[derive(Debug, Subcommand)]
pub enum ProblemsCommand {
    /// List known problems with task counts
    List,
    /// Import problem ids from a file (JSON array, JSON Lines or one id per line) or the runner
    Import(ProblemsImportArgs),
}

/// `problems import`.
#[derive(Debug, Args)]
pub struct ProblemsImportArgs {
    /// File to read (- for stdin)
    #[arg(
        required_unless_present = "from_runner",
        conflicts_with = "from_runner"
    )]
    pub file: Option<PathBuf>,
    /// Ask the AIOpsLab runner for its registry
    #[arg(long)]
    pub from_runner: bool,
    /// Python for the AIOpsLab runner
    #[arg(long, value_name = "PATH", default_value = "python3")]
    pub python: String,
}

/// `db`.
#[derive(Debug, Args)]
pub struct DbArgs {
    #[command(subcommand)]
    pub command: DbCommand,
}

/// `db …` subcommands.
#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Apply pending schema migrations
    Migrate,
    /// Show the schema version and the embedded instance
    Status,
    /// Start the embedded instance (initialising it on first use)
    Start,
    /// Stop the embedded instance
    Stop,
    /// Print the database URL in use
    Url,
}

/// `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// Shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Directory to write aiops.1 and one page per subcommand into
    pub dir: PathBuf,
}
