/**
 * The business report as numbers: built in one pass over the profiles (from DynamoDB, a file or memory), with
 * every KPI computed through the canonical definitions in analytics/kpi.ts so the report, the scores and the
 * segments agree. Pure: no I/O, no clock (the caller passes the dates). The renderer turns it into HTML.
 *
 * No personal data enters the model: only ids, aggregates and scores, and the model keeps no customer id.
 */

import type { AggregateIssue, ProfileAggregates } from '../analytics/aggregates.js';
import { DEFAULT_KPI_CONFIG, type KpiConfig } from '../analytics/kpi.js';
import { profileMetrics } from '../analytics/metrics.js';
import {
  DEFAULT_SCORING_CONFIG,
  type FittedModels,
  type ScoringConfig,
  scoreProfile,
} from '../analytics/models.js';
import type { ProfileAnalyticsState } from '../analytics/profile-analytics.js';
import { type PromotionEffect, promotionEffectiveness } from '../analytics/promotions.js';
import {
  DEFAULT_SEGMENT_CONFIG,
  EMPTY_SEGMENT_STATE,
  evaluateSegments,
  type SegmentConfig,
} from '../analytics/segments.js';
import type { ReasonCode } from '../contracts/common.js';
import type { RiskScores } from '../contracts/internal-events.js';
import { niceTicks } from './charts.js';
import {
  type InterventionOutcome,
  type InterventionSummary,
  nearestRank,
  type OutcomeCustomer,
  summariseInterventions,
} from './interventions.js';

/** One profile as the report reads it: what the analytics core keeps on the profile item. */
export interface ReportProfile {
  readonly customerId: string;
  readonly aggregates: ProfileAggregates;
  /** the stored scores; when absent and fitted parameters are given, the report scores the profile itself */
  readonly scores?: RiskScores;
  /** the segments the customer is in (the stored segment state's `segments`) */
  readonly segments?: readonly string[];
}

/** A profile item's analytics state (what `updateProfileAnalytics` returns and the profile stores) as a report input. */
export function reportProfileFromState(customerId: string, state: ProfileAnalyticsState): ReportProfile {
  return {
    customerId,
    aggregates: state.aggregates,
    ...(state.scores ? { scores: state.scores } : {}),
    segments: state.segments.segments,
  };
}

export interface ReportOptions {
  /** the date the KPIs are evaluated at (active window, promotion and intervention follow-up windows) */
  readonly asOf: Date;
  readonly generatedAt: Date;
  readonly title?: string;
  /** where the profiles came from, in words, e.g. "local DynamoDB" */
  readonly dataSource?: string;
  readonly kpi?: KpiConfig;
  /** the stored fitted parameters (with their fit date and data window) */
  readonly models?: FittedModels;
  readonly scoring?: ScoringConfig;
  readonly segmentConfig?: SegmentConfig;
  /** money is summed in one currency; default the currency most customers have */
  readonly currency?: string;
  readonly promotionWindowDays?: number;
  readonly interventions?: readonly InterventionOutcome[];
  readonly interventionWindowDays?: number;
}

export interface HeadlineKpis {
  /** customers in the report's currency (or with no order yet) */
  readonly customers: number;
  /** KPI "active customer" (kpi.ts) */
  readonly activeCustomers: number;
  /** KPI "repeat customer" (kpi.ts) */
  readonly repeatCustomers: number;
  readonly orders: number;
  /** net merchandise revenue */
  readonly revenue: number;
  /** KPI "margin contribution" (kpi.ts), summed */
  readonly marginContribution: number;
  /** KPI "return rate" (kpi.ts) over the whole base, on the configured basis */
  readonly returnRate: number;
  readonly returnRateBasis: KpiConfig['returnRateBasis'];
  readonly returnedOrders: number;
  readonly refunds: number;
  readonly discount: number;
}

