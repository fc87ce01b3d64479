-- Issue 19: SSE events carry an id, and a stream that reconnects with Last-Event-ID resumes
-- without losing an event. The id is task_events.id, a sequence the database hands out as it
-- records each change, so any `serve` (not only the one that sent the event) can replay what
-- followed it.
--
-- The journal is written only while a session watches every task (a `serve` with a stream open,
-- or within its resume window after the last one closed): the same watched/unwatched switch as
-- the announcements (migrations/20261127000009_watched_announcements.sql), so claims and
-- completions nobody watches still write nothing more. aiops_watched() now says 'journal' when
-- such a session exists ('all' stays for more than 32 single-task watchers), and every trigger
-- that announced to 'all' also announces to 'journal', adding the event id to the payload:
-- '<task id>:<status>:<event id>'.
--
-- A journal with a gap must not be replayed as if whole. When a session starts watching every
-- task while none other does, recording (re)starts, and a 'journal.started' row marks it: a
-- Last-Event-ID older than the newest such row, or no longer in the journal (pruned after an
-- hour by `serve`), cannot be resumed exactly, and the stream says so instead.
--
-- N.B.: ids are handed out in the order changes are made, not committed; a change made before
-- one a client saw but committed after it is replayed only if the client saw it first. Changes
-- of tasks are short single statements, so the window is that of one commit.
CREATE TABLE task_events (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- NULL for 'journal.started'.
    task_id uuid,
    -- task.created, task.<status>, task.cancel_requested, journal.started
    kind    text NOT NULL,
    status  task_status,
    at      timestamptz NOT NULL DEFAULT now()
);
-- Pruning by age reads this; rows arrive in time order, so a BRIN index stays tiny.
CREATE INDEX task_events_at ON task_events USING brin (at);
CREATE INDEX task_events_started ON task_events (id) WHERE kind = 'journal.started';

CREATE OR REPLACE FUNCTION aiops_watched() RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT CASE WHEN bool_or(task_id IS NULL) THEN 'journal'
                        WHEN count(*) > 32 THEN 'all'
                        ELSE coalesce(string_agg(task_id::text, ','), '') END
            FROM task_watchers);
END $$;

CREATE OR REPLACE FUNCTION aiops_watch(task uuid) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    PERFORM aiops_forget_gone_watchers();
    IF task IS NULL AND NOT EXISTS (SELECT 1 FROM task_watchers
                                    WHERE task_id IS NULL AND pid <> pg_backend_pid()) THEN
        INSERT INTO task_events (kind) VALUES ('journal.started');
    END IF;
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

CREATE OR REPLACE FUNCTION aiops_notify_task() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    sent text;
    ev bigint;
BEGIN
    IF current_setting('aiops.watched', true) = 'journal' THEN
        INSERT INTO task_events (task_id, kind, status)
        VALUES (NEW.id, CASE WHEN NEW.status = 'running' AND NEW.cancel_requested
                             THEN 'task.cancel_requested' ELSE 'task.' || NEW.status::text END,
                NEW.status)
        RETURNING id INTO ev;
        sent := pg_notify('aiops_task', NEW.id::text || ':' || NEW.status::text || ':' || ev::text)::text;
    ELSE
        sent := pg_notify('aiops_task', NEW.id::text || ':' || NEW.status::text)::text;
    END IF;
    RETURN NULL;
END $$;

DROP TRIGGER tasks_notify_status ON tasks;
CREATE TRIGGER tasks_notify_status AFTER UPDATE OF status, cancel_requested ON tasks
    FOR EACH ROW WHEN ((OLD.status IS DISTINCT FROM NEW.status
                        OR OLD.cancel_requested IS DISTINCT FROM NEW.cancel_requested)
                       AND current_setting('aiops.watched', true) <> ''
                       AND (current_setting('aiops.watched', true) IN ('all', 'journal')
                            OR strpos(current_setting('aiops.watched', true), NEW.id::text) > 0))
    EXECUTE FUNCTION aiops_notify_task();

CREATE OR REPLACE FUNCTION aiops_notify_created() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    watched text;
    r record;
    sent text;
BEGIN
    IF EXISTS (SELECT 1 FROM task_watchers) THEN
        watched := aiops_watched();
        IF watched = 'journal' THEN
            FOR r IN INSERT INTO task_events (task_id, kind, status)
                     SELECT id, 'task.created', status FROM new_rows ORDER BY created_at, id
                     RETURNING id, task_id LOOP
                sent := pg_notify('aiops_task', r.task_id::text || ':created:' || r.id::text)::text;
            END LOOP;
        ELSE
            PERFORM pg_notify('aiops_task', t.id::text || ':created')
              FROM new_rows t
             WHERE watched = 'all' OR strpos(watched, t.id::text) > 0;
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION aiops_notify_log() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    watched text;
BEGIN
    IF EXISTS (SELECT 1 FROM task_watchers) THEN
        watched := aiops_watched();
        PERFORM pg_notify('aiops_log', l.task_id::text)
          FROM (SELECT DISTINCT task_id FROM new_rows) l
         WHERE watched IN ('all', 'journal') OR strpos(watched, l.task_id::text) > 0;
    END IF;
    RETURN NULL;
END $$;
