// The docs page: Swagger UI from node_modules/swagger-ui-dist (never a CDN: the host may be offline)
// plus our own initializer script. Files are read once per app, on first request, and served with
// an ETag; a URL carrying the file's current version (?v=) may be cached for a year. Every URL on
// the page is under the base path the docs are mounted below (see src/http/base-path.ts).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Context } from 'hono';
import { notFound } from '../errors.ts';

const SWAGGER_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const OWN_DIR = fileURLToPath(new URL('./assets/', import.meta.url));

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.png': 'image/png',
};

/**
 * The only files served: a fixed list, so no request can name another file. A Map, not an object
 * literal: a name from the URL must never find an inherited property ("__proto__", "constructor").
 */
const FILES = new Map<string, string>([
  ['swagger-ui.css', join(SWAGGER_DIR, 'swagger-ui.css')],
  ['swagger-ui-bundle.js', join(SWAGGER_DIR, 'swagger-ui-bundle.js')],
  ['index.css', join(SWAGGER_DIR, 'index.css')],
  ['favicon-32x32.png', join(SWAGGER_DIR, 'favicon-32x32.png')],
  ['favicon-16x16.png', join(SWAGGER_DIR, 'favicon-16x16.png')],
  ['docs.js', join(OWN_DIR, 'docs.js')],
]);

/** Below the base path ('' at the root, '/admin/jobs' when mounted there). */
const assetsPath = (base: string) => `${base}/api/docs/assets/`;
export const documentPath = (base: string) => `${base}/api/openapi.json`;

/**
 * Scripts and styles from this origin only. Swagger UI sets style attributes and draws its icons
 * from data: URIs, hence 'unsafe-inline' for styles and data: for images; no inline script runs.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

interface Asset {
  body: Uint8Array<ArrayBuffer>;
  /** Text compresses to about a quarter (the bundle is 1.7 MB); PNGs are compressed already. */
  compressible: boolean;
  gzipped?: Uint8Array<ArrayBuffer>;
  type: string;
  etag: string;
  /** Short content hash, the ?v= of URLs to this file. */
  version: string;
}

const YEAR = 'public, max-age=31536000, immutable';
const REVALIDATE = 'public, max-age=0, must-revalidate';

export class DocsAssets {
  private readonly loaded = new Map<string, Asset>();

  private load(name: string): Asset | undefined {
    const path = FILES.get(name);
    if (!path) return undefined;
    let asset = this.loaded.get(name);
    if (!asset) {
      const body = new Uint8Array(readFileSync(path));
      const hash = createHash('sha256').update(body).digest('base64url');
      const type = TYPES[name.slice(name.lastIndexOf('.'))]!;
      asset = { body, compressible: !type.startsWith('image/'), type, etag: `"${hash}"`, version: hash.slice(0, 12) };
      this.loaded.set(name, asset);
    }
    return asset;
  }

  url(name: string, base: string): string {
    return `${assetsPath(base)}${name}?v=${this.load(name)!.version}`;
  }

  respond(c: Context, name: string): Response {
    const asset = this.load(name);
    if (!asset) throw notFound(`No docs asset named ${name}`);
    const headers: Record<string, string> = {
      'content-type': asset.type,
      'cache-control': c.req.query('v') === asset.version ? YEAR : REVALIDATE,
      etag: asset.etag,
      'x-content-type-options': 'nosniff',
      vary: 'accept-encoding',
    };
    if (c.req.header('if-none-match')?.split(/\s*,\s*/).includes(asset.etag)) return c.body(null, 304, headers);
    if (asset.compressible && /\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) {
      asset.gzipped ??= new Uint8Array(gzipSync(asset.body));
      return c.body(asset.gzipped, 200, { ...headers, 'content-encoding': 'gzip' });
    }
    return c.body(asset.body, 200, headers);
  }

  page(base: string): string {
    const url = (name: string) => escapeAttribute(this.url(name, base));
    const documentUrl = escapeAttribute(documentPath(base));
    return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Nightshift API</title>
<link rel="icon" type="image/png" sizes="32x32" href="${url('favicon-32x32.png')}">
<link rel="icon" type="image/png" sizes="16x16" href="${url('favicon-16x16.png')}">
<link rel="stylesheet" href="${url('index.css')}">
<link rel="stylesheet" href="${url('swagger-ui.css')}">
</head>
<body>
<noscript><p>This page needs JavaScript. The API description itself is at <a href="${documentUrl}">${documentUrl}</a>.</p></noscript>
<main id="swagger-ui" data-spec-url="${documentUrl}"></main>
<script src="${url('swagger-ui-bundle.js')}"></script>
<script src="${url('docs.js')}"></script>
</body>
</html>
`;
  }
}

/** The base comes from the host's mount point (a route pattern, so it could hold '&' or quotes). */
function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
