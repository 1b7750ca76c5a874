// Every SQLite migration of Nightshift's own tables, in order. Add a file NNN-name.ts and list it
// here; never edit one that has shipped.
import type { Migration } from '../migration.ts';
import { coreMigration } from './001-core.ts';
import { readyByTypeMigration } from './002-ready-by-type.ts';
import { pausedTypesMigration } from './003-paused-types.ts';

export const migrations: readonly Migration[] = [coreMigration, readyByTypeMigration, pausedTypesMigration];
