-- The aiops schema: tasks, their logs, workers and the problem catalog.
-- Every status change is made by src/queue.rs; the triggers below only announce changes.

CREATE TYPE task_status AS ENUM ('pending', 'running', 'completed', 'failed', 'timeout', 'cancelled');
CREATE TYPE log_level AS ENUM ('debug', 'info', 'warning', 'error', 'critical');
CREATE TYPE log_source AS ENUM ('stdout', 'stderr', 'worker', 'api');

CREATE TABLE tasks (
    id               uuid PRIMARY KEY,
    problem_id       text NOT NULL CHECK (length(problem_id) BETWEEN 1 AND 255),
    status           task_status NOT NULL DEFAULT 'pending',
    queue            text NOT NULL DEFAULT 'default',
    priority         smallint NOT NULL DEFAULT 5 CHECK (priority BETWEEN 0 AND 10),
    backend_type     text CHECK (backend_type IN ('kind', 'existing', 'none')),
    parameters       jsonb NOT NULL DEFAULT '{}',
    timeout_seconds  integer NOT NULL DEFAULT 1800 CHECK (timeout_seconds BETWEEN 1 AND 86400),
    metadata         jsonb NOT NULL DEFAULT '{}',
    callback_url     text,
    idempotency_key  text UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 255),
    attempt          integer NOT NULL DEFAULT 0 CHECK (attempt >= 0),
    max_attempts     integer NOT NULL DEFAULT 3 CHECK (max_attempts >= 1),
    worker_id        text,
    progress         jsonb,
    result           jsonb,
    error_details    text,
    exit_code        integer,
    cancel_requested boolean NOT NULL DEFAULT false,
    cancel_reason    text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    run_at           timestamptz NOT NULL DEFAULT now(),
    started_at       timestamptz,
    completed_at     timestamptz,
    heartbeat_at     timestamptz,
    -- When a running task's lease ends without a heartbeat, any worker may rescue it.
    lease_expires_at timestamptz,
    CHECK (status <> 'running' OR (worker_id IS NOT NULL AND lease_expires_at IS NOT NULL))
) WITH (fillfactor = 80);

-- The claim reads exactly this index: pending rows in claim order, per queue.
CREATE INDEX tasks_claimable ON tasks (queue, priority DESC, run_at, id) WHERE status = 'pending';
-- Rescue of expired leases.
CREATE INDEX tasks_running_lease ON tasks (lease_expires_at) WHERE status = 'running';
-- Listing, newest first, with the common filters.
CREATE INDEX tasks_created ON tasks (created_at DESC, id DESC);
CREATE INDEX tasks_status_created ON tasks (status, created_at DESC);
CREATE INDEX tasks_problem_created ON tasks (problem_id, created_at DESC);
CREATE INDEX tasks_worker ON tasks (worker_id) WHERE worker_id IS NOT NULL;
CREATE INDEX tasks_completed ON tasks (completed_at) WHERE completed_at IS NOT NULL;

CREATE TABLE task_logs (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id   uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    attempt   integer NOT NULL,
    timestamp timestamptz NOT NULL DEFAULT now(),
    level     log_level NOT NULL DEFAULT 'info',
    source    log_source NOT NULL,
    message   text NOT NULL,
    context   jsonb
);
CREATE INDEX task_logs_task ON task_logs (task_id, id);

CREATE TABLE workers (
    id              text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 255),
    cluster_name    text NOT NULL,
    backend_type    text NOT NULL CHECK (backend_type IN ('kind', 'existing', 'none')),
    status          text NOT NULL CHECK (status IN ('idle', 'busy', 'stopping', 'offline')),
    hostname        text NOT NULL DEFAULT '',
    pid             integer,
    version         text NOT NULL DEFAULT '',
    queues          text[] NOT NULL DEFAULT '{default}',
    concurrency     integer NOT NULL DEFAULT 1,
    current_task_id uuid,
    capabilities    jsonb NOT NULL DEFAULT '{}',
    metadata        jsonb NOT NULL DEFAULT '{}',
    registered_at   timestamptz NOT NULL DEFAULT now(),
    last_heartbeat  timestamptz NOT NULL DEFAULT now(),
    -- A worker is live while its lease lasts; after that another may take its cluster.
    lease_expires_at timestamptz NOT NULL DEFAULT now(),
    tasks_completed bigint NOT NULL DEFAULT 0,
    tasks_failed    bigint NOT NULL DEFAULT 0
);
CREATE INDEX workers_cluster ON workers (cluster_name);

CREATE TABLE problems (
    id          text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 255),
    task_type   text,
    description text,
    source      text NOT NULL DEFAULT 'import',
    imported_at timestamptz NOT NULL DEFAULT now()
);

-- Announcements. Payloads are small; listeners re-read the rows they care about.
-- aiops_submit: a queue name, once per statement that made tasks claimable.
-- aiops_task:   '<task id>:<status>' whenever a task's status or cancel request changes.
-- aiops_cancel: a running task's id, when its cancel is requested.
-- aiops_log:    a task id, once per statement that added log lines for it.
CREATE FUNCTION aiops_notify_submit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('aiops_submit', q.queue)
      FROM (SELECT DISTINCT queue FROM new_rows WHERE status = 'pending') q;
    RETURN NULL;
END $$;

CREATE TRIGGER tasks_notify_insert AFTER INSERT ON tasks
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION aiops_notify_submit();
CREATE TRIGGER tasks_notify_requeue AFTER UPDATE ON tasks
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION aiops_notify_submit();

CREATE FUNCTION aiops_notify_task() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status IS DISTINCT FROM OLD.status OR NEW.cancel_requested IS DISTINCT FROM OLD.cancel_requested THEN
        PERFORM pg_notify('aiops_task', NEW.id::text || ':' || NEW.status::text);
    END IF;
    IF NEW.cancel_requested AND NOT OLD.cancel_requested AND NEW.status = 'running' THEN
        PERFORM pg_notify('aiops_cancel', NEW.id::text);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER tasks_notify_status AFTER UPDATE ON tasks
    FOR EACH ROW EXECUTE FUNCTION aiops_notify_task();

CREATE FUNCTION aiops_notify_log() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('aiops_log', l.task_id::text) FROM (SELECT DISTINCT task_id FROM new_rows) l;
    RETURN NULL;
END $$;

CREATE TRIGGER task_logs_notify AFTER INSERT ON task_logs
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION aiops_notify_log();
