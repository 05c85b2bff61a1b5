/**
 * Small inline-SVG charts for the business report. Each returns one `<svg>` string that needs no script, no
 * font and no stylesheet outside itself: `role="img"`, a `<title>` and a `<desc>` referenced by
 * `aria-labelledby`, axis labels in words, and the value printed beside every mark so the chart reads in
 * grey print and without colour. Colours are the Okabe-Ito palette, chosen to stay distinct for the common
 * colour-vision deficiencies. Every text that reaches the SVG is escaped.
 */
import { escapeHtml } from './escape.js';

/** Okabe-Ito: distinguishable under protanopia, deuteranopia and tritanopia. */
export const PALETTE = {
  blue: '#0072B2',
  orange: '#E69F00',
  green: '#009E73',
  vermillion: '#D55E00',
  skyBlue: '#56B4E9',
  purple: '#CC79A7',
  grey: '#6B6B6B',
} as const;

/** Light to dark blue, for heatmaps: ordered by luminance, so it reads in greyscale too. */
export const SEQUENTIAL = ['#F1F6FB', '#C6DBEF', '#9ECAE1', '#6BAED6', '#3182BD', '#08519C', '#08306B'];

export interface ChartText {
  /** unique within the page: the ids of the title and description derive from it */
  readonly id: string;
  readonly title: string;
  /** one sentence on what the chart shows, read by screen readers */
  readonly description: string;
}

const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"';
const r1 = (n: number): string => (Math.round(n * 10) / 10).toString();

function open(text: ChartText, width: number, height: number): string {
  if (!/^[a-z][a-z0-9-]*$/.test(text.id)) throw new Error(`chart id "${text.id}" must be kebab-case`);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 ${width} ${height}" ` +
    `width="${width}" height="${height}" aria-labelledby="${text.id}-title ${text.id}-desc" ${FONT} font-size="12">` +
    `<title id="${text.id}-title">${escapeHtml(text.title)}</title>` +
    `<desc id="${text.id}-desc">${escapeHtml(text.description)}</desc>`
  );
}

function label(x: number, y: number, content: string, attrs = ''): string {
  return `<text x="${r1(x)}" y="${r1(y)}"${attrs ? ` ${attrs}` : ''}>${escapeHtml(content)}</text>`;
}

/**
 * Round tick values covering [min, max] (always including 0 when the range spans it): steps of 1, 2, 2.5 or
 * 5 times a power of ten, about `target` of them.
 */
export function niceTicks(min: number, max: number, target = 5, integer = false): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) throw new Error('niceTicks: the range must be finite');
  let lo = Math.min(min, max, 0);
  let hi = Math.max(min, max, 0);
  if (lo === hi) hi = lo + 1;
  const raw = (hi - lo) / Math.max(1, target);
  const power = 10 ** Math.floor(Math.log10(raw));
  const found = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  // Counts get whole-number ticks: "1.5 customers" is not a tick anyone wants.
  const step = integer ? Math.max(1, Math.ceil(found)) : found;
  lo = Math.floor(lo / step) * step;
  hi = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  // Rounding to the step's precision keeps 0.30000000000000004 out of the labels.
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  for (let v = lo; v <= hi + step / 2; v += step) ticks.push(Number(v.toFixed(decimals)));
  return ticks;
}

export interface Bar {
  readonly label: string;
  readonly value: number;
  /** printed at the end of the bar (defaults to the value formatted by the chart's `format`) */
  readonly valueLabel?: string;
  readonly colour?: string;
}

export interface BarChartSpec extends ChartText {
  readonly bars: readonly Bar[];
  /** axis label for the values, e.g. "Customers" */
  readonly valueAxis: string;
  /** axis label for the categories, e.g. "Segment" */
  readonly categoryAxis: string;
  readonly format?: (n: number) => string;
  readonly width?: number;
}

