// A real Nightshift runtime on 127.0.0.1 with a temp database and the shipped jobs, plus headless
// Chromium (Debian's /usr/bin/chromium through playwright-core), for the browser test and the
// screenshot script.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { parseConfig } from '../../src/app/config.ts';
import { migrate } from '../../src/store/sqlite/migrate.ts';
import { openDatabase, type Db } from '../../src/store/sqlite/open.ts';
import { migrateAppSchema } from '../../src/app/domain/schema.ts';
import { signToken } from '../../src/http/auth/auth.ts';
import type { Role } from '../../src/http/auth/roles.ts';
import { createPinoLogger } from '../../src/log/logger.ts';
import { startRuntime, type Runtime } from '../../src/app/runtime.ts';
import { JOBS_DIR } from '../helpers/index.ts';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

export const chromiumAvailable = () => existsSync(CHROMIUM_PATH);

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export const RUNTIME_SECRET = 'dashboard-browser-test-secret-of-at-least-32-bytes';

export interface DashboardRuntime {
  runtime: Runtime;
  url: string;
  dir: string;
  token(role: Role, ttlSeconds?: number): Promise<string>;
  /** The link `npm run token` prints: /dashboard/sign-in#token=<jwt> */
  signInLink(role: Role): Promise<string>;
  stop(): Promise<void>;
}

/** Starts a runtime; `seed` runs on the migrated database before the scheduler starts. */
export async function startDashboardRuntime(options: { seed?: (db: Db) => void; env?: Record<string, string> } = {}): Promise<DashboardRuntime> {
  const dir = mkdtempSync(join(tmpdir(), 'nightshift-dashboard-'));
  const databasePath = join(dir, 'nightshift.db');
  if (options.seed) {
    const db = openDatabase(databasePath);
    migrate(db, databasePath);
    migrateAppSchema(db);
    options.seed(db);
    db.close();
  }
  const config = parseConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_PATH: databasePath,
    JOBS_DIR,
    JWT_SECRET: RUNTIME_SECRET,
    QUEUE_WORKERS: '1',
    LOG_LEVEL: 'warn',
    SHUTDOWN_GRACE_MS: '2000',
    ...options.env,
  });
  const runtime = await startRuntime(config, createPinoLogger({ level: 'warn', format: 'pretty' }));
  const token = (role: Role, ttlSeconds = 600) => signToken({ sub: `browser-${role}`, role, ttlSeconds }, RUNTIME_SECRET);
  return {
    runtime,
    url: runtime.url,
    dir,
    token,
    signInLink: async (role) => `${runtime.url}/dashboard/sign-in#token=${await token(role)}`,
    async stop() {
      await runtime.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
