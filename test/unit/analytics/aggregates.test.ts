import { describe, expect, it } from 'vitest';
import {
  AggregateIssue,
  applyChannelEvent,
  type ChannelEvent,
  type ProfileAggregates,
} from '../../../lambdas/core/analytics/aggregates.js';
import { kpiConfig } from '../../../lambdas/core/analytics/kpi.js';
import { profileMetrics, repeatPurchaseSummary } from '../../../lambdas/core/analytics/metrics.js';
import {
  campaign,
  deliveryDelayed,
  orderPlaced,
  orderReturned,
  pointsChanged,
  ticket,
  tierChanged,
} from './events.js';

const kpi = kpiConfig();
const asOf = new Date('2025-06-30T00:00:00Z');

function applyAll(events: readonly ChannelEvent[], config = kpi): ProfileAggregates | undefined {
  let agg: ProfileAggregates | undefined;
  for (const e of events) agg = applyChannelEvent(agg, e, config).aggregates;
  return agg;
}

function history(): ChannelEvent[] {
  return [
    orderPlaced({
      orderId: 'o1',
      at: '2025-01-05T10:00:00Z',
      lines: [{ quantity: 2, unitPrice: 30, unitCost: 10 }],
    }),
    orderPlaced({
      orderId: 'o2',
      at: '2025-02-10T10:00:00Z',
      lines: [{ quantity: 1, unitPrice: 100, discount: 20, unitCost: 40 }],
      promotionCodes: ['SPRING20'],
    }),
    orderReturned({ orderId: 'o2', at: '2025-02-20T10:00:00Z', refund: 80, returnId: 'r1' }),
    deliveryDelayed('o2', '2025-02-14T10:00:00Z', 3),
    orderPlaced({
      orderId: 'o3',
      at: '2025-02-10T18:00:00Z',
      lines: [{ quantity: 1, unitPrice: 15, unitCost: 5 }],
    }),
    orderPlaced({ orderId: 'o4', at: '2025-04-01T09:00:00Z', lines: [{ quantity: 3, unitPrice: 20 }] }),
    ticket('opened', { ticketId: 't1', at: '2025-02-15T09:00:00Z', sentiment: -0.6 }),
    ticket('resolved', { ticketId: 't1', at: '2025-02-17T09:00:00Z', sentiment: 0.2 }),
    ticket('opened', { ticketId: 't2', at: '2025-04-03T09:00:00Z' }),
    tierChanged('2025-02-01T00:00:00Z', 'silver'),
    tierChanged('2025-04-01T00:00:00Z', 'gold'),
    pointsChanged('2025-04-01T00:00:00Z', 60, 160),
    campaign('2025-02-01T00:00:00Z', 'sent'),
    campaign('2025-02-10T10:00:00Z', 'redeemed', { code: 'SPRING20', orderId: 'o2' }),
  ];
}

