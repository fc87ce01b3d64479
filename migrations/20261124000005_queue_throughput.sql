-- Throughput (issue 5): announce only what changed, and keep the hot table small under churn.
-- The channel contracts are unchanged:
--   aiops_submit: a queue name, when tasks become claimable (once per queue per transaction:
--                 PostgreSQL folds identical notifications of one transaction into one);
--   aiops_task:   '<task id>:<status>' when a task's status or cancel request changes;
--   aiops_cancel: a running task's id, when its cancel is requested.

-- N.B.: the old requeue trigger was statement-level with a transition table on EVERY UPDATE of
-- tasks, so every claim, heartbeat and completion copied its rows into a tuplestore and ran
-- plpgsql to find nothing. A row trigger with a WHEN clause costs a comparison in C for rows
-- that do not match, and fires only for the transitions into `pending` (retry, rescue, release,
-- a failed attempt with attempts left).
DROP TRIGGER tasks_notify_requeue ON tasks;

CREATE FUNCTION aiops_notify_requeue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('aiops_submit', NEW.queue);
    RETURN NULL;
END $$;

CREATE TRIGGER tasks_notify_requeue AFTER UPDATE OF status ON tasks
    FOR EACH ROW WHEN (NEW.status = 'pending' AND OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION aiops_notify_requeue();

-- Heartbeats, progress and lease updates change neither the status nor the cancel request:
-- skip the plpgsql call for them.
DROP TRIGGER tasks_notify_status ON tasks;
CREATE TRIGGER tasks_notify_status AFTER UPDATE OF status, cancel_requested ON tasks
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status
                       OR OLD.cancel_requested IS DISTINCT FROM NEW.cancel_requested)
    EXECUTE FUNCTION aiops_notify_task();

-- Every claim, heartbeat and completion rewrites a row: leave room on each page for the new
-- version, and vacuum and analyze the table after a small fraction of it changed rather than
-- the default 20 %, so dead versions (and the claim index entries pointing at them) do not pile
-- up ahead of the claim.
ALTER TABLE tasks SET (
    fillfactor = 70,
    autovacuum_vacuum_scale_factor = 0.02,
    autovacuum_vacuum_threshold = 1000,
    autovacuum_vacuum_insert_scale_factor = 0.05,
    autovacuum_analyze_scale_factor = 0.02,
    autovacuum_analyze_threshold = 1000,
    autovacuum_vacuum_cost_delay = 1
);
ALTER TABLE task_logs SET (autovacuum_vacuum_insert_scale_factor = 0.05);
