
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
