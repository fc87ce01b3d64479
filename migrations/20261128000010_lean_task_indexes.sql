-- Throughput (issue 5): fewer index entries per claim and per completion.
--
-- A claim (pending -> running) and a completion (running -> finished) change the status, so
-- neither is a HOT update: each wrote a new entry into every index whose predicate the new row
-- version meets. With the four listing indexes below that was 6 entries per claim and 6 per
-- completion, and their maintenance (B-tree descents, bottom-up deletion) led the profile.
--
-- Listing reads tasks by status group instead, each group through its own partial index:
--   pending:  tasks_pending_created (new here), in creation order;
--   running:  tasks_running_lease (few rows: bounded by the workers' slots), then sorted;
--   finished: tasks_finished_created (new here), in creation order.
-- A claim now writes 2 entries (primary key, running lease) and a completion 3 (primary key,
-- finished, completed_at). Submits write 3 instead of 5. Filters on problem or worker are
-- applied while walking a group's index in creation order.
--
-- Queries name a group exactly as the index predicate does (`status = 'pending'`,
-- `status IN ('completed', 'failed', 'timeout', 'cancelled')`), so the planner can prove that
-- the partial index covers them; src/queue.rs owns those predicates.
DROP INDEX tasks_created;
DROP INDEX tasks_status_created;
DROP INDEX tasks_problem_created;
DROP INDEX tasks_worker;

-- `status` is included so that counting a group by status reads the index alone.
CREATE INDEX tasks_pending_created ON tasks (created_at DESC, id DESC) INCLUDE (status)
    WHERE status = 'pending';
CREATE INDEX tasks_finished_created ON tasks (created_at DESC, id DESC) INCLUDE (status)
    WHERE status IN ('completed', 'failed', 'timeout', 'cancelled');
