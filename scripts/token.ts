// `npm run token -- --role admin [--sub alice] [--ttl 3600]`: prints a JWT for local use, signed
// with JWT_SECRET (or the development secret kept under data/).
import { parseArgs } from 'node:util';
import { parseConfig } from '../src/config/config.ts';
import { resolveJwtSecret } from '../src/config/jwt-secret.ts';
import { signToken } from '../src/http/auth/auth.ts';
import { ROLES, type Role } from '../src/http/auth/roles.ts';

const { values } = parseArgs({
  options: { role: { type: 'string', default: 'admin' }, sub: { type: 'string' }, ttl: { type: 'string', default: '3600' } },
});
const role = values.role as Role;
if (!ROLES.includes(role)) {
  console.error(`--role must be one of: ${ROLES.join(', ')}`);
  process.exit(2);
}
const ttlSeconds = Number(values.ttl);
if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) {
  console.error('--ttl must be a positive number of seconds');
  process.exit(2);
}
const config = parseConfig(process.env);
const secret = resolveJwtSecret(config);
console.log(await signToken({ sub: values.sub ?? `local-${role}`, role, ttlSeconds }, secret));