/** Horizontal bars (long category names stay readable); negative values extend left of zero. */
export function barChart(spec: BarChartSpec): string {
  const width = spec.width ?? 760;
  const format = spec.format ?? ((n: number) => n.toLocaleString('en-GB'));
  const labelWidth = Math.min(260, 20 + 7 * Math.max(4, ...spec.bars.map((b) => b.label.length)));
  const left = labelWidth + 12;
  const right = 16 + 7 * Math.max(6, ...spec.bars.map((b) => (b.valueLabel ?? format(b.value)).length));
  const top = 24;
  const rowHeight = 26;
  const plotHeight = Math.max(1, spec.bars.length) * rowHeight;
  const height = top + plotHeight + 52;
  const values = spec.bars.map((b) => b.value);
  const ticks = niceTicks(Math.min(0, ...values), Math.max(0, ...values), 5, values.every(Number.isInteger));
  const lo = ticks[0]!;
  const hi = ticks[ticks.length - 1]!;
  const plotWidth = width - left - right;
  const x = (v: number) => left + ((v - lo) / (hi - lo)) * plotWidth;
  const parts = [open(spec, width, height)];
  for (const t of ticks) {
    parts.push(
      `<line x1="${r1(x(t))}" x2="${r1(x(t))}" y1="${top}" y2="${top + plotHeight}" stroke="#D9D9D9"/>`,
      label(x(t), top + plotHeight + 16, format(t), 'text-anchor="middle" fill="#333"'),
    );
  }
  spec.bars.forEach((bar, i) => {
    const y = top + i * rowHeight;
    const x0 = x(Math.min(0, bar.value));
    const w = Math.abs(x(bar.value) - x(0));
    const colour = bar.colour ?? PALETTE.blue;
    parts.push(
      label(left - 8, y + rowHeight / 2 + 4, truncate(bar.label, 36), 'text-anchor="end" fill="#222"'),
      `<rect x="${r1(x0)}" y="${y + 4}" width="${r1(Math.max(w, 0.5))}" height="${rowHeight - 8}" fill="${colour}"><title>${escapeHtml(`${bar.label}: ${bar.valueLabel ?? format(bar.value)}`)}</title></rect>`,
      bar.value < 0
        ? label(
            x0 - 4,
            y + rowHeight / 2 + 4,
            bar.valueLabel ?? format(bar.value),
            'text-anchor="end" fill="#222"',
          )
        : label(x0 + w + 4, y + rowHeight / 2 + 4, bar.valueLabel ?? format(bar.value), 'fill="#222"'),
    );
  });
  parts.push(
    `<line x1="${r1(x(0))}" x2="${r1(x(0))}" y1="${top}" y2="${top + plotHeight}" stroke="#333"/>`,
    label(left + plotWidth / 2, height - 8, spec.valueAxis, 'text-anchor="middle" font-weight="600"'),
    label(left - 8, 14, spec.categoryAxis, 'text-anchor="end" font-weight="600"'),
    '</svg>',
  );
  return parts.join('');
}

export interface ColumnChartSpec extends ChartText {
  readonly columns: readonly Bar[];
  readonly valueAxis: string;
  readonly categoryAxis: string;
  readonly format?: (n: number) => string;
  readonly width?: number;
}

/** Vertical columns touching each other when `histogram` is set (a distribution), spaced otherwise. */
export function columnChart(spec: ColumnChartSpec & { readonly histogram?: boolean }): string {
  const width = spec.width ?? 760;
  const format = spec.format ?? ((n: number) => n.toLocaleString('en-GB'));
  const left = 70;
  const right = 16;
  const top = 20;
  const plotHeight = 220;
  const height = top + plotHeight + 84;
  const values = spec.columns.map((c) => c.value);
  const ticks = niceTicks(Math.min(0, ...values), Math.max(0, ...values), 5, values.every(Number.isInteger));
  const lo = ticks[0]!;
  const hi = ticks[ticks.length - 1]!;
  const plotWidth = width - left - right;
  const y = (v: number) => top + plotHeight - ((v - lo) / (hi - lo)) * plotHeight;
  const slot = plotWidth / Math.max(1, spec.columns.length);
  const gap = spec.histogram ? 1 : Math.min(16, slot * 0.25);
  const parts = [open(spec, width, height)];
  for (const t of ticks) {
    parts.push(
      `<line x1="${left}" x2="${left + plotWidth}" y1="${r1(y(t))}" y2="${r1(y(t))}" stroke="#D9D9D9"/>`,
      label(left - 6, y(t) + 4, format(t), 'text-anchor="end" fill="#333"'),
    );
  }
  spec.columns.forEach((col, i) => {
    const x0 = left + i * slot + gap / 2;
    const top0 = y(Math.max(0, col.value));
    const h = Math.abs(y(col.value) - y(0));
    parts.push(
      `<rect x="${r1(x0)}" y="${r1(top0)}" width="${r1(slot - gap)}" height="${r1(Math.max(h, 0.5))}" fill="${col.colour ?? PALETTE.blue}"><title>${escapeHtml(`${col.label}: ${col.valueLabel ?? format(col.value)}`)}</title></rect>`,
      label(
        x0 + (slot - gap) / 2,
        top0 - 4,
        col.valueLabel ?? format(col.value),
        'text-anchor="middle" fill="#222" font-size="11"',
      ),
    );
    // Category labels slant so that ten or more bins stay legible.
    const lx = x0 + (slot - gap) / 2;
    const ly = top + plotHeight + 14;
    parts.push(
      label(
        lx,
        ly,
        truncate(col.label, 18),
        `text-anchor="end" fill="#222" font-size="11" transform="rotate(-35 ${r1(lx)} ${ly})"`,
      ),
    );
  });
  parts.push(
    `<line x1="${left}" x2="${left + plotWidth}" y1="${r1(y(0))}" y2="${r1(y(0))}" stroke="#333"/>`,
    label(left + plotWidth / 2, height - 6, spec.categoryAxis, 'text-anchor="middle" font-weight="600"'),
    label(
      14,
      top + plotHeight / 2,
      spec.valueAxis,
      `text-anchor="middle" font-weight="600" transform="rotate(-90 14 ${top + plotHeight / 2})"`,
    ),
    '</svg>',
  );
  return parts.join('');
}

