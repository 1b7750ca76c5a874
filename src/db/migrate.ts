// Numbered migrations, applied in order inside one IMMEDIATE transaction each; the schema version
// lives in PRAGMA user_version, so a database knows exactly which migrations it has.
import type { Db } from './open.ts';
import { migrations } from './migrations/index.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function migrate(db: Db, list: readonly Migration[] = migrations): number[] {
  const applied: number[] = [];
  for (const m of [...list].sort((a, b) => a.version - b.version)) {
    // Re-read inside the transaction: two processes starting together must not both apply it.
    db.transaction(() => {
      if (schemaVersion(db) >= m.version) return;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
      applied.push(m.version);
    }).immediate();
  }
  return applied;
}