describe('profile aggregates', () => {
  it('derives the KPIs a merchandiser would compute by hand', () => {
    // Prepare
    const events = history();
    // Act
    const m = profileMetrics(applyAll(events)!, kpi, asOf);
    // Assess
    expect(m.orders).toBe(4);
    expect(m.revenue).toBe(60 + 80 + 15 + 60);
    expect(m.discount).toBe(20);
    expect(m.discountedOrders).toBe(1);
    expect(m.discountedShare).toBe(0.25);
    expect(m.units).toBe(7);
    expect(m.costOfGoods).toBe(20 + 40 + 5 + 36); // o4 has no unit cost: 60% of its revenue
    expect(m.costEstimatedOrders).toBe(1);
    expect(m.returns).toMatchObject({
      completed: 1,
      returnedOrders: 1,
      refunds: 80,
      rate: 0.25,
      reasons: { size_or_fit: 1 },
    });
    expect(m.delivery).toMatchObject({ delayedOrders: 1, meanDelayDays: 3 });
    expect(m.tickets).toMatchObject({ open: 1, resolved: 1, meanHoursToResolve: 48, meanSentiment: 0.2 });
    expect(m.loyalty).toMatchObject({ tier: 'gold', points: 160, earned: 60 });
    expect(m.campaigns).toMatchObject({ sent: 1, redeemed: 1 });
    expect(m.firstPurchaseAt).toBe('2025-01-05');
    expect(m.lastPurchaseAt).toBe('2025-04-01');
    expect(m.purchaseDays).toBe(3); // o2 and o3 share a day
    expect(m.active).toBe(true);
    expect(m.repeat).toBe(true);
    // 215 revenue - 101 cost - 80 refunds + 0.5 * 40 returned cost - 5 per return - 4 per ticket x 2
    expect(m.marginContribution).toBeCloseTo(215 - 101 - 80 + 20 - 5 - 8, 6);
  });

  it('changes nothing when the same event is delivered twice', () => {
    // Prepare
    const events = history();
    const once = applyAll(events)!;
    // Act
    const results = events.map((e) => applyChannelEvent(once, e, kpi));
    // Assess
    for (const r of results) {
      expect(r.outcome).toBe('duplicate');
      expect(r.aggregates).toEqual(once);
    }
  });

  it('gives the same KPIs and repeat-purchase summary whatever order the events arrive in', () => {
    // Prepare
    const events = history();
    const reversed = [...events].reverse();
    const shuffled = [...events].sort((a, b) => a.detail.eventId.localeCompare(b.detail.eventId) * -1);
    // Act
    const inOrder = applyAll(events)!;
    const outOfOrder = [applyAll(reversed)!, applyAll(shuffled)!];
    // Assess
    for (const agg of outOfOrder) {
      expect(profileMetrics(agg, kpi, asOf)).toEqual(profileMetrics(inOrder, kpi, asOf));
      expect(repeatPurchaseSummary(agg, kpi, asOf)).toEqual(repeatPurchaseSummary(inOrder, kpi, asOf));
    }
    expect(applyAll(reversed)!.issues[AggregateIssue.olderThanFirstEvent]).toBeGreaterThan(0);
  });

  it('excludes negative quantity lines and rejects an order left with no line, counting both', () => {
    // Prepare
    const mixed = orderPlaced({
      at: '2025-01-05T10:00:00Z',
      lines: [
        { quantity: 2, unitPrice: 10, unitCost: 4 },
        { quantity: -1, unitPrice: 10, unitCost: 4 },
      ],
    });
    const allNegative = orderPlaced({
      at: '2025-01-06T10:00:00Z',
      lines: [{ quantity: -3, unitPrice: 10 }],
      total: 0,
    });
    // Act
    const first = applyChannelEvent(undefined, mixed, kpi);
    const second = applyChannelEvent(first.aggregates, allNegative, kpi);
    // Assess
    expect(first.issues).toEqual([AggregateIssue.negativeQuantityLine]);
    expect(second.outcome).toBe('rejected');
    const m = profileMetrics(second.aggregates, kpi, asOf);
    expect(m).toMatchObject({ orders: 1, revenue: 20, units: 2 });
    expect(second.aggregates.issues).toMatchObject({ negativeQuantityLine: 2, orderWithoutValidLines: 1 });
  });

  it('keeps money of another currency out of the totals and counts it', () => {
    // Prepare
    const eur = orderPlaced({ orderId: 'e1', at: '2025-01-05T10:00:00Z' });
    const usd = orderPlaced({ orderId: 'u1', at: '2025-01-06T10:00:00Z', currency: 'USD' });
    const usdReturn = orderReturned({
      orderId: 'e1',
      at: '2025-01-07T10:00:00Z',
      refund: 10,
      currency: 'USD',
    });
    // Act
    const agg = applyAll([eur, usd, usdReturn])!;
    // Assess
    expect(profileMetrics(agg, kpi, asOf)).toMatchObject({
      currency: 'EUR',
      orders: 1,
      revenue: 50,
      returns: { refunds: 0 },
    });
    expect(agg.issues.currencyMismatch).toBe(2);
  });

  it('caps refunds at what was paid for the order, whichever arrives first', () => {
    // Prepare
    const order = orderPlaced({
      orderId: 'o9',
      at: '2025-01-05T10:00:00Z',
      lines: [{ quantity: 1, unitPrice: 40, unitCost: 10 }],
    });
    const refund = orderReturned({ orderId: 'o9', at: '2025-01-09T10:00:00Z', refund: 95 });
    // Act
    const orderFirst = applyAll([order, refund])!;
    const refundFirst = applyAll([refund, order])!;
    // Assess
    for (const agg of [orderFirst, refundFirst]) {
      expect(profileMetrics(agg, kpi, asOf).returns.refunds).toBe(40);
      expect(agg.issues.refundExceedsOrder).toBe(1);
    }
    expect(refundFirst.issues.eventForUnknownOrder).toBe(1);
  });

  it('counts a re-sent order under a new event id once', () => {
    // Prepare
    const a = orderPlaced({ orderId: 'same', at: '2025-01-05T10:00:00Z' });
    const b = orderPlaced({ orderId: 'same', at: '2025-01-05T10:00:00Z' });
    // Act
    const agg = applyAll([a, b])!;
    // Assess
    expect(profileMetrics(agg, kpi, asOf).orders).toBe(1);
    expect(agg.issues.duplicateOrder).toBe(1);
  });

  it('does not let a return request downgrade a completed return', () => {
    // Prepare
    const order = orderPlaced({ orderId: 'o5', at: '2025-01-05T10:00:00Z' });
    const done = orderReturned({ orderId: 'o5', returnId: 'r5', at: '2025-01-10T10:00:00Z', refund: 50 });
    const request = orderReturned({
      orderId: 'o5',
      returnId: 'r5',
      at: '2025-01-08T10:00:00Z',
      refund: 50,
      requested: true,
    });
    // Act
    const agg = applyAll([order, done, request])!;
    // Assess
    expect(profileMetrics(agg, kpi, asOf).returns).toMatchObject({ completed: 1, requested: 0, refunds: 50 });
  });

  it('keeps the newest loyalty tier when an older change arrives late, and counts it', () => {
    // Prepare
    const events = [
      tierChanged('2025-04-01T00:00:00Z', 'gold'),
      tierChanged('2025-02-01T00:00:00Z', 'silver'),
    ];
    // Act
    const agg = applyAll(events)!;
    // Assess
    expect(profileMetrics(agg, kpi, asOf).loyalty.tier).toBe('gold');
    expect(agg.issues.staleLoyaltyState).toBe(1);
  });

  it('stays compact: a customer with a thousand orders fits far inside a DynamoDB item, with exact totals', () => {
    // Prepare
    const small = kpiConfig({ maxOrdersKept: 200, maxEventIdsKept: 200 });
    const events = Array.from({ length: 1000 }, (_, i) =>
      orderPlaced({
        orderId: `bulk-${i}`,
        at: new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString(),
      }),
    );
    // Act
    const agg = applyAll(events, small)!;
    const summary = repeatPurchaseSummary(agg, small, asOf)!;
    // Assess
    expect(Buffer.byteLength(JSON.stringify(agg))).toBeLessThan(100_000);
    expect(JSON.parse(JSON.stringify(agg))).toEqual(agg);
    expect(profileMetrics(agg, small, asOf)).toMatchObject({
      orders: 1000,
      revenue: 50_000,
      purchaseDays: 1000,
    });
    expect(summary).toMatchObject({ x: 999, tx: 999 / 7, meanRepeatSpend: 50 });
  });

  it('rejects an order older than the folded history, since it can no longer be checked for duplication', () => {
    // Prepare
    const small = kpiConfig({ maxOrdersKept: 5 });
    const events = Array.from({ length: 10 }, (_, i) =>
      orderPlaced({ orderId: `o-${i}`, at: new Date(Date.UTC(2024, 0, 1 + i)).toISOString() }),
    );
    const agg = applyAll(events, small)!;
    // Act
    const late = applyChannelEvent(agg, orderPlaced({ orderId: 'o-0', at: '2024-01-01T00:00:00Z' }), small);
    // Assess
    expect(late.outcome).toBe('rejected');
    expect(late.issues).toEqual([AggregateIssue.beyondRetainedHistory]);
    expect(profileMetrics(late.aggregates, small, asOf).orders).toBe(10);
  });

  it('names the setting when the KPI configuration is wrong', () => {
    expect(() => kpiConfig({ defaultCostRatio: 1.5 })).toThrow(/defaultCostRatio/);
    expect(() => kpiConfig({ maxOrdersKept: 0 })).toThrow(/maxOrdersKept/);
  });
});
