/**
 * The fitting job and per-event scoring. `fitModels` runs over all profiles (the local `tessera analytics fit`,
 * or the scheduled job on AWS feeding it from parallel scan segments) and returns parameters stamped with their
 * fit date and data window. `scoreProfile` uses only those stored parameters and the one profile: scoring an
 * event costs no table scan.
 */
import type { RiskScores } from '../contracts/internal-events.js';
import { DAY_MS, dayOf, type ProfileAggregates } from './aggregates.js';
import { type BetaPrior, fitBetaBinomial, shrunkRate, type Trials } from './beta-binomial.js';
import { type BgNbdParams, type CustomerRfm, type FittedBgNbd, fitBgNbd, probabilityAlive } from './bgnbd.js';
import { type ClvConfig, customerLifetimeValue, DEFAULT_CLV_CONFIG } from './clv.js';
import { documentMetrics } from './document-aggregates.js';
import { type FittedGammaGamma, fitGammaGamma, type GammaGammaParams } from './gamma-gamma.js';
import type { KpiConfig } from './kpi.js';
import { type ProfileMetrics, profileMetrics, repeatPurchaseSummary } from './metrics.js';

export interface FrictionWeights {
  readonly intercept: number;
  readonly perRecentDelay: number;
  readonly perOpenTicket: number;
  readonly perUnsolvedTicket: number;
  readonly perEscalation: number;
  /** added when the mean ticket sentiment is below `negativeSentimentBelow` */
  readonly negativeSentiment: number;
  readonly negativeSentimentBelow: number;
  /** added when tickets take longer than `slowResolutionHours` on average to resolve */
  readonly slowResolution: number;
  readonly slowResolutionHours: number;
  /**
   * per claim letter processed within `recentDays` (issue 5): a written complaint about goods or delivery.
   * Optional so that stored configurations from before it keep working (absent: 0).
   */
  readonly perRecentClaim?: number;
}

export interface ScoringConfig {
  readonly clv: ClvConfig;
  /** delivery delays on orders placed within this many days count as recent */
  readonly recentDays: number;
  /**
   * Service-friction risk = logistic(intercept + the weighted evidence). There is no labelled outcome to fit
   * it on, so the weights are stated, configurable judgements, calibrated so that one recent delay alone is
   * about 0.3 and a delay plus an unresolved ticket is above 0.5.
   */
  readonly friction: FrictionWeights;
  /** the segment whose rate return propensity and discount dependency shrink towards */
  readonly shrinkageSegment: 'all' | 'primaryChannel' | 'loyaltyTier';
  readonly minSegmentCustomers: number;
}

export const DEFAULT_SCORING_CONFIG: ScoringConfig = {
  clv: DEFAULT_CLV_CONFIG,
  recentDays: 90,
  friction: {
    intercept: -2.5,
    perRecentDelay: 1.6,
    perOpenTicket: 1.0,
    perUnsolvedTicket: 1.5,
    perEscalation: 0.8,
    negativeSentiment: 0.8,
    negativeSentimentBelow: -0.3,
    slowResolution: 0.5,
    slowResolutionHours: 72,
    // One recent claim alone is about 0.21; with one recent delay about 0.57 (above the segment's 0.5).
    perRecentClaim: 1.2,
  },
  shrinkageSegment: 'primaryChannel',
  minSegmentCustomers: 50,
};

export interface FittedModels {
  readonly version: 1;
  readonly fittedAt: string;
  /** the events the fit saw: earliest and latest event time over the profiles */
  readonly dataWindow: { readonly from: string; readonly to: string };
  /** the date the repeat-purchase summaries were taken at */
  readonly calibrationEnd: string;
  readonly customers: number;
  readonly timeUnit: 'week';
  readonly bgnbd: Pick<FittedBgNbd, 'r' | 'alpha' | 'a' | 'b' | 'logLikelihood' | 'converged'>;
  readonly gammaGamma: Pick<FittedGammaGamma, 'p' | 'q' | 'v' | 'logLikelihood' | 'customers' | 'converged'>;
  readonly priors: {
    readonly returns: Readonly<Record<string, BetaPrior>>;
    readonly discounts: Readonly<Record<string, BetaPrior>>;
  };
  /** value at stake (CLV if retained) at percentiles 0, 1, ..., 100 of the fitted base: the value percentile */
  readonly clvQuantiles: readonly number[];
  readonly clv: ClvConfig;
}

const ALL = 'all';

function shrinkageKey(metrics: ProfileMetrics, config: ScoringConfig): string {
  if (config.shrinkageSegment === 'loyaltyTier') return metrics.loyalty.tier ?? 'none';
  if (config.shrinkageSegment === 'primaryChannel') {
    let best: string | undefined;
    for (const [channel, n] of Object.entries(metrics.channels))
      if (best === undefined || n > (metrics.channels[best] ?? 0)) best = channel;
    return best ?? 'none';
  }
  return ALL;
}

