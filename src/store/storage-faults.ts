// Whether the database can be written right now, as its store last found out: /api/health reads
// it (status "degraded" while writes fail for lack of space, "ok" again after the first write that
// succeeds). Kept beside the store, not in it, so that every backend reports the same way without
// the NightshiftStore interface growing a method: a store records its outcomes with
// storageFaultsOf(this), readers ask storageFaultsOf(store).
import type { StorageFullError } from './errors.ts';

export interface StorageFault {
  code: 'STORAGE_FULL';
  /** The client-safe message (no path). */
  message: string;
  /** The driver's code of the first failure (SQLITE_FULL...), for logs. */
  driverCode?: string;
  /** When writes started failing (epoch ms). */
  since: number;
}

/** A health check re-tries the probe write at most this often while writes are failing. */
const PROBE_INTERVAL_MS = 1_000;

export class StorageFaults {
  private fault?: StorageFault;
  private lastProbe = 0;
  /**
   * A write that changes nothing but still needs space (set by the store): lets a health check see
   * that space is back even when nothing else writes.
   */
  probe?: () => void;

  get current(): StorageFault | undefined {
    return this.fault;
  }

  failed(err: StorageFullError, now = Date.now()): void {
    this.fault ??= { code: 'STORAGE_FULL', message: err.message, driverCode: err.driverCode, since: now };
  }

  /** A write reached the disk: the episode, if any, is over. */
  succeeded(): void {
    this.fault = undefined;
  }

  /** The fault, after re-trying the probe write (at most once a second) while there is one. */
  recheck(now = Date.now()): StorageFault | undefined {
    if (!this.fault || !this.probe || now - this.lastProbe < PROBE_INTERVAL_MS) return this.fault;
    this.lastProbe = now;
    try {
      this.probe();
    } catch {
      // Still failing: the store recorded it (or it is another fault, which health reports elsewhere).
    }
    return this.fault;
  }
}

const byStore = new WeakMap<object, StorageFaults>();

/** The fault record of one store (created on first use). */
export function storageFaultsOf(store: object): StorageFaults {
  let faults = byStore.get(store);
  if (!faults) byStore.set(store, (faults = new StorageFaults()));
  return faults;
}