export interface GroupedBarSpec extends ChartText {
  /** the groups compared within each category, e.g. redeemers and comparable non-redeemers */
  readonly series: readonly { readonly name: string; readonly colour: string }[];
  /** a null value (no data) draws no bar and says "no data" */
  readonly categories: readonly { readonly label: string; readonly values: readonly (number | null)[] }[];
  readonly valueAxis: string;
  readonly categoryAxis: string;
  readonly format?: (n: number) => string;
  readonly width?: number;
}

/** Horizontal bars, one per series within each category, with a legend that names the series in words. */
export function groupedBarChart(spec: GroupedBarSpec): string {
  const width = spec.width ?? 760;
  const format = spec.format ?? ((n: number) => n.toLocaleString('en-GB'));
  for (const c of spec.categories) {
    if (c.values.length !== spec.series.length)
      throw new Error(
        `grouped bar chart ${spec.id}: category "${c.label}" has ${c.values.length} values for ${spec.series.length} series`,
      );
  }
  const labelWidth = Math.min(260, 20 + 7 * Math.max(4, ...spec.categories.map((c) => c.label.length)));
  const left = labelWidth + 12;
  const top = 34;
  const barHeight = 14;
  const groupHeight = spec.series.length * barHeight + 12;
  const plotHeight = Math.max(1, spec.categories.length) * groupHeight;
  const height = top + plotHeight + 52;
  const all = spec.categories.flatMap((c) => c.values.filter((v): v is number => v !== null));
  const right = 16 + 7 * Math.max(7, ...all.map((v) => format(v).length));
  const ticks = niceTicks(Math.min(0, ...all), Math.max(0, ...all));
  const lo = ticks[0]!;
  const hi = ticks[ticks.length - 1]!;
  const plotWidth = width - left - right;
  const x = (v: number) => left + ((v - lo) / (hi - lo)) * plotWidth;
  const parts = [open(spec, width, height)];
  let lx = left;
  for (const s of spec.series) {
    parts.push(
      `<rect x="${r1(lx)}" y="6" width="12" height="12" fill="${s.colour}"/>`,
      label(lx + 16, 16, s.name, 'fill="#222"'),
    );
    lx += 28 + 7 * s.name.length;
  }
  for (const t of ticks) {
    parts.push(
      `<line x1="${r1(x(t))}" x2="${r1(x(t))}" y1="${top}" y2="${top + plotHeight}" stroke="#D9D9D9"/>`,
      label(x(t), top + plotHeight + 16, format(t), 'text-anchor="middle" fill="#333"'),
    );
  }
  spec.categories.forEach((c, i) => {
    const gy = top + i * groupHeight + 6;
    parts.push(
      label(
        left - 8,
        gy + (spec.series.length * barHeight) / 2 + 4,
        truncate(c.label, 36),
        'text-anchor="end" fill="#222"',
      ),
    );
    c.values.forEach((v, j) => {
      const s = spec.series[j]!;
      const y = gy + j * barHeight;
      if (v === null) {
        parts.push(label(x(0) + 4, y + barHeight - 3, `${s.name}: no data`, 'fill="#444" font-size="11"'));
        return;
      }
      const x0 = x(Math.min(0, v));
      const w = Math.abs(x(v) - x(0));
      parts.push(
        `<rect x="${r1(x0)}" y="${y + 1}" width="${r1(Math.max(w, 0.5))}" height="${barHeight - 2}" fill="${s.colour}"><title>${escapeHtml(`${c.label}, ${s.name}: ${format(v)}`)}</title></rect>`,
        v < 0
          ? label(x0 - 4, y + barHeight - 3, format(v), 'text-anchor="end" fill="#222" font-size="11"')
          : label(x0 + w + 4, y + barHeight - 3, format(v), 'fill="#222" font-size="11"'),
      );
    });
  });
  parts.push(
    `<line x1="${r1(x(0))}" x2="${r1(x(0))}" y1="${top}" y2="${top + plotHeight}" stroke="#333"/>`,
    label(left + plotWidth / 2, height - 8, spec.valueAxis, 'text-anchor="middle" font-weight="600"'),
    label(left - 8, 16, spec.categoryAxis, 'text-anchor="end" font-weight="600"'),
    '</svg>',
  );
  return parts.join('');
}

