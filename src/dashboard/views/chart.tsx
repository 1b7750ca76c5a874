/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// A bar chart of a job's recent run durations, drawn on the server as inline SVG (no chart library,
// no script). Oldest on the left; bar colour follows the run's status (with a legend); a dashed line
// marks the median (its value is in the legend below). Screen readers get a title and a summary, and everyone gets the numbers as a
// table below it.
import type { JobRun } from '../../runs/types.ts';
import type { DashboardPaths } from '../paths.ts';
import { axisUnitFor, formatAxisValue, formatDuration, formatTime, type AxisUnit } from './format.ts';
import { Badge, TableWrap, Time } from './ui.tsx';

const WIDTH = 960;
const HEIGHT = 260;
// The median's value is in the legend, not on the line: a label on the line would cover bars.
const PAD = { top: 18, right: 12, bottom: 32, left: 64 };

export interface DurationStats {
  count: number;
  min: number;
  median: number;
  p95: number;
  max: number;
  failed: number;
}

export function durationStats(runs: readonly JobRun[]): DurationStats | undefined {
  const durations = runs.filter((r) => r.durationMs !== null && r.status !== 'skipped').map((r) => r.durationMs!).sort((a, b) => a - b);
  if (durations.length === 0) return undefined;
  const at = (q: number) => durations[Math.min(durations.length - 1, Math.max(0, Math.ceil(q * durations.length) - 1))]!;
  return {
    count: durations.length,
    min: durations[0]!,
    median: at(0.5),
    p95: at(0.95),
    max: durations[durations.length - 1]!,
    failed: runs.filter((r) => r.status === 'failed' || r.status === 'abandoned').length,
  };
}

interface AxisTicks {
  /** Tick values in ms, from 0 to the first tick at or above the longest duration. */
  ticks: number[];
  unit: AxisUnit;
}

/**
 * Axis ticks: a "nice" step (1, 2 or 5 times a power of ten, counted in the axis's one unit), so
 * the labels read "0 s, 20 s, 40 s, 60 s" rather than "0, 50 s, 1.7 min". Three to five steps
 * (the smallest round step that needs at most five).
 */
export function axisTicks(maxMs: number): AxisTicks {
  const unit = axisUnitFor(maxMs);
  const max = maxMs / unit.ms;
  if (!(max > 0)) return { ticks: [0, unit.ms], unit };
  const rough = max / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 5, 10].find((m) => m * power >= rough) ?? 10) * power;
  const ticks: number[] = [];
  for (let i = 0; ; i++) {
    const value = Number((i * step).toPrecision(12));
    ticks.push(value * unit.ms);
    if (value >= max) break;
  }
  return { ticks, unit };
}

const tone = (status: string) =>
  status === 'success' ? 'ok' : status === 'failed' || status === 'abandoned' ? 'bad' : status === 'running' ? 'busy' : 'muted';

/** Bars have room for at least this many runs: fewer runs get bars of the same width, centred. */
const MIN_SLOTS = 10;
const MAX_BAR_WIDTH = 36;
/** Rough width of a character of an axis label (13 px system font), to keep labels inside the chart. */
const LABEL_CHAR_WIDTH = 7.5;

interface TimeLabel {
  text: string;
  x: number;
  anchor: 'start' | 'middle' | 'end';
}

/**
 * The start times under the x axis: the oldest and newest run. One label when there is one run
 * (or every run started in the same second); seconds shown when both fall in the same minute.
 * When the bars are centred (few runs), each label grows outwards from its own bar, so the two
 * never overlap.
 */
export function timeLabels(startedAt: readonly string[], bars: { left: number; right: number }[]): TimeLabel[] {
  const minute = (iso: string) => formatTime(iso).slice(0, 16);
  const second = (iso: string) => formatTime(iso).slice(0, 19);
  const first = startedAt[0]!;
  const last = startedAt[startedAt.length - 1]!;
  const format = minute(first) === minute(last) ? second : minute;
  if (startedAt.length === 1 || format(first) === format(last)) {
    const left = bars[0]!.left;
    const right = bars[bars.length - 1]!.right;
    return [{ text: format(first), x: (left + right) / 2, anchor: 'middle' }];
  }
  const firstText = format(first);
  const lastText = format(last);
  const firstBar = bars[0]!;
  const lastBar = bars[bars.length - 1]!;
  const fitsLeft = firstBar.right - firstText.length * LABEL_CHAR_WIDTH >= 0;
  const fitsRight = lastBar.left + lastText.length * LABEL_CHAR_WIDTH <= WIDTH;
  return [
    fitsLeft && bars.length < MIN_SLOTS ? { text: firstText, x: firstBar.right, anchor: 'end' } : { text: firstText, x: PAD.left, anchor: 'start' },
    fitsRight && bars.length < MIN_SLOTS ? { text: lastText, x: lastBar.left, anchor: 'start' } : { text: lastText, x: WIDTH - PAD.right, anchor: 'end' },
  ];
}

