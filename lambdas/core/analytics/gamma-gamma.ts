/**
 * Gamma-Gamma model of spend per transaction (Fader, Hardie and Lee 2005, "RFM and CLV"; Fader and Hardie
 * 2013 note): each transaction's value ~ Gamma(p, nu), nu ~ Gamma(q, gamma) across customers; fitted on
 * customers with at least one repeat purchase, using their mean repeat spend.
 */

import { nelderMead } from './optimise.js';
import { logGamma } from './special-functions.js';

export interface GammaGammaParams {
  readonly p: number;
  readonly q: number;
  /** the papers' gamma (v in some libraries) */
  readonly v: number;
}

export interface CustomerSpend {
  /** repeat purchases */
  readonly x: number;
  /** mean spend per repeat purchase */
  readonly meanSpend: number;
}

/** Log-likelihood of one customer's mean spend given x transactions. */
export function gammaGammaLogLikelihood(g: GammaGammaParams, c: CustomerSpend): number {
  const px = g.p * c.x;
  return (
    logGamma(px + g.q) -
    logGamma(px) -
    logGamma(g.q) +
    g.q * Math.log(g.v) +
    (px - 1) * Math.log(c.meanSpend) +
    px * Math.log(c.x) -
    (px + g.q) * Math.log(g.v + c.x * c.meanSpend)
  );
}

/** E[M | x, mean spend]: a weighted mix of the population mean and the customer's own mean. */
export function expectedSpend(g: GammaGammaParams, c: CustomerSpend): number {
  if (c.x <= 0 || !(c.meanSpend > 0)) return populationMeanSpend(g);
  return (g.p * (g.v + c.x * c.meanSpend)) / (g.p * c.x + g.q - 1);
}

export function populationMeanSpend(g: GammaGammaParams): number {
  if (g.q <= 1) throw new Error('Gamma-Gamma: the mean spend is infinite when q <= 1');
  return (g.p * g.v) / (g.q - 1);
}

export interface FittedGammaGamma extends GammaGammaParams {
  readonly logLikelihood: number;
  readonly customers: number;
  /** customers left out of the fit: no repeat purchase, or a mean spend of zero or less */
  readonly excluded: number;
  readonly converged: boolean;
}

export function fitGammaGamma(
  all: readonly CustomerSpend[],
  start: GammaGammaParams = { p: 1, q: 1, v: 1 },
): FittedGammaGamma {
  const customers = all.filter((c) => c.x > 0 && c.meanSpend > 0);
  if (customers.length === 0)
    throw new Error('Gamma-Gamma fit needs customers with repeat purchases and positive spend');
  // Per-customer logarithms do not depend on the parameters: computed once, not at every evaluation.
  const xs = Float64Array.from(customers, (c) => c.x);
  const logX = Float64Array.from(customers, (c) => Math.log(c.x));
  const logM = Float64Array.from(customers, (c) => Math.log(c.meanSpend));
  const xm = Float64Array.from(customers, (c) => c.x * c.meanSpend);
  const negLL = (w: readonly number[]) => {
    const p = Math.exp(w[0]!);
    const q = Math.exp(w[1]!);
    const v = Math.exp(w[2]!);
    const perCustomer = q * Math.log(v) - logGamma(q);
    let total = 0;
    for (let i = 0; i < xs.length; i++) {
      const px = p * xs[i]!;
      total +=
        logGamma(px + q) -
        logGamma(px) +
        (px - 1) * logM[i]! +
        px * logX[i]! -
        (px + q) * Math.log(v + xm[i]!);
    }
    return -(total + perCustomer * xs.length);
  };
  const result = nelderMead(negLL, [start.p, start.q, start.v].map(Math.log), {
    fTolerance: 1e-12,
    xTolerance: 1e-8,
  });
  const [p, q, v] = result.x.map(Math.exp) as [number, number, number];
  return {
    p,
    q,
    v,
    logLikelihood: -result.value,
    customers: customers.length,
    excluded: all.length - customers.length,
    converged: result.converged,
  };
}