/** The share of spend kept as margin, from the customer's own KPIs (revenue terms when revenue is zero). */
function marginRate(metrics: ProfileMetrics): number {
  if (metrics.revenue <= 0) return 0;
  return Math.max(-1, Math.min(1, metrics.marginContribution / metrics.revenue));
}

export interface FitOptions {
  readonly asOf: Date;
  readonly kpi: KpiConfig;
  readonly scoring?: ScoringConfig;
  /** when the fit ran (a Clock's now) */
  readonly fittedAt: Date;
}

/** Fits every model over a customer base. */
export async function fitModels(
  profiles: AsyncIterable<ProfileAggregates> | Iterable<ProfileAggregates>,
  options: FitOptions,
): Promise<FittedModels> {
  const scoring = options.scoring ?? DEFAULT_SCORING_CONFIG;
  const rows: { rfm: CustomerRfm; meanSpend: number; marginRate: number }[] = [];
  const returns = new Map<string, Trials[]>([[ALL, []]]);
  const discounts = new Map<string, Trials[]>([[ALL, []]]);
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for await (const agg of profiles) {
    const summary = repeatPurchaseSummary(agg, options.kpi, options.asOf);
    if (!summary) continue;
    const metrics = profileMetrics(agg, options.kpi, options.asOf);
    rows.push({ rfm: summary, meanSpend: summary.meanRepeatSpend, marginRate: marginRate(metrics) });
    if (agg.firstEventAt !== undefined) from = Math.min(from, agg.firstEventAt);
    if (agg.lastEventAt !== undefined) to = Math.max(to, agg.lastEventAt);
    const key = shrinkageKey(metrics, scoring);
    for (const [map, trials] of [
      [returns, { k: metrics.returns.returnedOrders, n: metrics.orders }],
      [discounts, { k: metrics.discountedOrders, n: metrics.orders }],
    ] as const) {
      map.get(ALL)!.push(trials);
      if (key !== ALL) map.set(key, [...(map.get(key) ?? []), trials]);
    }
  }
  if (rows.length === 0)
    throw new Error('fitModels: no profile has a purchase on or before the calibration end');
  const bg = fitBgNbd(rows.map((r) => r.rfm));
  const gg = fitGammaGamma(rows.map((r) => ({ x: r.rfm.x, meanSpend: r.meanSpend })));
  const fitPriors = (map: Map<string, Trials[]>) =>
    Object.fromEntries(
      [...map.entries()]
        .filter(([key, data]) => key === ALL || data.length >= scoring.minSegmentCustomers)
        .map(([key, data]) => [key, fitBetaBinomial(data)]),
    );
  const clvs = rows
    .map((r) => valueAtStake(bg, gg, r.rfm, r.meanSpend, r.marginRate, scoring.clv).ifRetained)
    .sort((a, b) => a - b);
  const clvQuantiles = Array.from(
    { length: 101 },
    (_, i) => clvs[Math.min(clvs.length - 1, Math.round((i / 100) * (clvs.length - 1)))]!,
  );
  return {
    version: 1,
    fittedAt: options.fittedAt.toISOString(),
    dataWindow: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
    calibrationEnd: options.asOf.toISOString(),
    customers: rows.length,
    timeUnit: 'week',
    bgnbd: {
      r: bg.r,
      alpha: bg.alpha,
      a: bg.a,
      b: bg.b,
      logLikelihood: bg.logLikelihood,
      converged: bg.converged,
    },
    gammaGamma: {
      p: gg.p,
      q: gg.q,
      v: gg.v,
      logLikelihood: gg.logLikelihood,
      customers: gg.customers,
      converged: gg.converged,
    },
    priors: { returns: fitPriors(returns), discounts: fitPriors(discounts) },
    clvQuantiles,
    clv: scoring.clv,
  };
}

/**
 * Expected CLV, and the value at stake: the CLV if the customer is still active. Under BG/NBD a customer who
 * has left buys nothing, so E[purchases | alive] = E[purchases] / P(alive). Ranking by expected CLV would rank
 * exactly the customers drifting away lowest; "high value at risk of churn" needs the value at stake.
 */
export function valueAtStake(
  bg: BgNbdParams,
  gg: GammaGammaParams,
  rfm: CustomerRfm,
  meanSpend: number,
  margin: number,
  clv: ClvConfig,
): { expected: number; ifRetained: number } {
  const expected = customerLifetimeValue(bg, gg, { ...rfm, meanSpend, marginRate: margin }, clv);
  return { expected, ifRetained: expected / probabilityAlive(bg, rfm) };
}

/** Where a value falls in sorted quantiles q[0..100], interpolated, in [0, 1]. */
export function percentileOf(quantiles: readonly number[], value: number): number {
  const n = quantiles.length - 1;
  if (n < 1) return 0.5;
  if (value <= quantiles[0]!) return 0;
  if (value >= quantiles[n]!) return 1;
  let lo = 0;
  let hi = n;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (quantiles[mid]! <= value) lo = mid;
    else hi = mid;
  }
  const span = quantiles[hi]! - quantiles[lo]!;
  return (lo + (span > 0 ? (value - quantiles[lo]!) / span : 0)) / n;
}

