-- Issue 21: queues an operator paused, and workers asked to drain.
--
-- A paused queue is a row here: claims skip it (src/queue/claim.rs, `claimable()`), running
-- tasks are left alone. The check in the claim is uncorrelated with the task rows, so the
-- planner evaluates it once per queue and claim (a one-time filter), not per row.
CREATE TABLE paused_queues (
    queue     text PRIMARY KEY CHECK (length(queue) BETWEEN 1 AND 255),
    paused_at timestamptz NOT NULL DEFAULT now()
);

-- Set by `aiops workers drain`; the worker reads it in its heartbeat's answer, stops claiming,
-- finishes its running tasks and exits. Registration clears it.
ALTER TABLE workers ADD COLUMN drain_requested_at timestamptz;
