import { describe, expect, it } from 'vitest';
import { fitBetaBinomial, shrunkRate } from '../../../lambdas/core/analytics/beta-binomial.js';
import {
  bgnbdTotalLogLikelihood,
  expectedPurchases,
  expectedPurchasesNewCustomer,
  fitBgNbd,
  probabilityAlive,
} from '../../../lambdas/core/analytics/bgnbd.js';
import { parseCdnowSummaryCsv } from '../../../lambdas/core/analytics/cdnow.js';
import { customerLifetimeValue } from '../../../lambdas/core/analytics/clv.js';
import {
  expectedSpend,
  fitGammaGamma,
  gammaGammaLogLikelihood,
  populationMeanSpend,
} from '../../../lambdas/core/analytics/gamma-gamma.js';
import { hyp2f1, logGamma } from '../../../lambdas/core/analytics/special-functions.js';
import { summaryCsv } from './cdnow-data.js';

/** Fader, Hardie and Lee (2005), BG/NBD on the CDNOW sample: Table/section 4 of "Counting your customers the easy way". */
const PUBLISHED_BGNBD = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426, logLikelihood: -9582.4 };
/** Gamma-Gamma on the same sample (Fader, Hardie and Lee 2005 "RFM and CLV"; Fader and Hardie 2013 note). */
const PUBLISHED_GG = { p: 6.25, q: 3.74, v: 15.44 };

const withinPercent = (actual: number, published: number, percent: number) =>
  Math.abs(actual - published) / Math.abs(published) <= percent / 100;

const rows = parseCdnowSummaryCsv(summaryCsv());
const customers = rows.map((r) => ({ x: r.x, tx: r.tx, T: r.T }));

describe('special functions', () => {
  it('computes ln Γ to double precision where the answer is known', () => {
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    expect(logGamma(101)).toBeCloseTo(363.73937555556347, 10); // ln(100!)
    expect(logGamma(1e-3)).toBeCloseTo(6.907178885383853, 10);
  });

  it('sums 2F1 to known closed forms', () => {
    // 2F1(1, 1; 2; z) = -ln(1 - z) / z
    expect(hyp2f1(1, 1, 2, 0.9)).toBeCloseTo(-Math.log(0.1) / 0.9, 12);
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(/0 <= z < 1/);
  });
});

describe('BG/NBD on CDNOW', () => {
  it('reproduces the published parameters within 1% and the published log-likelihood', () => {
    // Act
    const fit = fitBgNbd(customers);
    // Assess
    for (const k of ['r', 'alpha', 'a', 'b'] as const)
      expect(withinPercent(fit[k], PUBLISHED_BGNBD[k], 1)).toBe(true);
    expect(fit.logLikelihood).toBeCloseTo(PUBLISHED_BGNBD.logLikelihood, 0);
    expect(fit.converged).toBe(true);
  });

  it('has its maximum at the fitted point: any nudge lowers the likelihood', () => {
    // Prepare
    const fit = fitBgNbd(customers);
    // Act
    const nudged = (['r', 'alpha', 'a', 'b'] as const).flatMap((k) =>
      [0.99, 1.01].map((f) => bgnbdTotalLogLikelihood({ ...fit, [k]: fit[k] * f }, customers)),
    );
    // Assess
    for (const ll of nudged) expect(ll).toBeLessThan(fit.logLikelihood);
    // the fit's fast likelihood (running log sums) is the same function as the reference one
    expect(bgnbdTotalLogLikelihood(fit, customers)).toBeCloseTo(fit.logLikelihood, 6);
  });

  it('ranks customers sensibly: a recent frequent buyer is more alive and buys more than a lapsed one', () => {
    // Prepare
    const p = PUBLISHED_BGNBD;
    const recent = { x: 5, tx: 37, T: 38 };
    const lapsed = { x: 5, tx: 10, T: 38 };
    // Act & Assess
    expect(probabilityAlive(p, { x: 0, tx: 0, T: 38 })).toBe(1);
    expect(probabilityAlive(p, recent)).toBeGreaterThan(0.85);
    expect(probabilityAlive(p, lapsed)).toBeLessThan(0.3);
    expect(expectedPurchases(p, recent, 39)).toBeGreaterThan(3 * expectedPurchases(p, lapsed, 39));
  });

  it('agrees with itself: a brand-new customer conditional on nothing is the unconditional expectation', () => {
    // E[Y(t) | x=0, t_x=0, T=0] = E[X(t)], and for small t, E[X(t)] ~ t r / alpha (the mean purchase rate).
    const p = PUBLISHED_BGNBD;
    for (const t of [1, 10, 39, 78]) {
      expect(expectedPurchases(p, { x: 0, tx: 0, T: 0 }, t)).toBeCloseTo(
        expectedPurchasesNewCustomer(p, t),
        10,
      );
    }
    expect(expectedPurchasesNewCustomer(p, 1e-4) / 1e-4).toBeCloseTo(p.r / p.alpha, 3);
  });
});

