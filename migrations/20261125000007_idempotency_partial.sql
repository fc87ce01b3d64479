-- Throughput (issue 5): most tasks have no idempotency key, yet the UNIQUE constraint's index
-- held an entry for every row version (NULLs included), and claims and completions are not
-- HOT updates, so each wrote one more index entry. A partial unique index holds only the keys.
-- Submits name its predicate in ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL.
CREATE UNIQUE INDEX tasks_idempotency_key ON tasks (idempotency_key) WHERE idempotency_key IS NOT NULL;
ALTER TABLE tasks DROP CONSTRAINT tasks_idempotency_key_key;
