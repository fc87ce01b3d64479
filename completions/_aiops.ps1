
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'aiops' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'aiops'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'aiops' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('submit', 'submit', [CompletionResultType]::ParameterValue, 'Create a task (prints its id), or many with --from')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'List tasks, or show every field of one')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Print a task''s log')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Cancel tasks: pending at once, running by stopping their process')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Re-queue failed, timed-out or cancelled tasks for one more attempt')
            [CompletionResult]::new('workers', 'workers', [CompletionResultType]::ParameterValue, 'List workers, show one, or ask one to drain')
            [CompletionResult]::new('queues', 'queues', [CompletionResultType]::ParameterValue, 'List queues, pause or resume one')
            [CompletionResult]::new('worker', 'worker', [CompletionResultType]::ParameterValue, 'Run a worker bound to one cluster')
            [CompletionResult]::new('problems', 'problems', [CompletionResultType]::ParameterValue, 'The problem catalog')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the HTTP API and the web dashboard')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Counts, success rate and wait/run times, overall and per problem and worker')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Finished tasks as JSON Lines: a dataset for training')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Delete finished tasks and their logs older than a given age')
            [CompletionResult]::new('limits', 'limits', [CompletionResultType]::ParameterValue, 'Cap how many tasks with a concurrency key run at once, across all workers')
            [CompletionResult]::new('experiment', 'experiment', [CompletionResultType]::ParameterValue, 'Problems × agents × repeats as one unit: submit, watch, report, compare')
            [CompletionResult]::new('schedule', 'schedule', [CompletionResultType]::ParameterValue, 'Submit an experiment or a task at every tick of a cron expression')
            [CompletionResult]::new('bench', 'bench', [CompletionResultType]::ParameterValue, 'Measure queue throughput and pickup latency with a no-op executor')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check every prerequisite of a worker: database, Python, AIOpsLab, tools, cluster')
            [CompletionResult]::new('db', 'db', [CompletionResultType]::ParameterValue, 'Schema and the embedded PostgreSQL instance')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages into a directory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'aiops;submit' {
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Bulk: one JSON task request per line from FILE or - (stdin); all or nothing')
            [CompletionResult]::new('--agent-config', '--agent-config', [CompletionResultType]::ParameterName, 'Agent configuration: a JSON object, or @FILE holding one')
            [CompletionResult]::new('--max-steps', '--max-steps', [CompletionResultType]::ParameterName, 'Most agent steps (1-1000) [default: 30]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit of one attempt, e.g. 45m (1s-24h) [default: 30m]')
            [CompletionResult]::new('--priority', '--priority', [CompletionResultType]::ParameterName, 'Priority 0-10, higher runs first [default: 5]')
            [CompletionResult]::new('--max-attempts', '--max-attempts', [CompletionResultType]::ParameterName, 'Attempts before the task fails for good (1-20) [default: 3]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'Queue name [default: default]')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Only workers of this backend may run it')
            [CompletionResult]::new('--param', '--param', [CompletionResultType]::ParameterName, 'Extra parameter KEY=VALUE (VALUE parsed as JSON when it is JSON); repeatable')
            [CompletionResult]::new('--metadata', '--metadata', [CompletionResultType]::ParameterName, 'Metadata KEY=VALUE (VALUE parsed as JSON when it is JSON); repeatable')
            [CompletionResult]::new('--callback-url', '--callback-url', [CompletionResultType]::ParameterName, 'POST the finished task here (http or https)')
            [CompletionResult]::new('--idempotency-key', '--idempotency-key', [CompletionResultType]::ParameterName, 'Submitting the same key again returns the existing task')
            [CompletionResult]::new('--concurrency-key', '--concurrency-key', [CompletionResultType]::ParameterName, 'Concurrency key: running tasks with the same key are capped by ''aiops limits set''')
            [CompletionResult]::new('--delay', '--delay', [CompletionResultType]::ParameterName, 'Start no earlier than this long from now')
            [CompletionResult]::new('--run-at', '--run-at', [CompletionResultType]::ParameterName, 'Start no earlier than this RFC 3339 time')
            [CompletionResult]::new('--wait-timeout', '--wait-timeout', [CompletionResultType]::ParameterName, 'With --wait: give up after this long (exit 13)')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('--allow-unknown', '--allow-unknown', [CompletionResultType]::ParameterName, 'Accept a problem id the catalog does not know')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Block until the task ends; exit 0 completed, 10 failed, 11 timeout, 12 cancelled, 13 wait expired')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'With --wait: stream the task''s log meanwhile')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;status' {
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only these statuses, comma separated')
            [CompletionResult]::new('--problem', '--problem', [CompletionResultType]::ParameterName, 'Only this problem id')
            [CompletionResult]::new('--worker', '--worker', [CompletionResultType]::ParameterName, 'Only tasks of this worker')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'Only this queue')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only tasks created within this long, e.g. 2h')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Most tasks listed')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;logs' {
            [CompletionResult]::new('--tail', '--tail', [CompletionResultType]::ParameterName, 'Only the last N lines')
            [CompletionResult]::new('--level', '--level', [CompletionResultType]::ParameterName, 'Only this level or worse (debug, info, warning, error, critical)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only lines from within this long, e.g. 10m')
            [CompletionResult]::new('--attempt', '--attempt', [CompletionResultType]::ParameterName, 'Only this attempt')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep printing new lines until the task ends')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep printing new lines until the task ends')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;cancel' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why (kept on the task)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'With --all: which status to cancel (only pending is accepted)')
            [CompletionResult]::new('--problem', '--problem', [CompletionResultType]::ParameterName, 'With --all: only this problem id')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'With --all: only this queue')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Cancel every matching pending task (needs --status pending)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;retry' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;workers' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('drain', 'drain', [CompletionResultType]::ParameterValue, 'Ask a worker to finish its running tasks, claim nothing more and exit')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'aiops;workers;drain' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;workers;help' {
            [CompletionResult]::new('drain', 'drain', [CompletionResultType]::ParameterValue, 'Ask a worker to finish its running tasks, claim nothing more and exit')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'aiops;workers;help;drain' {
            break
        }
        'aiops;workers;help;help' {
            break
        }
        'aiops;queues' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Queues with pending and running tasks, live workers, and whether each is paused')
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Stop claims from a queue; its running tasks go on')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Let workers claim from a paused queue again')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'aiops;queues;list' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;queues;pause' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;queues;resume' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;queues;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Queues with pending and running tasks, live workers, and whether each is paused')
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Stop claims from a queue; its running tasks go on')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Let workers claim from a paused queue again')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'aiops;queues;help;list' {
            break
        }
        'aiops;queues;help;pause' {
            break
        }
        'aiops;queues;help;resume' {
            break
        }
        'aiops;queues;help;help' {
            break
        }
        'aiops;worker' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Claim and run tasks on one cluster until stopped')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'aiops;worker;run' {
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'Cluster this worker owns (one live worker per cluster)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Take tasks through this `aiops serve` (its root URL) instead of the database: the worker then needs no database URL and holds no database connection')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'With --server: the server''s bearer token (ignored without --server, so one environment can hold it for serve and direct workers alike)')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Cluster backend')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'Worker id [default: the cluster name]')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'Queues to serve; repeatable [default: default]')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Tasks run at once')
            [CompletionResult]::new('--exec', '--exec', [CompletionResultType]::ParameterName, 'Run each task with `sh -c CMD` instead of the AIOpsLab runner')
            [CompletionResult]::new('--python', '--python', [CompletionResultType]::ParameterName, 'Python for the AIOpsLab runner')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig of the cluster (backend existing)')
            [CompletionResult]::new('--kind-config', '--kind-config', [CompletionResultType]::ParameterName, 'kind config used with --create-cluster / --recreate-cluster')
            [CompletionResult]::new('--heartbeat', '--heartbeat', [CompletionResultType]::ParameterName, 'Heartbeat interval; a task''s lease lasts 3 heartbeats')
            [CompletionResult]::new('--poll', '--poll', [CompletionResultType]::ParameterName, 'Polling backstop when no notification arrives')
            [CompletionResult]::new('--shutdown-grace', '--shutdown-grace', [CompletionResultType]::ParameterName, 'On the first signal, wait this long for running tasks before stopping them [default: until they end]')
            [CompletionResult]::new('--kill-grace', '--kill-grace', [CompletionResultType]::ParameterName, 'Time between SIGTERM and SIGKILL when stopping a task''s processes, so AIOpsLab can recover its fault and clean up [default: 3m for the AIOpsLab runner, 10s with --exec]')
            [CompletionResult]::new('--results-dir', '--results-dir', [CompletionResultType]::ParameterName, 'Keep AIOpsLab''s own session file of each attempt under DIR/<task id>-<attempt>/')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('--create-cluster', '--create-cluster', [CompletionResultType]::ParameterName, 'Create the kind cluster if it does not exist')
            [CompletionResult]::new('--recreate-cluster', '--recreate-cluster', [CompletionResultType]::ParameterName, 'Delete and recreate the kind cluster before each task')
            [CompletionResult]::new('--delete-cluster-on-exit', '--delete-cluster-on-exit', [CompletionResultType]::ParameterName, 'Delete the kind cluster when the worker exits')
            [CompletionResult]::new('--once', '--once', [CompletionResultType]::ParameterName, 'Run one task, then exit')
            [CompletionResult]::new('--drain', '--drain', [CompletionResultType]::ParameterName, 'Exit when nothing is claimable')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;worker;help' {
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Claim and run tasks on one cluster until stopped')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'aiops;worker;help;run' {
            break
        }
        'aiops;worker;help;help' {
            break
        }
        'aiops;problems' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List known problems with task counts')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Import problem ids from a file (JSON array, JSON Lines or one id per line) or the runner')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'aiops;problems;list' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;problems;import' {
            [CompletionResult]::new('--python', '--python', [CompletionResultType]::ParameterName, 'Python for the AIOpsLab runner')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('--from-runner', '--from-runner', [CompletionResultType]::ParameterName, 'Ask the AIOpsLab runner for its registry')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;problems;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List known problems with task counts')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Import problem ids from a file (JSON array, JSON Lines or one id per line) or the runner')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'aiops;problems;help;list' {
            break
        }
        'aiops;problems;help;import' {
            break
        }
        'aiops;problems;help;help' {
            break
        }
        'aiops;serve' {
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Address to listen on; anything but loopback needs --token')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token every route but /healthz and /readyz requires')
            [CompletionResult]::new('--read-only-token', '--read-only-token', [CompletionResultType]::ParameterName, 'A second token that may read (the API''s GET routes, the dashboard) but not act')
            [CompletionResult]::new('--max-body-bytes', '--max-body-bytes', [CompletionResultType]::ParameterName, 'Largest accepted request body')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Most PostgreSQL connections the server holds (at least 3)')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('--allow-unauthenticated', '--allow-unauthenticated', [CompletionResultType]::ParameterName, 'Allow a non-loopback bind without a token')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;stats' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only tasks created within this long, e.g. 24h')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;export' {
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only these statuses, comma separated [default: every finished status]')
            [CompletionResult]::new('--problem', '--problem', [CompletionResultType]::ParameterName, 'Only this problem id')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only tasks created within this long')
            [CompletionResult]::new('--experiment', '--experiment', [CompletionResultType]::ParameterName, 'Only the tasks of this experiment')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write here instead of stdout')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;prune' {
            [CompletionResult]::new('--older-than', '--older-than', [CompletionResultType]::ParameterName, 'Delete finished tasks that ended longer ago than this, e.g. 30d')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Only these finished statuses, comma separated')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be deleted, delete nothing')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;limits' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set a key''s cap: at most N of its tasks run at once (0 holds them back)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List caps with running and pending counts')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Remove a key''s cap')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'aiops;limits;set' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;limits;list' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;limits;clear' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;limits;help' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set a key''s cap: at most N of its tasks run at once (0 holds them back)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List caps with running and pending counts')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Remove a key''s cap')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'aiops;limits;help;set' {
            break
        }
        'aiops;limits;help;list' {
            break
        }
        'aiops;limits;help;clear' {
            break
        }
        'aiops;limits;help;help' {
            break
        }
        'aiops;experiment' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('submit', 'submit', [CompletionResultType]::ParameterValue, 'Submit every task of a spec in one transaction; again, it adds nothing')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List experiments with their tasks counted by status')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Done/total per agent and task type, failures and ETA')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Cancel every unfinished task of an experiment')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Re-queue an experiment''s failed and timed-out tasks')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'The results table: accuracy with 95 % interval, time-to-X, steps, tokens, cost')
            [CompletionResult]::new('compare', 'compare', [CompletionResultType]::ParameterValue, 'Two experiments per task type: accuracy difference with its interval, time and tokens')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'aiops;experiment;submit' {
            [CompletionResult]::new('--name', '--name', [CompletionResultType]::ParameterName, 'The experiment''s name')
            [CompletionResult]::new('--problem', '--problem', [CompletionResultType]::ParameterName, 'Problem id, glob or ''all'' (repeatable; replaces the spec''s list)')
            [CompletionResult]::new('--task-type', '--task-type', [CompletionResultType]::ParameterName, 'Every catalog problem of this task type (repeatable; replaces the spec''s list)')
            [CompletionResult]::new('--agent', '--agent', [CompletionResultType]::ParameterName, 'Agent NAME=module:Class or NAME=JSON object of agent, kwargs, model, concurrency_key (repeatable; replaces the spec''s agents)')
            [CompletionResult]::new('--repeats', '--repeats', [CompletionResultType]::ParameterName, 'Runs of each problem by each agent [default: 1]')
            [CompletionResult]::new('--max-steps', '--max-steps', [CompletionResultType]::ParameterName, 'Most agent steps per run (1-1000)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time limit of one attempt, e.g. 45m')
            [CompletionResult]::new('--priority', '--priority', [CompletionResultType]::ParameterName, 'Priority 0-10')
            [CompletionResult]::new('--max-attempts', '--max-attempts', [CompletionResultType]::ParameterName, 'Attempts per task (1-20)')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'Queue name')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('--allow-unknown', '--allow-unknown', [CompletionResultType]::ParameterName, 'Accept problem ids the catalog does not know')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the matrix; submit nothing')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;experiment;list' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;experiment;status' {
            [CompletionResult]::new('--wait-timeout', '--wait-timeout', [CompletionResultType]::ParameterName, 'With --wait: give up after this long (exit 13)')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Block until every task has ended; exit 0 all completed, 10 any failed, 11 any timed out, 12 any cancelled, 13 wait expired')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;experiment;cancel' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Why (kept on each task)')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;experiment;retry' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('--failed', '--failed', [CompletionResultType]::ParameterName, 'Re-queue failed and timed-out tasks (required: says what is retried)')
            [CompletionResult]::new('--cancelled', '--cancelled', [CompletionResultType]::ParameterName, 'Also re-queue cancelled tasks')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;experiment;report' {
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'Group by these columns: agent, task_type, problem')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: table, or json with -o json]')
            [CompletionResult]::new('--price', '--price', [CompletionResultType]::ParameterName, 'Price of a model in USD per million input and output tokens (repeatable)')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;experiment;compare' {
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'Group by these columns: agent, task_type, problem')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format [default: table, or json with -o json]')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;experiment;help' {
            [CompletionResult]::new('submit', 'submit', [CompletionResultType]::ParameterValue, 'Submit every task of a spec in one transaction; again, it adds nothing')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List experiments with their tasks counted by status')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Done/total per agent and task type, failures and ETA')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Cancel every unfinished task of an experiment')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Re-queue an experiment''s failed and timed-out tasks')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'The results table: accuracy with 95 % interval, time-to-X, steps, tokens, cost')
            [CompletionResult]::new('compare', 'compare', [CompletionResultType]::ParameterValue, 'Two experiments per task type: accuracy difference with its interval, time and tokens')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'aiops;experiment;help;submit' {
            break
        }
        'aiops;experiment;help;list' {
            break
        }
        'aiops;experiment;help;status' {
            break
        }
        'aiops;experiment;help;cancel' {
            break
        }
        'aiops;experiment;help;retry' {
            break
        }
        'aiops;experiment;help;report' {
            break
        }
        'aiops;experiment;help;compare' {
            break
        }
        'aiops;experiment;help;help' {
            break
        }
        'aiops;schedule' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a schedule; its first tick is the next one after now')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List schedules with their next tick and last fire')
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Stop firing a schedule')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Fire a paused schedule again, from its next tick')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a schedule and its fire records (its experiments stay)')
            [CompletionResult]::new('fires', 'fires', [CompletionResultType]::ParameterValue, 'Every fire of a schedule, with the experiment or task it made')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'aiops;schedule;add' {
            [CompletionResult]::new('--cron', '--cron', [CompletionResultType]::ParameterName, 'Cron expression: 5 fields (minute hour day month weekday), or 6 with seconds first')
            [CompletionResult]::new('--tz', '--tz', [CompletionResultType]::ParameterName, 'IANA time zone the expression is read in')
            [CompletionResult]::new('--experiment', '--experiment', [CompletionResultType]::ParameterName, 'Submit this experiment spec (TOML or JSON) at each tick')
            [CompletionResult]::new('--task', '--task', [CompletionResultType]::ParameterName, 'Submit this task request (JSON, or @FILE) at each tick')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;schedule;list' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;schedule;pause' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;schedule;resume' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;schedule;delete' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;schedule;fires' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;schedule;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a schedule; its first tick is the next one after now')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List schedules with their next tick and last fire')
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Stop firing a schedule')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Fire a paused schedule again, from its next tick')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a schedule and its fire records (its experiments stay)')
            [CompletionResult]::new('fires', 'fires', [CompletionResultType]::ParameterValue, 'Every fire of a schedule, with the experiment or task it made')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'aiops;schedule;help;add' {
            break
        }
        'aiops;schedule;help;list' {
            break
        }
        'aiops;schedule;help;pause' {
            break
        }
        'aiops;schedule;help;resume' {
            break
        }
        'aiops;schedule;help;delete' {
            break
        }
        'aiops;schedule;help;fires' {
            break
        }
        'aiops;schedule;help;help' {
            break
        }
        'aiops;bench' {
            [CompletionResult]::new('--tasks', '--tasks', [CompletionResultType]::ParameterName, 'Tasks to enqueue and drain')
            [CompletionResult]::new('--workers', '--workers', [CompletionResultType]::ParameterName, 'Workers draining at once')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Executor slots per worker, as `worker run --concurrency`')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;doctor' {
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The worker''s cluster; without it the cluster is not checked')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Cluster backend the worker will use')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Kubeconfig of the cluster (backend existing)')
            [CompletionResult]::new('--python', '--python', [CompletionResultType]::ParameterName, 'Python for the AIOpsLab runner')
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;db' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Apply pending schema migrations')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the schema version and the embedded instance')
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Start the embedded instance (initialising it on first use)')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop the embedded instance')
            [CompletionResult]::new('url', 'url', [CompletionResultType]::ParameterValue, 'Print the database URL in use')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'aiops;db;migrate' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;db;status' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;db;start' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;db;stop' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;db;url' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;db;help' {
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Apply pending schema migrations')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the schema version and the embedded instance')
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Start the embedded instance (initialising it on first use)')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop the embedded instance')
            [CompletionResult]::new('url', 'url', [CompletionResultType]::ParameterValue, 'Print the database URL in use')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'aiops;db;help;migrate' {
            break
        }
        'aiops;db;help;status' {
            break
        }
        'aiops;db;help;start' {
            break
        }
        'aiops;db;help;stop' {
            break
        }
        'aiops;db;help;url' {
            break
        }
        'aiops;db;help;help' {
            break
        }
        'aiops;completions' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;man' {
            [CompletionResult]::new('--database-url', '--database-url', [CompletionResultType]::ParameterName, 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: tables for people, one JSON document for scripts')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (NO_COLOR is honoured)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data (ids, tables, JSON); no progress or notes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'aiops;help' {
            [CompletionResult]::new('submit', 'submit', [CompletionResultType]::ParameterValue, 'Create a task (prints its id), or many with --from')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'List tasks, or show every field of one')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Print a task''s log')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Cancel tasks: pending at once, running by stopping their process')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Re-queue failed, timed-out or cancelled tasks for one more attempt')
            [CompletionResult]::new('workers', 'workers', [CompletionResultType]::ParameterValue, 'List workers, show one, or ask one to drain')
            [CompletionResult]::new('queues', 'queues', [CompletionResultType]::ParameterValue, 'List queues, pause or resume one')
            [CompletionResult]::new('worker', 'worker', [CompletionResultType]::ParameterValue, 'Run a worker bound to one cluster')
            [CompletionResult]::new('problems', 'problems', [CompletionResultType]::ParameterValue, 'The problem catalog')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run the HTTP API and the web dashboard')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Counts, success rate and wait/run times, overall and per problem and worker')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Finished tasks as JSON Lines: a dataset for training')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Delete finished tasks and their logs older than a given age')
            [CompletionResult]::new('limits', 'limits', [CompletionResultType]::ParameterValue, 'Cap how many tasks with a concurrency key run at once, across all workers')
            [CompletionResult]::new('experiment', 'experiment', [CompletionResultType]::ParameterValue, 'Problems × agents × repeats as one unit: submit, watch, report, compare')
            [CompletionResult]::new('schedule', 'schedule', [CompletionResultType]::ParameterValue, 'Submit an experiment or a task at every tick of a cron expression')
            [CompletionResult]::new('bench', 'bench', [CompletionResultType]::ParameterValue, 'Measure queue throughput and pickup latency with a no-op executor')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check every prerequisite of a worker: database, Python, AIOpsLab, tools, cluster')
            [CompletionResult]::new('db', 'db', [CompletionResultType]::ParameterValue, 'Schema and the embedded PostgreSQL instance')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages into a directory')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'aiops;help;submit' {
            break
        }
        'aiops;help;status' {
            break
        }
        'aiops;help;logs' {
            break
        }
        'aiops;help;cancel' {
            break
        }
        'aiops;help;retry' {
            break
        }
        'aiops;help;workers' {
            [CompletionResult]::new('drain', 'drain', [CompletionResultType]::ParameterValue, 'Ask a worker to finish its running tasks, claim nothing more and exit')
            break
        }
        'aiops;help;workers;drain' {
            break
        }
        'aiops;help;queues' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Queues with pending and running tasks, live workers, and whether each is paused')
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Stop claims from a queue; its running tasks go on')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Let workers claim from a paused queue again')
            break
        }
        'aiops;help;queues;list' {
            break
        }
        'aiops;help;queues;pause' {
            break
        }
        'aiops;help;queues;resume' {
            break
        }
        'aiops;help;worker' {
            [CompletionResult]::new('run', 'run', [CompletionResultType]::ParameterValue, 'Claim and run tasks on one cluster until stopped')
            break
        }
        'aiops;help;worker;run' {
            break
        }
        'aiops;help;problems' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List known problems with task counts')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Import problem ids from a file (JSON array, JSON Lines or one id per line) or the runner')
            break
        }
        'aiops;help;problems;list' {
            break
        }
        'aiops;help;problems;import' {
            break
        }
        'aiops;help;serve' {
            break
        }
        'aiops;help;stats' {
            break
        }
        'aiops;help;export' {
            break
        }
        'aiops;help;prune' {
            break
        }
        'aiops;help;limits' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Set a key''s cap: at most N of its tasks run at once (0 holds them back)')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List caps with running and pending counts')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Remove a key''s cap')
            break
        }
        'aiops;help;limits;set' {
            break
        }
        'aiops;help;limits;list' {
            break
        }
        'aiops;help;limits;clear' {
            break
        }
        'aiops;help;experiment' {
            [CompletionResult]::new('submit', 'submit', [CompletionResultType]::ParameterValue, 'Submit every task of a spec in one transaction; again, it adds nothing')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List experiments with their tasks counted by status')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Done/total per agent and task type, failures and ETA')
            [CompletionResult]::new('cancel', 'cancel', [CompletionResultType]::ParameterValue, 'Cancel every unfinished task of an experiment')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Re-queue an experiment''s failed and timed-out tasks')
            [CompletionResult]::new('report', 'report', [CompletionResultType]::ParameterValue, 'The results table: accuracy with 95 % interval, time-to-X, steps, tokens, cost')
            [CompletionResult]::new('compare', 'compare', [CompletionResultType]::ParameterValue, 'Two experiments per task type: accuracy difference with its interval, time and tokens')
            break
        }
        'aiops;help;experiment;submit' {
            break
        }
        'aiops;help;experiment;list' {
            break
        }
        'aiops;help;experiment;status' {
            break
        }
        'aiops;help;experiment;cancel' {
            break
        }
        'aiops;help;experiment;retry' {
            break
        }
        'aiops;help;experiment;report' {
            break
        }
        'aiops;help;experiment;compare' {
            break
        }
        'aiops;help;schedule' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a schedule; its first tick is the next one after now')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List schedules with their next tick and last fire')
            [CompletionResult]::new('pause', 'pause', [CompletionResultType]::ParameterValue, 'Stop firing a schedule')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Fire a paused schedule again, from its next tick')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a schedule and its fire records (its experiments stay)')
            [CompletionResult]::new('fires', 'fires', [CompletionResultType]::ParameterValue, 'Every fire of a schedule, with the experiment or task it made')
            break
        }
        'aiops;help;schedule;add' {
            break
        }
        'aiops;help;schedule;list' {
            break
        }
        'aiops;help;schedule;pause' {
            break
        }
        'aiops;help;schedule;resume' {
            break
        }
        'aiops;help;schedule;delete' {
            break
        }
        'aiops;help;schedule;fires' {
            break
        }
        'aiops;help;bench' {
            break
        }
        'aiops;help;doctor' {
            break
        }
        'aiops;help;db' {
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Apply pending schema migrations')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show the schema version and the embedded instance')
            [CompletionResult]::new('start', 'start', [CompletionResultType]::ParameterValue, 'Start the embedded instance (initialising it on first use)')
            [CompletionResult]::new('stop', 'stop', [CompletionResultType]::ParameterValue, 'Stop the embedded instance')
            [CompletionResult]::new('url', 'url', [CompletionResultType]::ParameterValue, 'Print the database URL in use')
            break
        }
        'aiops;help;db;migrate' {
            break
        }
        'aiops;help;db;status' {
            break
        }
        'aiops;help;db;start' {
            break
        }
        'aiops;help;db;stop' {
            break
        }
        'aiops;help;db;url' {
            break
        }
        'aiops;help;completions' {
            break
        }
        'aiops;help;man' {
            break
        }
        'aiops;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
