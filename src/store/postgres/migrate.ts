// Nightshift's own migration bookkeeping on PostgreSQL: a `migrations` table in Nightshift's
// schema records which numbered migrations ran. Everything happens in one transaction under an
// advisory lock on the schema's name, so instances starting together migrate once: the first
// applies, the others wait for its COMMIT, then find nothing left to do. A schema migrated by a
// newer Nightshift is refused before anything is written.
import { SchemaTooNewError } from '../errors.ts';
import type { Db } from './db.ts';
import type { PgMigration } from './migration.ts';
import { migrations as allMigrations } from './migrations/index.ts';

const BOOKKEEPING = `
  CREATE TABLE IF NOT EXISTS ns.migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    applied_at bigint NOT NULL
  )`;

export const latestVersion = (list: readonly PgMigration[] = allMigrations) => Math.max(0, ...list.map((m) => m.version));

/** The newest migration applied in this schema (0: none, or no schema yet). Reads only. */
export async function schemaVersion(db: Db): Promise<number> {
  const table = await db.row<{ t: string | null }>(`SELECT to_regclass($1)::text AS t`, [`"${db.sql.schema}".migrations`]);
  if (!table?.t) return 0;
  return (await db.row<{ v: number }>(`SELECT coalesce(max(version), 0) AS v FROM ns.migrations`))!.v;
}

/**
 * Applies the migrations this schema lacks. Call inside a transaction (the store's migrate() does):
 * the advisory lock it takes is released at COMMIT. `label` names the database in errors.
 */
export async function migrate(db: Db, label: string, list: readonly PgMigration[] = allMigrations): Promise<{ applied: number[]; version: number }> {
  await db.lock('migrate');
  const latest = latestVersion(list);
  const found = await schemaVersion(db);
  if (found > latest) throw new SchemaTooNewError(label, found, latest);
  const applied: number[] = [];
  if (found === latest) return { applied, version: found };
  await db.exec(`CREATE SCHEMA IF NOT EXISTS "${db.sql.schema}"; ${BOOKKEEPING}`);
  for (const m of [...list].sort((a, b) => a.version - b.version)) {
    if (m.version <= found) continue;
    await db.exec(m.sql);
    await db.run(`INSERT INTO ns.migrations (version, name, applied_at) VALUES ($1, $2, $3)`, [m.version, m.name, Date.now()]);
    applied.push(m.version);
  }
  return { applied, version: Math.max(found, ...applied) };
}
