// The reference app's own API (seed 000's preview sessions and i18n cache), mounted by the app
// before Nightshift's routes. Admin routes take the same bearer tokens as Nightshift's API.
import { Hono } from 'hono';
import { ADMIN_ROLES, authenticate, requireRole } from '../../index.ts';
// The engine's request kit (JSON bodies, {error, code} answers): not public API; see README.
import { jsonBodyLimit } from '../../http/body-limit.ts';
import { handleError } from '../../http/errors.ts';
import { apiHeaders } from '../../http/headers.ts';
import { fromHostLogger } from '../../log/host.ts';
import type { AppLogger } from '../logger.ts';
import type { DomainDeps } from './deps.ts';
import { i18nCacheRoutes } from './i18n-cache.ts';
import { previewSessionAdminRoutes, previewSessionPublicRoutes } from './preview-sessions.ts';

export interface AppRoutesOptions extends DomainDeps {
  jwtSecret: string;
  bodyLimitBytes: number;
  logger: AppLogger;
}

export function appRoutes(options: AppRoutesOptions) {
  const app = new Hono();
  const admin = [authenticate(options.jwtSecret), requireRole(ADMIN_ROLES)] as const;
  app.use('/api/*', apiHeaders());
  app.use('/api/*', jsonBodyLimit(options.bodyLimitBytes));
  app.route('/api/preview-sessions', previewSessionPublicRoutes(options));
  for (const path of ['/api/preview-sessions', '/api/preview-sessions/:token/revoke', '/api/i18n-cache', '/api/i18n-cache/*']) app.use(path, ...admin);
  app.route('/api/preview-sessions', previewSessionAdminRoutes(options));
  app.route('/api/i18n-cache', i18nCacheRoutes(options));
  app.onError(handleError(fromHostLogger(options.logger)));
  return app;
}
