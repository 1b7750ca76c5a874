// Every PostgreSQL migration of Nightshift's own tables, in order. Add a file NNN-name.ts and list
// it here; never edit one that has shipped. (Versions are this backend's own: PostgreSQL started
// from SQLite's version 2 schema in one step.)
import type { PgMigration } from '../migration.ts';
import { coreMigration } from './001-core.ts';
import { pausedTypesMigration } from './002-paused-types.ts';

export const migrations: readonly PgMigration[] = [coreMigration, pausedTypesMigration];
