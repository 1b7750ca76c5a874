// GET <base>/api/openapi.json, the docs page at <base>/api/docs and its assets, for this app mounted
// at <base>/api (the base is read per request from where the host mounted it). All public: the
// document holds no secrets (it names the environment variables, never their values).
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import type { AppDeps } from '../deps.ts';
import { basePathFromMount, type BasePathEnv } from '../base-path.ts';
import { handleError } from '../errors.ts';
import { API_ROUTES } from './catalog.ts';
import { serve, type RouteSpec } from './define.ts';
import { docsApi } from './docs-api.ts';
import { DOCS_CSP, DocsAssets } from './docs-page.ts';
import { buildOpenApiDocument, type DocumentedJobType, type OpenApiDocument } from './document.ts';

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

/** `hostRoutes`: the host's own route definitions, documented beside the engine's (routes({ documentRoutes })). */
export function openApiRoutes(deps: AppDeps, hostRoutes: readonly RouteSpec[] = []) {
  const app = new Hono<BasePathEnv>();
  const assets = new DocsAssets();
  // Built on first request (job files are loaded by then) and kept until a job type is registered
  // after start (ns.register): it changes only with the code and the job types.
  let document: OpenApiDocument | undefined;
  let typesVersion = deps.queue.types.version;
  // The document's text per base: it differs only in `servers` (one base per mount, so a few at most).
  const texts = new Map<string, string>();
  const documentJson = (base: string) => {
    if (deps.queue.types.version !== typesVersion) {
      typesVersion = deps.queue.types.version;
      document = undefined;
      texts.clear();
    }
    let text = texts.get(base);
    if (text === undefined) {
      document ??= buildOpenApiDocument({ routes: API_ROUTES, hostRoutes, jobTypes: documentedJobTypes(deps), version: packageVersion() });
      // Paths in the document start with /api; the server is where the host put Nightshift.
      text = JSON.stringify({ ...document, servers: [{ url: base || '/' }] });
      texts.set(base, text);
    }
    return text;
  };

  // Only on the docs' own paths: this app is mounted at '<base>/api', so '*' would run for the whole API.
  for (const path of ['/openapi.json', '/docs', '/docs/*']) app.use(path, basePathFromMount({ below: '/api' }));
  serve(app, '/api', docsApi.document, (c) =>
    c.body(documentJson(c.get('basePath')), 200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' }),
  );
  serve(app, '/api', docsApi.page, (c) =>
    c.html(assets.page(c.get('basePath')), 200, {
      'cache-control': 'no-cache',
      'content-security-policy': DOCS_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    }),
  );
  serve(app, '/api', docsApi.asset, (c, { params }) => assets.respond(c, params.file));
  // Its own errors (an unknown asset's 404) in the API's JSON, whichever app the host mounts it in.
  app.onError(handleError(deps.logger));
  return app;
}
