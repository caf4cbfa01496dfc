import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export type Cell = string | number | null;

export interface Table {
  title: string;
  headers: string[];
  rows: Cell[][];
}

export interface Chart {
  /** Suffix of the file name: `<phase>-<stamp>-<name>.svg`. */
  name: string;
  svg: string;
}

/** What a phase hands back: JSON results, tables for stdout, charts for files. */
export interface PhaseOutput {
  results: Record<string, unknown>;
  tables: Table[];
  charts: Chart[];
  /** Lines printed under the tables (caveats, what the figures mean). */
  notes: string[];
}

function cell(value: Cell): string {
  if (value === null) return 'n/a';
  if (typeof value === 'string') return value;
  if (Number.isInteger(value)) return String(value);
  const a = Math.abs(value);
  if (a >= 100) return value.toFixed(0);
  if (a >= 10) return value.toFixed(1);
  if (a >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

export function renderTable(table: Table): string {
  const rows = table.rows.map((r) => r.map(cell));
  const numeric = table.headers.map((_, i) => table.rows.every((r) => typeof r[i] !== 'string'));
  const widths = table.headers.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)),
  );
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (numeric[i] === true ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [
    table.title,
    line(table.headers),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ].join('\n');
}

/** `20251121-021530` in local time. */
export function timestamp(date = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}${p(date.getMonth() + 1)}${p(date.getDate())}-` +
    `${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`
  );
}

export interface WrittenFiles {
  json: string[];
  svg: string[];
}

/** Writes `<outDir>/<phase>-<stamp>.json`, the charts beside it, and the extra JSON copy. */
export function writeOutputs(
  outDir: string,
  phase: string,
  stamp: string,
  document: Record<string, unknown>,
  charts: readonly Chart[],
  extraJson: string | undefined,
): WrittenFiles {
  mkdirSync(outDir, { recursive: true });
  const base = join(outDir, `${phase}-${stamp}`);
  const extra = extraJson === undefined ? undefined : resolve(extraJson);
  const written: WrittenFiles = {
    json: extra === undefined ? [`${base}.json`] : [`${base}.json`, extra],
    svg: charts.map((chart) => `${base}-${chart.name}.svg`),
  };
  charts.forEach((chart, i) => {
    writeFileSync(written.svg[i] ?? `${base}-${i}.svg`, chart.svg);
  });
  const text = `${JSON.stringify({ ...document, files: written }, null, 2)}\n`;
  writeFileSync(`${base}.json`, text);
  if (extra !== undefined) {
    mkdirSync(dirname(extra), { recursive: true });
    writeFileSync(extra, text);
  }
  return written;
}
