// PostgreSQL for tests: a real server, never a mock. Each test file gets a database of its own on
// it (CREATE DATABASE, dropped when the file ends) and each test a fresh schema in that database.
//
// Which server:
//   - NIGHTSHIFT_TEST_DATABASE_URL (CI sets it: .ci/run starts a cluster with scripts/with-postgres.sh);
//   - else, when PostgreSQL's binaries are installed, a throwaway cluster this file starts in a temp
//     folder (127.0.0.1 only; as the postgres user when running as root) and stops when it ends;
//   - else the file's PostgreSQL tests are skipped with a message saying how to get one, except
//     under CI=true, where they fail.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import pg from 'pg';

export const HOW_TO_GET_POSTGRES =
  'PostgreSQL is not available: install it (Debian/Ubuntu: apt-get install postgresql) so the tests can start a throwaway cluster, ' +
  'or run `scripts/with-postgres.sh npm test`, or set NIGHTSHIFT_TEST_DATABASE_URL=postgres://user:password@host:port/database ' +
  '(a role that may CREATE DATABASE)';

export interface TestPostgres {
  /** This test file's own database. */
  url: string;
  /** A pool on it for the test's own checks (closed when the file ends). */
  admin: pg.Pool;
  /** A schema name no other test uses (created by the store's migrate()). */
  schemaName(prefix?: string): string;
  dropSchema(schema: string): Promise<void>;
}

export type PostgresAvailability = { available: true; pg: TestPostgres } | { available: false; skip: string };

let counter = 0;

/**
 * The PostgreSQL server for this test file, with a database of its own. Call once per file (top
 * level); the database is dropped and any cluster started here is stopped after the file's tests.
 * Root-level after() hooks run in the order they were registered, this one first: a file's own
 * cleanup that still needs the database belongs in its describe()'s after().
 */
export async function testPostgres(): Promise<PostgresAvailability> {
  const server = await serverUrl();
  if (!server) {
    if (process.env.CI === 'true') throw new Error(`${HOW_TO_GET_POSTGRES} (CI=true: PostgreSQL tests must run, not skip)`);
    return { available: false, skip: HOW_TO_GET_POSTGRES };
  }
  const database = `nightshift_test_${process.pid}_${Date.now().toString(36)}`;
  const root = new pg.Pool({ connectionString: server.url, max: 1 });
  await root.query(`CREATE DATABASE ${database}`);
  const url = withDatabase(server.url, database);
  const admin = new pg.Pool({ connectionString: url, max: 4 });
  after(async () => {
    await admin.end();
    await dropDatabase(root, database);
    await root.end();
    server.stop();
  });
  return {
    available: true,
    pg: {
      url,
      admin,
      schemaName: (prefix = 't') => `${prefix}_${process.pid}_${++counter}_${Math.random().toString(36).slice(2, 8)}`,
      dropSchema: async (schema) => void (await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)),
    },
  };
}

/**
 * Drops a test file's database once every connection to it has closed. A pool's end() resolves
 * before its sockets are closed, and DROP DATABASE ... WITH (FORCE) would make the server end them
 * with an error the closing clients then raise: so wait for them, and force only as a last resort.
 */
async function dropDatabase(root: pg.Pool, database: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      await root.query(`DROP DATABASE IF EXISTS ${database}`);
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== '55006') throw err; // object_in_use: connections still closing
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  await root.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

interface Server {
  url: string;
  stop(): void;
}

async function serverUrl(): Promise<Server | undefined> {
  const given = process.env.NIGHTSHIFT_TEST_DATABASE_URL;
  if (given) return { url: given, stop: () => {} };
  const bin = findBin();
  if (!bin) return undefined;
  return startCluster(bin);
}

/** PostgreSQL's server binaries: $PG_BIN, else the newest /usr/lib/postgresql/N/bin, else pg_config's. */
export function findBin(): string | undefined {
  const has = (dir: string | undefined) => dir !== undefined && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'));
  if (process.env.PG_BIN) return has(process.env.PG_BIN) ? process.env.PG_BIN : undefined;
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (has(join(debian, v, 'bin'))) return join(debian, v, 'bin');
  }
  const fromConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const dir = fromConfig.status === 0 ? fromConfig.stdout.trim() : undefined;
  return has(dir) ? dir : undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * A throwaway cluster (what scripts/with-postgres.sh does, for a test file run on its own): initdb
 * in a temp folder, trust authentication on 127.0.0.1 and a socket in that folder only, fsync off.
 */
async function startCluster(bin: string): Promise<Server> {
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'nightshift-pg-'));
  const data = join(dir, 'data');
  const asServer = (cmd: string, args: string[]) =>
    root ? execFileSync('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { stdio: 'pipe' }) : execFileSync(join(bin, cmd), args, { stdio: 'pipe' });
  if (root) {
    // PostgreSQL refuses to run as root: the server runs as postgres, who must own the folder.
    const [uid, gid] = idsOf('postgres');
    chownSync(dir, uid, gid);
  }
  const port = await freePort();
  let started = false;
  const stop = () => {
    if (started) {
      try {
        asServer('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        /* already stopped */
      }
      started = false;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // A test file that crashes still stops its cluster.
  process.once('exit', stop);
  try {
    asServer('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C']);
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    asServer('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', options, 'start']);
    started = true;
  } catch (err) {
    const log = existsSync(join(dir, 'server.log')) ? readFileSync(join(dir, 'server.log'), 'utf8') : '';
    stop();
    throw new Error(`Could not start a throwaway PostgreSQL cluster with ${bin}: ${(err as Error).message}\n${log}`);
  }
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop };
}

function idsOf(user: string): [number, number] {
  const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
  return [uid, gid];
}
