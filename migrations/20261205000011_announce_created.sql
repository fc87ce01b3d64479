-- Issue 19: `GET /api/v1/events` never sent `task.created` for a task submitted elsewhere (the
-- CLI, `submit --from`, another server): a new task was announced on aiops_task only by the
-- server that created it, to its own streams, since no trigger announced inserts there. Inserts
-- are now announced like status changes, '<task id>:created', and only while watched, by the
-- same rules as migrations/20261127000009_watched_announcements.sql: unwatched, an INSERT
-- statement costs one look at task_watchers. aiops_watch() takes SHARE on tasks, which waits
-- for inserting transactions too, so every task inserted after a registration is announced.
CREATE FUNCTION aiops_notify_created() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    watched text;
BEGIN
    IF EXISTS (SELECT 1 FROM task_watchers) THEN
        watched := aiops_watched();
        PERFORM pg_notify('aiops_task', t.id::text || ':created')
          FROM new_rows t
         WHERE watched = 'all' OR strpos(watched, t.id::text) > 0;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER tasks_notify_created AFTER INSERT ON tasks
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION aiops_notify_created();