export interface SegmentRow {
  readonly id: string;
  readonly description: string;
  readonly customers: number;
  readonly share: number;
  readonly revenue: number;
  readonly marginContribution: number;
  /** sum of expected CLV over the members who have one */
  readonly expectedClv: number;
  readonly meanChurnProbability?: number;
}

export interface ClvBin {
  readonly label: string;
  /** inclusive lower bound (undefined: open below) */
  readonly from?: number;
  /** exclusive upper bound (undefined: open above) */
  readonly to?: number;
  readonly customers: number;
}

export interface ClvDistribution {
  readonly customers: number;
  readonly total: number;
  readonly mean?: number;
  readonly median?: number;
  readonly p90?: number;
  readonly bins: readonly ClvBin[];
}

export interface ChurnValueGrid {
  /** churn probability bands, left to right */
  readonly churnBands: readonly string[];
  /** value-at-stake percentile bands, top (highest value) to bottom */
  readonly valueBands: readonly string[];
  readonly counts: readonly (readonly number[])[];
  /** expected CLV per cell, same layout */
  readonly expectedClv: readonly (readonly number[])[];
  readonly customers: number;
}

export interface ReturnReasonRow {
  readonly reason: ReasonCode;
  readonly returns: number;
  readonly share: number;
}

export interface FrictionGroup {
  readonly id: 'none' | 'delays' | 'tickets' | 'both';
  readonly label: string;
  readonly customers: number;
  /** mean churn probability of the scored customers in the group */
  readonly meanChurnProbability?: number;
  /** share of scored customers with churn probability at or above the at-risk level */
  readonly atRiskShare?: number;
  readonly meanServiceFriction?: number;
  readonly inServiceFrictionSegment: number;
}

export interface ServiceFriction {
  readonly groups: readonly FrictionGroup[];
  readonly atRiskLevel: number;
  readonly delayedOrders: number;
  readonly meanDelayDays: number;
  readonly openTickets: number;
  readonly unsolvedTickets: number;
  readonly escalatedTickets: number;
}

export interface ReportModel {
  readonly title: string;
  readonly generatedAt: string;
  readonly asOf: string;
  readonly dataSource?: string;
  readonly currency?: string;
  readonly kpiConfig: KpiConfig;
  readonly headline: HeadlineKpis;
  readonly segments: readonly SegmentRow[];
  readonly clv: ClvDistribution;
  readonly churnValue: ChurnValueGrid;
  readonly returnReasons: {
    readonly completed: number;
    readonly requested: number;
    readonly rows: readonly ReturnReasonRow[];
  };
  readonly promotions: { readonly windowDays: number; readonly effects: readonly PromotionEffect[] };
  readonly serviceFriction: ServiceFriction;
  readonly models?: FittedModels;
  readonly interventions?: InterventionSummary;
  readonly dataNotes: {
    readonly profilesRead: number;
    /** profiles in another currency than the report's, left out of every figure */
    readonly otherCurrency: Readonly<Record<string, number>>;
    /** profiles without stored scores that the report scored with the stored parameters */
    readonly scoredAtReport: number;
    /** profiles with no scores at all (no stored scores, no parameters to score with) */
    readonly unscored: number;
    /** bad-input rules applied while the aggregates were built, summed over the profiles */
    readonly inputIssues: Readonly<Partial<Record<AggregateIssue, number>>>;
  };
}

export const REASON_ORDER: readonly ReasonCode[] = [
  'size_or_fit',
  'damaged',
  'wrong_item',
  'not_as_described',
  'late_delivery',
  'changed_mind',
  'other',
];

/** The churn probability from which a customer counts as at risk (the segment rules' entry level). */
export const AT_RISK_LEVEL = 0.5;
const BANDS = 5;

/** What the pass keeps per customer: a few numbers, never the customer id. */
interface Row {
  currency?: string;
  revenue: number;
  margin: number;
  segments: readonly string[];
  clv?: number;
  churn?: number;
  valuePercentile?: number;
  friction?: number;
  delayed: boolean;
  unresolved: boolean;
}

type Slim = Pick<ProfileAggregates, 'orders' | 'campaigns'>;

