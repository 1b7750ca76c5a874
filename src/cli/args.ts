// Command-line parsing (node:util parseArgs): one option table for every command, then a check
// that each option given belongs to the command, and small validators whose failures are usage
// errors (exit 2) with a message naming the option.
import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { usageError } from './errors.ts';

const OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  job: { type: 'string' },
  status: { type: 'string' },
  trigger: { type: 'string' },
  type: { type: 'string' },
  limit: { type: 'string' },
  offset: { type: 'string' },
  data: { type: 'string' },
  'run-at': { type: 'string' },
  priority: { type: 'string' },
  'max-attempts': { type: 'string' },
  'idempotency-key': { type: 'string' },
  'local-runner': { type: 'boolean' },
  'cancel-on-exit': { type: 'boolean' },
  'runner-timeout': { type: 'string' },
  role: { type: 'string' },
  ttl: { type: 'string' },
  sub: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

export type OptionName = keyof typeof OPTIONS;
export type OptionValues = Partial<Record<OptionName, string | boolean>>;

const GLOBAL: OptionName[] = ['url', 'token', 'json', 'verbose', 'help', 'version'];

export interface CommandSpec {
  /** The positional argument, if the command takes one (e.g. "id"). */
  argument?: string;
  options: OptionName[];
}

export const COMMANDS: Record<string, CommandSpec> = {
  status: { options: [] },
  jobs: { options: ['status', 'type', 'limit', 'offset'] },
  job: { argument: 'id', options: [] },
  runs: { options: ['job', 'status', 'trigger', 'limit', 'offset'] },
  run: { argument: 'name', options: ['data', 'run-at', 'local-runner', 'cancel-on-exit', 'runner-timeout'] },
  enqueue: { argument: 'type', options: ['data', 'run-at', 'priority', 'max-attempts', 'idempotency-key'] },
  cancel: { argument: 'id', options: [] },
  retry: { argument: 'id', options: [] },
  token: { options: ['role', 'ttl', 'sub'] },
  help: { argument: 'command', options: [] },
};

export interface ParsedArgs {
  command: string | undefined;
  argument: string | undefined;
  values: OptionValues;
}

export function parseCommandLine(argv: string[]): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    // parseArgs' messages name the option; drop its hint about '--' (not useful here).
    throw usageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, '').replace(/\s*\n.*$/s, ''));
  }
  const values = parsed.values as OptionValues;
  const [command, argument, ...extra] = parsed.positionals;
  if (values.help || values.version || command === undefined) return { command, argument, values };
  const spec = COMMANDS[command];
  if (!spec) throw usageError(`Unknown command "${command}" (see nightshift --help)`);
  if (extra.length > 0 || (argument !== undefined && !spec.argument)) {
    throw usageError(`Too many arguments for "${command}": ${[argument, ...extra].filter(Boolean).join(' ')}`);
  }
  if (spec.argument && argument === undefined && command !== 'help') throw usageError(`"${command}" needs an argument: nightshift ${command} <${spec.argument}>`);
  for (const name of Object.keys(values) as OptionName[]) {
    if (!GLOBAL.includes(name) && !spec.options.includes(name)) throw usageError(`"${command}" does not take --${name}`);
  }
  return { command, argument, values };
}

export function stringOption(values: OptionValues, name: OptionName): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function intOption(values: OptionValues, name: OptionName, min: number, max: number): number | undefined {
  const text = stringOption(values, name);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^-?\d+$/.test(text.trim()) || n < min || n > max) throw usageError(`--${name} must be an integer from ${min} to ${max}`);
  return n;
}

export function enumOption<T extends string>(values: OptionValues, name: OptionName, allowed: readonly T[]): T | undefined {
  const text = stringOption(values, name);
  if (text === undefined) return undefined;
  if (!allowed.includes(text as T)) throw usageError(`--${name} must be one of: ${allowed.join(', ')}`);
  return text as T;
}

/** --data: inline JSON, or @file to read it from a file. */
export function dataOption(values: OptionValues): { given: boolean; data?: unknown } {
  let text = stringOption(values, 'data');
  if (text === undefined) return { given: false };
  if (text.startsWith('@')) {
    try {
      text = readFileSync(text.slice(1), 'utf8');
    } catch (err) {
      throw usageError(`--data ${text}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  try {
    return { given: true, data: JSON.parse(text) };
  } catch (err) {
    throw usageError(`--data is not valid JSON: ${(err as Error).message}`, 'INVALID_JSON');
  }
}

export function dateOption(values: OptionValues, name: OptionName): string | undefined {
  const text = stringOption(values, name);
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  // The API's range (src/http/validate.ts isoDateTime): both modes accept the same dates.
  if (Number.isNaN(ms) || ms < 0 || ms >= Date.UTC(10000, 0, 1)) {
    throw usageError(`--${name} must be a date and time between 1970 and 9999, e.g. 2030-01-01T09:00:00Z`);
  }
  return new Date(ms).toISOString();
}
