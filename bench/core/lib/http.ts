// A small keep-alive HTTP client for latency loops (node:http, no fetch/undici overhead), and a
// bounded sequential request loop that records each request's latency.
import http from 'node:http';

export interface HttpResult {
  status: number;
  body: string;
  ms: number;
}

export class Client {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  private readonly base: URL;
  constructor(
    baseUrl: string,
    private readonly headers: Record<string, string> = {},
  ) {
    this.base = new URL(baseUrl);
  }

  request(method: string, path: string, body?: unknown, timeoutMs = 120_000): Promise<HttpResult> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string | number> = { ...this.headers };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    return new Promise((resolve, reject) => {
      const started = performance.now();
      const req = http.request(
        { host: this.base.hostname, port: this.base.port, method, path, headers, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
          res.on('error', reject);
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${path} timed out after ${timeoutMs} ms`)));
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface LoopOptions {
  /** Start a request every `intervalMs` (sequential: never two at once; late requests go at once). */
  intervalMs: number;
  maxCount: number;
  maxMs: number;
  /** Stop early once this resolves true-ish (checked between requests). */
  until?: () => boolean;
}

export interface LoopResult {
  latencies: number[];
  /** start of each successful request, ms since the loop started (same order as latencies) */
  startedAt: number[];
  errors: number;
  statuses: Record<number, number>;
  wallMs: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Sequential request loop, bounded in count and time. */
export async function requestLoop(send: () => Promise<HttpResult>, expectStatus: number, options: LoopOptions): Promise<LoopResult> {
  const latencies: number[] = [];
  const startedAt: number[] = [];
  const statuses: Record<number, number> = {};
  let errors = 0;
  const started = performance.now();
  for (let i = 0; i < options.maxCount; i++) {
    if (performance.now() - started >= options.maxMs) break;
    if (options.until?.()) break;
    const tick = performance.now();
    try {
      const r = await send();
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      if (r.status === expectStatus) {
        latencies.push(r.ms);
        startedAt.push(tick - started);
      }
      else errors++;
    } catch {
      errors++;
    }
    const wait = options.intervalMs - (performance.now() - tick);
    if (wait >= 1) await sleep(wait);
  }
  return { latencies, startedAt, errors, statuses, wallMs: performance.now() - started };
}
