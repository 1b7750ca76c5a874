// The progress display of `nightshift run`: on a terminal, one line redrawn in place (a bar with
// percentage, items and elapsed time, or a spinner when the job reports no total); otherwise plain
// lines, one per status change, per 10% step, and every `heartbeatMs` while nothing changes, so
// logs of a CI job show it moving without a line per poll. It writes to stderr: stdout keeps the
// result (and --json its one document).
import { duration } from './format.ts';

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressState {
  status: string;
  processed?: number;
  total?: number | null;
  /** 0-100; computed from processed/total when absent. */
  percent?: number;
  elapsedMs: number;
  /** Why it is in this status, e.g. "waiting for a free worker (1 job processing)" while pending. */
  note?: string;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const BAR_WIDTH = 24;

export function progressBar(percent: number, width = BAR_WIDTH): string {
  const filled = Math.max(0, Math.min(width, Math.round((percent / 100) * width)));
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

function percentOf(state: ProgressState): number | undefined {
  if (state.percent !== undefined) return state.percent;
  if (state.total && state.total > 0 && state.processed !== undefined) return Math.min(100, Math.floor((state.processed / state.total) * 100));
  return undefined;
}

function items(state: ProgressState): string {
  if (state.processed === undefined) return '';
  return state.total ? `${state.processed}/${state.total}` : `${state.processed} done`;
}

export class ProgressDisplay {
  private frame = 0;
  private drawn = false;
  private lastStatus?: string;
  private lastNoteKind?: string;
  private lastStep = -1;
  private lastLineAt = 0;

  constructor(
    private readonly out: ProgressStream,
    /** Short (the job name): the redrawn line must fit a terminal row. */
    private readonly label: string,
    private readonly options: { heartbeatMs?: number; intro?: string } = {},
  ) {}

  /** Writes the intro line (e.g. which run or job is followed), once, in both modes. */
  start(): void {
    if (this.options.intro) this.out.write(this.options.intro + '\n');
  }

  get interactive(): boolean {
    return this.out.isTTY === true;
  }

  update(state: ProgressState): void {
    if (this.interactive) this.redraw(state);
    else this.maybeLine(state);
  }

  /** Clears the redrawn line (a terminal) so the result starts on a clean line. */
  finish(): void {
    if (this.interactive && this.drawn) this.out.write('\r\x1b[2K');
    this.drawn = false;
  }

  private redraw(state: ProgressState): void {
    const percent = percentOf(state);
    const parts =
      percent === undefined || state.status === 'pending'
        ? [`${SPINNER[this.frame++ % SPINNER.length]} ${this.label}`, statusWithNote(state), duration(state.elapsedMs)]
        : [this.label, progressBar(percent), `${String(percent).padStart(3)}%`, items(state), duration(state.elapsedMs), state.status === 'processing' ? '' : state.status];
    let line = parts.filter(Boolean).join('  ');
    // A pseudo-terminal without a size reports 0 columns.
    const room = (this.out.columns && this.out.columns >= 20 ? this.out.columns : 80) - 1;
    if ([...line].length > room) line = [...line].slice(0, room).join('');
    this.out.write('\r\x1b[2K' + line);
    this.drawn = true;
  }

  private maybeLine(state: ProgressState): void {
    const percent = percentOf(state);
    const step = percent === undefined ? -1 : Math.floor(percent / 10);
    const heartbeat = state.elapsedMs - this.lastLineAt >= (this.options.heartbeatMs ?? 10_000);
    // A new reason ("due at …" -> "waiting for a free worker") is news; new numbers in it are not.
    const noteKind = state.note?.replace(/ \(.*\)$/, '');
    if (state.status === this.lastStatus && noteKind === this.lastNoteKind && step <= this.lastStep && !heartbeat) return;
    this.lastStatus = state.status;
    this.lastNoteKind = noteKind;
    this.lastStep = Math.max(step, this.lastStep);
    this.lastLineAt = state.elapsedMs;
    const detail = [percent === undefined ? '' : `${percent}%`, items(state) && `(${items(state)})`].filter(Boolean).join(' ');
    this.out.write(`${this.label}: ${statusWithNote(state)}${detail ? ' ' + detail : ''}, ${duration(state.elapsedMs)}\n`);
  }
}

/** "pending: due at 2030-01-01 09:00:00Z (in 3m)", or the status alone. */
function statusWithNote(state: ProgressState): string {
  return state.note ? `${state.status}: ${state.note}` : state.status;
}
