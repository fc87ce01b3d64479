-- Throughput (issue 5): announce task changes (aiops_task) and log lines (aiops_log) only while
-- someone watches them. Those two channels wake `submit --wait`, `logs -f` and the SSE streams
-- of `serve`; nobody else reads them. Yet every claim and every completion sent one per row,
-- and a notifying commit costs far more than its payload: PostgreSQL 15 holds a database-wide
-- lock from PreCommit_Notify to the end of the commit (so notifying commits, a completion's WAL
-- flush included, run one at a time) and then signals every listening backend of the database,
-- whatever channel it listens on (each worker's listener wakes for every claim and completion).
-- `aiops bench`, 3 interleaved runs each, with the row trigger against none at all: 8.2k against
-- 10.5k tasks/s at 10 slots, 14.0k against 16.5k at 24, 26.2k against 30.3k at 128.
--
-- A watcher is a session in task_watchers, watching one task (a waiter) or all of them (the
-- SSE streams of `serve`). aiops_watch(task) registers the calling session and then takes SHARE
-- on tasks: that waits for every transaction writing tasks at that moment (any of them may
-- have looked for watchers before the registration was visible), and every writer after it
-- sees the registration. So once aiops_watch() returns true, each change committed later is
-- announced, and each one committed earlier is visible to the watcher's next read. The lock
-- waits at most 50 ms (a long transaction, such as a prune, must not hold the queue up behind
-- it); if it gave up, aiops_watch() returns false, the registration stands, and only a change
-- of a transaction that was already running may go unannounced: watchers re-read on a short
-- timer anyway.
--
-- A session that ends without aiops_unwatch() leaves its row; aiops_forget_gone_watchers()
-- drops the rows of sessions that no longer exist (every aiops_watch() and every rescue pass
-- of workers and `serve` call it). The table is unlogged: after a crash every session is gone.
CREATE UNLOGGED TABLE task_watchers (
    pid     integer PRIMARY KEY,
    -- NULL: every task.
    task_id uuid,
    since   timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION aiops_forget_gone_watchers() RETURNS bigint LANGUAGE sql AS $$
    WITH gone AS (
        DELETE FROM task_watchers w
        WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = w.pid)
        RETURNING 1)
    SELECT count(*) FROM gone
$$;

CREATE FUNCTION aiops_watch(task uuid) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    PERFORM aiops_forget_gone_watchers();
    INSERT INTO task_watchers (pid, task_id) VALUES (pg_backend_pid(), task)
        ON CONFLICT (pid) DO UPDATE SET task_id = EXCLUDED.task_id, since = now();
    BEGIN
        PERFORM set_config('lock_timeout', '50ms', true);
        LOCK TABLE tasks IN SHARE MODE;
    EXCEPTION WHEN lock_not_available THEN
        RETURN false;
    END;
    RETURN true;
END $$;

CREATE FUNCTION aiops_unwatch() RETURNS void LANGUAGE sql AS $$
    DELETE FROM task_watchers WHERE pid = pg_backend_pid()
$$;

-- aiops_task: the row trigger stays (one '<task id>:<status>' per row whose status or cancel
-- request changed), but its WHEN clause now also reads a transaction-local setting that a
-- statement-level trigger sets before each UPDATE of tasks: what is watched, as '' (nothing),
-- 'all', or the watched task ids. Unwatched, an UPDATE costs one look at task_watchers instead
-- of a function call and a notification per row; with a few waiters, only their tasks are
-- announced (with more than 32 waiters, every task: the list would cost more to search per row
-- than the announcements). The look runs while the UPDATE holds its lock on tasks, as
-- aiops_watch() requires.
-- N.B.: one statement-level trigger that joined the transition tables and notified from there
-- cost 8-10 µs more per claimed row than the row trigger while watched (pg_stat_statements).
-- N.B.: plpgsql, not sql: plpgsql keeps the plan of its query for the session, while a sql
-- function not inlined is planned again at every call, here at every UPDATE of tasks.
CREATE FUNCTION aiops_watched() RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT CASE WHEN bool_or(task_id IS NULL) OR count(*) > 32 THEN 'all'
                        ELSE coalesce(string_agg(task_id::text, ','), '') END
            FROM task_watchers);
END $$;

-- N.B.: unwatched, this takes 13-14 µs per UPDATE statement (EXPLAIN ANALYZE); calling
-- aiops_watched() unconditionally took 22-26 µs, and the same query inline 40 µs.
CREATE FUNCTION aiops_look_for_watchers() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    was text;
BEGIN
    IF EXISTS (SELECT 1 FROM task_watchers) THEN
        was := set_config('aiops.watched', aiops_watched(), true);
    ELSE
        was := set_config('aiops.watched', '', true);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER tasks_look_for_watchers BEFORE UPDATE ON tasks
    FOR EACH STATEMENT EXECUTE FUNCTION aiops_look_for_watchers();

CREATE OR REPLACE FUNCTION aiops_notify_task() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    sent text;
BEGIN
    sent := pg_notify('aiops_task', NEW.id::text || ':' || NEW.status::text)::text;
    RETURN NULL;
END $$;

DROP TRIGGER tasks_notify_status ON tasks;
CREATE TRIGGER tasks_notify_status AFTER UPDATE OF status, cancel_requested ON tasks
    FOR EACH ROW WHEN ((OLD.status IS DISTINCT FROM NEW.status
                        OR OLD.cancel_requested IS DISTINCT FROM NEW.cancel_requested)
                       AND current_setting('aiops.watched', true) <> ''
                       AND (current_setting('aiops.watched', true) = 'all'
                            OR strpos(current_setting('aiops.watched', true), NEW.id::text) > 0))
    EXECUTE FUNCTION aiops_notify_task();

-- aiops_cancel stays unconditional (the owning worker always listens) and costs nothing for the
-- rows it does not match: the WHEN clause is evaluated without calling the function.
CREATE FUNCTION aiops_notify_cancel() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    sent text;
BEGIN
    sent := pg_notify('aiops_cancel', NEW.id::text)::text;
    RETURN NULL;
END $$;

CREATE TRIGGER tasks_notify_cancel AFTER UPDATE OF cancel_requested ON tasks
    FOR EACH ROW WHEN (NEW.cancel_requested AND NOT OLD.cancel_requested AND NEW.status = 'running')
    EXECUTE FUNCTION aiops_notify_cancel();

-- aiops_log: a statement-level trigger already; it now announces only the watched tasks.
CREATE OR REPLACE FUNCTION aiops_notify_log() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    watched text;
BEGIN
    IF EXISTS (SELECT 1 FROM task_watchers) THEN
        watched := aiops_watched();
        PERFORM pg_notify('aiops_log', l.task_id::text)
          FROM (SELECT DISTINCT task_id FROM new_rows) l
         WHERE watched = 'all' OR strpos(watched, l.task_id::text) > 0;
    END IF;
    RETURN NULL;
END $$;
