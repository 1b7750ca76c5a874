// One plainjob worker process, as in plainjob's README ("Multi-process Workers"): its own
// better-sqlite3 connection, defineQueue, defineWorker, worker.start(). The only additions are for
// measuring: it says when it is ready, starts on 'go' (so process start-up is not timed, as thread
// start-up is not timed for Nightshift), and reports how many times its handler ran on 'stop'.
import { defineWorker } from 'plainjob';
import { PLAINJOB_TYPE, plainjobQueue, quiet } from './lib/plainjob.ts';

const dbUrl = process.argv[2];
if (!dbUrl || !process.send) throw new Error('usage: fork(plainjob-worker.ts, [dbPath]) with an IPC channel');
const queue = plainjobQueue(dbUrl);
let calls = 0;
const worker = defineWorker(
  PLAINJOB_TYPE,
  async () => {
    calls += 1;
  },
  { queue, logger: quiet },
);

process.on('message', (m: { type: string }) => {
  if (m.type === 'go') {
    void worker.start().catch((error) => {
      console.error(error);
      process.exit(1);
    });
  } else if (m.type === 'stop') {
    void worker.stop().then(() => {
      queue.close();
      process.send!({ type: 'stopped', calls }, () => process.exit(0));
    });
  }
});
process.send({ type: 'ready' });
