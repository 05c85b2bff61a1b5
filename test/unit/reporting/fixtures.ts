/**
 * A small hand-made customer base whose every report figure is worked out by hand in model.test.ts.
 * Money in aggregates is in minor units (pence); the report gives major units.
 */
import {
  emptyAggregates,
  type OrderEntry,
  type ProfileAggregates,
} from '../../../lambdas/core/analytics/aggregates.js';
import { DEFAULT_CLV_CONFIG } from '../../../lambdas/core/analytics/clv.js';
import type { FittedModels } from '../../../lambdas/core/analytics/models.js';
import type { InterventionOutcome } from '../../../lambdas/core/reporting/interventions.js';
import type { ReportProfile } from '../../../lambdas/core/reporting/model.js';

export const AS_OF = new Date('2026-06-30T00:00:00Z');
export const GENERATED_AT = new Date('2026-07-01T08:00:00Z');

const at = (iso: string) => Date.parse(iso);

function profile(
  currency: string | undefined,
  orders: Record<string, OrderEntry>,
  extra: Partial<ProfileAggregates> = {},
): ProfileAggregates {
  return { ...emptyAggregates(), ...(currency ? { currency } : {}), orders, ...extra };
}

/**
 * A: two purchase days, the second discounted with code SPRING and returned in full (size or fit).
 * B: two full-price orders in May 2025 (inactive by the report date), one delivered 3 days late, one open ticket.
 * C: one deeply discounted order in June 2026, returned damaged (plus a pending request), one ticket closed unsolved.
 * D: in euros, left out of the figures.
 * E: a customer with no order yet.
 */
export function handMadeProfiles(): ReportProfile[] {
  return [
    {
      customerId: 'cus_aaaaaaaaaa',
      aggregates: profile(
        'GBP',
        {
          o1: {
            at: at('2026-01-10T10:00:00Z'),
            ch: 'web',
            rev: 10000,
            paid: 10000,
            cost: 4000,
            disc: 0,
            units: 2,
          },
          o2: {
            at: at('2026-03-05T10:00:00Z'),
            ch: 'web',
            rev: 8000,
            paid: 8000,
            cost: 3000,
            disc: 2000,
            units: 1,
            promo: ['SPRING'],
            ret: { r1: { s: 'r', at: at('2026-03-12T10:00:00Z'), m: 8000, u: 1, why: 'size_or_fit' } },
          },
        },
        { issues: { duplicateOrder: 1 } },
      ),
      scores: {
        clv: 250,
        churnProbability: 0.1,
        probabilityAlive: 0.9,
        valuePercentile: 0.9,
        serviceFriction: 0.08,
      },
      segments: [],
    },
    {
      customerId: 'cus_bbbbbbbbbb',
      aggregates: profile(
        'GBP',
        {
          o3: {
            at: at('2025-05-01T10:00:00Z'),
            ch: 'store',
            rev: 5000,
            paid: 5000,
            cost: 2000,
            disc: 0,
            units: 1,
            delay: 3,
          },
          o3b: {
            at: at('2025-05-20T10:00:00Z'),
            ch: 'store',
            rev: 2000,
            paid: 2000,
            cost: 1000,
            disc: 0,
            units: 1,
          },
        },
        {
          tickets: {
            t1: {
              opened: at('2025-05-05T09:00:00Z'),
              st: 'o',
              pri: 'normal',
              u: at('2025-05-05T09:00:00Z'),
              ch: 'phone',
            },
          },
        },
      ),
      scores: {
        clv: -20,
        churnProbability: 0.85,
        probabilityAlive: 0.15,
        valuePercentile: 0.1,
        serviceFriction: 0.6,
      },
      segments: ['service-friction'],
    },
    {
      customerId: 'cus_cccccccccc',
      aggregates: profile(
        'GBP',
        {
          o4: {
            at: at('2026-06-01T10:00:00Z'),
            ch: 'web',
            rev: 30000,
            paid: 30000,
            cost: 24000,
            disc: 6000,
            units: 3,
            ret: {
              r2: { s: 'r', at: at('2026-06-10T10:00:00Z'), m: 30000, u: 3, why: 'damaged' },
              r3: { s: 'q', at: at('2026-06-11T10:00:00Z'), m: 0, u: 1, why: 'other' },
            },
          },
        },
        {
          tickets: {
            t2: {
              opened: at('2026-06-03T09:00:00Z'),
              resolved: at('2026-06-05T09:00:00Z'),
              st: 'r',
              res: 'unsolved',
              pri: 'high',
              u: at('2026-06-05T09:00:00Z'),
              ch: 'email',
            },
          },
          issues: { negativeQuantityLine: 2 },
        },
      ),
      scores: {
        clv: 1200,
        churnProbability: 0.55,
        probabilityAlive: 0.45,
        valuePercentile: 0.95,
        serviceFriction: 0.4,
      },
      segments: ['high-value-churn-risk', 'margin-destructive'],
    },
    {
      customerId: 'cus_dddddddddd',
      aggregates: profile('EUR', {
        o5: {
          at: at('2026-02-01T10:00:00Z'),
          ch: 'web',
          rev: 99900,
          paid: 99900,
          cost: 10000,
          disc: 0,
          units: 1,
        },
      }),
    },
    {
      customerId: 'cus_eeeeeeeeee',
      aggregates: profile(undefined, {}),
      scores: { serviceFriction: 0.0758, marginContribution: 0 },
      segments: [],
    },
  ];
}

