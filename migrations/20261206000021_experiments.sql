-- Experiments (issue 22): a matrix of problems × agents × repeats submitted as one unit.
--
-- The tasks of an experiment are ordinary tasks, tagged in `metadata` with the experiment's
-- name, the agent's name, the repeat and the task type, and made idempotent by a key derived
-- from those (src/experiment.rs). This table keeps the spec each submit used, so `experiment
-- list` and the schedules can name it; the tasks are found through the index below.
CREATE TABLE experiments (
    name       text PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 100),
    spec       jsonb NOT NULL,
    -- The schedule and tick that made it, when a schedule did.
    schedule   text,
    tick       timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Only tagged rows have an entry; other tasks pay the predicate test.
CREATE INDEX tasks_experiment ON tasks ((metadata ->> 'experiment'))
    WHERE metadata ? 'experiment';

-- Schedules: an experiment spec (or a single task) submitted at every tick of a cron
-- expression in a time zone. The elected maintainer fires due ticks (src/schedule.rs).
CREATE TABLE schedules (
    name       text PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 100),
    cron       text NOT NULL,
    tz         text NOT NULL,
    -- 'experiment': `spec` is an experiment spec; 'task': a task request.
    kind       text NOT NULL CHECK (kind IN ('experiment', 'task')),
    spec       jsonb NOT NULL,
    paused     boolean NOT NULL DEFAULT false,
    -- The next tick to fire; ticks are computed from the cron expression and zone.
    next_tick  timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Every fire, once per (schedule, tick): the primary key is the guard that a tick fires
-- exactly once, whichever process tries. Inserted in the transaction that makes the tasks.
CREATE TABLE schedule_fires (
    schedule   text NOT NULL REFERENCES schedules (name) ON DELETE CASCADE,
    tick       timestamptz NOT NULL,
    fired_at   timestamptz NOT NULL DEFAULT now(),
    -- The experiment it created (experiment schedules), or the task (task schedules).
    experiment text,
    task_id    uuid,
    -- Older ticks that were due at the same time and were skipped (see the missed-tick policy).
    skipped    integer NOT NULL DEFAULT 0,
    -- Why the tick made nothing (its spec no longer expands, say), when it did not.
    error      text,
    PRIMARY KEY (schedule, tick)
);
