/** A minimal SVG line chart (no dependencies): axes, 1-2-5 ticks, linear or log scales, legend. */

export interface Series {
  name: string;
  points: readonly (readonly [number, number])[];
  color: string;
  /** SVG stroke-dasharray, e.g. "6 4"; solid when absent. */
  dash?: string;
}

export interface ChartSpec {
  title: string;
  /** Smaller lines under the title (data set, machine). */
  subtitle?: readonly string[];
  xLabel: string;
  yLabel: string;
  xLog?: boolean;
  yLog?: boolean;
  series: readonly Series[];
}

export const PALETTE = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
  '#7f7f7f',
];

const WIDTH = 1020;
const HEIGHT = 560;
const LEFT = 80;
const RIGHT = 300;
/** Data are drawn this far inside the frame, so points on the domain's edge stay visible. */
const INSET = 12;
const BOTTOM = 64;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function fmt(x: number): string {
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e6) return `${(x / 1e6).toPrecision(3).replace(/\.?0+$/, '')}M`;
  if (a >= 1e4) return `${(x / 1e3).toPrecision(3).replace(/\.?0+$/, '')}k`;
  if (a >= 1) return String(Number(x.toPrecision(4)));
  return String(Number(x.toPrecision(3)));
}

interface Scale {
  map: (v: number) => number;
  ticks: number[];
}

function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

function scale(values: number[], log: boolean, from: number, to: number): Scale {
  const finite = values.filter((v) => Number.isFinite(v) && (!log || v > 0));
  let lo = finite.length > 0 ? Math.min(...finite) : log ? 1 : 0;
  let hi = finite.length > 0 ? Math.max(...finite) : log ? 10 : 1;
  if (log) {
    // The data's span plus a margin, with 1-2-5 ticks inside (1 only over many decades).
    const a = Math.log10(lo) - 0.08;
    const b = Math.log10(hi) + 0.08 + (hi === lo ? 0.5 : 0);
    const ticks: number[] = [];
    for (let e = Math.floor(a); e <= Math.ceil(b); e++) {
      for (const m of b - a > 4 ? [1] : [1, 2, 5]) {
        const t = m * 10 ** e;
        if (Math.log10(t) >= a && Math.log10(t) <= b) ticks.push(t);
      }
    }
    return {
      map: (v) => from + ((Math.log10(Math.max(v, 10 ** a)) - a) / (b - a)) * (to - from),
      ticks,
    };
  }
  if (lo === hi) {
    lo -= lo === 0 ? 1 : Math.abs(lo) * 0.1;
    hi += hi === 0 ? 1 : Math.abs(hi) * 0.1;
  }
  const step = niceStep(hi - lo, 6);
  lo = Math.floor(lo / step) * step;
  hi = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let t = lo; t <= hi + step / 2; t += step) ticks.push(Number(t.toPrecision(12)));
  return { map: (v) => from + ((v - lo) / (hi - lo)) * (to - from), ticks };
}

/** Splits a line at ", " / "; " so that it fits about `width` characters. */
function wrap(line: string, width = 120): string[] {
  const parts = line.split(/(?<=[,;] )/);
  const lines: string[] = [];
  let current = '';
  for (const part of parts) {
    if (current.length + part.length > width && current !== '') {
      lines.push(current.trimEnd());
      current = '';
    }
    current += part;
  }
  if (current !== '') lines.push(current.trimEnd());
  return lines;
}

export function lineChart(spec: ChartSpec): string {
  const subtitle = (spec.subtitle ?? []).flatMap((line) => wrap(line));
  const top = 48 + 16 * subtitle.length;
  const plotRight = WIDTH - RIGHT;
  const plotBottom = HEIGHT - BOTTOM;
  const points = spec.series.flatMap((s) => s.points);
  const x = scale(
    points.map((p) => p[0]),
    spec.xLog === true,
    LEFT + INSET,
    plotRight - INSET,
  );
  const y = scale(
    points.map((p) => p[1]),
    spec.yLog === true,
    plotBottom - INSET,
    top + INSET,
  );
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect x="0" y="0" width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${LEFT}" y="24" font-size="16" font-weight="bold">${escapeXml(spec.title)}</text>`,
  ];
  subtitle.forEach((line, i) => {
    out.push(`<text x="${LEFT}" y="${42 + 16 * i}" fill="#555555">${escapeXml(line)}</text>`);
  });
  for (const t of x.ticks) {
    const px = x.map(t).toFixed(1);
    out.push(
      `<line x1="${px}" y1="${top}" x2="${px}" y2="${plotBottom}" stroke="#eeeeee"/>`,
      `<text x="${px}" y="${plotBottom + 16}" text-anchor="middle">${escapeXml(fmt(t))}</text>`,
    );
  }
  for (const t of y.ticks) {
    const py = y.map(t).toFixed(1);
    out.push(
      `<line x1="${LEFT}" y1="${py}" x2="${plotRight}" y2="${py}" stroke="#eeeeee"/>`,
      `<text x="${LEFT - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">${escapeXml(fmt(t))}</text>`,
    );
  }
  out.push(
    `<rect x="${LEFT}" y="${top}" width="${plotRight - LEFT}" height="${plotBottom - top}" fill="none" stroke="#333333"/>`,
    `<text x="${(LEFT + plotRight) / 2}" y="${HEIGHT - 20}" text-anchor="middle">${escapeXml(spec.xLabel)}${spec.xLog === true ? ' (log)' : ''}</text>`,
    `<text x="18" y="${(top + plotBottom) / 2}" text-anchor="middle" transform="rotate(-90 18 ${(top + plotBottom) / 2})">${escapeXml(spec.yLabel)}${spec.yLog === true ? ' (log)' : ''}</text>`,
  );
  spec.series.forEach((series, i) => {
    const dash = series.dash === undefined ? '' : ` stroke-dasharray="${series.dash}"`;
    const coords = series.points.map(
      ([px, py]) => `${x.map(px).toFixed(1)},${y.map(py).toFixed(1)}`,
    );
    if (coords.length > 1) {
      out.push(
        `<polyline points="${coords.join(' ')}" fill="none" stroke="${series.color}" stroke-width="2"${dash}/>`,
      );
    }
    for (const c of coords) {
      const [cx, cy] = c.split(',');
      out.push(`<circle cx="${cx}" cy="${cy}" r="3" fill="${series.color}"/>`);
    }
    const ly = top + 8 + 18 * i;
    out.push(
      `<line x1="${plotRight + 16}" y1="${ly}" x2="${plotRight + 44}" y2="${ly}" stroke="${series.color}" stroke-width="2"${dash}/>`,
      `<text x="${plotRight + 50}" y="${ly}" dominant-baseline="middle">${escapeXml(series.name)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
