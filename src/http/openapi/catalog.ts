// Every documented endpoint, in the order the document lists them.
import { healthApi } from '../routes/health.ts';
import { jobsApi } from '../routes/jobs.ts';
import { queueApi } from '../routes/queue.ts';
import { queueBatchApi } from '../routes/queue-batch.ts';
import { queuesApi } from '../routes/queues.ts';
import type { RouteSpec } from './define.ts';
import { docsApi, metricsApi } from './docs-api.ts';

export const API_ROUTES: readonly RouteSpec[] = [healthApi, jobsApi, queueApi, queueBatchApi, queuesApi, metricsApi, docsApi].flatMap(
  (group) => Object.values(group) as RouteSpec[],
);
