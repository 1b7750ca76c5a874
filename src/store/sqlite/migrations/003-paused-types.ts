// Version 3: queue types an operator paused (issue 14). One row per paused type: a runner leaves
// their jobs pending (claim.ts reads only the types it is asked for), enqueue still accepts them.
import type { Migration } from '../migration.ts';

export const pausedTypesMigration: Migration = {
  version: 3,
  name: 'queue: paused types',
  up(db) {
    db.exec(`
      CREATE TABLE nightshift_paused_types (
        type      TEXT PRIMARY KEY NOT NULL,
        paused_at INTEGER NOT NULL,
        paused_by TEXT
      ) WITHOUT ROWID;
    `);
  },
};
