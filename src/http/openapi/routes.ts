import { Hono } from 'hono';
import type { AppDeps } from '../app.ts';

/** GET /api/openapi.json and the docs page. (Placeholder until the API description lands.) */
export function openApiRoutes(_deps: AppDeps) {
  return new Hono();
}
