/** @jsxRuntime automatic */
/** @jsxImportSource hono/jsx */
// Small building blocks shared by the pages: status badges (colour plus text), times, durations,
// JSON blocks, empty states, panels, breadcrumbs, pagination, form fields. hono/jsx escapes every
// text and attribute.
import type { Child } from 'hono/jsx';
import { formatDuration, formatTime, prettyJson } from './format.ts';

type Tone = 'ok' | 'bad' | 'busy' | 'wait' | 'muted';

const TONES: Record<string, Tone> = {
  success: 'ok',
  completed: 'ok',
  leader: 'ok',
  failed: 'bad',
  abandoned: 'bad',
  stopped: 'bad',
  running: 'busy',
  processing: 'busy',
  pending: 'wait',
  standby: 'wait',
  cancelled: 'muted',
  skipped: 'muted',
  disabled: 'muted',
};

const LABELS: Record<string, string> = {
  success: 'Success',
  completed: 'Completed',
  failed: 'Failed',
  abandoned: 'Abandoned',
  running: 'Running',
  processing: 'Processing',
  pending: 'Pending',
  cancelled: 'Cancelled',
  skipped: 'Skipped',
};

export const statusLabel = (status: string) => LABELS[status] ?? status.charAt(0).toUpperCase() + status.slice(1);

export function Badge(props: { status: string; label?: string }) {
  const tone = TONES[props.status] ?? 'muted';
  return (
    <span class={`badge badge-${tone}`} data-status={props.status}>
      <span class="badge-dot" aria-hidden="true"></span>
      {props.label ?? statusLabel(props.status)}
    </span>
  );
}

/**
 * An absolute UTC time; the browser script adds a local-time tooltip and relative wording: in
 * place of the absolute time in tables ("3 min ago"), after it with `full` on detail pages
 * ("2026-11-23 03:39:12 UTC (3 min ago)"), where the exact time matters.
 */
export function Time(props: { iso: string | null | undefined; empty?: string; full?: boolean }) {
  if (!props.iso) return <span class="muted">{props.empty ?? '—'}</span>;
  return (
    <time datetime={props.iso} data-rel={props.full ? 'full' : ''}>
      {formatTime(props.iso)}
    </time>
  );
}

/**
 * How a run or job ended when that was not a failure (cancelled, skipped): a neutral note, not a
 * red alert. The message is shown unless it only repeats the title ("Cancelled").
 */
export function OutcomeNote(props: { title: Child; message?: string | null; hideMessage?: string; label: string }) {
  const message = props.message && props.message !== props.hideMessage ? props.message : undefined;
  return (
    <div class="outcome-note" role="note" aria-label={props.label}>
      <p class="outcome-note-title">{props.title}</p>
      {message ? <pre class="error-text">{message}</pre> : null}
    </div>
  );
}

/** A finished run's duration, or a clock the script keeps counting while it runs. */
export function Duration(props: { ms: number | null | undefined; runningSince?: string | null }) {
  if ((props.ms === null || props.ms === undefined) && props.runningSince) {
    return (
      <span class="duration" data-elapsed-since={props.runningSince}>
        running
      </span>
    );
  }
  return <span class="duration">{formatDuration(props.ms)}</span>;
}

export function JsonBlock(props: { value: unknown; label: string }) {
  if (props.value === null || props.value === undefined) return <p class="muted">None</p>;
  return (
    // Focusable so a keyboard can scroll it; a region, because aria-label on a bare <pre> (no role)
    // is not announced (axe: aria-prohibited-attr).
    <pre class="code" tabindex={0} role="region" aria-label={props.label}>
      <code>{prettyJson(props.value)}</code>
    </pre>
  );
}

export function Empty(props: { title: string; children?: Child }) {
  return (
    <div class="empty">
      <p class="empty-title">{props.title}</p>
      {props.children ? <p class="empty-body">{props.children}</p> : null}
    </div>
  );
}

