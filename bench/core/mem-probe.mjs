// Preloaded into `node --expose-gc --import tsx --import ./bench/core/mem-probe.mjs src/app/server.ts`
// by the memory benchmark: answers {type:'memory', gc} on the IPC channel with
// process.memoryUsage(), after a forced global.gc() when asked and available. src/app/server.ts runs
// unchanged; this only adds an IPC listener. Plain .mjs because worker threads inherit execArgv and
// must be able to load it too (it does nothing there).
import { isMainThread } from 'node:worker_threads';

if (isMainThread && process.send) {
  process.on('message', (m) => {
    if (m?.type !== 'memory') return;
    const gc = globalThis.gc;
    if (m.gc && gc) gc();
    process.send?.({ type: 'memory', id: m.id, usage: process.memoryUsage(), gc: !!(m.gc && gc) });
  });
  // Let the server decide when the process ends (SIGTERM -> runtime.stop() -> exit 0).
  process.channel?.unref();
}
