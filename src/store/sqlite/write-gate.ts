// Cross-thread courtesy for the single SQLite write lock.
//
// SQLite's busy handler backs off (1, 2, 5, 10, 15... ms) while it waits, so a background job that
// re-takes the lock right after each batch can keep an API writer waiting for hundreds of ms.
// The gate fixes that inside one process: a main-thread writer raises a counter in shared memory
// while it writes; a background batch loop checks the counter between batches and steps aside until
// the writer is done. The counter lives in a SharedArrayBuffer passed to each worker thread.
const WAITING_WRITERS = 0;

export class WriteGate {
  readonly buffer: SharedArrayBuffer;
  private readonly cells: Int32Array;

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(8)) {
    this.buffer = buffer;
    this.cells = new Int32Array(buffer);
  }

  /** Run a (synchronous) write with the gate raised. */
  write<T>(fn: () => T): T {
    Atomics.add(this.cells, WAITING_WRITERS, 1);
    try {
      return fn();
    } finally {
      Atomics.sub(this.cells, WAITING_WRITERS, 1);
      Atomics.notify(this.cells, WAITING_WRITERS);
    }
  }

  waitingWriters(): number {
    return Atomics.load(this.cells, WAITING_WRITERS);
  }

  /**
   * Called by background jobs between batches (never on the main thread): blocks while a writer
   * waits, at most `maxWaitMs` so a stream of writers cannot starve the job. Returns ms waited.
   */
  yieldToWriters(maxWaitMs = 50): number {
    const started = performance.now();
    let waiting = Atomics.load(this.cells, WAITING_WRITERS);
    while (waiting > 0) {
      const left = maxWaitMs - (performance.now() - started);
      if (left <= 0) break;
      Atomics.wait(this.cells, WAITING_WRITERS, waiting, left);
      waiting = Atomics.load(this.cells, WAITING_WRITERS);
    }
    return performance.now() - started;
  }
}
