# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_aiops_global_optspecs
    string join \n database-url= o/output= q/quiet v/verbose color= h/help V/version
end

function __fish_aiops_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_aiops_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_aiops_using_subcommand
    set -l cmd (__fish_aiops_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c aiops -n "__fish_aiops_needs_command" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_needs_command" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_needs_command" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_needs_command" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_needs_command" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_needs_command" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_needs_command" -f -a "submit" -d 'Create a task (prints its id), or many with --from'
complete -c aiops -n "__fish_aiops_needs_command" -f -a "status" -d 'List tasks, or show every field of one'
complete -c aiops -n "__fish_aiops_needs_command" -f -a "logs" -d 'Print a task\'s log'
complete -c aiops -n "__fish_aiops_needs_command" -f -a "cancel" -d 'Cancel tasks: pending at once, running by stopping their process'
complete -c aiops -n "__fish_aiops_needs_command" -f -a "retry" -d 'Re-queue failed, timed-out or cancelled tasks for one more attempt'
complete -c aiops -n "__fish_aiops_needs_command" -f -a "workers" -d 'List workers, show one, or ask one to drain'
complete -c aiops -n "__fish_aiops_needs_command" -f -a "queues" -d 'List queues, pause or resume one'
complete -c aiops -n "__fish_aiops_needs_command" -f -a "worker" -d 'Run a worker bound to one cluster'
complete -c aiops -n "__fish_aiops_needs_command" -f -a "problems" -d 'The problem catalog'
complete -c aiops -n "__fish_aiops_needs_command" -f -a "serve" -d 'Run the HTTP API and the web dashboard'
complete -c aiops -n "__fish_aiops_needs_command" -f -a "stats" -d 'Counts, success rate and wait/run times, overall and per problem and worker'
complete -c aiops -n "__fish_aiops_needs_command" -f -a "export" -d 'Finished tasks as JSON Lines: a dataset for training'
complete -c aiops -n "__fish_aiops_needs_command" -f -a "prune" -d 'Delete finished tasks and their logs older than a given age'
complete -c aiops -n "__fish_aiops_needs_command" -f -a "limits" -d 'Cap how many tasks with a concurrency key run at once, across all workers'
complete -c aiops -n "__fish_aiops_needs_command" -f -a "experiment" -d 'Problems × agents × repeats as one unit: submit, watch, report, compare'
complete -c aiops -n "__fish_aiops_needs_command" -f -a "schedule" -d 'Submit an experiment or a task at every tick of a cron expression'
complete -c aiops -n "__fish_aiops_needs_command" -f -a "bench" -d 'Measure queue throughput and pickup latency with a no-op executor'
complete -c aiops -n "__fish_aiops_needs_command" -f -a "doctor" -d 'Check every prerequisite of a worker: database, Python, AIOpsLab, tools, cluster'
complete -c aiops -n "__fish_aiops_needs_command" -f -a "db" -d 'Schema and the embedded PostgreSQL instance'
complete -c aiops -n "__fish_aiops_needs_command" -f -a "completions" -d 'Print shell completions'
complete -c aiops -n "__fish_aiops_needs_command" -f -a "man" -d 'Write man pages into a directory'
complete -c aiops -n "__fish_aiops_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c aiops -n "__fish_aiops_using_subcommand submit" -l from -d 'Bulk: one JSON task request per line from FILE or - (stdin); all or nothing' -r -F
complete -c aiops -n "__fish_aiops_using_subcommand submit" -l agent-config -d 'Agent configuration: a JSON object, or @FILE holding one' -r
complete -c aiops -n "__fish_aiops_using_subcommand submit" -l max-steps -d 'Most agent steps (1-1000) [default: 30]' -r
complete -c aiops -n "__fish_aiops_using_subcommand submit" -l timeout -d 'Time limit of one attempt, e.g. 45m (1s-24h) [default: 30m]' -r
complete -c aiops -n "__fish_aiops_using_subcommand submit" -l priority -d 'Priority 0-10, higher runs first [default: 5]' -r
complete -c aiops -n "__fish_aiops_using_subcommand submit" -l max-attempts -d 'Attempts before the task fails for good (1-20) [default: 3]' -r
complete -c aiops -n "__fish_aiops_using_subcommand submit" -l queue -d 'Queue name [default: default]' -r
complete -c aiops -n "__fish_aiops_using_subcommand submit" -l backend -d 'Only workers of this backend may run it' -r -f -a "kind\t''
existing\t''
none\t''"
complete -c aiops -n "__fish_aiops_using_subcommand submit" -l param -d 'Extra parameter KEY=VALUE (VALUE parsed as JSON when it is JSON); repeatable' -r
complete -c aiops -n "__fish_aiops_using_subcommand submit" -l metadata -d 'Metadata KEY=VALUE (VALUE parsed as JSON when it is JSON); repeatable' -r
complete -c aiops -n "__fish_aiops_using_subcommand submit" -l callback-url -d 'POST the finished task here (http or https)' -r
complete -c aiops -n "__fish_aiops_using_subcommand submit" -l idempotency-key -d 'Submitting the same key again returns the existing task' -r
complete -c aiops -n "__fish_aiops_using_subcommand submit" -l concurrency-key -d 'Concurrency key: running tasks with the same key are capped by \'aiops limits set\'' -r
complete -c aiops -n "__fish_aiops_using_subcommand submit" -l delay -d 'Start no earlier than this long from now' -r
complete -c aiops -n "__fish_aiops_using_subcommand submit" -l run-at -d 'Start no earlier than this RFC 3339 time' -r
complete -c aiops -n "__fish_aiops_using_subcommand submit" -l wait-timeout -d 'With --wait: give up after this long (exit 13)' -r
complete -c aiops -n "__fish_aiops_using_subcommand submit" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand submit" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand submit" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand submit" -l allow-unknown -d 'Accept a problem id the catalog does not know'
complete -c aiops -n "__fish_aiops_using_subcommand submit" -l wait -d 'Block until the task ends; exit 0 completed, 10 failed, 11 timeout, 12 cancelled, 13 wait expired'
complete -c aiops -n "__fish_aiops_using_subcommand submit" -l follow -d 'With --wait: stream the task\'s log meanwhile'
complete -c aiops -n "__fish_aiops_using_subcommand submit" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand submit" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand submit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand submit" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand status" -l status -d 'Only these statuses, comma separated' -r
complete -c aiops -n "__fish_aiops_using_subcommand status" -l problem -d 'Only this problem id' -r
complete -c aiops -n "__fish_aiops_using_subcommand status" -l worker -d 'Only tasks of this worker' -r
complete -c aiops -n "__fish_aiops_using_subcommand status" -l queue -d 'Only this queue' -r
complete -c aiops -n "__fish_aiops_using_subcommand status" -l since -d 'Only tasks created within this long, e.g. 2h' -r
complete -c aiops -n "__fish_aiops_using_subcommand status" -l limit -d 'Most tasks listed' -r
complete -c aiops -n "__fish_aiops_using_subcommand status" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand status" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand status" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand status" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand status" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand status" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand logs" -l tail -d 'Only the last N lines' -r
complete -c aiops -n "__fish_aiops_using_subcommand logs" -l level -d 'Only this level or worse (debug, info, warning, error, critical)' -r
complete -c aiops -n "__fish_aiops_using_subcommand logs" -l since -d 'Only lines from within this long, e.g. 10m' -r
complete -c aiops -n "__fish_aiops_using_subcommand logs" -l attempt -d 'Only this attempt' -r
complete -c aiops -n "__fish_aiops_using_subcommand logs" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand logs" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand logs" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand logs" -s f -l follow -d 'Keep printing new lines until the task ends'
complete -c aiops -n "__fish_aiops_using_subcommand logs" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand logs" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand logs" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand logs" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand cancel" -l reason -d 'Why (kept on the task)' -r
complete -c aiops -n "__fish_aiops_using_subcommand cancel" -l status -d 'With --all: which status to cancel (only pending is accepted)' -r
complete -c aiops -n "__fish_aiops_using_subcommand cancel" -l problem -d 'With --all: only this problem id' -r
complete -c aiops -n "__fish_aiops_using_subcommand cancel" -l queue -d 'With --all: only this queue' -r
complete -c aiops -n "__fish_aiops_using_subcommand cancel" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand cancel" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand cancel" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand cancel" -l all -d 'Cancel every matching pending task (needs --status pending)'
complete -c aiops -n "__fish_aiops_using_subcommand cancel" -s y -l yes -d 'Do not ask for confirmation'
complete -c aiops -n "__fish_aiops_using_subcommand cancel" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand cancel" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand cancel" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand cancel" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand retry" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand retry" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand retry" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand retry" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand retry" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand retry" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand retry" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand workers; and not __fish_seen_subcommand_from drain help" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand workers; and not __fish_seen_subcommand_from drain help" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand workers; and not __fish_seen_subcommand_from drain help" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand workers; and not __fish_seen_subcommand_from drain help" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand workers; and not __fish_seen_subcommand_from drain help" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand workers; and not __fish_seen_subcommand_from drain help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand workers; and not __fish_seen_subcommand_from drain help" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand workers; and not __fish_seen_subcommand_from drain help" -a "drain" -d 'Ask a worker to finish its running tasks, claim nothing more and exit'
complete -c aiops -n "__fish_aiops_using_subcommand workers; and not __fish_seen_subcommand_from drain help" -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c aiops -n "__fish_aiops_using_subcommand workers; and __fish_seen_subcommand_from drain" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand workers; and __fish_seen_subcommand_from drain" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand workers; and __fish_seen_subcommand_from drain" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand workers; and __fish_seen_subcommand_from drain" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand workers; and __fish_seen_subcommand_from drain" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand workers; and __fish_seen_subcommand_from drain" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand workers; and __fish_seen_subcommand_from drain" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand workers; and __fish_seen_subcommand_from help" -f -a "drain" -d 'Ask a worker to finish its running tasks, claim nothing more and exit'
complete -c aiops -n "__fish_aiops_using_subcommand workers; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c aiops -n "__fish_aiops_using_subcommand queues; and not __fish_seen_subcommand_from list pause resume help" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand queues; and not __fish_seen_subcommand_from list pause resume help" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand queues; and not __fish_seen_subcommand_from list pause resume help" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand queues; and not __fish_seen_subcommand_from list pause resume help" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand queues; and not __fish_seen_subcommand_from list pause resume help" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand queues; and not __fish_seen_subcommand_from list pause resume help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand queues; and not __fish_seen_subcommand_from list pause resume help" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand queues; and not __fish_seen_subcommand_from list pause resume help" -f -a "list" -d 'Queues with pending and running tasks, live workers, and whether each is paused'
complete -c aiops -n "__fish_aiops_using_subcommand queues; and not __fish_seen_subcommand_from list pause resume help" -f -a "pause" -d 'Stop claims from a queue; its running tasks go on'
complete -c aiops -n "__fish_aiops_using_subcommand queues; and not __fish_seen_subcommand_from list pause resume help" -f -a "resume" -d 'Let workers claim from a paused queue again'
complete -c aiops -n "__fish_aiops_using_subcommand queues; and not __fish_seen_subcommand_from list pause resume help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c aiops -n "__fish_aiops_using_subcommand queues; and __fish_seen_subcommand_from list" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand queues; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand queues; and __fish_seen_subcommand_from list" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand queues; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand queues; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand queues; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand queues; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand queues; and __fish_seen_subcommand_from pause" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand queues; and __fish_seen_subcommand_from pause" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand queues; and __fish_seen_subcommand_from pause" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand queues; and __fish_seen_subcommand_from pause" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand queues; and __fish_seen_subcommand_from pause" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand queues; and __fish_seen_subcommand_from pause" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand queues; and __fish_seen_subcommand_from pause" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand queues; and __fish_seen_subcommand_from resume" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand queues; and __fish_seen_subcommand_from resume" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand queues; and __fish_seen_subcommand_from resume" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand queues; and __fish_seen_subcommand_from resume" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand queues; and __fish_seen_subcommand_from resume" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand queues; and __fish_seen_subcommand_from resume" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand queues; and __fish_seen_subcommand_from resume" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand queues; and __fish_seen_subcommand_from help" -f -a "list" -d 'Queues with pending and running tasks, live workers, and whether each is paused'
complete -c aiops -n "__fish_aiops_using_subcommand queues; and __fish_seen_subcommand_from help" -f -a "pause" -d 'Stop claims from a queue; its running tasks go on'
complete -c aiops -n "__fish_aiops_using_subcommand queues; and __fish_seen_subcommand_from help" -f -a "resume" -d 'Let workers claim from a paused queue again'
complete -c aiops -n "__fish_aiops_using_subcommand queues; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c aiops -n "__fish_aiops_using_subcommand worker; and not __fish_seen_subcommand_from run help" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand worker; and not __fish_seen_subcommand_from run help" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand worker; and not __fish_seen_subcommand_from run help" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand worker; and not __fish_seen_subcommand_from run help" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand worker; and not __fish_seen_subcommand_from run help" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand worker; and not __fish_seen_subcommand_from run help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand worker; and not __fish_seen_subcommand_from run help" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand worker; and not __fish_seen_subcommand_from run help" -f -a "run" -d 'Claim and run tasks on one cluster until stopped'
complete -c aiops -n "__fish_aiops_using_subcommand worker; and not __fish_seen_subcommand_from run help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c aiops -n "__fish_aiops_using_subcommand worker; and __fish_seen_subcommand_from run" -l cluster -d 'Cluster this worker owns (one live worker per cluster)' -r
complete -c aiops -n "__fish_aiops_using_subcommand worker; and __fish_seen_subcommand_from run" -l server -d 'Take tasks through this `aiops serve` (its root URL) instead of the database: the worker then needs no database URL and holds no database connection' -r
complete -c aiops -n "__fish_aiops_using_subcommand worker; and __fish_seen_subcommand_from run" -l token -d 'With --server: the server\'s bearer token (ignored without --server, so one environment can hold it for serve and direct workers alike)' -r
complete -c aiops -n "__fish_aiops_using_subcommand worker; and __fish_seen_subcommand_from run" -l backend -d 'Cluster backend' -r -f -a "kind\t'A kind cluster named --cluster (found, or made with --create-cluster)'
existing\t'An existing cluster reached through --kubeconfig'
none\t'No cluster (plain shell jobs)'"
complete -c aiops -n "__fish_aiops_using_subcommand worker; and __fish_seen_subcommand_from run" -l id -d 'Worker id [default: the cluster name]' -r
complete -c aiops -n "__fish_aiops_using_subcommand worker; and __fish_seen_subcommand_from run" -l queue -d 'Queues to serve; repeatable [default: default]' -r
complete -c aiops -n "__fish_aiops_using_subcommand worker; and __fish_seen_subcommand_from run" -l concurrency -d 'Tasks run at once' -r
complete -c aiops -n "__fish_aiops_using_subcommand worker; and __fish_seen_subcommand_from run" -l exec -d 'Run each task with `sh -c CMD` instead of the AIOpsLab runner' -r
complete -c aiops -n "__fish_aiops_using_subcommand worker; and __fish_seen_subcommand_from run" -l python -d 'Python for the AIOpsLab runner' -r
complete -c aiops -n "__fish_aiops_using_subcommand worker; and __fish_seen_subcommand_from run" -l kubeconfig -d 'Kubeconfig of the cluster (backend existing)' -r -F
complete -c aiops -n "__fish_aiops_using_subcommand worker; and __fish_seen_subcommand_from run" -l kind-config -d 'kind config used with --create-cluster / --recreate-cluster' -r -F
complete -c aiops -n "__fish_aiops_using_subcommand worker; and __fish_seen_subcommand_from run" -l heartbeat -d 'Heartbeat interval; a task\'s lease lasts 3 heartbeats' -r
complete -c aiops -n "__fish_aiops_using_subcommand worker; and __fish_seen_subcommand_from run" -l poll -d 'Polling backstop when no notification arrives' -r
complete -c aiops -n "__fish_aiops_using_subcommand worker; and __fish_seen_subcommand_from run" -l shutdown-grace -d 'On the first signal, wait this long for running tasks before stopping them [default: until they end]' -r
complete -c aiops -n "__fish_aiops_using_subcommand worker; and __fish_seen_subcommand_from run" -l kill-grace -d 'Time between SIGTERM and SIGKILL when stopping a task\'s processes, so AIOpsLab can recover its fault and clean up [default: 3m for the AIOpsLab runner, 10s with --exec]' -r
complete -c aiops -n "__fish_aiops_using_subcommand worker; and __fish_seen_subcommand_from run" -l results-dir -d 'Keep AIOpsLab\'s own session file of each attempt under DIR/<task id>-<attempt>/' -r -F
complete -c aiops -n "__fish_aiops_using_subcommand worker; and __fish_seen_subcommand_from run" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand worker; and __fish_seen_subcommand_from run" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand worker; and __fish_seen_subcommand_from run" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand worker; and __fish_seen_subcommand_from run" -l create-cluster -d 'Create the kind cluster if it does not exist'
complete -c aiops -n "__fish_aiops_using_subcommand worker; and __fish_seen_subcommand_from run" -l recreate-cluster -d 'Delete and recreate the kind cluster before each task'
complete -c aiops -n "__fish_aiops_using_subcommand worker; and __fish_seen_subcommand_from run" -l delete-cluster-on-exit -d 'Delete the kind cluster when the worker exits'
complete -c aiops -n "__fish_aiops_using_subcommand worker; and __fish_seen_subcommand_from run" -l once -d 'Run one task, then exit'
complete -c aiops -n "__fish_aiops_using_subcommand worker; and __fish_seen_subcommand_from run" -l drain -d 'Exit when nothing is claimable'
complete -c aiops -n "__fish_aiops_using_subcommand worker; and __fish_seen_subcommand_from run" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand worker; and __fish_seen_subcommand_from run" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand worker; and __fish_seen_subcommand_from run" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand worker; and __fish_seen_subcommand_from run" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand worker; and __fish_seen_subcommand_from help" -f -a "run" -d 'Claim and run tasks on one cluster until stopped'
complete -c aiops -n "__fish_aiops_using_subcommand worker; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c aiops -n "__fish_aiops_using_subcommand problems; and not __fish_seen_subcommand_from list import help" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand problems; and not __fish_seen_subcommand_from list import help" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand problems; and not __fish_seen_subcommand_from list import help" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand problems; and not __fish_seen_subcommand_from list import help" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand problems; and not __fish_seen_subcommand_from list import help" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand problems; and not __fish_seen_subcommand_from list import help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand problems; and not __fish_seen_subcommand_from list import help" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand problems; and not __fish_seen_subcommand_from list import help" -f -a "list" -d 'List known problems with task counts'
complete -c aiops -n "__fish_aiops_using_subcommand problems; and not __fish_seen_subcommand_from list import help" -f -a "import" -d 'Import problem ids from a file (JSON array, JSON Lines or one id per line) or the runner'
complete -c aiops -n "__fish_aiops_using_subcommand problems; and not __fish_seen_subcommand_from list import help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c aiops -n "__fish_aiops_using_subcommand problems; and __fish_seen_subcommand_from list" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand problems; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand problems; and __fish_seen_subcommand_from list" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand problems; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand problems; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand problems; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand problems; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand problems; and __fish_seen_subcommand_from import" -l python -d 'Python for the AIOpsLab runner' -r
complete -c aiops -n "__fish_aiops_using_subcommand problems; and __fish_seen_subcommand_from import" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand problems; and __fish_seen_subcommand_from import" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand problems; and __fish_seen_subcommand_from import" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand problems; and __fish_seen_subcommand_from import" -l from-runner -d 'Ask the AIOpsLab runner for its registry'
complete -c aiops -n "__fish_aiops_using_subcommand problems; and __fish_seen_subcommand_from import" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand problems; and __fish_seen_subcommand_from import" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand problems; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand problems; and __fish_seen_subcommand_from import" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand problems; and __fish_seen_subcommand_from help" -f -a "list" -d 'List known problems with task counts'
complete -c aiops -n "__fish_aiops_using_subcommand problems; and __fish_seen_subcommand_from help" -f -a "import" -d 'Import problem ids from a file (JSON array, JSON Lines or one id per line) or the runner'
complete -c aiops -n "__fish_aiops_using_subcommand problems; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c aiops -n "__fish_aiops_using_subcommand serve" -l bind -d 'Address to listen on; anything but loopback needs --token' -r
complete -c aiops -n "__fish_aiops_using_subcommand serve" -l token -d 'Bearer token every route but /healthz and /readyz requires' -r
complete -c aiops -n "__fish_aiops_using_subcommand serve" -l read-only-token -d 'A second token that may read (the API\'s GET routes, the dashboard) but not act' -r
complete -c aiops -n "__fish_aiops_using_subcommand serve" -l max-body-bytes -d 'Largest accepted request body' -r
complete -c aiops -n "__fish_aiops_using_subcommand serve" -l max-connections -d 'Most PostgreSQL connections the server holds (at least 3)' -r
complete -c aiops -n "__fish_aiops_using_subcommand serve" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand serve" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand serve" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand serve" -l allow-unauthenticated -d 'Allow a non-loopback bind without a token'
complete -c aiops -n "__fish_aiops_using_subcommand serve" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand serve" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand serve" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand stats" -l since -d 'Only tasks created within this long, e.g. 24h' -r
complete -c aiops -n "__fish_aiops_using_subcommand stats" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand stats" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand stats" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand stats" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand stats" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand stats" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand stats" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand export" -l status -d 'Only these statuses, comma separated [default: every finished status]' -r
complete -c aiops -n "__fish_aiops_using_subcommand export" -l problem -d 'Only this problem id' -r
complete -c aiops -n "__fish_aiops_using_subcommand export" -l since -d 'Only tasks created within this long' -r
complete -c aiops -n "__fish_aiops_using_subcommand export" -l experiment -d 'Only the tasks of this experiment' -r
complete -c aiops -n "__fish_aiops_using_subcommand export" -l output-file -d 'Write here instead of stdout' -r -F
complete -c aiops -n "__fish_aiops_using_subcommand export" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand export" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand export" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand export" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand export" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand export" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand prune" -l older-than -d 'Delete finished tasks that ended longer ago than this, e.g. 30d' -r
complete -c aiops -n "__fish_aiops_using_subcommand prune" -l status -d 'Only these finished statuses, comma separated' -r
complete -c aiops -n "__fish_aiops_using_subcommand prune" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand prune" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand prune" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand prune" -l dry-run -d 'Show what would be deleted, delete nothing'
complete -c aiops -n "__fish_aiops_using_subcommand prune" -s y -l yes -d 'Do not ask for confirmation'
complete -c aiops -n "__fish_aiops_using_subcommand prune" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand prune" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand prune" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand prune" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand limits; and not __fish_seen_subcommand_from set list clear help" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand limits; and not __fish_seen_subcommand_from set list clear help" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand limits; and not __fish_seen_subcommand_from set list clear help" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand limits; and not __fish_seen_subcommand_from set list clear help" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand limits; and not __fish_seen_subcommand_from set list clear help" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand limits; and not __fish_seen_subcommand_from set list clear help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand limits; and not __fish_seen_subcommand_from set list clear help" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand limits; and not __fish_seen_subcommand_from set list clear help" -f -a "set" -d 'Set a key\'s cap: at most N of its tasks run at once (0 holds them back)'
complete -c aiops -n "__fish_aiops_using_subcommand limits; and not __fish_seen_subcommand_from set list clear help" -f -a "list" -d 'List caps with running and pending counts'
complete -c aiops -n "__fish_aiops_using_subcommand limits; and not __fish_seen_subcommand_from set list clear help" -f -a "clear" -d 'Remove a key\'s cap'
complete -c aiops -n "__fish_aiops_using_subcommand limits; and not __fish_seen_subcommand_from set list clear help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c aiops -n "__fish_aiops_using_subcommand limits; and __fish_seen_subcommand_from set" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand limits; and __fish_seen_subcommand_from set" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand limits; and __fish_seen_subcommand_from set" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand limits; and __fish_seen_subcommand_from set" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand limits; and __fish_seen_subcommand_from set" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand limits; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand limits; and __fish_seen_subcommand_from set" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand limits; and __fish_seen_subcommand_from list" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand limits; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand limits; and __fish_seen_subcommand_from list" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand limits; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand limits; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand limits; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand limits; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand limits; and __fish_seen_subcommand_from clear" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand limits; and __fish_seen_subcommand_from clear" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand limits; and __fish_seen_subcommand_from clear" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand limits; and __fish_seen_subcommand_from clear" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand limits; and __fish_seen_subcommand_from clear" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand limits; and __fish_seen_subcommand_from clear" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand limits; and __fish_seen_subcommand_from clear" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand limits; and __fish_seen_subcommand_from help" -f -a "set" -d 'Set a key\'s cap: at most N of its tasks run at once (0 holds them back)'
complete -c aiops -n "__fish_aiops_using_subcommand limits; and __fish_seen_subcommand_from help" -f -a "list" -d 'List caps with running and pending counts'
complete -c aiops -n "__fish_aiops_using_subcommand limits; and __fish_seen_subcommand_from help" -f -a "clear" -d 'Remove a key\'s cap'
complete -c aiops -n "__fish_aiops_using_subcommand limits; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and not __fish_seen_subcommand_from submit list status cancel retry report compare help" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and not __fish_seen_subcommand_from submit list status cancel retry report compare help" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and not __fish_seen_subcommand_from submit list status cancel retry report compare help" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and not __fish_seen_subcommand_from submit list status cancel retry report compare help" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and not __fish_seen_subcommand_from submit list status cancel retry report compare help" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and not __fish_seen_subcommand_from submit list status cancel retry report compare help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and not __fish_seen_subcommand_from submit list status cancel retry report compare help" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and not __fish_seen_subcommand_from submit list status cancel retry report compare help" -f -a "submit" -d 'Submit every task of a spec in one transaction; again, it adds nothing'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and not __fish_seen_subcommand_from submit list status cancel retry report compare help" -f -a "list" -d 'List experiments with their tasks counted by status'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and not __fish_seen_subcommand_from submit list status cancel retry report compare help" -f -a "status" -d 'Done/total per agent and task type, failures and ETA'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and not __fish_seen_subcommand_from submit list status cancel retry report compare help" -f -a "cancel" -d 'Cancel every unfinished task of an experiment'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and not __fish_seen_subcommand_from submit list status cancel retry report compare help" -f -a "retry" -d 'Re-queue an experiment\'s failed and timed-out tasks'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and not __fish_seen_subcommand_from submit list status cancel retry report compare help" -f -a "report" -d 'The results table: accuracy with 95 % interval, time-to-X, steps, tokens, cost'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and not __fish_seen_subcommand_from submit list status cancel retry report compare help" -f -a "compare" -d 'Two experiments per task type: accuracy difference with its interval, time and tokens'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and not __fish_seen_subcommand_from submit list status cancel retry report compare help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from submit" -l name -d 'The experiment\'s name' -r
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from submit" -l problem -d 'Problem id, glob or \'all\' (repeatable; replaces the spec\'s list)' -r
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from submit" -l task-type -d 'Every catalog problem of this task type (repeatable; replaces the spec\'s list)' -r -f -a "detection\t''
localization\t''
analysis\t''
mitigation\t''"
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from submit" -l agent -d 'Agent NAME=module:Class or NAME=JSON object of agent, kwargs, model, concurrency_key (repeatable; replaces the spec\'s agents)' -r
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from submit" -l repeats -d 'Runs of each problem by each agent [default: 1]' -r
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from submit" -l max-steps -d 'Most agent steps per run (1-1000)' -r
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from submit" -l timeout -d 'Time limit of one attempt, e.g. 45m' -r
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from submit" -l priority -d 'Priority 0-10' -r
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from submit" -l max-attempts -d 'Attempts per task (1-20)' -r
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from submit" -l queue -d 'Queue name' -r
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from submit" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from submit" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from submit" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from submit" -l allow-unknown -d 'Accept problem ids the catalog does not know'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from submit" -l dry-run -d 'Print the matrix; submit nothing'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from submit" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from submit" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from submit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from submit" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from list" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from list" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from status" -l wait-timeout -d 'With --wait: give up after this long (exit 13)' -r
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from status" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from status" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from status" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from status" -l wait -d 'Block until every task has ended; exit 0 all completed, 10 any failed, 11 any timed out, 12 any cancelled, 13 wait expired'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from status" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from cancel" -l reason -d 'Why (kept on each task)' -r
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from cancel" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from cancel" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from cancel" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from cancel" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from cancel" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from cancel" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from cancel" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from retry" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from retry" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from retry" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from retry" -l failed -d 'Re-queue failed and timed-out tasks (required: says what is retried)'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from retry" -l cancelled -d 'Also re-queue cancelled tasks'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from retry" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from retry" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from retry" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from retry" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from report" -l by -d 'Group by these columns: agent, task_type, problem' -r
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from report" -l format -d 'Output format [default: table, or json with -o json]' -r -f -a "table\t'A table for people'
json\t'One JSON document'
csv\t'Comma-separated values with a header'
markdown\t'A GitHub-flavoured Markdown table'"
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from report" -l price -d 'Price of a model in USD per million input and output tokens (repeatable)' -r
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from report" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from report" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from report" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from report" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from report" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from report" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from report" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from compare" -l by -d 'Group by these columns: agent, task_type, problem' -r
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from compare" -l format -d 'Output format [default: table, or json with -o json]' -r -f -a "table\t'A table for people'
json\t'One JSON document'
csv\t'Comma-separated values with a header'
markdown\t'A GitHub-flavoured Markdown table'"
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from compare" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from compare" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from compare" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from compare" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from compare" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from compare" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from compare" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from help" -f -a "submit" -d 'Submit every task of a spec in one transaction; again, it adds nothing'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from help" -f -a "list" -d 'List experiments with their tasks counted by status'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from help" -f -a "status" -d 'Done/total per agent and task type, failures and ETA'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from help" -f -a "cancel" -d 'Cancel every unfinished task of an experiment'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from help" -f -a "retry" -d 'Re-queue an experiment\'s failed and timed-out tasks'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from help" -f -a "report" -d 'The results table: accuracy with 95 % interval, time-to-X, steps, tokens, cost'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from help" -f -a "compare" -d 'Two experiments per task type: accuracy difference with its interval, time and tokens'
complete -c aiops -n "__fish_aiops_using_subcommand experiment; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and not __fish_seen_subcommand_from add list pause resume delete fires help" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and not __fish_seen_subcommand_from add list pause resume delete fires help" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and not __fish_seen_subcommand_from add list pause resume delete fires help" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and not __fish_seen_subcommand_from add list pause resume delete fires help" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and not __fish_seen_subcommand_from add list pause resume delete fires help" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and not __fish_seen_subcommand_from add list pause resume delete fires help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and not __fish_seen_subcommand_from add list pause resume delete fires help" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and not __fish_seen_subcommand_from add list pause resume delete fires help" -f -a "add" -d 'Add a schedule; its first tick is the next one after now'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and not __fish_seen_subcommand_from add list pause resume delete fires help" -f -a "list" -d 'List schedules with their next tick and last fire'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and not __fish_seen_subcommand_from add list pause resume delete fires help" -f -a "pause" -d 'Stop firing a schedule'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and not __fish_seen_subcommand_from add list pause resume delete fires help" -f -a "resume" -d 'Fire a paused schedule again, from its next tick'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and not __fish_seen_subcommand_from add list pause resume delete fires help" -f -a "delete" -d 'Delete a schedule and its fire records (its experiments stay)'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and not __fish_seen_subcommand_from add list pause resume delete fires help" -f -a "fires" -d 'Every fire of a schedule, with the experiment or task it made'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and not __fish_seen_subcommand_from add list pause resume delete fires help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from add" -l cron -d 'Cron expression: 5 fields (minute hour day month weekday), or 6 with seconds first' -r
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from add" -l tz -d 'IANA time zone the expression is read in' -r
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from add" -l experiment -d 'Submit this experiment spec (TOML or JSON) at each tick' -r -F
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from add" -l task -d 'Submit this task request (JSON, or @FILE) at each tick' -r
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from add" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from add" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from add" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from add" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from list" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from list" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from pause" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from pause" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from pause" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from pause" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from pause" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from pause" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from pause" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from resume" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from resume" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from resume" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from resume" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from resume" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from resume" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from resume" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from delete" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from delete" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from delete" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from delete" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from delete" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from fires" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from fires" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from fires" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from fires" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from fires" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from fires" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from fires" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a schedule; its first tick is the next one after now'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from help" -f -a "list" -d 'List schedules with their next tick and last fire'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from help" -f -a "pause" -d 'Stop firing a schedule'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from help" -f -a "resume" -d 'Fire a paused schedule again, from its next tick'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a schedule and its fire records (its experiments stay)'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from help" -f -a "fires" -d 'Every fire of a schedule, with the experiment or task it made'
complete -c aiops -n "__fish_aiops_using_subcommand schedule; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c aiops -n "__fish_aiops_using_subcommand bench" -l tasks -d 'Tasks to enqueue and drain' -r
complete -c aiops -n "__fish_aiops_using_subcommand bench" -l workers -d 'Workers draining at once' -r
complete -c aiops -n "__fish_aiops_using_subcommand bench" -l concurrency -d 'Executor slots per worker, as `worker run --concurrency`' -r
complete -c aiops -n "__fish_aiops_using_subcommand bench" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand bench" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand bench" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand bench" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand bench" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand bench" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand bench" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand doctor" -l cluster -d 'The worker\'s cluster; without it the cluster is not checked' -r
complete -c aiops -n "__fish_aiops_using_subcommand doctor" -l backend -d 'Cluster backend the worker will use' -r -f -a "kind\t'A kind cluster named --cluster (found, or made with --create-cluster)'
existing\t'An existing cluster reached through --kubeconfig'
none\t'No cluster (plain shell jobs)'"
complete -c aiops -n "__fish_aiops_using_subcommand doctor" -l kubeconfig -d 'Kubeconfig of the cluster (backend existing)' -r -F
complete -c aiops -n "__fish_aiops_using_subcommand doctor" -l python -d 'Python for the AIOpsLab runner' -r
complete -c aiops -n "__fish_aiops_using_subcommand doctor" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand doctor" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand doctor" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand doctor" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand doctor" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand doctor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand db; and not __fish_seen_subcommand_from migrate status start stop url help" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand db; and not __fish_seen_subcommand_from migrate status start stop url help" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand db; and not __fish_seen_subcommand_from migrate status start stop url help" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand db; and not __fish_seen_subcommand_from migrate status start stop url help" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand db; and not __fish_seen_subcommand_from migrate status start stop url help" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand db; and not __fish_seen_subcommand_from migrate status start stop url help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand db; and not __fish_seen_subcommand_from migrate status start stop url help" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand db; and not __fish_seen_subcommand_from migrate status start stop url help" -f -a "migrate" -d 'Apply pending schema migrations'
complete -c aiops -n "__fish_aiops_using_subcommand db; and not __fish_seen_subcommand_from migrate status start stop url help" -f -a "status" -d 'Show the schema version and the embedded instance'
complete -c aiops -n "__fish_aiops_using_subcommand db; and not __fish_seen_subcommand_from migrate status start stop url help" -f -a "start" -d 'Start the embedded instance (initialising it on first use)'
complete -c aiops -n "__fish_aiops_using_subcommand db; and not __fish_seen_subcommand_from migrate status start stop url help" -f -a "stop" -d 'Stop the embedded instance'
complete -c aiops -n "__fish_aiops_using_subcommand db; and not __fish_seen_subcommand_from migrate status start stop url help" -f -a "url" -d 'Print the database URL in use'
complete -c aiops -n "__fish_aiops_using_subcommand db; and not __fish_seen_subcommand_from migrate status start stop url help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from migrate" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from migrate" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from migrate" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from migrate" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from migrate" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from migrate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from migrate" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from status" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from status" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from status" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from status" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from status" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from start" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from start" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from start" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from start" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from start" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from start" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from start" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from stop" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from stop" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from stop" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from stop" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from stop" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from stop" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from stop" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from url" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from url" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from url" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from url" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from url" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from url" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from url" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "migrate" -d 'Apply pending schema migrations'
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "status" -d 'Show the schema version and the embedded instance'
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "start" -d 'Start the embedded instance (initialising it on first use)'
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "stop" -d 'Stop the embedded instance'
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "url" -d 'Print the database URL in use'
complete -c aiops -n "__fish_aiops_using_subcommand db; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c aiops -n "__fish_aiops_using_subcommand completions" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand completions" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand completions" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand completions" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand completions" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand completions" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand man" -l database-url -d 'PostgreSQL URL; without it DATABASE_URL, else the embedded instance' -r
complete -c aiops -n "__fish_aiops_using_subcommand man" -s o -l output -d 'Output format: tables for people, one JSON document for scripts' -r -f -a "table\t'Human tables and text'
json\t'Exactly one JSON document'"
complete -c aiops -n "__fish_aiops_using_subcommand man" -l color -d 'When to use colour (NO_COLOR is honoured)' -r -f -a "auto\t'Colour when stderr is a terminal and NO_COLOR is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c aiops -n "__fish_aiops_using_subcommand man" -s q -l quiet -d 'Print only data (ids, tables, JSON); no progress or notes'
complete -c aiops -n "__fish_aiops_using_subcommand man" -s v -l verbose -d 'More diagnostics on stderr (repeat for more); AIOPS_LOG or RUST_LOG filter too'
complete -c aiops -n "__fish_aiops_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c aiops -n "__fish_aiops_using_subcommand man" -s V -l version -d 'Print version'
complete -c aiops -n "__fish_aiops_using_subcommand help; and not __fish_seen_subcommand_from submit status logs cancel retry workers queues worker problems serve stats export prune limits experiment schedule bench doctor db completions man help" -f -a "submit" -d 'Create a task (prints its id), or many with --from'
complete -c aiops -n "__fish_aiops_using_subcommand help; and not __fish_seen_subcommand_from submit status logs cancel retry workers queues worker problems serve stats export prune limits experiment schedule bench doctor db completions man help" -f -a "status" -d 'List tasks, or show every field of one'
complete -c aiops -n "__fish_aiops_using_subcommand help; and not __fish_seen_subcommand_from submit status logs cancel retry workers queues worker problems serve stats export prune limits experiment schedule bench doctor db completions man help" -f -a "logs" -d 'Print a task\'s log'
complete -c aiops -n "__fish_aiops_using_subcommand help; and not __fish_seen_subcommand_from submit status logs cancel retry workers queues worker problems serve stats export prune limits experiment schedule bench doctor db completions man help" -f -a "cancel" -d 'Cancel tasks: pending at once, running by stopping their process'
complete -c aiops -n "__fish_aiops_using_subcommand help; and not __fish_seen_subcommand_from submit status logs cancel retry workers queues worker problems serve stats export prune limits experiment schedule bench doctor db completions man help" -f -a "retry" -d 'Re-queue failed, timed-out or cancelled tasks for one more attempt'
complete -c aiops -n "__fish_aiops_using_subcommand help; and not __fish_seen_subcommand_from submit status logs cancel retry workers queues worker problems serve stats export prune limits experiment schedule bench doctor db completions man help" -f -a "workers" -d 'List workers, show one, or ask one to drain'
complete -c aiops -n "__fish_aiops_using_subcommand help; and not __fish_seen_subcommand_from submit status logs cancel retry workers queues worker problems serve stats export prune limits experiment schedule bench doctor db completions man help" -f -a "queues" -d 'List queues, pause or resume one'
complete -c aiops -n "__fish_aiops_using_subcommand help; and not __fish_seen_subcommand_from submit status logs cancel retry workers queues worker problems serve stats export prune limits experiment schedule bench doctor db completions man help" -f -a "worker" -d 'Run a worker bound to one cluster'
complete -c aiops -n "__fish_aiops_using_subcommand help; and not __fish_seen_subcommand_from submit status logs cancel retry workers queues worker problems serve stats export prune limits experiment schedule bench doctor db completions man help" -f -a "problems" -d 'The problem catalog'
complete -c aiops -n "__fish_aiops_using_subcommand help; and not __fish_seen_subcommand_from submit status logs cancel retry workers queues worker problems serve stats export prune limits experiment schedule bench doctor db completions man help" -f -a "serve" -d 'Run the HTTP API and the web dashboard'
complete -c aiops -n "__fish_aiops_using_subcommand help; and not __fish_seen_subcommand_from submit status logs cancel retry workers queues worker problems serve stats export prune limits experiment schedule bench doctor db completions man help" -f -a "stats" -d 'Counts, success rate and wait/run times, overall and per problem and worker'
complete -c aiops -n "__fish_aiops_using_subcommand help; and not __fish_seen_subcommand_from submit status logs cancel retry workers queues worker problems serve stats export prune limits experiment schedule bench doctor db completions man help" -f -a "export" -d 'Finished tasks as JSON Lines: a dataset for training'
complete -c aiops -n "__fish_aiops_using_subcommand help; and not __fish_seen_subcommand_from submit status logs cancel retry workers queues worker problems serve stats export prune limits experiment schedule bench doctor db completions man help" -f -a "prune" -d 'Delete finished tasks and their logs older than a given age'
complete -c aiops -n "__fish_aiops_using_subcommand help; and not __fish_seen_subcommand_from submit status logs cancel retry workers queues worker problems serve stats export prune limits experiment schedule bench doctor db completions man help" -f -a "limits" -d 'Cap how many tasks with a concurrency key run at once, across all workers'
complete -c aiops -n "__fish_aiops_using_subcommand help; and not __fish_seen_subcommand_from submit status logs cancel retry workers queues worker problems serve stats export prune limits experiment schedule bench doctor db completions man help" -f -a "experiment" -d 'Problems × agents × repeats as one unit: submit, watch, report, compare'
complete -c aiops -n "__fish_aiops_using_subcommand help; and not __fish_seen_subcommand_from submit status logs cancel retry workers queues worker problems serve stats export prune limits experiment schedule bench doctor db completions man help" -f -a "schedule" -d 'Submit an experiment or a task at every tick of a cron expression'
complete -c aiops -n "__fish_aiops_using_subcommand help; and not __fish_seen_subcommand_from submit status logs cancel retry workers queues worker problems serve stats export prune limits experiment schedule bench doctor db completions man help" -f -a "bench" -d 'Measure queue throughput and pickup latency with a no-op executor'
complete -c aiops -n "__fish_aiops_using_subcommand help; and not __fish_seen_subcommand_from submit status logs cancel retry workers queues worker problems serve stats export prune limits experiment schedule bench doctor db completions man help" -f -a "doctor" -d 'Check every prerequisite of a worker: database, Python, AIOpsLab, tools, cluster'
complete -c aiops -n "__fish_aiops_using_subcommand help; and not __fish_seen_subcommand_from submit status logs cancel retry workers queues worker problems serve stats export prune limits experiment schedule bench doctor db completions man help" -f -a "db" -d 'Schema and the embedded PostgreSQL instance'
complete -c aiops -n "__fish_aiops_using_subcommand help; and not __fish_seen_subcommand_from submit status logs cancel retry workers queues worker problems serve stats export prune limits experiment schedule bench doctor db completions man help" -f -a "completions" -d 'Print shell completions'
complete -c aiops -n "__fish_aiops_using_subcommand help; and not __fish_seen_subcommand_from submit status logs cancel retry workers queues worker problems serve stats export prune limits experiment schedule bench doctor db completions man help" -f -a "man" -d 'Write man pages into a directory'
complete -c aiops -n "__fish_aiops_using_subcommand help; and not __fish_seen_subcommand_from submit status logs cancel retry workers queues worker problems serve stats export prune limits experiment schedule bench doctor db completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c aiops -n "__fish_aiops_using_subcommand help; and __fish_seen_subcommand_from workers" -f -a "drain" -d 'Ask a worker to finish its running tasks, claim nothing more and exit'
complete -c aiops -n "__fish_aiops_using_subcommand help; and __fish_seen_subcommand_from queues" -f -a "list" -d 'Queues with pending and running tasks, live workers, and whether each is paused'
complete -c aiops -n "__fish_aiops_using_subcommand help; and __fish_seen_subcommand_from queues" -f -a "pause" -d 'Stop claims from a queue; its running tasks go on'
complete -c aiops -n "__fish_aiops_using_subcommand help; and __fish_seen_subcommand_from queues" -f -a "resume" -d 'Let workers claim from a paused queue again'
complete -c aiops -n "__fish_aiops_using_subcommand help; and __fish_seen_subcommand_from worker" -f -a "run" -d 'Claim and run tasks on one cluster until stopped'
complete -c aiops -n "__fish_aiops_using_subcommand help; and __fish_seen_subcommand_from problems" -f -a "list" -d 'List known problems with task counts'
complete -c aiops -n "__fish_aiops_using_subcommand help; and __fish_seen_subcommand_from problems" -f -a "import" -d 'Import problem ids from a file (JSON array, JSON Lines or one id per line) or the runner'
complete -c aiops -n "__fish_aiops_using_subcommand help; and __fish_seen_subcommand_from limits" -f -a "set" -d 'Set a key\'s cap: at most N of its tasks run at once (0 holds them back)'
complete -c aiops -n "__fish_aiops_using_subcommand help; and __fish_seen_subcommand_from limits" -f -a "list" -d 'List caps with running and pending counts'
complete -c aiops -n "__fish_aiops_using_subcommand help; and __fish_seen_subcommand_from limits" -f -a "clear" -d 'Remove a key\'s cap'
complete -c aiops -n "__fish_aiops_using_subcommand help; and __fish_seen_subcommand_from experiment" -f -a "submit" -d 'Submit every task of a spec in one transaction; again, it adds nothing'
complete -c aiops -n "__fish_aiops_using_subcommand help; and __fish_seen_subcommand_from experiment" -f -a "list" -d 'List experiments with their tasks counted by status'
complete -c aiops -n "__fish_aiops_using_subcommand help; and __fish_seen_subcommand_from experiment" -f -a "status" -d 'Done/total per agent and task type, failures and ETA'
complete -c aiops -n "__fish_aiops_using_subcommand help; and __fish_seen_subcommand_from experiment" -f -a "cancel" -d 'Cancel every unfinished task of an experiment'
complete -c aiops -n "__fish_aiops_using_subcommand help; and __fish_seen_subcommand_from experiment" -f -a "retry" -d 'Re-queue an experiment\'s failed and timed-out tasks'
complete -c aiops -n "__fish_aiops_using_subcommand help; and __fish_seen_subcommand_from experiment" -f -a "report" -d 'The results table: accuracy with 95 % interval, time-to-X, steps, tokens, cost'
complete -c aiops -n "__fish_aiops_using_subcommand help; and __fish_seen_subcommand_from experiment" -f -a "compare" -d 'Two experiments per task type: accuracy difference with its interval, time and tokens'
complete -c aiops -n "__fish_aiops_using_subcommand help; and __fish_seen_subcommand_from schedule" -f -a "add" -d 'Add a schedule; its first tick is the next one after now'
complete -c aiops -n "__fish_aiops_using_subcommand help; and __fish_seen_subcommand_from schedule" -f -a "list" -d 'List schedules with their next tick and last fire'
complete -c aiops -n "__fish_aiops_using_subcommand help; and __fish_seen_subcommand_from schedule" -f -a "pause" -d 'Stop firing a schedule'
complete -c aiops -n "__fish_aiops_using_subcommand help; and __fish_seen_subcommand_from schedule" -f -a "resume" -d 'Fire a paused schedule again, from its next tick'
complete -c aiops -n "__fish_aiops_using_subcommand help; and __fish_seen_subcommand_from schedule" -f -a "delete" -d 'Delete a schedule and its fire records (its experiments stay)'
complete -c aiops -n "__fish_aiops_using_subcommand help; and __fish_seen_subcommand_from schedule" -f -a "fires" -d 'Every fire of a schedule, with the experiment or task it made'
complete -c aiops -n "__fish_aiops_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "migrate" -d 'Apply pending schema migrations'
complete -c aiops -n "__fish_aiops_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "status" -d 'Show the schema version and the embedded instance'
complete -c aiops -n "__fish_aiops_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "start" -d 'Start the embedded instance (initialising it on first use)'
complete -c aiops -n "__fish_aiops_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "stop" -d 'Stop the embedded instance'
complete -c aiops -n "__fish_aiops_using_subcommand help; and __fish_seen_subcommand_from db" -f -a "url" -d 'Print the database URL in use'
