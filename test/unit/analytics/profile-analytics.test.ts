import { describe, expect, it } from 'vitest';
import {
  applyChannelEvent,
  type ChannelEvent,
  type ProfileAggregates,
} from '../../../lambdas/core/analytics/aggregates.js';
import { kpiConfig } from '../../../lambdas/core/analytics/kpi.js';
import { profileMetrics } from '../../../lambdas/core/analytics/metrics.js';
import type { FittedModels } from '../../../lambdas/core/analytics/models.js';
import {
  mergeAggregates,
  type ProfileAnalyticsState,
  updateProfileAnalytics,
} from '../../../lambdas/core/analytics/profile-analytics.js';
import { CustomerRiskChangedDetail } from '../../../lambdas/core/contracts/internal-events.js';
import { deliveryDelayed, orderPlaced, orderReturned, ticket } from './events.js';

const kpi = kpiConfig();
const asOf = new Date('2025-05-01T00:00:00Z');
/** Parameters as a fit stores them (the published CDNOW values; priors as a retailer's base might give). */
const models: FittedModels = {
  version: 1,
  fittedAt: '2025-04-30T00:00:00.000Z',
  dataWindow: { from: '2024-01-01T00:00:00.000Z', to: '2025-04-30T00:00:00.000Z' },
  calibrationEnd: '2025-04-30T00:00:00.000Z',
  customers: 1000,
  timeUnit: 'week',
  bgnbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426, logLikelihood: -1, converged: true },
  gammaGamma: { p: 6.25, q: 3.74, v: 15.44, logLikelihood: -1, customers: 400, converged: true },
  priors: {
    returns: { all: { alpha: 1, beta: 9, customers: 1000 } },
    discounts: { all: { alpha: 2, beta: 8, customers: 1000 } },
  },
  clvQuantiles: Array.from({ length: 101 }, (_, i) => i * 2),
  clv: { horizonWeeks: 104, annualDiscountRate: 0.1, stepWeeks: 4 },
};

function run(events: readonly ChannelEvent[]) {
  let state: ProfileAnalyticsState | undefined;
  const published = [];
  for (const event of events) {
    const r = updateProfileAnalytics({
      customerId: 'cus_0123456789ab',
      state,
      event,
      kpi,
      models,
      now: asOf,
    });
    state = r.state;
    if (r.riskChanged) published.push(r.riskChanged);
  }
  return { state: state!, published };
}

describe('profile analytics in the identity pass', () => {
  it('raises one CustomerRiskChanged when a repeat customer suffers a delay and an unresolved ticket, and none on redelivery', () => {
    // Prepare
    const events = [
      orderPlaced({ orderId: 'a1', at: '2025-03-01T10:00:00Z' }),
      orderPlaced({ orderId: 'a2', at: '2025-04-10T10:00:00Z' }),
      deliveryDelayed('a2', '2025-04-14T10:00:00Z', 5),
      ticket('opened', { ticketId: 'tk1', at: '2025-04-15T10:00:00Z' }),
    ];
    // Act
    const first = run(events);
    const again = updateProfileAnalytics({
      customerId: 'cus_0123456789ab',
      state: first.state,
      event: events[3]!,
      kpi,
      models,
      now: asOf,
    });
    // Assess
    const friction = first.published.filter((d) => d.entered.includes('service-friction'));
    expect(friction).toHaveLength(1);
    expect(CustomerRiskChangedDetail.safeParse(friction[0]).success).toBe(true);
    expect(friction[0]!.reasons.join(' ')).toMatch(/serviceFriction/);
    expect(again.outcome).toBe('duplicate');
    expect(again.riskChanged).toBeUndefined();
    expect(first.state.segments.segments).toContain('service-friction');
  });

  it('only updates the aggregates before the first fit', () => {
    // Act
    const r = updateProfileAnalytics({
      customerId: 'cus_0123456789ab',
      state: undefined,
      event: orderPlaced({ at: '2025-03-01T10:00:00Z' }),
      kpi,
      now: asOf,
    });
    // Assess
    expect(r.outcome).toBe('applied');
    expect(r.state.scores).toBeUndefined();
    expect(profileMetrics(r.state.aggregates, kpi, asOf).orders).toBe(1);
  });
});

describe('merging the aggregates of merged profiles', () => {
  it('counts an order both profiles saw once and keeps each side’s returns', () => {
    // Prepare
    const shared = orderPlaced({ orderId: 'm1', at: '2025-01-10T10:00:00Z' });
    const apply = (events: ChannelEvent[]) =>
      events.reduce<ProfileAggregates | undefined>(
        (agg, e) => applyChannelEvent(agg, e, kpi).aggregates,
        undefined,
      )!;
    const web = apply([shared, orderPlaced({ orderId: 'm2', at: '2025-02-10T10:00:00Z' })]);
    const store = apply([shared, orderReturned({ orderId: 'm1', at: '2025-01-15T10:00:00Z', refund: 50 })]);
    // Act
    const merged = mergeAggregates(web, store, kpi);
    // Assess
    expect(profileMetrics(merged, kpi, asOf)).toMatchObject({
      orders: 2,
      revenue: 100,
      returns: { completed: 1, refunds: 50 },
    });
  });
});
