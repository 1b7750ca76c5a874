import type { Migration } from '../migrate.ts';
import { coreMigration } from './001-core.ts';
import { queueMigration } from './002-queue.ts';

/** Every migration, in order. Add a file NNN-name.ts and list it here; never edit a shipped one. */
export const migrations: readonly Migration[] = [coreMigration, queueMigration];
