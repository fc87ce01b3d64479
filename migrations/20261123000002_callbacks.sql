-- Callback delivery (SPEC §6): a durable outbox filled by a trigger, so every task with a
-- callback_url that enters a terminal status gets a delivery row in the same statement (a crash
-- loses none, and no code path can forget one). Deliverers claim due rows with SKIP LOCKED;
-- `next_attempt_at` doubles as the lease: a claim pushes it forward, so a crashed deliverer's
-- row becomes due again by itself.

CREATE TABLE callback_deliveries (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id         uuid NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    url             text NOT NULL,
    -- The terminal status that caused this delivery (a retried task may finish again).
    task_status     task_status NOT NULL,
    state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    last_status     integer,
    created_at      timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz
);
-- Deliverers read exactly this: pending rows by due time.
CREATE INDEX callback_deliveries_due ON callback_deliveries (next_attempt_at) WHERE state = 'pending';
-- The task's view and ON DELETE CASCADE from tasks.
CREATE INDEX callback_deliveries_task ON callback_deliveries (task_id, id);

-- aiops_callback: empty payload, once per transaction that queued deliveries.
CREATE FUNCTION aiops_enqueue_callback() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO callback_deliveries (task_id, url, task_status) VALUES (NEW.id, NEW.callback_url, NEW.status);
    PERFORM pg_notify('aiops_callback', '');
    RETURN NULL;
END $$;

CREATE TRIGGER tasks_callback_update AFTER UPDATE OF status ON tasks
    FOR EACH ROW
    WHEN (NEW.callback_url IS NOT NULL AND NEW.status IS DISTINCT FROM OLD.status
          AND NEW.status IN ('completed', 'failed', 'timeout', 'cancelled'))
    EXECUTE FUNCTION aiops_enqueue_callback();
CREATE TRIGGER tasks_callback_insert AFTER INSERT ON tasks
    FOR EACH ROW
    WHEN (NEW.callback_url IS NOT NULL AND NEW.status IN ('completed', 'failed', 'timeout', 'cancelled'))
    EXECUTE FUNCTION aiops_enqueue_callback();
