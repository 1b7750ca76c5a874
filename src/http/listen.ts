// A standalone HTTP server for a Hono app (ns.listen()): binds, reports the address to open, and
// closes within a bound, cutting connections that outlive it.
import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import type { AddressInfo } from 'node:net';

export interface ListenOptions {
  /** Default 3000; 0 picks a free port. */
  port?: number;
  /** Default '0.0.0.0' (every interface). */
  host?: string;
}

export interface Listening {
  /** An address to open from this host, e.g. http://127.0.0.1:3000. */
  url: string;
  /** What the socket is bound to, e.g. 0.0.0.0:3000. */
  bound: string;
  server: ServerType;
  /** Stops accepting connections; requests in flight get `graceMs` (default 1 s), then are cut. */
  close(graceMs?: number): Promise<void>;
}

export async function listen(app: Hono, options: ListenOptions = {}): Promise<Listening> {
  const host = options.host ?? '0.0.0.0';
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port: options.port ?? 3000 }, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const openHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${openHost}:${port}`,
    bound: `${host}:${port}`,
    server,
    close(graceMs = 1_000) {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        await closed;
      })();
      return closing;
    },
  };
}
