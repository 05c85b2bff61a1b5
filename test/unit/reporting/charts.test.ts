import { describe, expect, it } from 'vitest';
import {
  barChart,
  columnChart,
  groupedBarChart,
  heatmap,
  niceTicks,
  SEQUENTIAL,
} from '../../../lambdas/core/reporting/charts.js';

const text = { id: 'chart-test', title: 'Test chart', description: 'What the test chart shows.' };
const rects = (svg: string) =>
  [
    ...svg.matchAll(/<rect x="([-\d.]+)" y="([-\d.]+)" width="([\d.]+)" height="([\d.]+)" fill="([^"]+)"/g),
  ].map((m) => ({
    x: Number(m[1]),
    y: Number(m[2]),
    width: Number(m[3]),
    height: Number(m[4]),
    fill: m[5]!,
  }));

describe('niceTicks', () => {
  it('covers the range in round steps and always includes zero', () => {
    expect(niceTicks(0, 1200, 8)).toEqual([0, 200, 400, 600, 800, 1000, 1200]);
    expect(niceTicks(0, 0.73)).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    expect(niceTicks(0, 117)).toEqual([0, 25, 50, 75, 100, 125]);
    const mixed = niceTicks(-13459, 28934);
    expect(mixed).toContain(0);
    expect(mixed[0]).toBeLessThanOrEqual(-13459);
    expect(mixed.at(-1)).toBeGreaterThanOrEqual(28934);
    expect(niceTicks(5, 5)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('keeps ticks whole for counts', () => {
    expect(niceTicks(0, 2)).toEqual([0, 0.5, 1, 1.5, 2]);
    expect(niceTicks(0, 2, 5, true)).toEqual([0, 1, 2]);
  });
});

describe('charts', () => {
  it('draws bars proportional to their values and a negative bar to the left of zero', () => {
    // Act
    const svg = barChart({
      ...text,
      bars: [
        { label: 'Gain', value: 100 },
        { label: 'Loss', value: -50 },
      ],
      valueAxis: 'Margin',
      categoryAxis: 'Segment',
    });
    // Assess
    const [gain, loss] = rects(svg);
    const zero = Number(/<line x1="([\d.]+)" x2="\1" y1="24" y2="76" stroke="#333"\/>/.exec(svg)?.[1]);
    expect(gain!.x).toBeCloseTo(zero, 0);
    expect(loss!.x + loss!.width).toBeCloseTo(zero, 0);
    expect(gain!.width / loss!.width).toBeCloseTo(2, 1);
    expect(svg).toContain('>Margin</text>');
    expect(svg).toContain('>Segment</text>');
  });

  it('draws histogram columns with heights proportional to the counts, the count printed on each', () => {
    // Act
    const svg = columnChart({
      ...text,
      columns: [
        { label: '0–100', value: 30 },
        { label: '100–200', value: 60 },
      ],
      valueAxis: 'Customers',
      categoryAxis: 'CLV',
      histogram: true,
    });
    // Assess
    const [a, b] = rects(svg);
    expect(b!.height / a!.height).toBeCloseTo(2, 2);
    expect(svg).toContain('>30</text>');
    expect(svg).toContain('>60</text>');
  });

  it('shades heatmap cells darker with more customers, leaves empty cells lightest, prints every count', () => {
    // Act
    const svg = heatmap({
      ...text,
      columns: ['low', 'high'],
      rows: ['top', 'bottom'],
      counts: [
        [0, 10],
        [3, 1],
      ],
      columnAxis: 'Churn',
      rowAxis: 'Value',
    });
    // Assess
    const fills = rects(svg).map((r) => SEQUENTIAL.indexOf(r.fill));
    expect(fills[0]).toBe(0);
    expect(fills[1]).toBeGreaterThan(fills[2]!);
    expect(fills[2]).toBeGreaterThanOrEqual(fills[3]!);
    for (const n of ['0', '10', '3', '1']) expect(svg).toContain(`>${n}</text>`);
    expect(() =>
      heatmap({ ...text, columns: ['a'], rows: ['b'], counts: [[1, 2]], columnAxis: 'x', rowAxis: 'y' }),
    ).toThrow(/counts must be 1 rows of 1/);
  });

  it('draws no bar for a value that is missing, and says so', () => {
    // Act
    const svg = groupedBarChart({
      ...text,
      series: [
        { name: 'Treated', colour: '#0072B2' },
        { name: 'Declined', colour: '#E69F00' },
      ],
      categories: [{ label: 'Retention', values: [0.9, null] }],
      valueAxis: 'Share',
      categoryAxis: 'Measure',
    });
    // Assess
    expect(rects(svg).filter((r) => r.height === 12 && r.y > 20)).toHaveLength(1);
    expect(svg).toContain('>Declined: no data</text>');
  });

  it('names every series of a grouped chart in a legend and refuses a category with missing values', () => {
    // Act
    const svg = groupedBarChart({
      ...text,
      series: [
        { name: 'Redeemers', colour: '#0072B2' },
        { name: 'Comparable', colour: '#6B6B6B' },
      ],
      categories: [{ label: 'SPRING', values: [0.5, 0.25] }],
      valueAxis: 'Share',
      categoryAxis: 'Promotion',
    });
    // Assess
    expect(svg).toContain('>Redeemers</text>');
    expect(rects(svg).filter((r) => r.height === 12 && r.y > 20)).toHaveLength(2); // one bar per series
    expect(svg).toContain('>Comparable</text>');
    expect(() =>
      groupedBarChart({
        ...text,
        series: [{ name: 'Only', colour: '#000000' }],
        categories: [{ label: 'X', values: [1, 2] }],
        valueAxis: 'v',
        categoryAxis: 'c',
      }),
    ).toThrow(/has 2 values for 1 series/);
  });

  it('escapes labels and titles, and refuses an id that could break out of its attribute', () => {
    // Act
    const svg = barChart({
      ...text,
      title: 'A <b> & "c"',
      bars: [{ label: '<script>x</script>', value: 1 }],
      valueAxis: 'v',
      categoryAxis: 'c',
    });
    // Assess
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('A &lt;b&gt; &amp; &quot;c&quot;');
    expect(() =>
      barChart({ ...text, id: 'x" onload="y', bars: [], valueAxis: 'v', categoryAxis: 'c' }),
    ).toThrow(/kebab-case/);
  });
});
