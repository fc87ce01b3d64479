
use builtin;
use str;

set edit:completion:arg-completer[aiops] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'aiops'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'aiops'= {
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand submit 'Create a task (prints its id), or many with --from'
            cand status 'List tasks, or show every field of one'
            cand logs 'Print a task''s log'
            cand cancel 'Cancel tasks: pending at once, running by stopping their process'
            cand retry 'Re-queue failed, timed-out or cancelled tasks for one more attempt'
            cand workers 'List workers, show one, or ask one to drain'
            cand queues 'List queues, pause or resume one'
            cand worker 'Run a worker bound to one cluster'
            cand problems 'The problem catalog'
            cand serve 'Run the HTTP API and the web dashboard'
            cand stats 'Counts, success rate and wait/run times, overall and per problem and worker'
            cand export 'Finished tasks as JSON Lines: a dataset for training'
            cand prune 'Delete finished tasks and their logs older than a given age'
            cand limits 'Cap how many tasks with a concurrency key run at once, across all workers'
            cand experiment 'Problems × agents × repeats as one unit: submit, watch, report, compare'
            cand schedule 'Submit an experiment or a task at every tick of a cron expression'
            cand bench 'Measure queue throughput and pickup latency with a no-op executor'
            cand doctor 'Check every prerequisite of a worker: database, Python, AIOpsLab, tools, cluster'
            cand db 'Schema and the embedded PostgreSQL instance'
            cand completions 'Print shell completions'
            cand man 'Write man pages into a directory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'aiops;submit'= {
            cand --from 'Bulk: one JSON task request per line from FILE or - (stdin); all or nothing'
            cand --agent-config 'Agent configuration: a JSON object, or @FILE holding one'
            cand --max-steps 'Most agent steps (1-1000) [default: 30]'
            cand --timeout 'Time limit of one attempt, e.g. 45m (1s-24h) [default: 30m]'
            cand --priority 'Priority 0-10, higher runs first [default: 5]'
            cand --max-attempts 'Attempts before the task fails for good (1-20) [default: 3]'
            cand --queue 'Queue name [default: default]'
            cand --backend 'Only workers of this backend may run it'
            cand --param 'Extra parameter KEY=VALUE (VALUE parsed as JSON when it is JSON); repeatable'
            cand --metadata 'Metadata KEY=VALUE (VALUE parsed as JSON when it is JSON); repeatable'
            cand --callback-url 'POST the finished task here (http or https)'
            cand --idempotency-key 'Submitting the same key again returns the existing task'
            cand --concurrency-key 'Concurrency key: running tasks with the same key are capped by ''aiops limits set'''
            cand --delay 'Start no earlier than this long from now'
            cand --run-at 'Start no earlier than this RFC 3339 time'
            cand --wait-timeout 'With --wait: give up after this long (exit 13)'
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand --allow-unknown 'Accept a problem id the catalog does not know'
            cand --wait 'Block until the task ends; exit 0 completed, 10 failed, 11 timeout, 12 cancelled, 13 wait expired'
            cand --follow 'With --wait: stream the task''s log meanwhile'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;status'= {
            cand --status 'Only these statuses, comma separated'
            cand --problem 'Only this problem id'
            cand --worker 'Only tasks of this worker'
            cand --queue 'Only this queue'
            cand --since 'Only tasks created within this long, e.g. 2h'
            cand --limit 'Most tasks listed'
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;logs'= {
            cand --tail 'Only the last N lines'
            cand --level 'Only this level or worse (debug, info, warning, error, critical)'
            cand --since 'Only lines from within this long, e.g. 10m'
            cand --attempt 'Only this attempt'
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -f 'Keep printing new lines until the task ends'
            cand --follow 'Keep printing new lines until the task ends'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;cancel'= {
            cand --reason 'Why (kept on the task)'
            cand --status 'With --all: which status to cancel (only pending is accepted)'
            cand --problem 'With --all: only this problem id'
            cand --queue 'With --all: only this queue'
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand --all 'Cancel every matching pending task (needs --status pending)'
            cand -y 'Do not ask for confirmation'
            cand --yes 'Do not ask for confirmation'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;retry'= {
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;workers'= {
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand drain 'Ask a worker to finish its running tasks, claim nothing more and exit'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'aiops;workers;drain'= {
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;workers;help'= {
            cand drain 'Ask a worker to finish its running tasks, claim nothing more and exit'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'aiops;workers;help;drain'= {
        }
        &'aiops;workers;help;help'= {
        }
        &'aiops;queues'= {
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'Queues with pending and running tasks, live workers, and whether each is paused'
            cand pause 'Stop claims from a queue; its running tasks go on'
            cand resume 'Let workers claim from a paused queue again'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'aiops;queues;list'= {
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;queues;pause'= {
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;queues;resume'= {
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;queues;help'= {
            cand list 'Queues with pending and running tasks, live workers, and whether each is paused'
            cand pause 'Stop claims from a queue; its running tasks go on'
            cand resume 'Let workers claim from a paused queue again'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'aiops;queues;help;list'= {
        }
        &'aiops;queues;help;pause'= {
        }
        &'aiops;queues;help;resume'= {
        }
        &'aiops;queues;help;help'= {
        }
        &'aiops;worker'= {
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand run 'Claim and run tasks on one cluster until stopped'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'aiops;worker;run'= {
            cand --cluster 'Cluster this worker owns (one live worker per cluster)'
            cand --server 'Take tasks through this `aiops serve` (its root URL) instead of the database: the worker then needs no database URL and holds no database connection'
            cand --token 'With --server: the server''s bearer token (ignored without --server, so one environment can hold it for serve and direct workers alike)'
            cand --backend 'Cluster backend'
            cand --id 'Worker id [default: the cluster name]'
            cand --queue 'Queues to serve; repeatable [default: default]'
            cand --concurrency 'Tasks run at once'
            cand --exec 'Run each task with `sh -c CMD` instead of the AIOpsLab runner'
            cand --python 'Python for the AIOpsLab runner'
            cand --kubeconfig 'Kubeconfig of the cluster (backend existing)'
            cand --kind-config 'kind config used with --create-cluster / --recreate-cluster'
            cand --heartbeat 'Heartbeat interval; a task''s lease lasts 3 heartbeats'
            cand --poll 'Polling backstop when no notification arrives'
            cand --shutdown-grace 'On the first signal, wait this long for running tasks before stopping them [default: until they end]'
            cand --kill-grace 'Time between SIGTERM and SIGKILL when stopping a task''s processes, so AIOpsLab can recover its fault and clean up [default: 3m for the AIOpsLab runner, 10s with --exec]'
            cand --results-dir 'Keep AIOpsLab''s own session file of each attempt under DIR/<task id>-<attempt>/'
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand --create-cluster 'Create the kind cluster if it does not exist'
            cand --recreate-cluster 'Delete and recreate the kind cluster before each task'
            cand --delete-cluster-on-exit 'Delete the kind cluster when the worker exits'
            cand --once 'Run one task, then exit'
            cand --drain 'Exit when nothing is claimable'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;worker;help'= {
            cand run 'Claim and run tasks on one cluster until stopped'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'aiops;worker;help;run'= {
        }
        &'aiops;worker;help;help'= {
        }
        &'aiops;problems'= {
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List known problems with task counts'
            cand import 'Import problem ids from a file (JSON array, JSON Lines or one id per line) or the runner'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'aiops;problems;list'= {
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;problems;import'= {
            cand --python 'Python for the AIOpsLab runner'
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand --from-runner 'Ask the AIOpsLab runner for its registry'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;problems;help'= {
            cand list 'List known problems with task counts'
            cand import 'Import problem ids from a file (JSON array, JSON Lines or one id per line) or the runner'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'aiops;problems;help;list'= {
        }
        &'aiops;problems;help;import'= {
        }
        &'aiops;problems;help;help'= {
        }
        &'aiops;serve'= {
            cand --bind 'Address to listen on; anything but loopback needs --token'
            cand --token 'Bearer token every route but /healthz and /readyz requires'
            cand --read-only-token 'A second token that may read (the API''s GET routes, the dashboard) but not act'
            cand --max-body-bytes 'Largest accepted request body'
            cand --max-connections 'Most PostgreSQL connections the server holds (at least 3)'
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand --allow-unauthenticated 'Allow a non-loopback bind without a token'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;stats'= {
            cand --since 'Only tasks created within this long, e.g. 24h'
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;export'= {
            cand --status 'Only these statuses, comma separated [default: every finished status]'
            cand --problem 'Only this problem id'
            cand --since 'Only tasks created within this long'
            cand --experiment 'Only the tasks of this experiment'
            cand --output-file 'Write here instead of stdout'
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;prune'= {
            cand --older-than 'Delete finished tasks that ended longer ago than this, e.g. 30d'
            cand --status 'Only these finished statuses, comma separated'
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand --dry-run 'Show what would be deleted, delete nothing'
            cand -y 'Do not ask for confirmation'
            cand --yes 'Do not ask for confirmation'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;limits'= {
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand set 'Set a key''s cap: at most N of its tasks run at once (0 holds them back)'
            cand list 'List caps with running and pending counts'
            cand clear 'Remove a key''s cap'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'aiops;limits;set'= {
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;limits;list'= {
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;limits;clear'= {
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;limits;help'= {
            cand set 'Set a key''s cap: at most N of its tasks run at once (0 holds them back)'
            cand list 'List caps with running and pending counts'
            cand clear 'Remove a key''s cap'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'aiops;limits;help;set'= {
        }
        &'aiops;limits;help;list'= {
        }
        &'aiops;limits;help;clear'= {
        }
        &'aiops;limits;help;help'= {
        }
        &'aiops;experiment'= {
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand submit 'Submit every task of a spec in one transaction; again, it adds nothing'
            cand list 'List experiments with their tasks counted by status'
            cand status 'Done/total per agent and task type, failures and ETA'
            cand cancel 'Cancel every unfinished task of an experiment'
            cand retry 'Re-queue an experiment''s failed and timed-out tasks'
            cand report 'The results table: accuracy with 95 % interval, time-to-X, steps, tokens, cost'
            cand compare 'Two experiments per task type: accuracy difference with its interval, time and tokens'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'aiops;experiment;submit'= {
            cand --name 'The experiment''s name'
            cand --problem 'Problem id, glob or ''all'' (repeatable; replaces the spec''s list)'
            cand --task-type 'Every catalog problem of this task type (repeatable; replaces the spec''s list)'
            cand --agent 'Agent NAME=module:Class or NAME=JSON object of agent, kwargs, model, concurrency_key (repeatable; replaces the spec''s agents)'
            cand --repeats 'Runs of each problem by each agent [default: 1]'
            cand --max-steps 'Most agent steps per run (1-1000)'
            cand --timeout 'Time limit of one attempt, e.g. 45m'
            cand --priority 'Priority 0-10'
            cand --max-attempts 'Attempts per task (1-20)'
            cand --queue 'Queue name'
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand --allow-unknown 'Accept problem ids the catalog does not know'
            cand --dry-run 'Print the matrix; submit nothing'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;experiment;list'= {
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;experiment;status'= {
            cand --wait-timeout 'With --wait: give up after this long (exit 13)'
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand --wait 'Block until every task has ended; exit 0 all completed, 10 any failed, 11 any timed out, 12 any cancelled, 13 wait expired'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;experiment;cancel'= {
            cand --reason 'Why (kept on each task)'
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;experiment;retry'= {
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand --failed 'Re-queue failed and timed-out tasks (required: says what is retried)'
            cand --cancelled 'Also re-queue cancelled tasks'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;experiment;report'= {
            cand --by 'Group by these columns: agent, task_type, problem'
            cand --format 'Output format [default: table, or json with -o json]'
            cand --price 'Price of a model in USD per million input and output tokens (repeatable)'
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;experiment;compare'= {
            cand --by 'Group by these columns: agent, task_type, problem'
            cand --format 'Output format [default: table, or json with -o json]'
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;experiment;help'= {
            cand submit 'Submit every task of a spec in one transaction; again, it adds nothing'
            cand list 'List experiments with their tasks counted by status'
            cand status 'Done/total per agent and task type, failures and ETA'
            cand cancel 'Cancel every unfinished task of an experiment'
            cand retry 'Re-queue an experiment''s failed and timed-out tasks'
            cand report 'The results table: accuracy with 95 % interval, time-to-X, steps, tokens, cost'
            cand compare 'Two experiments per task type: accuracy difference with its interval, time and tokens'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'aiops;experiment;help;submit'= {
        }
        &'aiops;experiment;help;list'= {
        }
        &'aiops;experiment;help;status'= {
        }
        &'aiops;experiment;help;cancel'= {
        }
        &'aiops;experiment;help;retry'= {
        }
        &'aiops;experiment;help;report'= {
        }
        &'aiops;experiment;help;compare'= {
        }
        &'aiops;experiment;help;help'= {
        }
        &'aiops;schedule'= {
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Add a schedule; its first tick is the next one after now'
            cand list 'List schedules with their next tick and last fire'
            cand pause 'Stop firing a schedule'
            cand resume 'Fire a paused schedule again, from its next tick'
            cand delete 'Delete a schedule and its fire records (its experiments stay)'
            cand fires 'Every fire of a schedule, with the experiment or task it made'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'aiops;schedule;add'= {
            cand --cron 'Cron expression: 5 fields (minute hour day month weekday), or 6 with seconds first'
            cand --tz 'IANA time zone the expression is read in'
            cand --experiment 'Submit this experiment spec (TOML or JSON) at each tick'
            cand --task 'Submit this task request (JSON, or @FILE) at each tick'
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;schedule;list'= {
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;schedule;pause'= {
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;schedule;resume'= {
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;schedule;delete'= {
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;schedule;fires'= {
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;schedule;help'= {
            cand add 'Add a schedule; its first tick is the next one after now'
            cand list 'List schedules with their next tick and last fire'
            cand pause 'Stop firing a schedule'
            cand resume 'Fire a paused schedule again, from its next tick'
            cand delete 'Delete a schedule and its fire records (its experiments stay)'
            cand fires 'Every fire of a schedule, with the experiment or task it made'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'aiops;schedule;help;add'= {
        }
        &'aiops;schedule;help;list'= {
        }
        &'aiops;schedule;help;pause'= {
        }
        &'aiops;schedule;help;resume'= {
        }
        &'aiops;schedule;help;delete'= {
        }
        &'aiops;schedule;help;fires'= {
        }
        &'aiops;schedule;help;help'= {
        }
        &'aiops;bench'= {
            cand --tasks 'Tasks to enqueue and drain'
            cand --workers 'Workers draining at once'
            cand --concurrency 'Executor slots per worker, as `worker run --concurrency`'
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;doctor'= {
            cand --cluster 'The worker''s cluster; without it the cluster is not checked'
            cand --backend 'Cluster backend the worker will use'
            cand --kubeconfig 'Kubeconfig of the cluster (backend existing)'
            cand --python 'Python for the AIOpsLab runner'
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;db'= {
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand migrate 'Apply pending schema migrations'
            cand status 'Show the schema version and the embedded instance'
            cand start 'Start the embedded instance (initialising it on first use)'
            cand stop 'Stop the embedded instance'
            cand url 'Print the database URL in use'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'aiops;db;migrate'= {
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;db;status'= {
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;db;start'= {
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;db;stop'= {
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;db;url'= {
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;db;help'= {
            cand migrate 'Apply pending schema migrations'
            cand status 'Show the schema version and the embedded instance'
            cand start 'Start the embedded instance (initialising it on first use)'
            cand stop 'Stop the embedded instance'
            cand url 'Print the database URL in use'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'aiops;db;help;migrate'= {
        }
        &'aiops;db;help;status'= {
        }
        &'aiops;db;help;start'= {
        }
        &'aiops;db;help;stop'= {
        }
        &'aiops;db;help;url'= {
        }
        &'aiops;db;help;help'= {
        }
        &'aiops;completions'= {
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;man'= {
            cand --database-url 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance'
            cand -o 'Output format: tables for people, one JSON document for scripts'
            cand --output 'Output format: tables for people, one JSON document for scripts'
            cand --color 'When to use colour (NO_COLOR is honoured)'
            cand -q 'Print only data (ids, tables, JSON); no progress or notes'
            cand --quiet 'Print only data (ids, tables, JSON); no progress or notes'
            cand -v 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand --verbose 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'aiops;help'= {
            cand submit 'Create a task (prints its id), or many with --from'
            cand status 'List tasks, or show every field of one'
            cand logs 'Print a task''s log'
            cand cancel 'Cancel tasks: pending at once, running by stopping their process'
            cand retry 'Re-queue failed, timed-out or cancelled tasks for one more attempt'
            cand workers 'List workers, show one, or ask one to drain'
            cand queues 'List queues, pause or resume one'
            cand worker 'Run a worker bound to one cluster'
            cand problems 'The problem catalog'
            cand serve 'Run the HTTP API and the web dashboard'
            cand stats 'Counts, success rate and wait/run times, overall and per problem and worker'
            cand export 'Finished tasks as JSON Lines: a dataset for training'
            cand prune 'Delete finished tasks and their logs older than a given age'
            cand limits 'Cap how many tasks with a concurrency key run at once, across all workers'
            cand experiment 'Problems × agents × repeats as one unit: submit, watch, report, compare'
            cand schedule 'Submit an experiment or a task at every tick of a cron expression'
            cand bench 'Measure queue throughput and pickup latency with a no-op executor'
            cand doctor 'Check every prerequisite of a worker: database, Python, AIOpsLab, tools, cluster'
            cand db 'Schema and the embedded PostgreSQL instance'
            cand completions 'Print shell completions'
            cand man 'Write man pages into a directory'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'aiops;help;submit'= {
        }
        &'aiops;help;status'= {
        }
        &'aiops;help;logs'= {
        }
        &'aiops;help;cancel'= {
        }
        &'aiops;help;retry'= {
        }
        &'aiops;help;workers'= {
            cand drain 'Ask a worker to finish its running tasks, claim nothing more and exit'
        }
        &'aiops;help;workers;drain'= {
        }
        &'aiops;help;queues'= {
            cand list 'Queues with pending and running tasks, live workers, and whether each is paused'
            cand pause 'Stop claims from a queue; its running tasks go on'
            cand resume 'Let workers claim from a paused queue again'
        }
        &'aiops;help;queues;list'= {
        }
        &'aiops;help;queues;pause'= {
        }
        &'aiops;help;queues;resume'= {
        }
        &'aiops;help;worker'= {
            cand run 'Claim and run tasks on one cluster until stopped'
        }
        &'aiops;help;worker;run'= {
        }
        &'aiops;help;problems'= {
            cand list 'List known problems with task counts'
            cand import 'Import problem ids from a file (JSON array, JSON Lines or one id per line) or the runner'
        }
        &'aiops;help;problems;list'= {
        }
        &'aiops;help;problems;import'= {
        }
        &'aiops;help;serve'= {
        }
        &'aiops;help;stats'= {
        }
        &'aiops;help;export'= {
        }
        &'aiops;help;prune'= {
        }
        &'aiops;help;limits'= {
            cand set 'Set a key''s cap: at most N of its tasks run at once (0 holds them back)'
            cand list 'List caps with running and pending counts'
            cand clear 'Remove a key''s cap'
        }
        &'aiops;help;limits;set'= {
        }
        &'aiops;help;limits;list'= {
        }
        &'aiops;help;limits;clear'= {
        }
        &'aiops;help;experiment'= {
            cand submit 'Submit every task of a spec in one transaction; again, it adds nothing'
            cand list 'List experiments with their tasks counted by status'
            cand status 'Done/total per agent and task type, failures and ETA'
            cand cancel 'Cancel every unfinished task of an experiment'
            cand retry 'Re-queue an experiment''s failed and timed-out tasks'
            cand report 'The results table: accuracy with 95 % interval, time-to-X, steps, tokens, cost'
            cand compare 'Two experiments per task type: accuracy difference with its interval, time and tokens'
        }
        &'aiops;help;experiment;submit'= {
        }
        &'aiops;help;experiment;list'= {
        }
        &'aiops;help;experiment;status'= {
        }
        &'aiops;help;experiment;cancel'= {
        }
        &'aiops;help;experiment;retry'= {
        }
        &'aiops;help;experiment;report'= {
        }
        &'aiops;help;experiment;compare'= {
        }
        &'aiops;help;schedule'= {
            cand add 'Add a schedule; its first tick is the next one after now'
            cand list 'List schedules with their next tick and last fire'
            cand pause 'Stop firing a schedule'
            cand resume 'Fire a paused schedule again, from its next tick'
            cand delete 'Delete a schedule and its fire records (its experiments stay)'
            cand fires 'Every fire of a schedule, with the experiment or task it made'
        }
        &'aiops;help;schedule;add'= {
        }
        &'aiops;help;schedule;list'= {
        }
        &'aiops;help;schedule;pause'= {
        }
        &'aiops;help;schedule;resume'= {
        }
        &'aiops;help;schedule;delete'= {
        }
        &'aiops;help;schedule;fires'= {
        }
        &'aiops;help;bench'= {
        }
        &'aiops;help;doctor'= {
        }
        &'aiops;help;db'= {
            cand migrate 'Apply pending schema migrations'
            cand status 'Show the schema version and the embedded instance'
            cand start 'Start the embedded instance (initialising it on first use)'
            cand stop 'Stop the embedded instance'
            cand url 'Print the database URL in use'
        }
        &'aiops;help;db;migrate'= {
        }
        &'aiops;help;db;status'= {
        }
        &'aiops;help;db;start'= {
        }
        &'aiops;help;db;stop'= {
        }
        &'aiops;help;db;url'= {
        }
        &'aiops;help;completions'= {
        }
        &'aiops;help;man'= {
        }
        &'aiops;help;help'= {
        }
    ]
    $completions[$command]
}
