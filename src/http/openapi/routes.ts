// GET /api/openapi.json, the docs page at /api/docs and its assets. All public: the document holds
// no secrets (it names the environment variables, never their values).
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import type { AppDeps } from '../app.ts';
import { API_ROUTES } from './catalog.ts';
import { serve } from './define.ts';
import { docsApi } from './docs-api.ts';
import { DOCS_CSP, DocsAssets } from './docs-page.ts';
import { buildOpenApiDocument, type DocumentedJobType } from './document.ts';

const packageVersion = (): string =>
  (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? '0.0.0';

/** The job types this app's queue accepts, with the payload schemas their files declare. */
function documentedJobTypes(deps: Pick<AppDeps, 'queue'>): DocumentedJobType[] {
  return deps.queue.types.all().map((type) => ({
    name: type.name,
    description: type.job.definition.description,
    payload: type.job.definition.payload,
  }));
}

export function openApiRoutes(deps: AppDeps) {
  const app = new Hono();
  const assets = new DocsAssets();
  // Built on first request (job files are loaded by then) and kept: it changes only with the code.
  let documentText: string | undefined;
  const documentJson = () =>
    (documentText ??= JSON.stringify(buildOpenApiDocument({ routes: API_ROUTES, jobTypes: documentedJobTypes(deps), version: packageVersion() })));

  serve(app, '/api', docsApi.document, (c) =>
    c.body(documentJson(), 200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' }),
  );
  serve(app, '/api', docsApi.page, (c) =>
    c.html(assets.page(), 200, {
      'cache-control': 'no-cache',
      'content-security-policy': DOCS_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    }),
  );
  serve(app, '/api', docsApi.asset, (c, { params }) => assets.respond(c, params.file));
  return app;
}
