// The prose of the document: introduction, tags and security schemes. Role lists and error codes
// are read from the code (roles.ts, error-codes.ts), not retyped.
import { ADMIN_ROLES, ROLES } from '../auth/roles.ts';
import type { Access } from './define.ts';
import { ERROR_CODES } from './error-codes.ts';

export const TAGS = [
  { name: 'Health', description: 'Liveness for load balancers and uptime checks' },
  { name: 'Scheduled jobs', description: 'Cron jobs: status, manual runs and the run ledger (job_runs)' },
  { name: 'Queue', description: 'The durable job queue: enqueue, inspect, cancel, retry' },
  { name: 'Operations', description: 'Prometheus metrics (text format, not JSON)' },
  { name: 'Documentation', description: 'This document and the page that renders it' },
];

export const SECURITY_SCHEMES = {
  bearerJwt: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      `An HS256 JWT signed with JWT_SECRET, in the Authorization header only. Claims: sub, role (${ROLES.join(', ')}) and exp (required). ` +
      'Get one on the host with `npm run -s token -- --role admin`. Each operation lists the roles it accepts.',
  },
  metricsToken: {
    type: 'http',
    scheme: 'bearer',
    description: 'The static METRICS_TOKEN from the environment, for a Prometheus scraper (GET /metrics only).',
  },
} as const;

/** OpenAPI 3.1 lets a non-OAuth requirement list role names: the roles that pass. */
export function securityOf(access: Access): Record<string, string[]>[] {
  switch (access) {
    case 'public':
      return [];
    case 'signed-in':
      return [{ bearerJwt: [...ROLES] }];
    case 'admin':
      return [{ bearerJwt: [...ADMIN_ROLES] }];
    case 'metrics':
      return [{ bearerJwt: [...ADMIN_ROLES] }, { metricsToken: [] }];
  }
}

export function introduction(): string {
  const codes = Object.entries(ERROR_CODES)
    .map(([code, { meaning }]) => `| \`${code}\` | ${meaning} |`)
    .join('\n');
  return `The HTTP API of Nightshift, a job engine on one SQLite file. JSON everywhere; every response carries an \`x-trace-id\` header.

This document is generated from the zod schemas the server validates requests with, and from the payload schemas of the loaded job files; tests check every route, constraint and answer in it against the app.

**Signing in.** Send \`Authorization: Bearer <JWT>\`: HS256, claims \`sub\`, \`role\` (${ROLES.join(', ')}) and \`exp\`. On the host: \`npm run -s token -- --role admin\`. On this page: **Authorize**, then paste the token. Staff get \`403\` on owner/admin operations.

**Errors** are \`{"error": "...", "code": "..."}\`, plus \`field\` and \`issues\` for invalid input; never a stack trace.

| code | meaning |
| --- | --- |
${codes}

Not part of the JSON API: the operator dashboard at [/dashboard](/dashboard) (pages for people, with a session cookie) and \`GET /metrics\` (Prometheus text, listed under Operations).`;
}
