-- Stats rollups (issue 7): `aiops stats` reads small pre-aggregated rows instead of every task.
--
-- Only finished tasks (completed, failed, timeout, cancelled) are rolled up: once finished, a task
-- changes only by an explicit retry or by prune. Pending and running tasks are read live from
-- their status (few, and indexed). The pieces:
--   * triggers on tasks append one delta row (+1) when a task enters a finished state and one
--     (-1) when it leaves it (retry) or is deleted (prune). Appends never contend for a row:
--     concurrent completions do not wait on each other, and the cost is one small insert per
--     statement;
--   * aiops_stats_compact() folds the deltas into task_stats: per UTC day of creation and for
--     all time, per problem and per worker, a histogram of statuses and of wait and run times.
--     Workers and `serve` call it every 10 s (`aiops stats` too when many deltas wait); one
--     compactor runs at a time, others skip;
--   * readers (src/stats.rs) add task_stats, the deltas not yet folded in and the live pending
--     and running tasks in one snapshot, so counts are exact.
-- Time histograms have 32 log-spaced buckets per doubling from 1 µs (bucket 0 holds zero); a
-- quantile reads the geometric middle of its bucket, within 1.1 % of the true value.

-- Wait and run time of a task as `aiops stats` defines them (seconds, NULL when undefined):
-- wait = started_at - run_at of the latest attempt of a task that started;
-- run  = completed_at - started_at of a finished task's latest attempt.
CREATE FUNCTION aiops_stats_wait(status task_status, run_at timestamptz, started_at timestamptz)
RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN status <> 'pending' AND started_at >= run_at
                THEN date_part('epoch', started_at - run_at) END
$$;

CREATE FUNCTION aiops_stats_run(status task_status, started_at timestamptz, completed_at timestamptz)
RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN status NOT IN ('pending', 'running') AND completed_at >= started_at
                THEN date_part('epoch', completed_at - started_at) END
$$;

-- The histogram bucket of a duration in seconds (NULL for NULL); src/stats.rs inverts it.
CREATE FUNCTION aiops_stats_bucket(seconds float8) RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN seconds IS NULL THEN NULL WHEN seconds <= 0 THEN 0
                ELSE least(32767, greatest(1, 1 + floor(32 * ln(seconds * 1e6) / ln(2))))
           END::smallint
$$;

-- The "bucket" of a status in a 'status' histogram: its position in task_status.
CREATE FUNCTION aiops_stats_status_bucket(status task_status) RETURNS smallint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE status WHEN 'pending' THEN 0 WHEN 'running' THEN 1 WHEN 'completed' THEN 2
                       WHEN 'failed' THEN 3 WHEN 'timeout' THEN 4 ELSE 5 END::smallint
$$;

-- Appended by the trigger, emptied by aiops_stats_compact(). No index: it is only ever read whole.
CREATE TABLE task_stats_delta (
    created_at timestamptz NOT NULL,
    problem_id text NOT NULL,
    worker_id  text,
    status     task_status NOT NULL,
    -- +1: the task entered this finished state; -1: it left it or was deleted.
    n          smallint NOT NULL CHECK (n IN (-1, 1)),
    wait_s     float8,
    run_s      float8
) WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 10000,
        autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 10000);

-- One histogram per row, as two parallel arrays in bucket order: rows are few (three per problem
-- or worker and day, read in one go) and a compaction rewrites the histograms it changes whole.
CREATE TABLE task_stats (
    -- 'd': tasks created on the UTC day starting at `period`; 'a': all tasks ('-infinity').
    level   text NOT NULL CHECK (level IN ('d', 'a')),
    period  timestamptz NOT NULL,
    -- 'p': per problem id, 'w': per worker id (the key).
    dim     text NOT NULL CHECK (dim IN ('p', 'w')),
    key     text NOT NULL,
    metric  text NOT NULL CHECK (metric IN ('status', 'wait', 'run')),
    buckets smallint[] NOT NULL,
    -- Tasks (status) or values (wait, run) in each bucket; never 0 (below 0 only while the
    -- matching +1 still waits among the deltas, as chunks take deltas in no particular order).
    counts  bigint[] NOT NULL,
    PRIMARY KEY (level, period, dim, key, metric)
);

-- When the last compaction ran, so that many workers calling it do not rewrite the histograms
-- more often than asked.
CREATE TABLE task_stats_compacted (
    one bool PRIMARY KEY DEFAULT true CHECK (one),
    at  timestamptz NOT NULL
);
INSERT INTO task_stats_compacted (at) VALUES ('-infinity');

