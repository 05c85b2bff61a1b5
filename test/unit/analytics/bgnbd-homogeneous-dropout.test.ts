/**
 * BG/NBD when every customer has the same dropout probability: the Beta(a, b) mixing distribution collapses
 * to a point mass, the likelihood keeps rising as a and b grow together, and the fit must stop at the
 * documented cap on a + b while still predicting like the point-mass model.
 */
import { describe, expect, it } from 'vitest';
import {
  type BgNbdParams,
  bgnbdTotalLogLikelihood,
  type CustomerRfm,
  expectedPurchases,
  expectedPurchasesNewCustomer,
  fitBgNbd,
  MAX_DROPOUT_CONCENTRATION,
  probabilityAlive,
} from '../../../lambdas/core/analytics/bgnbd.js';
import { Prng } from '../../../local/simulator/prng.js';

/**
 * The BG/NBD story with one dropout probability p for everyone: purchase rate ~ Gamma(r, alpha), Poisson
 * purchases while alive, dropout with probability p after each repeat purchase; T is each customer's
 * time since their first purchase, spread like cohorts joining over half a year.
 */
function homogeneousDropoutCustomers(
  seed: number,
  n: number,
  truth: { r: number; alpha: number; p: number },
): CustomerRfm[] {
  const prng = new Prng(seed);
  const customers: CustomerRfm[] = [];
  for (let i = 0; i < n; i++) {
    const T = prng.uniform(26, 52);
    const rate = prng.gamma(truth.r, 1 / truth.alpha);
    let t = 0;
    let x = 0;
    let tx = 0;
    for (;;) {
      t += prng.exponential(rate);
      if (t > T) break;
      x += 1;
      tx = t;
      if (prng.chance(truth.p)) break;
    }
    customers.push({ x, tx, T });
  }
  return customers;
}

/** The limit of BG/NBD as Beta(a, b) becomes a point mass at p, written out independently of bgnbd.ts. */
const pointMass = (r: number, alpha: number, p: number) => {
  const deadOdds = (c: CustomerRfm) =>
    c.x > 0 ? (p / (1 - p)) * ((alpha + c.T) / (alpha + c.tx)) ** (r + c.x) : 0;
  return {
    logLikelihood(c: CustomerRfm): number {
      let common = r * Math.log(alpha);
      for (let i = 0; i < c.x; i++) common += Math.log(r + i);
      const alive = Math.exp(c.x * Math.log1p(-p) - (r + c.x) * Math.log(alpha + c.T));
      const dropped =
        c.x > 0 ? Math.exp(Math.log(p) + (c.x - 1) * Math.log1p(-p) - (r + c.x) * Math.log(alpha + c.tx)) : 0;
      return common + Math.log(alive + dropped);
    },
    probabilityAlive: (c: CustomerRfm) => 1 / (1 + deadOdds(c)),
    // alive with rate lambda: sum over k >= 1 of (1 - p)^(k - 1) P(N(t) >= k) = (1 - e^(-p lambda t)) / p,
    // averaged over the posterior Gamma(r + x, alpha + T) of lambda
    expectedPurchases: (c: CustomerRfm, t: number) =>
      (1 - ((alpha + c.T) / (alpha + c.T + p * t)) ** (r + c.x)) / p / (1 + deadOdds(c)),
    expectedPurchasesNewCustomer: (t: number) => (1 - (alpha / (alpha + p * t)) ** r) / p,
  };
};

const TRUTH = { r: 0.6, alpha: 8, p: 0.25 };
const scoredCustomers: CustomerRfm[] = [1, 2, 4, 8, 15].flatMap((x) =>
  [2, 20, 38].map((tx) => ({ x, tx, T: 39 })),
);
scoredCustomers.push({ x: 0, tx: 0, T: 39 });

describe('BG/NBD with the same dropout probability for every customer', () => {
  // Seed 2 draws a sample whose likelihood rises without end along a / (a + b) fixed (about half of the
  // homogeneous samples do; the others have a finite maximum with a + b in the tens or hundreds).
  const customers = homogeneousDropoutCustomers(2, 3000, TRUTH);

  it('fits a finite a and b at the cap, with a / (a + b) close to the true dropout probability', () => {
    // Act
    const fit = fitBgNbd(customers);
    // Assess: the sample really is on the ridge: the likelihood still rises a hundredfold beyond the fit
    const further = bgnbdTotalLogLikelihood({ ...fit, a: fit.a * 100, b: fit.b * 100 }, customers);
    expect(further).toBeGreaterThan(fit.logLikelihood);
    expect(fit.converged).toBe(true);
    expect(fit.dropoutConcentrationCapped).toBe(true);
    expect(fit.a + fit.b).toBeLessThan(MAX_DROPOUT_CONCENTRATION * 1.001);
    expect(Math.abs(fit.a / (fit.a + fit.b) - TRUTH.p)).toBeLessThan(0.03);
    expect(Math.abs(fit.r / TRUTH.r - 1)).toBeLessThan(0.15);
    expect(Math.abs(fit.alpha / TRUTH.alpha - 1)).toBeLessThan(0.2);
    // the cap costs next to nothing in fit: the likelihood gained beyond it is a rounding error
    expect(further - fit.logLikelihood).toBeLessThan(0.01);
  });

  it('predicts like the point-mass model at p = a / (a + b)', () => {
    // Prepare
    const fit = fitBgNbd(customers);
    const limit = pointMass(fit.r, fit.alpha, fit.a / (fit.a + fit.b));
    // Act & Assess
    for (const c of scoredCustomers) {
      expect(Math.abs(probabilityAlive(fit, c) - limit.probabilityAlive(c))).toBeLessThan(0.002);
      for (const t of [4, 39, 104]) {
        const ratio = expectedPurchases(fit, c, t) / limit.expectedPurchases(c, t);
        expect(Math.abs(ratio - 1)).toBeLessThan(0.01);
      }
    }
    for (const t of [4, 39, 104])
      expect(expectedPurchasesNewCustomer(fit, t) / limit.expectedPurchasesNewCustomer(t)).toBeCloseTo(1, 3);
  });

  it('keeps likelihood and predictions exact when a and b are as large as the unbounded fit made them', () => {
    // Prepare: a + b of 1e12 and 1e14, where differences of ln B of the raw arguments lose digits
    const p = 0.25;
    const limit = pointMass(TRUTH.r, TRUTH.alpha, p);
    for (const scale of [1e12, 1e14]) {
      const params: BgNbdParams = { r: TRUTH.r, alpha: TRUTH.alpha, a: p * scale, b: (1 - p) * scale };
      // Act
      const ll = bgnbdTotalLogLikelihood(params, scoredCustomers);
      // Assess
      const expected = scoredCustomers.reduce((s, c) => s + limit.logLikelihood(c), 0);
      expect(Math.abs(ll - expected)).toBeLessThan(1e-8);
      for (const c of scoredCustomers) {
        expect(probabilityAlive(params, c)).toBeCloseTo(limit.probabilityAlive(c), 9);
        expect(expectedPurchases(params, c, 39) / limit.expectedPurchases(c, 39)).toBeCloseTo(1, 9);
      }
    }
  });
});
