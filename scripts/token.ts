// `npm run token -- --role admin [--sub alice] [--ttl 3600]`: prints a JWT for local use, signed
// with JWT_SECRET (or the development secret kept under data/), then a dashboard sign-in link (on
// stderr when stdout is captured). Same code and settings as `nightshift token` (src/cli/token.ts,
// src/cli/project.ts: nightshift.config.json, then the environment).
import { parseArgs } from 'node:util';
import { CliError } from '../src/cli/errors.ts';
import { loadSettings } from '../src/cli/project.ts';
import { mintToken, parseRole, parseTtl, printToken, publicUrl } from '../src/cli/token.ts';

try {
  const { values } = parseArgs({
    options: { role: { type: 'string', default: 'admin' }, sub: { type: 'string' }, ttl: { type: 'string', default: '3600' } },
  });
  const role = parseRole(values.role);
  const ttlSeconds = parseTtl(values.ttl);
  const settings = loadSettings(process.env, process.cwd());
  const minted = await mintToken(settings, { role, sub: values.sub, ttlSeconds, base: publicUrl(settings, process.env) });
  printToken(minted, process.stdout, process.stderr);
} catch (err) {
  console.error((err as Error).message);
  process.exit(err instanceof CliError ? err.exitCode : 2);
}
