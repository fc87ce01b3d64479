-- Concurrency limits per key (issue 22): at most `cap` running tasks carry a given
-- `concurrency_key`, across all workers.
--
-- There is no counter to keep right: the running tasks of a key are counted when one is
-- claimed, through a small partial index. Exactness: a claim that moves a keyed task to
-- `running` first locks the key's `concurrency_limits` row, and holds it until it commits.
-- Every claim of the key therefore runs alone, and counts (in a snapshot taken after the lock)
-- every running task of the key that any other claim committed; tasks leaving `running` only
-- lower the count. A claim that finds the key full, or its row locked by another claim, skips
-- the task (the BEFORE trigger returns NULL): it stays pending, untouched. Claims never wait
-- for each other's locks, so claims of several keys cannot deadlock. The claim statements also
-- leave out keys already at their cap (src/queue/claim.rs), so a capped key's tasks do not
-- take the places of claimable ones.
--
-- A limit set below the number already running stops new claims until enough end; it stops
-- nothing that runs. Tasks without a key pay one comparison in each WHEN clause, and no index
-- entry.
ALTER TABLE tasks ADD COLUMN concurrency_key text
    CHECK (length(concurrency_key) BETWEEN 1 AND 255);

CREATE INDEX tasks_running_key ON tasks (concurrency_key)
    WHERE status = 'running' AND concurrency_key IS NOT NULL;

CREATE TABLE concurrency_limits (
    key        text PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 255),
    cap        integer NOT NULL CHECK (cap >= 0),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Whether a key is at (or over) its cap: what the claim statements pass over (src/queue/claim.rs).
-- N.B.: a function, opaque to the planner and costed as one operator, rather than the subquery
-- itself: the claim and idle-worker statements call it only for keyed rows (`concurrency_key IS
-- NULL OR …` stops at the first arm), but the planner would charge a subquery to every row, and
-- over a deep queue that estimate crosses jit_above_cost, so every call would JIT-compile first.
CREATE FUNCTION aiops_concurrency_full(k text) RETURNS boolean
    LANGUAGE plpgsql STABLE COST 1 AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM concurrency_limits l WHERE l.key = k
        AND l.cap <= (SELECT count(*) FROM tasks r
                      WHERE r.status = 'running' AND r.concurrency_key = k));
END $$;

CREATE FUNCTION aiops_concurrency_take() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    limit_cap integer;
BEGIN
    SELECT cap INTO limit_cap FROM concurrency_limits WHERE key = NEW.concurrency_key
        FOR UPDATE SKIP LOCKED;
    IF NOT FOUND THEN
        -- No limit, or another claim of this key holds it (skip the task for now).
        IF EXISTS (SELECT 1 FROM concurrency_limits WHERE key = NEW.concurrency_key) THEN
            RETURN NULL;
        END IF;
        RETURN NEW;
    END IF;
    -- N.B.: a row-level trigger's queries see the rows its statement already changed, so the
    -- tasks this claim took before this one count too.
    IF (SELECT count(*) FROM tasks WHERE status = 'running'
            AND concurrency_key = NEW.concurrency_key) >= limit_cap THEN
        RETURN NULL;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER tasks_concurrency_take BEFORE UPDATE OF status ON tasks
    FOR EACH ROW WHEN (NEW.concurrency_key IS NOT NULL AND NEW.status = 'running'
                       AND OLD.status <> 'running')
    EXECUTE FUNCTION aiops_concurrency_take();

-- A slot freed under a limit makes the key's pending tasks claimable again: wake the workers
-- of the queue, as a requeue does.
CREATE FUNCTION aiops_concurrency_freed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    sent text;
BEGIN
    IF EXISTS (SELECT 1 FROM concurrency_limits WHERE key = OLD.concurrency_key) THEN
        sent := pg_notify('aiops_submit', OLD.queue)::text;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER tasks_concurrency_freed AFTER UPDATE OF status ON tasks
    FOR EACH ROW WHEN (OLD.concurrency_key IS NOT NULL AND OLD.status = 'running'
                       AND NEW.status <> 'running')
    EXECUTE FUNCTION aiops_concurrency_freed();