/** The report's numbers from the profiles, in one pass. */
export async function buildReportModel(
  profiles: AsyncIterable<ReportProfile> | Iterable<ReportProfile>,
  options: ReportOptions,
): Promise<ReportModel> {
  const kpi = options.kpi ?? DEFAULT_KPI_CONFIG;
  const scoring = options.scoring ?? DEFAULT_SCORING_CONFIG;
  const segmentConfig = options.segmentConfig ?? DEFAULT_SEGMENT_CONFIG;
  const promotionWindowDays = options.promotionWindowDays ?? 90;
  const interventionWindowDays = options.interventionWindowDays ?? 90;
  for (const [name, days] of [
    ['promotionWindowDays', promotionWindowDays],
    ['interventionWindowDays', interventionWindowDays],
  ] as const) {
    if (!Number.isInteger(days) || days < 1) throw new Error(`report: ${name} must be a positive integer`);
  }
  if (Number.isNaN(options.asOf.getTime())) throw new Error('report: asOf is not a date');
  const interventionCustomers = new Set((options.interventions ?? []).map((o) => o.customerId));

  const rows: Row[] = [];
  // Money and KPIs are summed per currency; the report's currency is chosen once all are read.
  const totals = new Map<string, Totals>();
  const promotionInput = new Map<string, Slim[]>();
  const outcomeCustomers = new Map<string, OutcomeCustomer & { currency?: string }>();
  const inputIssues: Partial<Record<AggregateIssue, number>> = {};
  let scoredAtReport = 0;
  let unscored = 0;
  let profilesRead = 0;

  for await (const profile of profiles) {
    profilesRead += 1;
    const agg = profile.aggregates;
    if (agg?.v !== 1)
      throw new Error(`report: profile ${profile.customerId} has no analytics aggregates (v 1)`);
    const metrics = profileMetrics(agg, kpi, options.asOf);
    let scores = profile.scores;
    let segments = profile.segments ?? [];
    if (scores === undefined && options.models) {
      const scored = scoreProfile(agg, options.models, kpi, options.asOf, scoring);
      scores = scored.scores;
      segments = evaluateSegments(EMPTY_SEGMENT_STATE, scored.inputs, segmentConfig).state.segments;
      scoredAtReport += 1;
    } else if (scores === undefined) unscored += 1;

    const key = agg.currency ?? '';
    const t = totals.get(key) ?? new Totals();
    totals.set(key, t);
    t.customers += 1;
    if (metrics.active) t.active += 1;
    if (metrics.repeat) t.repeat += 1;
    t.orders += metrics.orders;
    t.revenue += metrics.revenue;
    t.margin += metrics.marginContribution;
    t.returnedOrders += metrics.returns.returnedOrders;
    t.refunds += metrics.returns.refunds;
    t.discount += metrics.discount;
    t.completedReturns += metrics.returns.completed;
    t.requestedReturns += metrics.returns.requested;
    for (const [reason, n] of Object.entries(metrics.returns.reasons) as [ReasonCode, number][])
      t.reasons[reason] = (t.reasons[reason] ?? 0) + n;
    t.delayedOrders += metrics.delivery.delayedOrders;
    t.delayDays += metrics.delivery.meanDelayDays * metrics.delivery.delayedOrders;
    t.openTickets += metrics.tickets.open;
    t.unsolvedTickets += metrics.tickets.unsolved;
    t.escalatedTickets += metrics.tickets.escalated;
    for (const [issue, n] of Object.entries(agg.issues) as [AggregateIssue, number][])
      inputIssues[issue] = (inputIssues[issue] ?? 0) + n;

    rows.push({
      ...(agg.currency ? { currency: agg.currency } : {}),
      revenue: metrics.revenue,
      margin: metrics.marginContribution,
      segments,
      ...(scores?.clv !== undefined ? { clv: scores.clv } : {}),
      ...(scores?.churnProbability !== undefined ? { churn: scores.churnProbability } : {}),
      ...(scores?.valuePercentile !== undefined ? { valuePercentile: scores.valuePercentile } : {}),
      ...(scores?.serviceFriction !== undefined ? { friction: scores.serviceFriction } : {}),
      delayed: metrics.delivery.delayedOrders > 0,
      unresolved: metrics.tickets.open + metrics.tickets.unsolved > 0,
    });
    // Promotions need the orders and campaign touches only; keeping just those bounds the memory held.
    if (metrics.orders > 0) {
      const list = promotionInput.get(key) ?? [];
      list.push({ orders: agg.orders, campaigns: agg.campaigns });
      promotionInput.set(key, list);
    }
    if (interventionCustomers.has(profile.customerId)) {
      outcomeCustomers.set(profile.customerId, {
        orders: agg.orders,
        ...(scores?.probabilityAlive !== undefined ? { probabilityAlive: scores.probabilityAlive } : {}),
        ...(agg.currency ? { currency: agg.currency } : {}),
      });
    }
  }

  const currency = options.currency ?? mostCommonCurrency(totals);
  const inScope = (c: string | undefined) => c === undefined || c === currency;
  const otherCurrency: Record<string, number> = {};
  for (const [c, t] of totals) if (c !== '' && c !== currency) otherCurrency[c] = t.customers;
  const scope = [...totals.entries()].filter(([c]) => inScope(c || undefined)).map(([, t]) => t);
  const all = scope.reduce((sum, t) => sum.add(t), new Totals());
  const base = rows.filter((r) => inScope(r.currency));

  const returnRate =
    kpi.returnRateBasis === 'orders'
      ? all.orders > 0
        ? all.returnedOrders / all.orders
        : 0
      : all.revenue > 0
        ? all.refunds / all.revenue
        : 0;

  const completedByReason = REASON_ORDER.map((reason) => all.reasons[reason] ?? 0);
  const completedReasons = completedByReason.reduce((s, n) => s + n, 0);

  const interventionsInScope = new Map([...outcomeCustomers].filter(([, c]) => inScope(c.currency)));
  return {
    title: options.title ?? 'Customer analytics report',
    generatedAt: options.generatedAt.toISOString(),
    asOf: options.asOf.toISOString(),
    ...(options.dataSource ? { dataSource: options.dataSource } : {}),
    ...(currency ? { currency } : {}),
    kpiConfig: kpi,
    headline: {
      customers: all.customers,
      activeCustomers: all.active,
      repeatCustomers: all.repeat,
      orders: all.orders,
      revenue: round2(all.revenue),
      marginContribution: round2(all.margin),
      returnRate,
      returnRateBasis: kpi.returnRateBasis,
      returnedOrders: all.returnedOrders,
      refunds: round2(all.refunds),
      discount: round2(all.discount),
    },
    segments: segmentRows(base, segmentConfig),
    clv: clvDistribution(base),
    churnValue: churnValueGrid(base),
    returnReasons: {
      completed: all.completedReturns,
      requested: all.requestedReturns,
      rows: REASON_ORDER.map((reason, i) => ({
        reason,
        returns: completedByReason[i]!,
        share: completedReasons > 0 ? completedByReason[i]! / completedReasons : 0,
      })).filter((r) => r.returns > 0),
    },
    promotions: {
      windowDays: promotionWindowDays,
      effects: promotionEffectiveness((promotionInput.get(currency ?? '') ?? []) as ProfileAggregates[], {
        asOf: options.asOf,
        windowDays: promotionWindowDays,
      }),
    },
    serviceFriction: {
      groups: frictionGroups(base),
      atRiskLevel: AT_RISK_LEVEL,
      delayedOrders: all.delayedOrders,
      meanDelayDays: all.delayedOrders > 0 ? all.delayDays / all.delayedOrders : 0,
      openTickets: all.openTickets,
      unsolvedTickets: all.unsolvedTickets,
      escalatedTickets: all.escalatedTickets,
    },
    ...(options.models ? { models: options.models } : {}),
    ...(options.interventions
      ? {
          interventions: summariseInterventions(options.interventions, interventionsInScope, {
            asOf: options.asOf,
            windowDays: interventionWindowDays,
          }),
        }
      : {}),
    dataNotes: { profilesRead, otherCurrency, scoredAtReport, unscored, inputIssues },
  };
}

