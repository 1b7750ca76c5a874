// The reference app's own API (seed 000's preview sessions and i18n cache), mounted by the app
// before Nightshift's routes. Admin routes take the same bearer tokens as Nightshift's API.
import { Hono } from 'hono';
import { ADMIN_ROLES, apiErrorHandler, apiHeaders, authenticate, jsonBodyLimit, requireRole, traceContext, type RouteSpec } from '../../index.ts';
import type { AppLogger } from '../logger.ts';
import type { DomainDeps } from './deps.ts';
import { i18nCacheApi, i18nCacheRoutes } from './i18n-cache.ts';
import { previewSessionAdminRoutes, previewSessionPublicRoutes, previewSessionsApi } from './preview-sessions.ts';

export interface AppRoutesOptions extends DomainDeps {
  jwtSecret: string;
  bodyLimitBytes: number;
  logger: AppLogger;
}

export function appRoutes(options: AppRoutesOptions) {
  const app = new Hono();
  const admin = [authenticate(options.jwtSecret), requireRole(ADMIN_ROLES)] as const;
  // Traced like Nightshift's own answers (x-trace-id); the engine's routes reuse this trace id.
  app.use('/api/*', traceContext());
  app.use('/api/*', apiHeaders());
  app.use('/api/*', jsonBodyLimit(options.bodyLimitBytes));
  app.route('/api/preview-sessions', previewSessionPublicRoutes(options));
  for (const path of ['/api/preview-sessions', '/api/preview-sessions/:token/revoke', '/api/i18n-cache', '/api/i18n-cache/*']) app.use(path, ...admin);
  app.route('/api/preview-sessions', previewSessionAdminRoutes(options));
  app.route('/api/i18n-cache', i18nCacheRoutes(options));
  app.onError(apiErrorHandler(options.logger));
  return app;
}

/** The app's route definitions, for Nightshift's OpenAPI document (routes({ documentRoutes })). */
export const APP_ROUTES: readonly RouteSpec[] = [...Object.values(previewSessionsApi), ...Object.values(i18nCacheApi)];
