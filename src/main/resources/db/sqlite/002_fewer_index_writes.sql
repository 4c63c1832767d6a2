-- Fewer index pages written per commit. Each index a verb touches is one more page in the WAL and
-- in the next checkpoint; see docs/BENCHMARKS.md for the measurements.

-- Most tasks have no tenant. The full index held an entry for every task, so every create wrote
-- (and regularly split) its last page. Lookups by tenant ('tenant = ?') still use this index.
DROP INDEX tasks_by_tenant
;
CREATE INDEX tasks_by_tenant ON tasks (tenant) WHERE tenant IS NOT NULL
;
-- Open runs are few (one per running task) and runs_one_open_per_task already lists exactly them;
-- a second index on the lease was rewritten by every claim, heartbeat and close. Expired leases
-- are found by scanning the open runs.
DROP INDEX runs_open_by_lease
;
