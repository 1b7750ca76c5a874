// Plain-text tables: a header row, columns padded to their widest cell (colour codes do not count),
// long cells cut with an ellipsis so one long error does not wrap every row.
import { truncate, visibleLength } from './format.ts';

export interface Column {
  header: string;
  /** Cells longer than this are cut (before colouring). Default: no limit. */
  max?: number;
  align?: 'left' | 'right';
}

/** `rows` hold plain cell text; `paint` may colour a cell after it was cut to size. */
export function table(columns: Column[], rows: string[][], paint?: (row: number, col: number, text: string) => string): string {
  const cells = rows.map((row) => row.map((cell, i) => (columns[i]?.max ? truncate(cell, columns[i]!.max!) : cell)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => visibleLength(r[i] ?? ''))));
  const line = (values: string[], painted: (col: number, text: string) => string) =>
    values
      .map((v, i) => {
        const pad = ' '.repeat(Math.max(0, widths[i]! - visibleLength(v)));
        const text = painted(i, v);
        if (i === values.length - 1 && columns[i]?.align !== 'right') return text; // no trailing spaces
        return columns[i]?.align === 'right' ? pad + text : text + pad;
      })
      .join('  ');
  const out = [line(columns.map((c) => c.header), (_i, t) => t)];
  cells.forEach((row, r) => out.push(line(row, (c, t) => (paint ? paint(r, c, t) : t))));
  return out.join('\n');
}

/** Aligned "label  value" lines for one record. */
export function fields(pairs: [string, string][]): string {
  const width = Math.max(...pairs.map(([label]) => label.length));
  return pairs.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
}
