import { z } from 'zod';
import { defineJob } from '../../../src/job.ts';

// A job whose payload can be as large as Nightshift allows (maxPayloadBytes): what the memory
// benchmark fills the queue with. It never runs there (the jobs are due months ahead).
export default defineJob({
  name: 'bench.blob',
  description: 'Carry a large payload',
  payload: z.object({ text: z.string() }),
  run(ctx) {
    return { length: ctx.payload.text.length };
  },
});
