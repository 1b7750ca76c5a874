// Version 2: claims that a backlog cannot slow down (issue 11).
//
// Version 1 found ready jobs on one index, (priority DESC, run_at) over every pending job, with
// run_at <= now checked while scanning: whenever fewer jobs were due than the claim asked for, the
// scan walked every pending job, so 200,000 jobs due in an hour cost 82 ms per claim, inside the
// write lock. Version 2 splits pending jobs in two by a `due` flag:
//   - due = 0: waiting for run_at, on an index ordered by run_at, so "which became due" is a range
//     read of exactly the rows that did (the runner's tick flips them to due = 1);
//   - due = 1: ready, on an index per type in claim order, so a claim reads exactly the rows it
//     claims, for each type this runner runs (a type at its concurrency cap is not read at all).
// A job enqueued to run now is written with due = 1 and never touches the first index.
import type { Migration } from '../migration.ts';

export const readyByTypeMigration: Migration = {
  version: 2,
  name: 'queue: ready jobs by type, waiting jobs by run_at',
  up(db) {
    db.exec(`
      ALTER TABLE nightshift_queue_jobs ADD COLUMN due INTEGER NOT NULL DEFAULT 0 CHECK (due IN (0, 1));
      DROP INDEX IF EXISTS nightshift_queue_jobs_ready;
      -- Claim: a type's ready jobs in claim order (priority, then oldest run_at, then id).
      CREATE INDEX nightshift_queue_jobs_ready_by_type ON nightshift_queue_jobs (type, priority DESC, run_at) WHERE status = 'pending' AND due = 1;
      -- Promotion: waiting jobs whose run_at has come (and the next wake-up time).
      CREATE INDEX nightshift_queue_jobs_waiting_by_run_at ON nightshift_queue_jobs (run_at) WHERE status = 'pending' AND due = 0;
    `);
    // Pending jobs of version 1 start as waiting (due = 0); the first tick promotes those already due.
  },
};
