/**
 * Customer lifetime value from BG/NBD (how many more purchases) and Gamma-Gamma (how much each), discounted.
 * Expected purchases are taken per step of `stepWeeks` from the conditional expectation and discounted at
 * the end of each step; this is the standard discrete approximation of the papers' continuous DERT.
 */
import { type BgNbdParams, type CustomerRfm, expectedPurchases } from './bgnbd.js';
import { expectedSpend, type GammaGammaParams } from './gamma-gamma.js';

export interface ClvConfig {
  /** horizon in weeks (default three years) */
  readonly horizonWeeks: number;
  /** annual discount rate, e.g. 0.1 for 10% a year */
  readonly annualDiscountRate: number;
  /** discounting step in weeks (default 4, roughly monthly) */
  readonly stepWeeks: number;
}

export const DEFAULT_CLV_CONFIG: ClvConfig = { horizonWeeks: 156, annualDiscountRate: 0.1, stepWeeks: 4 };

export interface ClvInput extends CustomerRfm {
  readonly meanSpend: number;
  /** share of spend kept as margin (1 = value in revenue terms) */
  readonly marginRate: number;
}

export function customerLifetimeValue(
  bg: BgNbdParams,
  gg: GammaGammaParams,
  c: ClvInput,
  config: ClvConfig = DEFAULT_CLV_CONFIG,
): number {
  if (!(config.stepWeeks > 0 && config.horizonWeeks > 0))
    throw new Error('CLV: horizon and step must be positive');
  if (!(config.annualDiscountRate > -1)) throw new Error('CLV: the discount rate must be above -100%');
  const spend = expectedSpend(gg, { x: c.x, meanSpend: c.meanSpend }) * c.marginRate;
  const weeklyFactor = Math.log(1 + config.annualDiscountRate) / 52;
  let value = 0;
  let previous = 0;
  for (let t = config.stepWeeks; t <= config.horizonWeeks + 1e-9; t += config.stepWeeks) {
    const cumulative = expectedPurchases(bg, c, t);
    value += (spend * (cumulative - previous)) / Math.exp(weeklyFactor * t);
    previous = cumulative;
  }
  return value;
}
