import { describe, expect, it } from 'vitest';
import {
  cdnowEvents,
  cdnowLineToEvent,
  evaluateClv,
  parseCdnowSummaryCsv,
} from '../../../lambdas/core/analytics/cdnow.js';
import { kpiConfig } from '../../../lambdas/core/analytics/kpi.js';
import { InMemoryAggregateSink } from '../../../lambdas/core/analytics/profile-sink.js';
import { sampleLines, summaryCsv } from './cdnow-data.js';

const kpi = kpiConfig();

describe('CDNOW through the profile aggregates (Fader, Hardie and Lee 2005)', () => {
  it('yields exactly the published calibration summary and reproduces both papers', async () => {
    // Prepare
    const expected = parseCdnowSummaryCsv(summaryCsv());
    // Act
    const result = await evaluateClv({
      events: cdnowEvents(sampleLines()),
      sink: new InMemoryAggregateSink(kpi),
      expected,
      kpi,
    });
    // Assess
    expect(result.events).toBe(6919);
    expect(result.customers).toBe(2357);
    expect(result.summaryMismatches).toBe(0);
    expect(result.bgnbd.r).toBeCloseTo(0.243, 2);
    expect(Math.abs(result.bgnbd.alpha / 4.414 - 1)).toBeLessThan(0.01);
    expect(Math.abs(result.bgnbd.a / 0.793 - 1)).toBeLessThan(0.01);
    expect(Math.abs(result.bgnbd.b / 2.426 - 1)).toBeLessThan(0.01);
    expect(result.bgnbd.logLikelihood).toBeCloseTo(-9582.4, 0);
    expect(Math.abs(result.gammaGamma.p / 6.25 - 1)).toBeLessThan(0.01);
    expect(Math.abs(result.gammaGamma.q / 3.74 - 1)).toBeLessThan(0.01);
    expect(Math.abs(result.gammaGamma.v / 15.44 - 1)).toBeLessThan(0.01);
    // Holdout weeks 40-78: the cohort total is predicted within 15% and the curve ends where the data does.
    expect(result.holdout.weeks).toBe('40-78');
    expect(
      Math.abs(result.holdout.predictedRepeatPurchases / result.holdout.actualRepeatPurchases - 1),
    ).toBeLessThan(0.15);
    expect(result.holdout.cumulative).toHaveLength(78);
    expect(result.holdout.mae).toBeLessThan(1);
  });

  it('counts a summary that differs from the published one as a mismatch', async () => {
    // Prepare: customer 1's second purchase moved by a week
    const expected = parseCdnowSummaryCsv(summaryCsv());
    const lines = [
      ' 00004 0001 19970101  2   29.33',
      ' 00004 0001 19970125  2   29.73',
      ' 00004 0001 19970802  1   14.96',
    ];
    // Act
    const result = await evaluateClv({
      events: cdnowEvents(lines),
      sink: new InMemoryAggregateSink(kpi),
      expected: expected.slice(0, 1),
      kpi,
    });
    // Assess
    expect(result.summaryMismatches).toBe(0);
    const moved = await evaluateClv({
      events: cdnowEvents([lines[0]!, lines[1]!]),
      sink: new InMemoryAggregateSink(kpi),
      expected: expected.slice(0, 1),
      kpi,
    });
    expect(moved.summaryMismatches).toBe(1);
    expect(moved.mismatchExamples[0]).toMatchObject({ id: 1, actual: { x: 1 } });
  });

  it('names the line when the input is malformed', () => {
    expect(() => cdnowLineToEvent(' 00004 0001 1997-01-01  2   29.33', 7)).toThrow(/line 7: date/);
    expect(() => cdnowLineToEvent(' 00004 0001 19970101  2', 3)).toThrow(/line 3: expected 5 fields/);
  });
});