export function handMadeInterventions(): InterventionOutcome[] {
  const base = { autoApproved: false };
  return [
    {
      ...base,
      interventionId: 'i1',
      customerId: 'cus_aaaaaaaaaa',
      status: 'applied',
      holdout: false,
      expectedCost: 15,
      triggeredAt: '2026-01-01T00:00:00Z',
      decidedAt: '2026-01-01T06:00:00Z',
      completedAt: '2026-01-01T07:00:00Z',
    },
    {
      ...base,
      interventionId: 'i2',
      customerId: 'cus_bbbbbbbbbb',
      status: 'holdout',
      holdout: true,
      triggeredAt: '2025-05-10T00:00:00Z',
      completedAt: '2025-05-10T00:01:00Z',
    },
    {
      ...base,
      interventionId: 'i3',
      customerId: 'cus_cccccccccc',
      status: 'rejected',
      holdout: false,
      triggeredAt: '2026-05-01T00:00:00Z',
      completedAt: '2026-05-03T00:00:00Z',
    },
    {
      ...base,
      interventionId: 'i4',
      customerId: 'cus_eeeeeeeeee',
      status: 'timed_out',
      holdout: false,
      triggeredAt: '2025-12-01T00:00:00Z',
      completedAt: '2025-12-04T00:00:00Z',
    },
    {
      ...base,
      interventionId: 'i5',
      customerId: 'cus_aaaaaaaaaa',
      status: 'applied',
      holdout: false,
      autoApproved: true,
      expectedCost: 5,
      triggeredAt: '2026-02-01T00:00:00Z',
      completedAt: '2026-02-01T00:00:05Z',
    },
    {
      ...base,
      interventionId: 'i6',
      customerId: 'cus_zzzzzzzzzz',
      status: 'failed',
      holdout: false,
      triggeredAt: '2026-01-01T00:00:00Z',
      completedAt: '2026-01-01T00:10:00Z',
    },
    {
      ...base,
      interventionId: 'i7',
      customerId: 'cus_missing000',
      status: 'holdout',
      holdout: true,
      triggeredAt: '2026-01-01T00:00:00Z',
      completedAt: '2026-01-01T00:00:01Z',
    },
  ];
}

/** Parameters as `tessera analytics fit` stores them (the values are plausible, not fitted here). */
export function storedModels(): FittedModels {
  const prior = { alpha: 1, beta: 4, customers: 1993 };
  return {
    version: 1,
    fittedAt: '2026-06-30T02:00:00.000Z',
    dataWindow: { from: '2025-05-01T10:00:00.000Z', to: '2026-06-11T10:00:00.000Z' },
    calibrationEnd: '2026-06-30T00:00:00.000Z',
    customers: 1993,
    timeUnit: 'week',
    bgnbd: { r: 1.251, alpha: 14.1895, a: 1.6564, b: 6.7516, logLikelihood: -15447.09, converged: true },
    gammaGamma: {
      p: 1.5153,
      q: 25.9401,
      v: 2055.6862,
      logLikelihood: -8709.49,
      customers: 1555,
      converged: true,
    },
    priors: { returns: { all: prior }, discounts: { all: prior } },
    clvQuantiles: Array.from({ length: 101 }, (_, i) => i * 10),
    clv: DEFAULT_CLV_CONFIG,
  };
}
