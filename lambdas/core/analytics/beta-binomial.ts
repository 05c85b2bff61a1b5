/**
 * Beta-binomial empirical Bayes: a rate observed as k successes in n trials is shrunk towards its segment's
 * rate, so three orders with one return read as "somewhat above average", not "33% returner", and three
 * returns out of three do not make a 100% returner.
 */
import { nelderMead } from './optimise.js';
import { logBeta } from './special-functions.js';

export interface BetaPrior {
  readonly alpha: number;
  readonly beta: number;
  /** customers the prior was fitted on */
  readonly customers: number;
}

export interface Trials {
  readonly k: number;
  readonly n: number;
}

/** Posterior mean (alpha + k) / (alpha + beta + n). */
export function shrunkRate(prior: Pick<BetaPrior, 'alpha' | 'beta'>, k: number, n: number): number {
  if (k < 0 || n < 0 || k > n) throw new Error(`shrunkRate: need 0 <= k <= n, got k=${k} n=${n}`);
  return (prior.alpha + k) / (prior.alpha + prior.beta + n);
}

/**
 * Marginal maximum likelihood of Beta(alpha, beta) from many customers' (k, n). Customers with n = 0 carry no
 * information and are skipped. With too little data or no spread, falls back to a weak prior at the pooled rate.
 */
export function fitBetaBinomial(
  data: readonly Trials[],
  options: { weakStrength?: number; maxStrength?: number } = {},
): BetaPrior {
  const weakStrength = options.weakStrength ?? 2;
  const maxStrength = options.maxStrength ?? DEFAULT_MAX_PRIOR_STRENGTH;
  const informative = data.filter((d) => d.n > 0);
  let k = 0;
  let n = 0;
  for (const d of informative) {
    if (d.k < 0 || d.k > d.n) throw new Error(`fitBetaBinomial: need 0 <= k <= n, got k=${d.k} n=${d.n}`);
    k += d.k;
    n += d.n;
  }
  const pooled = n > 0 ? (k + 0.5) / (n + 1) : 0.5;
  const atStrength = (strength: number): BetaPrior => ({
    alpha: pooled * strength,
    beta: (1 - pooled) * strength,
    customers: informative.length,
  });
  if (informative.length < 20 || k === 0 || k === n) return atStrength(weakStrength);
  const groups = new Map<string, { k: number; n: number; count: number }>();
  for (const d of informative) {
    const key = `${d.k}/${d.n}`;
    const g = groups.get(key);
    if (g) g.count += 1;
    else groups.set(key, { k: d.k, n: d.n, count: 1 });
  }
  const negLL = (w: readonly number[]) => {
    const a = Math.exp(w[0]!);
    const b = Math.exp(w[1]!);
    const lb = logBeta(a, b);
    let total = 0;
    for (const g of groups.values()) total += g.count * (logBeta(g.k + a, g.n - g.k + b) - lb);
    return -total;
  };
  const result = nelderMead(negLL, [Math.log(pooled * 2), Math.log((1 - pooled) * 2)], { restarts: 1 });
  const alpha = Math.exp(result.x[0]!);
  const beta = Math.exp(result.x[1]!);
  // With few orders per customer the likelihood often cannot see over-dispersion and its maximum runs off to
  // an infinitely strong prior, which would give every customer the segment rate whatever they did. The prior
  // is never allowed to outweigh `maxStrength` orders of the customer's own evidence.
  if (!Number.isFinite(alpha + beta) || alpha + beta > maxStrength) {
    const mean = Number.isFinite(alpha / (alpha + beta)) ? alpha / (alpha + beta) : pooled;
    return { alpha: mean * maxStrength, beta: (1 - mean) * maxStrength, customers: informative.length };
  }
  return { alpha, beta, customers: informative.length };
}

/** The most orders' worth of weight the segment prior may carry (see fitBetaBinomial). */
export const DEFAULT_MAX_PRIOR_STRENGTH = 20;
