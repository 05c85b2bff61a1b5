/**
 * BG/NBD (Fader, Hardie and Lee 2005, "Counting your customers the easy way"): while alive a customer buys
 * as a Poisson process with rate ~ Gamma(r, alpha); after each purchase they drop out with probability
 * p ~ Beta(a, b). Time is in weeks throughout Tessera (the papers' unit), x counts repeat purchase days.
 */

import { nelderMead } from './optimise.js';
import { hyp2f1, logBeta, logGamma, logSumExp } from './special-functions.js';

export interface BgNbdParams {
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
}

export interface CustomerRfm {
  readonly x: number;
  readonly tx: number;
  readonly T: number;
}

/** Log-likelihood of one customer's (x, t_x, T). */
export function bgnbdLogLikelihood(p: BgNbdParams, c: CustomerRfm): number {
  const { r, alpha, a, b } = p;
  const lbab = logBeta(a, b);
  const common = logGamma(r + c.x) - logGamma(r) + r * Math.log(alpha);
  const stillAlive = logBeta(a, b + c.x) - lbab - (r + c.x) * Math.log(alpha + c.T);
  if (c.x === 0) return common + stillAlive;
  const droppedAfterLast = logBeta(a + 1, b + c.x - 1) - lbab - (r + c.x) * Math.log(alpha + c.tx);
  return common + logSumExp(stillAlive, droppedAfterLast);
}

/** Sum of the log-likelihoods of a customer base. */
export function bgnbdTotalLogLikelihood(p: BgNbdParams, customers: readonly CustomerRfm[]): number {
  let total = 0;
  for (const c of customers) total += bgnbdLogLikelihood(p, c);
  return total;
}

/** P(alive | x, t_x, T). A customer with no repeat purchase is alive with probability 1 under BG/NBD. */
export function probabilityAlive(p: BgNbdParams, c: CustomerRfm): number {
  if (c.x === 0) return 1;
  const logOdds =
    Math.log(p.a) -
    Math.log(p.b + c.x - 1) +
    (p.r + c.x) * (Math.log(p.alpha + c.T) - Math.log(p.alpha + c.tx));
  return 1 / (1 + Math.exp(logOdds));
}

/** E[Y(t) | x, t_x, T]: expected repeat purchases in the next t weeks for this customer. */
export function expectedPurchases(p: BgNbdParams, c: CustomerRfm, t: number): number {
  if (t <= 0) return 0;
  const { r, alpha, a, b } = p;
  const z = t / (alpha + c.T + t);
  const h = hyp2f1(r + c.x, b + c.x, a + b + c.x - 1, z);
  const decay = Math.exp((r + c.x) * (Math.log(alpha + c.T) - Math.log(alpha + c.T + t)));
  const numerator = ((a + b + c.x - 1) / (a - 1)) * (1 - decay * h);
  const denominator =
    c.x > 0
      ? 1 +
        Math.exp(
          Math.log(a) - Math.log(b + c.x - 1) + (r + c.x) * (Math.log(alpha + c.T) - Math.log(alpha + c.tx)),
        )
      : 1;
  return numerator / denominator;
}

/** E[X(t)]: expected repeat purchases of a new customer in their first t weeks. */
export function expectedPurchasesNewCustomer(p: BgNbdParams, t: number): number {
  if (t <= 0) return 0;
  const { r, alpha, a, b } = p;
  const h = hyp2f1(r, b, a + b - 1, t / (alpha + t));
  return ((a + b - 1) / (a - 1)) * (1 - Math.exp(r * (Math.log(alpha) - Math.log(alpha + t))) * h);
}

export interface FittedBgNbd extends BgNbdParams {
  readonly logLikelihood: number;
  readonly customers: number;
  readonly converged: boolean;
  readonly iterations: number;
}

/** Maximum-likelihood fit by Nelder-Mead on the log-parameters. */
export function fitBgNbd(
  customers: readonly CustomerRfm[],
  start: BgNbdParams = { r: 1, alpha: 3, a: 1, b: 3 },
): FittedBgNbd {
  if (customers.length === 0) throw new Error('BG/NBD fit needs at least one customer');
  for (const c of customers) {
    if (!(c.x >= 0 && c.tx >= 0 && c.T >= c.tx)) {
      throw new Error(
        `BG/NBD fit: invalid summary x=${c.x} t_x=${c.tx} T=${c.T} (need x >= 0, 0 <= t_x <= T)`,
      );
    }
  }
  // Group identical summaries: CDNOW's 2,357 customers have fewer distinct (x, t_x, T).
  const groups = new Map<string, { x: number; tx: number; T: number; n: number }>();
  let maxX = 0;
  for (const c of customers) {
    if (!Number.isInteger(c.x))
      throw new Error(`BG/NBD fit: x must be a whole number of repeat purchases, got ${c.x}`);
    maxX = Math.max(maxX, c.x);
    const key = `${c.x}|${c.tx}|${c.T}`;
    const g = groups.get(key);
    if (g) g.n += 1;
    else groups.set(key, { x: c.x, tx: c.tx, T: c.T, n: 1 });
  }
  const grouped = [...groups.values()];
  // For whole x, ln Γ(r+x) - ln Γ(r) = sum of ln(r+i) for i < x, and likewise for the beta functions: one
  // table of running sums per evaluation replaces four ln Γ calls per customer.
  const sr = new Float64Array(maxX + 1);
  const sb = new Float64Array(maxX + 1);
  const sab = new Float64Array(maxX + 1);
  const negLL = (v: readonly number[]) => {
    const r = Math.exp(v[0]!);
    const alpha = Math.exp(v[1]!);
    const a = Math.exp(v[2]!);
    const b = Math.exp(v[3]!);
    for (let i = 0; i < maxX; i++) {
      sr[i + 1] = sr[i]! + Math.log(r + i);
      sb[i + 1] = sb[i]! + Math.log(b + i);
      sab[i + 1] = sab[i]! + Math.log(a + b + i);
    }
    const rLogAlpha = r * Math.log(alpha);
    const logA = Math.log(a);
    let total = 0;
    for (const g of grouped) {
      const common = sr[g.x]! + rLogAlpha;
      const alive = sb[g.x]! - sab[g.x]! - (r + g.x) * Math.log(alpha + g.T);
      let ll: number;
      if (g.x === 0) ll = common + alive;
      else {
        const dropped = logA + sb[g.x - 1]! - sab[g.x]! - (r + g.x) * Math.log(alpha + g.tx);
        ll = common + logSumExp(alive, dropped);
      }
      total += g.n * ll;
    }
    return -total;
  };
  const result = nelderMead(negLL, [start.r, start.alpha, start.a, start.b].map(Math.log), {
    fTolerance: 1e-12,
    xTolerance: 1e-8,
  });
  const [r, alpha, a, b] = result.x.map(Math.exp) as [number, number, number, number];
  return {
    r,
    alpha,
    a,
    b,
    logLikelihood: -result.value,
    customers: customers.length,
    converged: result.converged,
    iterations: result.iterations,
  };
}
