// Helpers for the metrics suites: a strict reader of the Prometheus text format (well-formed HELP and
// TYPE lines, comments, and samples that belong to a declared family), scraping an app in-process,
// and looking samples up by name and labels.
import assert from 'node:assert/strict';
import type { App } from '../../src/http/app.ts';
import { createApp } from '../../src/http/app.ts';
import type { Logger } from '../../src/log/logger.ts';
import type { Metrics } from '../../src/metrics/metrics.ts';
import { Queue } from '../../src/queue/index.ts';
import type { JobScheduler } from '../../src/scheduler/scheduler.ts';
import type { SqliteStore } from '../../src/store/sqlite/index.ts';
import { TEST_SECRET } from '../helpers/index.ts';

export const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  samples: Sample[];
  /** Family name -> declared type. */
  types: Map<string, string>;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = `([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\\\\n]|\\\\[\\\\"n])*)"`;
const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL})(?:,${LABEL})*)?\\})? (\\S+)$`);
const HELP = new RegExp(`^# HELP (${NAME}) .*$`);
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const VALUE = /^(?:[+-]?(?:\d+\.?\d*(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?)|[+-]?Inf|NaN)$/i;

/** Parses the text exposition format (version 0.0.4); throws on the first malformed line. */
export function parseExposition(text: string): Exposition {
  assert.ok(text.endsWith('\n'), 'the exposition ends with a newline');
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line === '') return;
    const where = `line ${i + 1}: ${JSON.stringify(line)}`;
    if (line.startsWith('#')) {
      // Other comments are allowed; HELP and TYPE lines must be well formed.
      if (line.startsWith('# HELP ')) assert.match(line, HELP, `bad HELP, ${where}`);
      if (line.startsWith('# TYPE ')) {
        const type = TYPE.exec(line);
        assert.ok(type, `bad TYPE, ${where}`);
        assert.ok(!types.has(type[1]!), `TYPE declared twice, ${where}`);
        types.set(type[1]!, type[2]!);
      }
      return;
    }
    const m = SAMPLE.exec(line);
    assert.ok(m, `not a sample line, ${where}`);
    const [, name, labelText, , , , , raw] = m;
    assert.match(raw!, VALUE, `bad value, ${where}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (labelText ?? '').matchAll(new RegExp(LABEL, 'g'))) {
      assert.ok(!(key! in labels), `label ${key} repeated, ${where}`);
      labels[key!] = value!.replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
    }
    const family = [...types.keys()].find((f) => name === f || (types.get(f) === 'histogram' && /^(_bucket|_sum|_count)$/.test(name!.slice(f.length)) && name!.startsWith(f)));
    assert.ok(family, `sample without a TYPE line for its family, ${where}`);
    samples.push({ name: name!, labels, value: Number(raw!.replace(/^\+?Inf$/i, 'Infinity').replace(/^-Inf$/i, '-Infinity')) });
  });
  return { samples, types };
}

/** The value of the sample with exactly these labels (undefined when there is none). */
export function valueOf(e: Exposition, name: string, labels: Record<string, string> = {}): number | undefined {
  const want = Object.entries(labels);
  const found = e.samples.filter(
    (s) => s.name === name && want.length === Object.keys(s.labels).length && want.every(([k, v]) => s.labels[k] === v),
  );
  assert.ok(found.length <= 1, `${name} ${JSON.stringify(labels)} appears ${found.length} times`);
  return found[0]?.value;
}

/** Every sample of a family (any labels). */
export function samplesOf(e: Exposition, name: string): Sample[] {
  return e.samples.filter((s) => s.name === name);
}

export interface Scrape extends Exposition {
  status: number;
  contentType: string | null;
  text: string;
}

/** GET /metrics in-process with the given headers (default: the test METRICS_TOKEN); asserts 200 and parses. */
export async function scrape(app: App, headers: Record<string, string> = { authorization: `Bearer ${METRICS_TOKEN}` }): Promise<Scrape> {
  const res = await app.request('/metrics', { headers });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  return { ...parseExposition(text), status: res.status, contentType: res.headers.get('content-type'), text };
}

/** The HTTP app over the given parts, with METRICS_TOKEN set (metrics: the app builds its own when absent). */
export function metricsApp(parts: { store: SqliteStore; scheduler: JobScheduler; queue?: Queue; logger: Logger; metrics?: Metrics; metricsToken?: string | null }): App {
  const { store } = parts;
  const queue = parts.queue ?? new Queue({ store, jobs: [], logger: parts.logger });
  return createApp({
    store,
    scheduler: parts.scheduler,
    queue,
    logger: parts.logger,
    jwtSecret: TEST_SECRET,
    runWaitMs: 20_000,
    bodyLimitBytes: 100 * 1024,
    metricsToken: parts.metricsToken === null ? undefined : (parts.metricsToken ?? METRICS_TOKEN),
    metrics: parts.metrics,
  }, { dashboardPath: '/dashboard' });
}

/** Scrapes until `ready(scrape)` holds (runs finish in other threads), then returns that scrape. */
export async function scrapeUntil(app: App, ready: (m: Scrape) => boolean, what: string, timeoutMs = 10_000): Promise<Scrape> {
  let last: Scrape | undefined;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    last = await scrape(app);
    if (ready(last)) return last;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; last scrape:\n${last.text}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
