// plainjob as its README shows it: a better-sqlite3 connection wrapped with better(), defineQueue,
// defineWorker, worker.start(). Handlers run on the thread that calls worker.start() (the main
// thread); the README's way to use more cores is one process per worker (plainjob-worker.ts).
import Database from 'better-sqlite3';
import { better, defineQueue, type Queue } from 'plainjob';

/** plainjob logs every job at debug level through console by default; a benchmark must not print 40k lines. */
export const quiet = { error() {}, warn() {}, info() {}, debug() {} };

export const PLAINJOB_TYPE = 'bench';

export function plainjobQueue(path: string): Queue {
  const connection = better(new Database(path));
  return defineQueue({ connection, logger: quiet });
}

/** plainjob's JobStatus: 0 pending, 1 processing, 2 done, 3 failed. */
export const PLAINJOB_STATUS: Record<number, string> = { 0: 'pending', 1: 'processing', 2: 'done', 3: 'failed' };

export function plainjobRows(path: string): { rows: number; byStatus: Record<string, number> } {
  const db = new Database(path, { readonly: true });
  try {
    const byStatus: Record<string, number> = {};
    for (const r of db.prepare('SELECT status, COUNT(*) AS n FROM plainjob_jobs GROUP BY status').all() as { status: number; n: number }[]) {
      byStatus[PLAINJOB_STATUS[r.status] ?? String(r.status)] = r.n;
    }
    return { rows: Object.values(byStatus).reduce((a, b) => a + b, 0), byStatus };
  } finally {
    db.close();
  }
}