-- N.B.: statement-level triggers with transition tables. A batch of completions (or of prune)
-- appends its deltas with one INSERT: about 4.5 µs per task against 25 µs for a row trigger's
-- plpgsql call and INSERT per row (EXPLAIN ANALYZE of a 20000-row completion on a loaded 2-core
-- machine). The price is one call that finds nothing per other UPDATE statement (claims and
-- heartbeats, which batch their rows as well). An update that leaves a finished task finished
-- (none does today) appends a -1/+1 pair that cancels out.
CREATE FUNCTION aiops_stats_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO task_stats_delta (created_at, problem_id, worker_id, status, n, wait_s, run_s)
        SELECT created_at, problem_id, worker_id, status, 1,
               aiops_stats_wait(status, run_at, started_at),
               aiops_stats_run(status, started_at, completed_at)
        FROM new_rows WHERE status IN ('completed', 'failed', 'timeout', 'cancelled');
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO task_stats_delta (created_at, problem_id, worker_id, status, n, wait_s, run_s)
        SELECT created_at, problem_id, worker_id, status, -1,
               aiops_stats_wait(status, run_at, started_at),
               aiops_stats_run(status, started_at, completed_at)
        FROM old_rows WHERE status IN ('completed', 'failed', 'timeout', 'cancelled')
        UNION ALL
        SELECT created_at, problem_id, worker_id, status, 1,
               aiops_stats_wait(status, run_at, started_at),
               aiops_stats_run(status, started_at, completed_at)
        FROM new_rows WHERE status IN ('completed', 'failed', 'timeout', 'cancelled');
    ELSE
        INSERT INTO task_stats_delta (created_at, problem_id, worker_id, status, n, wait_s, run_s)
        SELECT created_at, problem_id, worker_id, status, -1,
               aiops_stats_wait(status, run_at, started_at),
               aiops_stats_run(status, started_at, completed_at)
        FROM old_rows WHERE status IN ('completed', 'failed', 'timeout', 'cancelled');
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER tasks_stats_insert AFTER INSERT ON tasks REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION aiops_stats_track();
CREATE TRIGGER tasks_stats_update AFTER UPDATE ON tasks
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION aiops_stats_track();
CREATE TRIGGER tasks_stats_delete AFTER DELETE ON tasks REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION aiops_stats_track();

-- TRUNCATE of tasks (a reset) forgets the rollups too.
CREATE FUNCTION aiops_stats_forget() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM task_stats_delta;
    DELETE FROM task_stats;
    RETURN NULL;
END $$;

CREATE TRIGGER tasks_stats_truncate AFTER TRUNCATE ON tasks
    FOR EACH STATEMENT EXECUTE FUNCTION aiops_stats_forget();

-- Move the deltas into task_stats, in chunks, when the last compaction is at least min_interval
-- old or at least `backlog` deltas wait (NULL: that condition never holds). Moves at most what
-- was there when it started (a steady inflow cannot keep it running) and returns how many
-- moved: 0 too when another compactor holds the lock, as that one's work covers ours (and
-- readers count the deltas meanwhile).
CREATE FUNCTION aiops_stats_compact(min_interval interval, backlog bigint)
RETURNS bigint LANGUAGE plpgsql SET work_mem = '64MB' AS $$
DECLARE
    chunk CONSTANT integer := 100000;
    todo  bigint;
    moved bigint;
    done  bigint := 0;
