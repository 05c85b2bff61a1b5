import { describe, expect, it } from 'vitest';
import { kpiConfig } from '../../../lambdas/core/analytics/kpi.js';
import { scoreProfile } from '../../../lambdas/core/analytics/models.js';
import { buildReportModel, type ReportProfile } from '../../../lambdas/core/reporting/model.js';
import { AS_OF, GENERATED_AT, handMadeInterventions, handMadeProfiles, storedModels } from './fixtures.js';

async function* stream(profiles: readonly ReportProfile[]): AsyncIterable<ReportProfile> {
  yield* profiles;
}

describe('report model on a hand-made customer base', () => {
  it('gives the headline KPIs by the canonical definitions, in the main currency only', async () => {
    // Act
    const model = await buildReportModel(stream(handMadeProfiles()), {
      asOf: AS_OF,
      generatedAt: GENERATED_AT,
    });
    // Assess
    // Margin contribution by kpi.ts: revenue - cost - refunds + 50% of returned cost - 5/return - 4/ticket.
    // A: 180 - 70 - 80 + 0.5 x 30 - 5 = 40; B: 70 - 30 - 4 = 36; C: 300 - 240 - 300 + 0.5 x 240 - 5 - 4 = -129.
    expect(model.currency).toBe('GBP');
    expect(model.headline).toEqual({
      customers: 4, // A, B, C and E; D is in euros
      activeCustomers: 2, // A and C bought within 365 days; B last bought 406 days before
      repeatCustomers: 2, // A and B bought on two days
      orders: 5,
      revenue: 550,
      marginContribution: 40 + 36 - 129,
      returnRate: 2 / 5, // A's o2 and C's o4 of 5 orders
      returnRateBasis: 'orders',
      returnedOrders: 2,
      refunds: 380,
      discount: 80,
    });
    expect(model.dataNotes).toEqual({
      profilesRead: 5,
      otherCurrency: { EUR: 1 },
      scoredAtReport: 0,
      unscored: 1,
      inputIssues: { duplicateOrder: 1, negativeQuantityLine: 2 },
    });
  });

  it('follows the configured return-rate basis', async () => {
    // Act
    const model = await buildReportModel(handMadeProfiles(), {
      asOf: AS_OF,
      generatedAt: GENERATED_AT,
      kpi: kpiConfig({ returnRateBasis: 'value' }),
    });
    // Assess: refunds 380 / revenue 550
    expect(model.headline.returnRate).toBeCloseTo(380 / 550, 12);
  });

  it('sizes and values each segment, the margin-destructive and service-friction ones included', async () => {
    // Act
    const model = await buildReportModel(handMadeProfiles(), { asOf: AS_OF, generatedAt: GENERATED_AT });
    // Assess
    const byId = Object.fromEntries(model.segments.map((s) => [s.id, s]));
    expect(model.segments.map((s) => s.id)).toEqual([
      'high-value-churn-risk',
      'margin-destructive',
      'service-friction',
      'all-customers',
    ]);
    for (const id of ['high-value-churn-risk', 'margin-destructive']) {
      expect(byId[id]).toMatchObject({
        customers: 1,
        share: 0.25,
        revenue: 300,
        marginContribution: -129,
        expectedClv: 1200,
        meanChurnProbability: 0.55,
      });
    }
    expect(byId['service-friction']).toMatchObject({
      customers: 1,
      revenue: 70,
      marginContribution: 36,
      expectedClv: -20,
      meanChurnProbability: 0.85,
    });
    expect(byId['all-customers']).toMatchObject({
      customers: 4,
      share: 1,
      revenue: 550,
      marginContribution: -53,
      expectedClv: 1430,
    });
    expect(byId['all-customers']!.meanChurnProbability).toBeCloseTo((0.1 + 0.85 + 0.55) / 3, 12);
  });

  it('bins expected CLV in round bands with a band below zero and an open band above', async () => {
    // Act
    const { clv } = await buildReportModel(handMadeProfiles(), { asOf: AS_OF, generatedAt: GENERATED_AT });
    // Assess: values -20, 250, 1200; the 99th percentile is 1200, so bands of 200 up to 1,200.
    expect(clv.customers).toBe(3);
    expect(clv.total).toBe(1430);
    expect(clv.mean).toBeCloseTo(1430 / 3, 10);
    expect(clv.median).toBe(250);
    expect(clv.p90).toBe(1200);
    expect(clv.bins.map((b) => [b.label, b.customers])).toEqual([
      ['below 0', 1],
      ['0–200', 0],
      ['200–400', 1],
      ['400–600', 0],
      ['600–800', 0],
      ['800–1k', 0],
      ['1k–1.2k', 0],
      ['1.2k and above', 1],
    ]);
  });

  it('places each scored customer in the churn against value grid', async () => {
    // Act
    const { churnValue } = await buildReportModel(handMadeProfiles(), {
      asOf: AS_OF,
      generatedAt: GENERATED_AT,
    });
    // Assess: A (churn 0.1, value 0.9) and C (0.55, 0.95) in the top value row; B (0.85, 0.1) bottom right.
    expect(churnValue.customers).toBe(3);
    expect(churnValue.counts).toEqual([
      [1, 0, 1, 0, 0],
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 1],
    ]);
    expect(churnValue.expectedClv[0]).toEqual([250, 0, 1200, 0, 0]);
    expect(churnValue.expectedClv[4]![4]).toBe(-20);
    expect(churnValue.valueBands[0]).toBe('top 20%');
    expect(churnValue.churnBands[4]).toBe('80–100%');
  });

  it('counts completed returns by reason and pending requests apart', async () => {
    // Act
    const { returnReasons } = await buildReportModel(handMadeProfiles(), {
      asOf: AS_OF,
      generatedAt: GENERATED_AT,
    });
    // Assess
    expect(returnReasons).toEqual({
      completed: 2,
      requested: 1,
      rows: [
        { reason: 'size_or_fit', returns: 1, share: 0.5 },
        { reason: 'damaged', returns: 1, share: 0.5 },
      ],
    });
  });

  it('compares a promotion with comparable full-price customers', async () => {
    // Act
    const { promotions } = await buildReportModel(handMadeProfiles(), {
      asOf: AS_OF,
      generatedAt: GENERATED_AT,
      promotionWindowDays: 30,
    });
    // Assess: A redeemed SPRING on its second order (history band 1), returned it and did not buy again;
    // the only band-1 full-price order of a non-redeemer is B's o3b: kept, no repeat, margin 20 - 10 = 10.
    expect(promotions.windowDays).toBe(30);
    expect(promotions.effects).toHaveLength(1);
    expect(promotions.effects[0]).toMatchObject({
      promotion: 'SPRING',
      redeemers: 1,
      evaluated: 1,
      repeatRate: 0,
      returnRate: 1,
      marginPerOrder: (8000 - 3000 - 8000) / 100,
      discountCost: 20,
      comparison: { orders: 2, repeatRate: 0, returnRate: 0, marginPerOrder: 10 },
      repeatLift: 0,
    });
  });

  it('sets churn risk against delivery delays and unresolved tickets', async () => {
    // Act
    const { serviceFriction } = await buildReportModel(handMadeProfiles(), {
      asOf: AS_OF,
      generatedAt: GENERATED_AT,
    });
    // Assess
    expect(serviceFriction).toMatchObject({
      atRiskLevel: 0.5,
      delayedOrders: 1,
      meanDelayDays: 3,
      openTickets: 1,
      unsolvedTickets: 1,
      escalatedTickets: 0,
    });
    const [none, delays, tickets, both] = serviceFriction.groups;
    // A and E had no trouble; only A has a churn probability.
    expect(none).toMatchObject({
      id: 'none',
      customers: 2,
      meanChurnProbability: 0.1,
      atRiskShare: 0,
      inServiceFrictionSegment: 0,
    });
    expect(none!.meanServiceFriction).toBeCloseTo((0.08 + 0.0758) / 2, 12);
    expect(delays).toEqual({
      id: 'delays',
      label: 'Delayed delivery only',
      customers: 0,
      inServiceFrictionSegment: 0,
    });
    // C: a ticket closed unsolved, no delay.
    expect(tickets).toMatchObject({
      customers: 1,
      meanChurnProbability: 0.55,
      atRiskShare: 1,
      meanServiceFriction: 0.4,
    });
    // B: a late delivery and a ticket still open.
    expect(both).toMatchObject({
      customers: 1,
      meanChurnProbability: 0.85,
      atRiskShare: 1,
      inServiceFrictionSegment: 1,
    });
  });

  it('measures interventions: outcomes, time to decision, treated against holdout', async () => {
    // Act
    const model = await buildReportModel(handMadeProfiles(), {
      asOf: AS_OF,
      generatedAt: GENERATED_AT,
      interventions: handMadeInterventions(),
      interventionWindowDays: 90,
    });
    // Assess
    const s = model.interventions!;
    expect(s.total).toBe(7);
    expect(s.byStatus).toEqual({
      applied: 2,
      autoApproved: 1,
      rejected: 1,
      timedOut: 1,
      holdout: 2,
      failed: 1,
    });
    // Decided by a person: i1 in 6 h (decision time), i3 in 48 h (to completion, no decision time recorded).
    expect(s.timeToDecisionHours).toEqual({
      decisions: 2,
      withDecisionTime: 1,
      median: 6,
      p90: 48,
      mean: 27,
    });
    // Treated: i1 (A buys o1 and o2 within 90 days: 60 + (-30)) and i5 (A buys o2: -30); costs 15 and 5.
    expect(s.treated).toEqual({
      evaluated: 2,
      repeatRate: 1,
      retention: 0.9,
      marginPerCustomer: 0,
      costPerCustomer: 10,
    });
    // Holdout: i2 (B buys o3b within 90 days, margin 10); i7 names a customer not in the profiles.
    expect(s.holdout).toEqual({
      evaluated: 1,
      repeatRate: 1,
      retention: 0.15,
      marginPerCustomer: 10,
      costPerCustomer: 0,
    });
    // i4 timed out for E (no orders); i3's window has not ended by the report date.
    expect(s.notTreated).toEqual({ evaluated: 1, repeatRate: 0, marginPerCustomer: 0, costPerCustomer: 0 });
    expect(s.missingCustomers).toBe(1);
  });

  it('scores profiles stored without scores using the stored parameters, and says so', async () => {
    // Prepare
    const models = storedModels();
    const [a] = handMadeProfiles();
    const unscored: ReportProfile = { customerId: a!.customerId, aggregates: a!.aggregates };
    // Act
    const model = await buildReportModel([unscored], { asOf: AS_OF, generatedAt: GENERATED_AT, models });
    // Assess
    const expected = scoreProfile(a!.aggregates, models, kpiConfig(), AS_OF);
    expect(model.dataNotes.scoredAtReport).toBe(1);
    expect(model.clv.total).toBeCloseTo(expected.scores.clv!, 2);
    expect(model.models).toBe(models);
  });

  it('refuses a profile without analytics aggregates, naming it', async () => {
    // Prepare
    const broken = { customerId: 'cus_broken0000', aggregates: {} } as unknown as ReportProfile;
    // Act + Assess
    await expect(buildReportModel([broken], { asOf: AS_OF, generatedAt: GENERATED_AT })).rejects.toThrow(
      /cus_broken0000 has no analytics aggregates/,
    );
  });
});