class Totals {
  customers = 0;
  active = 0;
  repeat = 0;
  orders = 0;
  revenue = 0;
  margin = 0;
  returnedOrders = 0;
  refunds = 0;
  discount = 0;
  completedReturns = 0;
  requestedReturns = 0;
  reasons: Partial<Record<ReasonCode, number>> = {};
  delayedOrders = 0;
  delayDays = 0;
  openTickets = 0;
  unsolvedTickets = 0;
  escalatedTickets = 0;

  add(o: Totals): this {
    for (const k of Object.keys(this) as (keyof Totals)[]) {
      if (k === 'reasons') {
        for (const [r, n] of Object.entries(o.reasons) as [ReasonCode, number][])
          this.reasons[r] = (this.reasons[r] ?? 0) + n;
      } else if (typeof this[k] === 'number')
        (this as Record<string, unknown>)[k] = (this[k] as number) + (o[k] as number);
    }
    return this;
  }
}

function mostCommonCurrency(totals: ReadonlyMap<string, Totals>): string | undefined {
  let best: string | undefined;
  let most = 0;
  for (const [c, t] of [...totals].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (c !== '' && t.customers > most) {
      best = c;
      most = t.customers;
    }
  }
  return best;
}

const round2 = (n: number): number => Math.round(n * 100) / 100;
const mean = (xs: readonly number[]): number | undefined =>
  xs.length > 0 ? xs.reduce((s, x) => s + x, 0) / xs.length : undefined;