export function Panel(props: { title: string; id?: string; actions?: Child; children: Child; headingLevel?: 2 | 3 }) {
  const headingId = props.id ? `${props.id}-title` : undefined;
  const Heading = props.headingLevel === 3 ? 'h3' : 'h2';
  return (
    <section class="panel" aria-labelledby={headingId}>
      <div class="panel-head">
        <Heading id={headingId}>{props.title}</Heading>
        {props.actions ? <div class="panel-actions">{props.actions}</div> : null}
      </div>
      {props.children}
    </section>
  );
}

/** Tables scroll sideways inside this wrapper on narrow screens; the page itself never does. */
export function TableWrap(props: { label: string; children: Child }) {
  return (
    <div class="table-wrap" role="region" aria-label={props.label} tabindex={0}>
      {props.children}
    </div>
  );
}

export function CsrfField(props: { token: string }) {
  return <input type="hidden" name="_csrf" value={props.token} />;
}

export interface PageLink {
  href: string;
  label: string;
}

/** "Queue / exportRuns / 0194…": links up the hierarchy, then the current page (not a link). */
export function Breadcrumbs(props: { trail: readonly PageLink[]; current: string }) {
  return (
    <nav class="breadcrumbs" aria-label="Breadcrumb">
      {props.trail.map((link) => (
        <>
          <a href={link.href}>{link.label}</a>
          <span aria-hidden="true">/</span>
        </>
      ))}
      <span aria-current="page">{props.current}</span>
    </nav>
  );
}

/** The link in a panel's header to the full page behind it ("All runs →"). */
export function PanelLink(props: { href: string; children: Child }) {
  return (
    <a href={props.href} class="panel-link">
      {props.children} →
    </a>
  );
}

/** Filter values the page could not use, said instead of silently ignored. */
export function FilterProblems(props: { problems: readonly string[] }) {
  if (props.problems.length === 0) return null;
  return (
    <ul class="notice notice-warn" role="status">
      {props.problems.map((p) => (
        <li>{p}</li>
      ))}
    </ul>
  );
}

export function Pagination(props: { summary: string; prev?: string; next?: string; prevLabel?: string; nextLabel?: string }) {
  return (
    <nav class="pagination" aria-label="Pagination">
      <span class="pagination-summary">{props.summary}</span>
      <span class="pagination-links">
        {props.prev ? (
          <a class="button button-ghost" href={props.prev} rel="prev">
            ← {props.prevLabel ?? 'Previous'}
          </a>
        ) : (
          <span class="button button-ghost" aria-disabled="true">
            ← {props.prevLabel ?? 'Previous'}
          </span>
        )}
        {props.next ? (
          <a class="button button-ghost" href={props.next} rel="next">
            {props.nextLabel ?? 'Next'} →
          </a>
        ) : (
          <span class="button button-ghost" aria-disabled="true">
            {props.nextLabel ?? 'Next'} →
          </span>
        )}
      </span>
    </nav>
  );
}

export function SelectField(props: {
  id: string;
  name: string;
  label: string;
  value: string | undefined;
  options: readonly { value: string; label: string }[];
  anyLabel?: string;
}) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select id={props.id} name={props.name}>
        {props.anyLabel !== undefined ? <option value="">{props.anyLabel}</option> : null}
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === props.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Definition list rows: label and value. */
export function Facts(props: { items: readonly [string, Child][] }) {
  return (
    <dl class="facts">
      {props.items.map(([term, value]) => (
        <div class="fact">
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function PageHeader(props: { title: Child; eyebrow?: Child; subtitle?: Child; actions?: Child }) {
  return (
    <div class="page-header">
      <div class="page-heading">
        {props.eyebrow ? <p class="eyebrow">{props.eyebrow}</p> : null}
        <h1>{props.title}</h1>
        {props.subtitle ? <p class="subtitle">{props.subtitle}</p> : null}
      </div>
      {props.actions ? <div class="page-actions">{props.actions}</div> : null}
    </div>
  );
}

/** A region the browser script refreshes from the server every ~1.5 s (same id in the new page). */
export function Live(props: { id: string; children: Child; announce?: string; class?: string }) {
  return (
    <div id={props.id} class={props.class} data-live="" data-announce={props.announce}>
      {props.children}
    </div>
  );
}

/** Cuts long error text for table cells (the full text is on the detail page). */
export function truncate(text: string | null | undefined, max = 140): string {
  if (!text) return '';
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}
