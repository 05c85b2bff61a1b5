import { describe, expect, it } from 'vitest';
import {
  applyChannelEvent,
  type ChannelEvent,
  type ProfileAggregates,
} from '../../../lambdas/core/analytics/aggregates.js';
import { cdnowEvents } from '../../../lambdas/core/analytics/cdnow.js';
import { kpiConfig } from '../../../lambdas/core/analytics/kpi.js';
import { fitModels, scoreProfile } from '../../../lambdas/core/analytics/models.js';
import { InMemoryAggregateSink } from '../../../lambdas/core/analytics/profile-sink.js';
import { promotionEffectiveness } from '../../../lambdas/core/analytics/promotions.js';
import { sampleLines } from './cdnow-data.js';
import { deliveryDelayed, orderPlaced, orderReturned, ticket } from './events.js';

const kpi = kpiConfig();

async function cdnowProfiles(): Promise<ProfileAggregates[]> {
  const sink = new InMemoryAggregateSink(kpi);
  for await (const e of cdnowEvents(sampleLines())) await sink.accept(e);
  const out: ProfileAggregates[] = [];
  for await (const p of sink.profiles()) out.push(p.aggregates);
  return out;
}

function applyAll(events: readonly ChannelEvent[]): ProfileAggregates {
  let agg: ProfileAggregates | undefined;
  for (const e of events) agg = applyChannelEvent(agg, e, kpi).aggregates;
  return agg!;
}

describe('the fitting job and per-event scoring', () => {
  it('stores parameters with their fit date and data window, and scores a profile from them alone', async () => {
    // Prepare
    const profiles = await cdnowProfiles();
    const asOf = new Date('1997-09-30T00:00:00Z');
    // Act
    const models = await fitModels(profiles, { asOf, kpi, fittedAt: new Date('2026-01-01T00:00:00Z') });
    const roundTripped = JSON.parse(JSON.stringify(models)) as typeof models;
    const scored = scoreProfile(profiles[0]!, roundTripped, kpi, asOf);
    // Assess
    expect(models.fittedAt).toBe('2026-01-01T00:00:00.000Z');
    expect(models.dataWindow.from.slice(0, 10)).toBe('1997-01-01');
    expect(models.dataWindow.to.slice(0, 10)).toBe('1998-06-30');
    expect(models.customers).toBe(2357);
    expect(models.bgnbd.r).toBeCloseTo(0.243, 2);
    expect(models.clvQuantiles).toHaveLength(101);
    expect(scored.scores.probabilityAlive).toBeGreaterThan(0);
    expect(scored.scores.valuePercentile).toBeGreaterThanOrEqual(0);
    expect(scored.scores.valuePercentile).toBeLessThanOrEqual(1);
  });

  it('raises service friction after delayed deliveries and an unresolved ticket', async () => {
    // Prepare
    const models = await fitModels(await cdnowProfiles(), {
      asOf: new Date('1997-09-30T00:00:00Z'),
      kpi,
      fittedAt: new Date('2026-01-01T00:00:00Z'),
    });
    const asOf = new Date('2025-05-01T00:00:00Z');
    const orders = [
      orderPlaced({ orderId: 'f1', at: '2025-01-10T10:00:00Z' }),
      orderPlaced({ orderId: 'f2', at: '2025-04-10T10:00:00Z' }),
    ];
    const friction = [
      ...orders,
      deliveryDelayed('f2', '2025-04-15T10:00:00Z', 6),
      ticket('opened', { ticketId: 'tk', at: '2025-04-16T10:00:00Z' }),
      ticket('resolved', { ticketId: 'tk', at: '2025-04-20T10:00:00Z', resolution: 'unsolved' }),
    ];
    // Act
    const before = scoreProfile(applyAll(orders), models, kpi, asOf);
    const after = scoreProfile(applyAll(friction), models, kpi, asOf);
    // Assess
    expect(before.scores.serviceFriction).toBeLessThan(0.2);
    expect(after.scores.serviceFriction).toBeGreaterThan(0.5);
    expect(after.evidence.join(' ')).toMatch(
      /1 delayed deliveries in 90 days, 0 open and 1 unresolved tickets/,
    );
  });
});

describe('promotion effectiveness', () => {
  it('compares redeemers with comparable non-redeemers on repeat purchase, returns and margin', () => {
    // Prepare: 10 redeemers of SAVE10 who rarely come back and often return, 10 full-price customers who come back
    const profiles: ProfileAggregates[] = [];
    for (let i = 0; i < 10; i++) {
      const events = [
        orderPlaced({
          orderId: `p${i}`,
          at: '2025-01-10T10:00:00Z',
          lines: [{ quantity: 1, unitPrice: 100, discount: 10, unitCost: 50 }],
          promotionCodes: ['SAVE10'],
        }),
        ...(i < 2 ? [orderPlaced({ orderId: `p${i}-b`, at: '2025-02-01T10:00:00Z' })] : []),
        ...(i < 5 ? [orderReturned({ orderId: `p${i}`, at: '2025-01-20T10:00:00Z', refund: 90 })] : []),
      ];
      profiles.push(applyAll(events));
      const loyal = [
        orderPlaced({
          orderId: `n${i}`,
          at: '2025-01-12T10:00:00Z',
          lines: [{ quantity: 1, unitPrice: 100, unitCost: 50 }],
        }),
        ...(i < 6 ? [orderPlaced({ orderId: `n${i}-b`, at: '2025-02-05T10:00:00Z' })] : []),
      ];
      profiles.push(applyAll(loyal));
    }
    // Act
    const [save10] = promotionEffectiveness(profiles, {
      asOf: new Date('2025-06-01T00:00:00Z'),
      windowDays: 60,
    });
    // Assess
    expect(save10).toMatchObject({
      promotion: 'SAVE10',
      redeemers: 10,
      evaluated: 10,
      repeatRate: 0.2,
      returnRate: 0.5,
      discountCost: 100,
    });
    expect(save10!.comparison.repeatRate).toBeCloseTo(0.6, 10);
    expect(save10!.repeatLift).toBeCloseTo(-0.4, 10);
    expect(save10!.marginPerOrder).toBeLessThan(save10!.comparison.marginPerOrder);
  });

  it('leaves out redemptions whose follow-up window has not finished', () => {
    // Prepare
    const recent = applyAll([
      orderPlaced({ orderId: 'r1', at: '2025-05-25T10:00:00Z', promotionCodes: ['NEW'] }),
    ]);
    // Act
    const [effect] = promotionEffectiveness([recent], {
      asOf: new Date('2025-06-01T00:00:00Z'),
      windowDays: 30,
    });
    // Assess
    expect(effect).toMatchObject({ promotion: 'NEW', redeemers: 1, evaluated: 0 });
  });
});