function segmentRows(base: readonly Row[], config: SegmentConfig): SegmentRow[] {
  const ids = config.rules.map((r) => r.id);
  for (const row of base) for (const s of row.segments) if (!ids.includes(s)) ids.push(s);
  const describe = (id: string) =>
    config.rules.find((r) => r.id === id)?.description ?? 'A segment not in the current configuration';
  const summarise = (id: string, description: string, members: readonly Row[]): SegmentRow => {
    const churn = mean(members.flatMap((m) => (m.churn === undefined ? [] : [m.churn])));
    return {
      id,
      description,
      customers: members.length,
      share: base.length > 0 ? members.length / base.length : 0,
      revenue: round2(members.reduce((s, m) => s + m.revenue, 0)),
      marginContribution: round2(members.reduce((s, m) => s + m.margin, 0)),
      expectedClv: round2(members.reduce((s, m) => s + (m.clv ?? 0), 0)),
      ...(churn !== undefined ? { meanChurnProbability: churn } : {}),
    };
  };
  return [
    ...ids.map((id) =>
      summarise(
        id,
        describe(id),
        base.filter((r) => r.segments.includes(id)),
      ),
    ),
    summarise('all-customers', 'Every customer in the report, for comparison', base),
  ];
}

/**
 * CLV bins: "below 0" for customers whose expected margin is negative, then round-number bins from 0 up to
 * the 99th percentile, and one open bin above so a few very large values do not squash the rest.
 */
function clvDistribution(base: readonly Row[]): ClvDistribution {
  const values = base.flatMap((r) => (r.clv === undefined ? [] : [r.clv])).sort((a, b) => a - b);
  if (values.length === 0) return { customers: 0, total: 0, bins: [] };
  const total = values.reduce((s, v) => s + v, 0);
  const p99 = nearestRank(values, 0.99)!;
  const edges = niceTicks(0, Math.max(p99, 1), 8).filter((e) => e >= 0);
  const bins: ClvBin[] = [];
  const negatives = values.filter((v) => v < 0).length;
  if (negatives > 0) bins.push({ label: 'below 0', to: 0, customers: negatives });
  for (let i = 0; i + 1 < edges.length; i++) {
    const from = edges[i]!;
    const to = edges[i + 1]!;
    bins.push({
      label: `${compact(from)}–${compact(to)}`,
      from,
      to,
      customers: values.filter((v) => v >= from && v < to).length,
    });
  }
  const top = edges[edges.length - 1]!;
  const above = values.filter((v) => v >= top).length;
  if (above > 0) bins.push({ label: `${compact(top)} and above`, from: top, customers: above });
  return {
    customers: values.length,
    total: round2(total),
    mean: total / values.length,
    median: nearestRank(values, 0.5)!,
    p90: nearestRank(values, 0.9)!,
    bins,
  };
}

