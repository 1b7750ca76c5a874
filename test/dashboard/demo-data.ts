// Demo and test data for the dashboard: a realistic run history (scheduled runs over past days,
// a few failures) and bulk rows for a long export. Rows go straight into nightshift_job_runs, with ids made
// from their start times like the ledger's own.
import { uuidv7 } from '../../src/core/ids.ts';
import type { Db } from '../../src/store/sqlite/open.ts';

export interface HistorySpec {
  name: string;
  /** How often it ran. */
  everyMs: number;
  count: number;
  /** Typical duration; each run varies around it. */
  typicalMs: number;
  /** Every n-th run failed (0: none). */
  failEvery?: number;
  error?: string;
  details?: (i: number) => Record<string, unknown>;
}

/** A small deterministic PRNG, so screenshots and tests see the same "random" durations. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const INSERT = `INSERT INTO nightshift_job_runs (id, name, status, trigger, started_at, ended_at, duration_ms, details, error, owner)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'demo')`;

/** Finished scheduled runs, the newest `everyMs` before `now`, oldest first. */
export function seedRunHistory(db: Db, specs: HistorySpec[], now = Date.now()): number {
  const insert = db.prepare(INSERT);
  const random = prng(42);
  let rows = 0;
  db.transaction(() => {
    for (const spec of specs) {
      for (let i = spec.count; i >= 1; i--) {
        const startedAt = now - i * spec.everyMs + Math.floor(random() * 2000);
        const failed = spec.failEvery ? i % spec.failEvery === 0 : false;
        const duration = Math.round(spec.typicalMs * (0.55 + random() * 0.9) * (failed ? 0.4 : 1) + (i % 7 === 0 ? spec.typicalMs * 0.8 : 0));
        insert.run(
          uuidv7(startedAt),
          spec.name,
          failed ? 'failed' : 'success',
          i === 1 && !failed ? 'manual' : 'schedule',
          startedAt,
          startedAt + duration,
          duration,
          failed ? null : JSON.stringify(spec.details?.(i) ?? {}),
          failed ? (spec.error ?? 'Job failed') : null,
        );
        rows += 1;
      }
    }
  })();
  return rows;
}

/** `count` short finished runs of a job (material for exportRuns to chew through slowly). */
export function seedBulkRuns(db: Db, name: string, count: number, now = Date.now()): void {
  const insert = db.prepare(INSERT);
  db.transaction(() => {
    for (let i = count; i >= 1; i--) {
      const startedAt = now - 30 * 24 * 60 * 60_000 + (30 * 24 * 60 * 60_000 * (count - i)) / count;
      insert.run(uuidv7(startedAt), name, 'success', 'queue', startedAt, startedAt + 5, 5, '{}', null);
    }
  })();
}

export const HOUR = 60 * 60_000;

/** The history the screenshots show: the three shipped scheduled jobs over the last ten days. */
export const DEMO_HISTORY: HistorySpec[] = [
  {
    name: 'cleanupPreviewSessions',
    everyMs: 6 * HOUR,
    count: 36,
    typicalMs: 1400,
    failEvery: 17,
    error: 'SQLITE_BUSY: database is locked (retry budget of 5 s exhausted)',
    details: (i) => ({ expiredCount: 120 + ((i * 37) % 400), revokedCount: (i * 7) % 30 }),
  },
  { name: 'cleanupI18nCache', everyMs: 24 * HOUR, count: 10, typicalMs: 650, details: (i) => ({ cleanedCount: 40 + ((i * 13) % 90), batches: 1 }) },
  { name: 'pruneHistory', everyMs: 24 * HOUR, count: 10, typicalMs: 240, details: (i) => ({ queueJobs: 200 + i * 11, runs: 300 + i * 17 }) },
];
