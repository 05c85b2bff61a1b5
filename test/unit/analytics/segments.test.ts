import { describe, expect, it } from 'vitest';
import type { SegmentInputs } from '../../../lambdas/core/analytics/models.js';
import {
  customerRiskChangedDetail,
  DEFAULT_SEGMENT_CONFIG,
  EMPTY_SEGMENT_STATE,
  evaluateSegments,
  type SegmentState,
  segmentConfig,
} from '../../../lambdas/core/analytics/segments.js';
import { CustomerRiskChangedDetail } from '../../../lambdas/core/contracts/internal-events.js';

const calm: SegmentInputs = {
  churnProbability: 0.2,
  valuePercentile: 0.9,
  discountDependency: 0.1,
  returnPropensity: 0.1,
  marginContribution: 200,
  serviceFriction: 0.1,
  orders: 6,
  repeatPurchases: 5,
  returnRate: 0.1,
  discountedShare: 0.1,
  recentDelays: 0,
  openTickets: 0,
  unsolvedTickets: 0,
};

describe('segments with hysteresis', () => {
  it('puts a valuable customer whose churn risk rises into high-value-churn-risk, once', () => {
    // Prepare
    const risky = { ...calm, churnProbability: 0.55 };
    // Act
    const first = evaluateSegments(EMPTY_SEGMENT_STATE, risky);
    const again = evaluateSegments(first.state, risky);
    // Assess
    expect(first.entered).toEqual(['high-value-churn-risk']);
    expect(first.reasons[0]).toMatch(/churnProbability 0.55 >= 0.5/);
    expect(again.changed).toBe(false);
  });

  it('does not flap when a score wobbles around the line', () => {
    // Prepare: churn probability oscillating 0.52, 0.47, 0.53, 0.45 around the 0.5 entry line
    let state: SegmentState = EMPTY_SEGMENT_STATE;
    const changes: string[] = [];
    // Act
    for (const churn of [0.52, 0.47, 0.53, 0.45, 0.51, 0.35]) {
      const result = evaluateSegments(state, { ...calm, churnProbability: churn });
      changes.push(...result.entered.map((s) => `+${s}`), ...result.left.map((s) => `-${s}`));
      state = result.state;
    }
    // Assess: in once, out only when it falls below the 0.4 exit line
    expect(changes).toEqual(['+high-value-churn-risk', '-high-value-churn-risk']);
  });

  it('finds the margin-destructive customer: discount-dependent, returning, losing money', () => {
    // Act
    const result = evaluateSegments(EMPTY_SEGMENT_STATE, {
      ...calm,
      discountDependency: 0.7,
      returnPropensity: 0.45,
      marginContribution: -35,
    });
    // Assess
    expect(result.state.segments).toContain('margin-destructive');
  });

  it('alerts once when a score crosses a threshold, and once when it falls back well below', () => {
    // Prepare
    const series = [0.72, 0.68, 0.75, 0.55];
    let state: SegmentState = EMPTY_SEGMENT_STATE;
    const crossings: string[] = [];
    // Act
    for (const friction of series) {
      const r = evaluateSegments(state, { ...calm, serviceFriction: friction });
      crossings.push(
        ...r.crossed.filter((c) => c.input === 'serviceFriction').map((c) => `${c.direction}@${c.value}`),
      );
      state = r.state;
    }
    // Assess
    expect(crossings).toEqual(['up@0.72', 'down@0.55']);
  });

  it('builds a CustomerRiskChanged detail that passes its contract, with an id stable across redelivery', () => {
    // Prepare
    const evaluation = evaluateSegments(EMPTY_SEGMENT_STATE, { ...calm, churnProbability: 0.6 });
    const input = {
      customerId: 'cus_0123456789ab',
      triggerEventId: 'evt-42',
      occurredAt: new Date('2025-05-01T00:00:00Z'),
      evaluation,
      scores: { churnProbability: 0.6, valuePercentile: 0.9 },
    };
    // Act
    const detail = customerRiskChangedDetail(input);
    // Assess
    expect(CustomerRiskChangedDetail.safeParse(detail).success).toBe(true);
    expect(detail).toMatchObject({ entered: ['high-value-churn-risk'], segments: ['high-value-churn-risk'] });
    expect(customerRiskChangedDetail(input).eventId).toBe(detail.eventId);
  });

  it('refuses a rule whose exit threshold is stricter than its entry threshold', () => {
    const bad = {
      ...DEFAULT_SEGMENT_CONFIG,
      rules: [
        {
          id: 'x',
          description: 'x',
          conditions: [{ input: 'clv' as const, direction: 'atLeast' as const, enter: 1, exit: 2 }],
        },
      ],
    };
    expect(() => segmentConfig(bad)).toThrow(/rule x: the exit threshold of clv must be looser/);
  });
});
