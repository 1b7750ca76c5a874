// Version 2: queue types an operator paused (issue 14), as on SQLite (its version 3).
import type { PgMigration } from '../migration.ts';

export const pausedTypesMigration: PgMigration = {
  version: 2,
  name: 'queue: paused types',
  sql: `
    CREATE TABLE ns.paused_types (
      type      text PRIMARY KEY,
      paused_at bigint NOT NULL,
      paused_by text
    );
  `,
};
