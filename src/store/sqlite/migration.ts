// One numbered migration of Nightshift's SQLite tables (migrations/ lists them; migrate.ts runs them).
import type { Db } from './open.ts';

export interface Migration {
  version: number;
  name: string;
  /** Runs inside the migration's IMMEDIATE transaction. */
  up(db: Db): void;
}