describe('Gamma-Gamma on CDNOW', () => {
  it('reproduces the published parameters within 1%', () => {
    // Act
    const fit = fitGammaGamma(rows.map((r) => ({ x: r.x, meanSpend: r.zbar })));
    // Assess
    for (const k of ['p', 'q', 'v'] as const) expect(withinPercent(fit[k], PUBLISHED_GG[k], 1)).toBe(true);
    expect(fit.customers).toBe(946);
    expect(fit.excluded).toBe(rows.length - 946);
  });

  it('shrinks a one-purchase mean towards the population mean more than a ten-purchase mean', () => {
    // Prepare
    const pop = populationMeanSpend(PUBLISHED_GG);
    // Act
    const one = expectedSpend(PUBLISHED_GG, { x: 1, meanSpend: 100 });
    const ten = expectedSpend(PUBLISHED_GG, { x: 10, meanSpend: 100 });
    // Assess
    expect(one).toBeGreaterThan(pop);
    expect(one).toBeLessThan(ten);
    expect(ten).toBeLessThan(100);
  });
});

describe('CLV and return propensity', () => {
  it('discounts: a higher discount rate gives a lower CLV, and a longer horizon a higher one', () => {
    // Prepare
    const c = { x: 4, tx: 30, T: 38, meanSpend: 40, marginRate: 0.3 };
    const base = { horizonWeeks: 104, annualDiscountRate: 0.1, stepWeeks: 4 };
    // Act
    const clv = customerLifetimeValue(PUBLISHED_BGNBD, PUBLISHED_GG, c, base);
    // Assess
    expect(clv).toBeGreaterThan(0);
    expect(
      customerLifetimeValue(PUBLISHED_BGNBD, PUBLISHED_GG, c, { ...base, annualDiscountRate: 0.3 }),
    ).toBeLessThan(clv);
    expect(
      customerLifetimeValue(PUBLISHED_BGNBD, PUBLISHED_GG, c, { ...base, horizonWeeks: 208 }),
    ).toBeGreaterThan(clv);
  });

  it('does not call three returns in three orders a 100% returner', () => {
    // Prepare: a base where most customers return about 10% of orders, with spread
    const data = Array.from({ length: 400 }, (_, i) => ({
      n: 10,
      k: i % 10 === 0 ? 4 : i % 3 === 0 ? 2 : i % 2,
    }));
    // Act
    const prior = fitBetaBinomial(data);
    const threeOfThree = shrunkRate(prior, 3, 3);
    const thirtyOfThirty = shrunkRate(prior, 30, 30);
    // Assess
    const pooled = data.reduce((s, d) => s + d.k, 0) / data.reduce((s, d) => s + d.n, 0);
    expect(prior.alpha / (prior.alpha + prior.beta)).toBeCloseTo(pooled, 2);
    expect(threeOfThree).toBeLessThan(0.6);
    expect(threeOfThree).toBeGreaterThan(pooled);
    expect(thirtyOfThirty).toBeGreaterThan(threeOfThree);
  });
});

describe('Gamma-Gamma likelihood', () => {
  it('is maximised where the fit stops, by the reference per-customer likelihood', () => {
    // Prepare
    const spend = rows.filter((r) => r.x > 0).map((r) => ({ x: r.x, meanSpend: r.zbar }));
    const fit = fitGammaGamma(spend);
    const total = (g: { p: number; q: number; v: number }) =>
      spend.reduce((s, c) => s + gammaGammaLogLikelihood(g, c), 0);
    // Act & Assess
    expect(total(fit)).toBeCloseTo(fit.logLikelihood, 6);
    expect(total(fit)).toBeCloseTo(-4055.9177, 0); // the published maximum (CLVTools cites Fader and Hardie 2013)
    for (const k of ['p', 'q', 'v'] as const)
      expect(total({ ...fit, [k]: fit[k] * 1.01 })).toBeLessThan(fit.logLikelihood);
  });
});

describe('shrinkage prior strength', () => {
  it('never lets the segment rate drown a customer’s own record when the base shows no spread', () => {
    // Prepare: every customer 1 return in 4 orders: the likelihood wants an infinitely strong prior
    const uniform = Array.from({ length: 200 }, () => ({ k: 1, n: 4 }));
    // Act
    const prior = fitBetaBinomial(uniform);
    // Assess
    expect(prior.alpha + prior.beta).toBeLessThanOrEqual(20 + 1e-9);
    expect(prior.alpha / (prior.alpha + prior.beta)).toBeCloseTo(0.25, 2);
    expect(shrunkRate(prior, 12, 12)).toBeGreaterThan(0.5);
  });

  it('gives finite expectations at a = 1, where the formulas divide by a - 1, between their neighbours', () => {
    // Prepare: a fit can land on a = 1 exactly; either side of it the expectations are well defined.
    const at = (a: number) => ({ ...PUBLISHED_BGNBD, a });
    const customer = { x: 3, tx: 20, T: 38 };
    for (const t of [10, 39]) {
      // Act
      const below = [expectedPurchases(at(0.999), customer, t), expectedPurchasesNewCustomer(at(0.999), t)];
      const exact = [expectedPurchases(at(1), customer, t), expectedPurchasesNewCustomer(at(1), t)];
      const above = [expectedPurchases(at(1.001), customer, t), expectedPurchasesNewCustomer(at(1.001), t)];
      // Assess
      exact.forEach((value, i) => {
        expect(Number.isFinite(value)).toBe(true);
        const [low, high] = [below[i] as number, above[i] as number].sort((x, y) => x - y);
        expect(value).toBeGreaterThanOrEqual(low as number);
        expect(value).toBeLessThanOrEqual(high as number);
      });
    }
  });
});