/** The numbers segment rules can test: the contract's scores plus the KPIs behind them. */
export interface SegmentInputs extends RiskScores {
  readonly orders: number;
  readonly repeatPurchases: number;
  readonly returnRate: number;
  readonly discountedShare: number;
  readonly recentDelays: number;
  readonly openTickets: number;
  readonly unsolvedTickets: number;
}

export interface ProfileScores {
  readonly scores: RiskScores;
  readonly inputs: SegmentInputs;
  readonly metrics: ProfileMetrics;
  /** why each score is what it is, in words an approver can read */
  readonly evidence: readonly string[];
}

const logistic = (z: number): number => 1 / (1 + Math.exp(-z));

/** Scores one profile with stored parameters. */
export function scoreProfile(
  agg: ProfileAggregates,
  models: FittedModels,
  kpi: KpiConfig,
  asOf: Date,
  scoring: ScoringConfig = DEFAULT_SCORING_CONFIG,
): ProfileScores {
  const metrics = profileMetrics(agg, kpi, asOf);
  const summary = repeatPurchaseSummary(agg, kpi, asOf);
  const key = shrinkageKey(metrics, scoring);
  const returnPrior = models.priors.returns[key] ?? models.priors.returns[ALL];
  const discountPrior = models.priors.discounts[key] ?? models.priors.discounts[ALL];
  const evidence: string[] = [];
  const scores: { -readonly [K in keyof RiskScores]: RiskScores[K] } = {
    marginContribution: metrics.marginContribution,
  };
  if (summary) {
    const alive = probabilityAlive(models.bgnbd, summary);
    scores.probabilityAlive = alive;
    scores.churnProbability = 1 - alive;
    const value = valueAtStake(
      models.bgnbd,
      models.gammaGamma,
      summary,
      summary.meanRepeatSpend,
      marginRate(metrics),
      models.clv,
    );
    scores.clv = value.expected;
    scores.valuePercentile = percentileOf(models.clvQuantiles, value.ifRetained);
    evidence.push(
      `${summary.x} repeat purchases, last ${((summary.T - summary.tx) * 7).toFixed(0)} days ago: P(alive) ${alive.toFixed(2)}`,
    );
  }
  if (returnPrior && metrics.orders > 0) {
    scores.returnPropensity = shrunkRate(
      returnPrior,
      Math.min(metrics.returns.returnedOrders, metrics.orders),
      metrics.orders,
    );
    evidence.push(`${metrics.returns.returnedOrders} of ${metrics.orders} orders returned`);
  }
  if (discountPrior && metrics.orders > 0) {
    scores.discountDependency = shrunkRate(discountPrior, metrics.discountedOrders, metrics.orders);
    evidence.push(`${metrics.discountedOrders} of ${metrics.orders} orders discounted`);
  }
  const recentFrom = dayOf(asOf.getTime() - scoring.recentDays * DAY_MS);
  let recentDelays = 0;
  for (const order of Object.values(agg.orders)) {
    if (
      order.delay !== undefined &&
      order.delay > 0 &&
      (order.at === undefined || dayOf(order.at) >= recentFrom)
    )
      recentDelays += 1;
  }
  const w = scoring.friction;
  const t = metrics.tickets;
  const recentClaims = documentMetrics(agg, asOf, scoring.recentDays).recentClaims;
  const z =
    w.intercept +
    (w.perRecentClaim ?? 0) * recentClaims +
    w.perRecentDelay * recentDelays +
    w.perOpenTicket * t.open +
    w.perUnsolvedTicket * t.unsolved +
    w.perEscalation * t.escalated +
    (t.meanSentiment !== undefined && t.meanSentiment < w.negativeSentimentBelow ? w.negativeSentiment : 0) +
    (t.meanHoursToResolve !== undefined && t.meanHoursToResolve > w.slowResolutionHours
      ? w.slowResolution
      : 0);
  scores.serviceFriction = logistic(z);
  if (recentDelays + t.open + t.unsolved > 0) {
    evidence.push(
      `${recentDelays} delayed deliveries in ${scoring.recentDays} days, ${t.open} open and ${t.unsolved} unresolved tickets`,
    );
  }
  if (recentClaims > 0) evidence.push(`${recentClaims} claims in ${scoring.recentDays} days`);
  return {
    scores,
    metrics,
    evidence,
    inputs: {
      ...scores,
      orders: metrics.orders,
      repeatPurchases: summary?.x ?? 0,
      returnRate: metrics.returns.rate,
      discountedShare: metrics.discountedShare,
      recentDelays,
      openTickets: t.open,
      unsolvedTickets: t.unsolved,
    },
  };
}