export interface HeatmapSpec extends ChartText {
  /** column labels, left to right */
  readonly columns: readonly string[];
  /** row labels, top to bottom */
  readonly rows: readonly string[];
  /** counts[row][column] */
  readonly counts: readonly (readonly number[])[];
  readonly columnAxis: string;
  readonly rowAxis: string;
  readonly width?: number;
}

/** A binned heatmap: cell shade by count (sequential, luminance-ordered), the count written in each cell. */
export function heatmap(spec: HeatmapSpec): string {
  if (spec.counts.length !== spec.rows.length || spec.counts.some((r) => r.length !== spec.columns.length))
    throw new Error(`heatmap ${spec.id}: counts must be ${spec.rows.length} rows of ${spec.columns.length}`);
  const width = spec.width ?? 760;
  const left = 170;
  const top = 24;
  const right = 16;
  const cellW = (width - left - right) / Math.max(1, spec.columns.length);
  const cellH = 40;
  const plotHeight = cellH * spec.rows.length;
  const height = top + plotHeight + 52;
  const max = Math.max(1, ...spec.counts.flat());
  const parts = [open(spec, width, height)];
  spec.rows.forEach((row, i) => {
    parts.push(label(left - 8, top + i * cellH + cellH / 2 + 4, row, 'text-anchor="end" fill="#222"'));
    spec.columns.forEach((column, j) => {
      const n = spec.counts[i]![j]!;
      // Zero stays white so "nobody here" is not mistaken for "a few".
      const shade =
        n === 0 ? 0 : 1 + Math.min(SEQUENTIAL.length - 2, Math.floor((n / max) * (SEQUENTIAL.length - 1)));
      const fill = SEQUENTIAL[shade]!;
      const x = left + j * cellW;
      const y = top + i * cellH;
      parts.push(
        `<rect x="${r1(x)}" y="${y}" width="${r1(cellW)}" height="${cellH}" fill="${fill}" stroke="#FFFFFF" stroke-width="2"><title>${escapeHtml(`${row}, ${column}: ${n}`)}</title></rect>`,
        label(
          x + cellW / 2,
          y + cellH / 2 + 4,
          n.toLocaleString('en-GB'),
          `text-anchor="middle" fill="${shade >= 4 ? '#FFFFFF' : '#111111'}"`,
        ),
      );
    });
  });
  spec.columns.forEach((column, j) => {
    parts.push(
      label(left + j * cellW + cellW / 2, top + plotHeight + 16, column, 'text-anchor="middle" fill="#333"'),
    );
  });
  parts.push(
    label(
      left + (width - left - right) / 2,
      height - 8,
      spec.columnAxis,
      'text-anchor="middle" font-weight="600"',
    ),
    label(left - 8, 14, spec.rowAxis, 'text-anchor="end" font-weight="600"'),
    '</svg>',
  );
  return parts.join('');
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