/** 1500 -> "1.5k": bin labels stay short on the axis. */
export function compact(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1_000_000) return `${trim(n / 1_000_000)}M`;
  if (abs >= 1_000) return `${trim(n / 1_000)}k`;
  return trim(n);
}
const trim = (n: number): string => String(Math.round(n * 100) / 100);

/** Which of `BANDS` equal bands of [0, 1] a probability falls in (1.0 belongs to the top band). */
const band = (p: number): number => Math.min(BANDS - 1, Math.max(0, Math.floor(p * BANDS)));

function churnValueGrid(base: readonly Row[]): ChurnValueGrid {
  const counts = Array.from({ length: BANDS }, () => Array<number>(BANDS).fill(0));
  const clv = Array.from({ length: BANDS }, () => Array<number>(BANDS).fill(0));
  let customers = 0;
  for (const r of base) {
    if (r.churn === undefined || r.valuePercentile === undefined) continue;
    customers += 1;
    // Rows run from the highest value band at the top to the lowest at the bottom.
    const row = BANDS - 1 - band(r.valuePercentile);
    const col = band(r.churn);
    counts[row]![col]! += 1;
    clv[row]![col]! += r.clv ?? 0;
  }
  const pct = (i: number) => `${(i * 100) / BANDS}`;
  return {
    churnBands: Array.from({ length: BANDS }, (_, i) => `${pct(i)}–${pct(i + 1)}%`),
    valueBands: Array.from({ length: BANDS }, (_, i) => {
      const k = BANDS - 1 - i;
      return k === BANDS - 1
        ? `top ${100 / BANDS}%`
        : k === 0
          ? `bottom ${100 / BANDS}%`
          : `${pct(k)}–${pct(k + 1)}th pct`;
    }),
    counts,
    expectedClv: clv.map((r) => r.map(round2)),
    customers,
  };
}

const FRICTION_GROUPS: readonly { id: FrictionGroup['id']; label: string; test: (r: Row) => boolean }[] = [
  { id: 'none', label: 'No delay, no unresolved ticket', test: (r) => !r.delayed && !r.unresolved },
  { id: 'delays', label: 'Delayed delivery only', test: (r) => r.delayed && !r.unresolved },
  { id: 'tickets', label: 'Unresolved ticket only', test: (r) => !r.delayed && r.unresolved },
  { id: 'both', label: 'Delay and unresolved ticket', test: (r) => r.delayed && r.unresolved },
];

function frictionGroups(base: readonly Row[]): FrictionGroup[] {
  return FRICTION_GROUPS.map((g) => {
    const members = base.filter(g.test);
    const churn = members.flatMap((m) => (m.churn === undefined ? [] : [m.churn]));
    const friction = mean(members.flatMap((m) => (m.friction === undefined ? [] : [m.friction])));
    const meanChurn = mean(churn);
    return {
      id: g.id,
      label: g.label,
      customers: members.length,
      ...(meanChurn !== undefined ? { meanChurnProbability: meanChurn } : {}),
      ...(churn.length > 0
        ? { atRiskShare: churn.filter((c) => c >= AT_RISK_LEVEL).length / churn.length }
        : {}),
      ...(friction !== undefined ? { meanServiceFriction: friction } : {}),
      inServiceFrictionSegment: members.filter((m) => m.segments.includes('service-friction')).length,
    };
  });
}