BEGIN
    IF NOT pg_try_advisory_xact_lock(hashtext('aiops.stats_compact')) THEN
        RETURN 0;
    END IF;
    SELECT count(*) INTO todo FROM task_stats_delta;
    IF todo = 0 OR NOT ((todo >= backlog) IS TRUE
                        OR EXISTS (SELECT 1 FROM task_stats_compacted
                                   WHERE at <= now() - min_interval)) THEN
        RETURN 0;
    END IF;
    WHILE done < todo LOOP
        -- Each delta counts once per dimension (its problem; its worker when it has one) in
        -- three histograms: its status, its wait and its run time (when defined), for its day
        -- and for all time. N.B.: this compactor is the only writer of task_stats, so
        -- histograms merged from this statement's snapshot are current. Buckets whose count
        -- reaches zero are dropped, and rows left with no bucket are deleted.
        WITH moved AS (
            DELETE FROM task_stats_delta
            WHERE ctid = ANY (ARRAY(SELECT ctid FROM task_stats_delta LIMIT chunk))
            RETURNING *),
        facts AS (
            SELECT day,
                   CASE WHEN GROUPING(problem_id) = 0 THEN 'p' ELSE 'w' END AS dim,
                   CASE WHEN GROUPING(problem_id) = 0 THEN problem_id ELSE worker_id END AS key,
                   CASE WHEN GROUPING(sb) = 0 THEN 'status' WHEN GROUPING(wb) = 0 THEN 'wait'
                        ELSE 'run' END AS metric,
                   CASE WHEN GROUPING(sb) = 0 THEN sb WHEN GROUPING(wb) = 0 THEN wb ELSE rb END AS bucket,
                   sum(n) AS n
            FROM (SELECT to_timestamp(floor(date_part('epoch', created_at) / 86400) * 86400) AS day,
                         problem_id, worker_id, n, aiops_stats_status_bucket(status) AS sb,
                         aiops_stats_bucket(wait_s) AS wb, aiops_stats_bucket(run_s) AS rb
                  FROM moved) m
            GROUP BY GROUPING SETS ((day, problem_id, sb), (day, worker_id, sb),
                                    (day, problem_id, wb), (day, worker_id, wb),
                                    (day, problem_id, rb), (day, worker_id, rb))),
        delta AS (
            SELECT 'd' AS level, day AS period, dim, key, metric, bucket, n FROM facts
            WHERE key IS NOT NULL AND bucket IS NOT NULL
            UNION ALL
            SELECT 'a', '-infinity', dim, key, metric, bucket, sum(n)::bigint FROM facts
            WHERE key IS NOT NULL AND bucket IS NOT NULL
            GROUP BY dim, key, metric, bucket),
        -- The histograms this chunk changes, numbered so that merging sorts small integers.
        touched AS (
            SELECT row_number() OVER () AS id, level, period, dim, key, metric
            FROM (SELECT DISTINCT level, period, dim, key, metric FROM delta) k),
        merged AS (
            SELECT id, bucket, sum(n)::bigint AS n
            FROM (SELECT t.id, d.bucket, d.n
                  FROM delta d JOIN touched t USING (level, period, dim, key, metric)
                  UNION ALL
                  SELECT t.id, u.bucket, u.n
                  FROM task_stats s JOIN touched t USING (level, period, dim, key, metric),
                       LATERAL unnest(s.buckets, s.counts) AS u (bucket, n)) x
            GROUP BY id, bucket
            HAVING sum(n) <> 0),
        packed AS (
            SELECT t.id, t.level, t.period, t.dim, t.key, t.metric, m.buckets, m.counts
            FROM (SELECT id, array_agg(bucket ORDER BY bucket) AS buckets,
                         array_agg(n ORDER BY bucket) AS counts
                  FROM merged GROUP BY id) m
            JOIN touched t USING (id)),
        gone AS (
            DELETE FROM task_stats s USING touched t
            WHERE (s.level, s.period, s.dim, s.key, s.metric) = (t.level, t.period, t.dim, t.key, t.metric)
              AND NOT EXISTS (SELECT 1 FROM packed p WHERE p.id = t.id)),
        kept AS (
            INSERT INTO task_stats (level, period, dim, key, metric, buckets, counts)
            SELECT level, period, dim, key, metric, buckets, counts FROM packed
            ON CONFLICT (level, period, dim, key, metric)
            DO UPDATE SET buckets = EXCLUDED.buckets, counts = EXCLUDED.counts)
        SELECT count(*) INTO moved FROM moved;
        EXIT WHEN moved = 0;
        done := done + moved;
    END LOOP;
    UPDATE task_stats_compacted SET at = now();
    RETURN done;
END $$;

-- Backfill: every task finished before this migration, as if it had just finished (in order of
-- creation, so that each chunk of the compaction touches few days).
INSERT INTO task_stats_delta (created_at, problem_id, worker_id, status, n, wait_s, run_s)
SELECT created_at, problem_id, worker_id, status, 1,
       aiops_stats_wait(status, run_at, started_at), aiops_stats_run(status, started_at, completed_at)
FROM tasks WHERE status IN ('completed', 'failed', 'timeout', 'cancelled')
ORDER BY created_at;
SELECT aiops_stats_compact('0 s', NULL);
