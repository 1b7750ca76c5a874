// The `nightshift` command: parses the command line, runs one command against the local database
// or a server (--url), prints a table or one JSON document, and returns the exit code
// (src/cli/errors.ts). src/cli/nightshift.mjs is the bin that loads this file through tsx.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCommandLine, stringOption, type OptionValues } from './args.ts';
import type { Client } from './client/types.ts';
import { cancelCommand, enqueueCommand, jobCommand, jobsCommand, retryCommand } from './commands/queue.ts';
import { runCommand } from './commands/run.ts';
import { runsCommand } from './commands/runs.ts';
import { statusCommand } from './commands/status.ts';
import { tokenCommand } from './commands/token.ts';
import type { Command, CommandContext, Output, Stream } from './context.ts';
import { CliError, EXIT, usageError } from './errors.ts';
import { USAGE, helpFor } from './help.ts';
import { statusPainter } from './render/format.ts';
import { loadSettings, notConfiguredError, type CliSettings } from './project.ts';
import { PROJECT_ROOT, engineLogLevel, type Env } from './settings.ts';
import { autoToken } from './token.ts';

const COMMANDS: Record<string, Command> = {
  status: statusCommand,
  jobs: jobsCommand,
  job: jobCommand,
  runs: runsCommand,
  run: runCommand,
  enqueue: enqueueCommand,
  cancel: cancelCommand,
  retry: retryCommand,
  token: tokenCommand,
};

export interface MainIo {
  stdout: Stream;
  stderr: Stream;
  env: Env;
  /** Where the app's nightshift.config.json is looked for (and env paths resolve). */
  cwd: string;
  /** See CommandContext.catchInterrupts. */
  catchInterrupts(): AbortSignal;
}

export async function main(argv: string[], io: MainIo): Promise<number> {
  const json = argv.includes('--json');
  const color = !json && io.stdout.isTTY === true && !io.env.NO_COLOR && io.env.TERM !== 'dumb';
  const out: Output = { stdout: io.stdout, stderr: io.stderr, json, paint: statusPainter(color) };
  let client: Client | undefined;
  try {
    const { command, argument, values } = parseCommandLine(argv);
    if (values.version) return print(out.stdout, version());
    if (values.help || command === 'help') return print(out.stdout, helpFor(command === 'help' ? argument : command));
    if (command === undefined) {
      out.stderr.write(USAGE + '\n');
      return EXIT.usage;
    }
    let settings: CliSettings | undefined;
    const getSettings = () => (settings ??= loadSettings(io.env, io.cwd));
    let clientPromise: Promise<Client> | undefined;
    const ctx: CommandContext = {
      argument,
      values,
      env: io.env,
      out,
      catchInterrupts: io.catchInterrupts,
      settings: getSettings,
      client: () => (clientPromise ??= createClient(values, io, getSettings()).then((c) => (client = c))),
    };
    const result = await COMMANDS[command]!(ctx);
    if (json) out.stdout.write(JSON.stringify(result.data, null, 2) + '\n');
    else if (result.text !== undefined) out.stdout.write(result.text + '\n');
    return result.exitCode ?? EXIT.ok;
  } catch (err) {
    return report(err, out, io.env);
  } finally {
    // Runs started in this process are cancelled, a local runner stops, the database closes.
    await client?.close().catch((err: Error) => out.stderr.write(`nightshift: while closing: ${err.message}\n`));
  }
}

async function createClient(values: OptionValues, io: MainIo, settings: CliSettings): Promise<Client> {
  const { env } = io;
  const url = stringOption(values, 'url') ?? env.NIGHTSHIFT_URL;
  if (url) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw usageError(`--url must be a URL such as http://localhost:3000 (got "${url}")`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw usageError('--url must start with http:// or https://');
    const token = stringOption(values, 'token') ?? env.NIGHTSHIFT_TOKEN ?? (await autoToken(settings, parsed));
    if (!token) {
      throw usageError(
        `No token for ${url}: pass --token or set NIGHTSHIFT_TOKEN (the CLI signs one itself only for a server on this host, localhost or 127.0.0.1, with the app's secret: NIGHTSHIFT_JWT_SECRET or its secret file)`,
        'NO_TOKEN',
      );
    }
    const { HttpClient } = await import('./client/http.ts');
    // --url is the app's address; its routes are mounted at the configured base path.
    return new HttpClient({ url: parsed.toString(), basePath: settings.basePath, token });
  }
  if (stringOption(values, 'token')) throw usageError('--token is for a server: use it with --url');
  // Loaded only for local mode: a remote command does not open SQLite or import the engine.
  const { LocalClient } = await import('./client/local.ts');
  const { database, jobs } = settings;
  if (!database || !jobs) throw notConfiguredError(settings, io.cwd);
  const level = engineLogLevel(values.verbose === true, env);
  return LocalClient.open({ settings: { ...settings, database, jobs }, logLevel: level });
}

function report(err: unknown, out: Output, env: Env): number {
  const known = err instanceof CliError;
  const exitCode = known ? err.exitCode : EXIT.failed;
  const message = known ? err.message : `unexpected error: ${(err as Error)?.message ?? String(err)}`;
  out.stderr.write(`nightshift: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
  if (env.NIGHTSHIFT_DEBUG === '1' && err instanceof Error && err.stack) out.stderr.write(err.stack + '\n');
  if (out.json) {
    const body = { error: message, code: known ? err.code : 'INTERNAL', exitCode, ...(known ? err.extra : {}) };
    out.stdout.write(JSON.stringify(body, null, 2) + '\n');
  }
  return exitCode;
}

function print(stream: Stream, text: string): number {
  stream.write(text + '\n');
  return EXIT.ok;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  return `${pkg.name} ${pkg.version}`;
}

/** The bin's entry: process streams, Ctrl-C handling, exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const controller = new AbortController();
  let following = false;
  process.on('SIGINT', () => {
    // While following a run, the first Ctrl-C stops following (the command reports and cleans
    // up); otherwise, or on a second Ctrl-C, exit now.
    if (!following || controller.signal.aborted) process.exit(EXIT.interrupted);
    controller.abort();
  });
  const catchInterrupts = () => {
    following = true;
    return controller.signal;
  };
  return main(argv, { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), catchInterrupts });
}
