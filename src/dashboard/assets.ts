// The dashboard's static files (CSS, plain ES-module scripts, an icon), read once when the app is
// built and served from memory with their content type. URLs carry a content hash (?v=), so a
// browser may cache them for a year and still never runs a stale script after an upgrade.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';

const ASSET_DIR = fileURLToPath(new URL('./assets/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

interface Asset {
  body: Uint8Array;
  type: string;
  version: string;
}

export interface Assets {
  /** The file's current version, for its URL ("<base>/assets/dashboard.js?v=1a2b3c4d", see paths.ts). */
  version(name: string): string;
  /** GET /:name, for mounting at '<base>/assets'. */
  routes(): Hono;
}

export function loadAssets(dir = ASSET_DIR): Assets {
  const files = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    const type = CONTENT_TYPES[extname(name)];
    if (!type) continue;
    const body = readFileSync(join(dir, name));
    files.set(name, { body, type, version: createHash('sha256').update(body).digest('hex').slice(0, 12) });
  }
  return {
    version(name) {
      const asset = files.get(name);
      if (!asset) throw new Error(`No dashboard asset named ${name}`);
      return asset.version;
    },
    routes() {
      return new Hono().get('/:name', (c) => {
        const asset = files.get(c.req.param('name'));
        if (!asset) return c.text('Not found', 404);
        const immutable = c.req.query('v') === asset.version;
        return c.body(asset.body as Uint8Array<ArrayBuffer>, 200, {
          'Content-Type': asset.type,
          'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
          ETag: `"${asset.version}"`,
          'X-Content-Type-Options': 'nosniff',
        });
      });
    },
  };
}
