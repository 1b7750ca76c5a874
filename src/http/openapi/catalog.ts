// Every documented endpoint, in the order the document lists them.
import { healthApi } from '../routes/health.ts';
import { i18nCacheApi } from '../routes/i18n-cache.ts';
import { jobsApi } from '../routes/jobs.ts';
import { previewSessionsApi } from '../routes/preview-sessions.ts';
import { queueApi } from '../routes/queue.ts';
import type { RouteSpec } from './define.ts';
import { docsApi, metricsApi } from './docs-api.ts';

export const API_ROUTES: readonly RouteSpec[] = [healthApi, jobsApi, queueApi, previewSessionsApi, i18nCacheApi, metricsApi, docsApi].flatMap(
  (group) => Object.values(group) as RouteSpec[],
);