export function DurationChart(props: { paths: DashboardPaths; runs: readonly JobRun[]; jobName: string }) {
  const runs = props.runs.filter((r) => r.durationMs !== null && r.status !== 'skipped').slice().reverse(); // oldest first
  const stats = durationStats(runs);
  if (!stats) return <p class="muted">No finished runs yet: the chart appears after the first one.</p>;
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const { ticks, unit } = axisTicks(stats.max);
  const top = ticks[ticks.length - 1]!;
  // A run gets a slot of at least a tenth of the width; with fewer runs the bars keep that width
  // and sit centred, rather than one fat bar or a lone bar at the far left.
  const slot = plotW / Math.max(runs.length, MIN_SLOTS);
  const barW = Math.max(2, Math.min(MAX_BAR_WIDTH, slot * 0.72));
  const offset = (plotW - runs.length * slot) / 2;
  const bars = runs.map((_, i) => {
    const left = PAD.left + offset + i * slot + (slot - barW) / 2;
    return { left, right: left + barW };
  });
  const y = (ms: number) => PAD.top + plotH - (ms / top) * plotH;
  const titleId = `chart-title-${props.jobName}`;
  const descId = `chart-desc-${props.jobName}`;
  const counted = stats.count === 1 ? '1 run' : `${stats.count} runs, oldest on the left`;
  const summary = `${counted}. Shortest ${formatDuration(stats.min)}, median ${formatDuration(stats.median)}, 95th percentile ${formatDuration(stats.p95)}, longest ${formatDuration(stats.max)}${stats.failed ? `; ${stats.failed} failed` : ''}.`;
  const title = stats.count === 1 ? `Duration of the last run of ${props.jobName}` : `Duration of the last ${stats.count} runs of ${props.jobName}`;
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={`${titleId} ${descId}`} class="chart-svg" preserveAspectRatio="xMidYMid meet">
        <title id={titleId}>{title}</title>
        <desc id={descId}>{summary}</desc>
        {ticks.map((t) => (
          <g class="chart-grid">
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(t)} y2={y(t)} />
            <text x={PAD.left - 8} y={y(t) + 4} text-anchor="end" class="chart-label">
              {formatAxisValue(t, unit)}
            </text>
          </g>
        ))}
        {runs.map((run, i) => {
          const h = Math.max(1.5, (run.durationMs! / top) * plotH);
          return (
            <rect x={bars[i]!.left.toFixed(1)} y={(PAD.top + plotH - h).toFixed(1)} width={barW.toFixed(1)} height={h.toFixed(1)} rx="2" class={`chart-bar chart-bar-${tone(run.status)}`}>
              <title>{`${formatTime(run.startedAt)}: ${formatDuration(run.durationMs)} (${run.status})`}</title>
            </rect>
          );
        })}
        <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(stats.median)} y2={y(stats.median)} class="chart-median" />
        {timeLabels(
          runs.map((r) => r.startedAt),
          bars,
        ).map((label) => (
          <text x={label.x.toFixed(1)} y={HEIGHT - 8} text-anchor={label.anchor} class="chart-label chart-time">
            {label.text}
          </text>
        ))}
      </svg>
      <ChartLegend medianMs={stats.median} />
      <ChartData paths={props.paths} runs={runs} jobName={props.jobName} />
    </figure>
  );
}

function ChartLegend(props: { medianMs: number }) {
  return (
    <figcaption class="chart-caption">
      <span class="legend">
        <span class="legend-swatch legend-ok" aria-hidden="true"></span>success
      </span>
      <span class="legend">
        <span class="legend-swatch legend-bad" aria-hidden="true"></span>failed or abandoned
      </span>
      <span class="legend">
        <span class="legend-swatch legend-muted" aria-hidden="true"></span>cancelled
      </span>
      <span class="legend">
        <span class="legend-line" aria-hidden="true"></span>
        {`median ${formatDuration(props.medianMs)}`}
      </span>
    </figcaption>
  );
}

/** The same runs as a table, for screen readers and anyone who wants the numbers. */
function ChartData(props: { paths: DashboardPaths; runs: readonly JobRun[]; jobName: string }) {
  const { paths } = props;
  return (
    <details class="chart-data" id={`chart-data-${props.jobName}`}>
      <summary>Show the chart's data as a table</summary>
      <TableWrap label="Run durations">
        <table class="table table-compact">
          <caption class="visually-hidden">{`Durations of the last ${props.runs.length} runs of ${props.jobName}, oldest first`}</caption>
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Status</th>
              <th scope="col" class="num">
                Duration
              </th>
            </tr>
          </thead>
          <tbody>
            {props.runs.map((run) => (
              <tr>
                <td>
                  <a href={paths.run(run.id)}>
                    <Time iso={run.startedAt} />
                  </a>
                </td>
                <td>
                  <Badge status={run.status} />
                </td>
                <td class="num">{formatDuration(run.durationMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </details>
  );
}
