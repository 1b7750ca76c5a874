// What every command gets: its parsed arguments, where to write, the app's settings, a client
// (created on first use, local or HTTP by --url), and a signal that aborts on Ctrl-C.
import type { OptionValues } from './args.ts';
import type { Client } from './client/types.ts';
import type { ExitCode } from './errors.ts';
import type { Painter } from './render/format.ts';
import type { CliSettings, Env } from './project.ts';

export interface Stream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Output {
  stdout: Stream;
  stderr: Stream;
  json: boolean;
  paint: Painter;
}

export interface CommandContext {
  argument: string | undefined;
  values: OptionValues;
  env: Env;
  out: Output;
  /** The app's settings (src/cli/project.ts), read on first use. */
  settings(): CliSettings;
  client(): Promise<Client>;
  /**
   * For commands that follow a run: from this call on, the first Ctrl-C aborts the returned signal
   * (the command reports and cleans up) instead of exiting at once; a second Ctrl-C still exits.
   */
  catchInterrupts(): AbortSignal;
}

export interface CommandResult {
  /** The --json document. */
  data: unknown;
  /** The human-readable output (stdout); none when the command printed its own. */
  text?: string;
  exitCode?: ExitCode;
}

export type Command = (ctx: CommandContext) => Promise<CommandResult>;
