/**
 * The one call the identity consumer makes per resolved event, in the same pass as resolution: update the
 * aggregates, rescore with the stored parameters (no table scan), re-evaluate segments, and say whether a
 * CustomerRiskChanged event should go out. Pure: the caller stores `state` on the profile item and publishes.
 */
import type { CustomerRiskChangedDetail, RiskScores } from '../contracts/internal-events.js';
import {
  type AggregateIssue,
  applyChannelEvent,
  type ChannelEvent,
  type FoldedHistory,
  type ProfileAggregates,
} from './aggregates.js';
import { applyDocumentEvent, type DocumentEvent, isDocumentEvent } from './document-aggregates.js';
import type { KpiConfig } from './kpi.js';
import { type FittedModels, type ScoringConfig, scoreProfile } from './models.js';
import {
  customerRiskChangedDetail,
  DEFAULT_SEGMENT_CONFIG,
  EMPTY_SEGMENT_STATE,
  evaluateSegments,
  type SegmentConfig,
  type SegmentState,
} from './segments.js';

/** What analytics keeps on the profile item. */
export interface ProfileAnalyticsState {
  readonly aggregates: ProfileAggregates;
  readonly segments: SegmentState;
  readonly scores?: RiskScores;
}

export interface UpdateProfileAnalyticsInput {
  readonly customerId: string;
  readonly state: ProfileAnalyticsState | undefined;
  /** a channel event, or a processed return form or claim letter (issue 5) */
  readonly event: ChannelEvent | DocumentEvent;
  readonly kpi: KpiConfig;
  /** the stored fitted parameters; without them (before the first fit) only the aggregates update */
  readonly models?: FittedModels;
  readonly scoring?: ScoringConfig;
  readonly segmentConfig?: SegmentConfig;
  /** the evaluation time (a Clock's now) */
  readonly now: Date;
}

export interface UpdateProfileAnalyticsResult {
  readonly state: ProfileAnalyticsState;
  readonly outcome: 'applied' | 'duplicate' | 'rejected';
  readonly issues: readonly AggregateIssue[];
  /** present when a segment was entered or left or a score crossed an alert threshold */
  readonly riskChanged?: CustomerRiskChangedDetail;
}

export function updateProfileAnalytics(input: UpdateProfileAnalyticsInput): UpdateProfileAnalyticsResult {
  const event = input.event;
  const applied = isDocumentEvent(event)
    ? applyDocumentEvent(input.state?.aggregates, event, input.kpi)
    : applyChannelEvent(input.state?.aggregates, event, input.kpi);
  const segments = input.state?.segments ?? EMPTY_SEGMENT_STATE;
  const models = input.models;
  if (applied.outcome === 'duplicate' || !models) {
    return {
      state: { ...input.state, aggregates: applied.aggregates, segments },
      outcome: applied.outcome,
      issues: applied.issues,
    };
  }
  const rescored = rescoreProfileAnalytics(
    { ...input, models, state: { ...input.state, aggregates: applied.aggregates, segments } },
    input.event.detail.eventId,
  );
  return { ...rescored, outcome: applied.outcome, issues: applied.issues };
}

/**
 * Rescores a profile without a new event: what the scheduled job does for every profile after a fit, so a
 * customer who has simply gone quiet (their P(alive) falls with time, not with events) is still flagged.
 * `triggerId` names what caused the evaluation (an event id, or the fit's run id) and makes the event id stable.
 */
export function rescoreProfileAnalytics(
  input: Omit<UpdateProfileAnalyticsInput, 'event' | 'state' | 'models'> & {
    readonly state: ProfileAnalyticsState;
    readonly models: FittedModels;
  },
  triggerId: string,
): Omit<UpdateProfileAnalyticsResult, 'outcome' | 'issues'> {
  const scored = scoreProfile(input.state.aggregates, input.models, input.kpi, input.now, input.scoring);
  const evaluation = evaluateSegments(
    input.state.segments,
    scored.inputs,
    input.segmentConfig ?? DEFAULT_SEGMENT_CONFIG,
  );
  const state = { aggregates: input.state.aggregates, segments: evaluation.state, scores: scored.scores };
  if (!evaluation.changed) return { state };
  return {
    state,
    riskChanged: customerRiskChangedDetail({
      customerId: input.customerId,
      triggerEventId: triggerId,
      occurredAt: input.now,
      evaluation,
      scores: scored.scores,
      evidence: scored.evidence,
    }),
  };
}

/**
 * Combines the aggregates of profiles that identity merged (CustomersMerged). Orders, returns and tickets are
 * keyed by id, so an order both profiles saw counts once; folded totals add up (folding happens only past
 * hundreds of orders, so a merge of two such profiles is the one approximate case: its purchase-day count
 * may include a day both had folded).
 */
export function mergeAggregates(
  survivor: ProfileAggregates,
  merged: ProfileAggregates,
  kpi: KpiConfig,
): ProfileAggregates {
  const out = structuredClone(survivor);
  for (const [id, order] of Object.entries(merged.orders)) {
    const mine = out.orders[id];
    if (!mine) out.orders[id] = structuredClone(order);
    else {
      if (mine.at === undefined && order.at !== undefined)
        out.orders[id] = { ...structuredClone(order), ret: { ...order.ret, ...mine.ret } };
      else mine.ret = { ...order.ret, ...mine.ret };
      const target = out.orders[id]!;
      const delay = Math.max(mine.delay ?? 0, order.delay ?? 0);
      if (delay > 0) target.delay = delay;
      if (mine.late || order.late) target.late = 1;
    }
  }
  for (const [id, ticket] of Object.entries(merged.tickets)) {
    const mine = out.tickets[id];
    if (!mine || ticket.u > mine.u) out.tickets[id] = structuredClone(ticket);
  }
  out.currency ??= merged.currency;
  if (merged.firstEventAt !== undefined)
    out.firstEventAt = Math.min(out.firstEventAt ?? merged.firstEventAt, merged.firstEventAt);
  if (merged.lastEventAt !== undefined)
    out.lastEventAt = Math.max(out.lastEventAt ?? merged.lastEventAt, merged.lastEventAt);
  const l = merged.loyalty;
  out.loyalty.earned += l.earned;
  out.loyalty.redeemed += l.redeemed;
  out.loyalty.id ??= l.id;
  if (l.enrolledAt !== undefined)
    out.loyalty.enrolledAt = Math.min(out.loyalty.enrolledAt ?? l.enrolledAt, l.enrolledAt);
  if (l.tier !== undefined && (out.loyalty.tierAt === undefined || (l.tierAt ?? 0) > out.loyalty.tierAt)) {
    out.loyalty.tier = l.tier;
    if (l.tierAt !== undefined) out.loyalty.tierAt = l.tierAt;
  }
  if (
    l.points !== undefined &&
    (out.loyalty.pointsAt === undefined || (l.pointsAt ?? 0) > out.loyalty.pointsAt)
  ) {
    out.loyalty.points = l.points;
    if (l.pointsAt !== undefined) out.loyalty.pointsAt = l.pointsAt;
  }
  for (const k of ['sent', 'opened', 'clicked', 'redeemed'] as const) out.campaigns[k] += merged.campaigns[k];
  out.campaigns.touches = [...out.campaigns.touches, ...merged.campaigns.touches]
    .sort((a, b) => a.at - b.at)
    .slice(-kpi.maxCampaignTouchesKept);
  for (const [ch, n] of Object.entries(merged.channels)) out.channels[ch] = (out.channels[ch] ?? 0) + n;
  out.seen = [...new Set([...out.seen, ...merged.seen])].slice(-kpi.maxEventIdsKept);
  for (const [issue, n] of Object.entries(merged.issues) as [AggregateIssue, number][]) {
    out.issues[issue] = (out.issues[issue] ?? 0) + n;
  }
  if (merged.folded)
    out.folded = out.folded ? addFolded(out.folded, merged.folded) : structuredClone(merged.folded);
  // Documents are keyed by document id, so one both profiles hold counts once (the survivor's copy wins).
  if (merged.docs) out.docs = { ...structuredClone(merged.docs), ...(out.docs ?? {}) };
  if (merged.docsFolded) {
    const a = out.docsFolded;
    const b = merged.docsFolded;
    out.docsFolded = a
      ? {
          returns: a.returns + b.returns,
          claims: a.claims + b.claims,
          claimAmount: a.claimAmount + b.claimAmount,
          reasons: addCounts(a.reasons, b.reasons),
          claimReasons: addCounts(a.claimReasons, b.claimReasons),
          horizon: Math.max(a.horizon, b.horizon),
        }
      : structuredClone(b);
  }
  return out;
}

function addCounts<K extends string>(
  a: Partial<Record<K, number>>,
  b: Partial<Record<K, number>>,
): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = { ...a };
  for (const [k, n] of Object.entries(b) as [K, number][]) out[k] = (out[k] ?? 0) + n;
  return out;
}

function addFolded(a: FoldedHistory, b: FoldedHistory): FoldedHistory {
  const first = a.firstDay <= b.firstDay ? a : b;
  const other = first === a ? b : a;
  return {
    orders: a.orders + b.orders,
    rev: a.rev + b.rev,
    paid: a.paid + b.paid,
    cost: a.cost + b.cost,
    disc: a.disc + b.disc,
    discounted: a.discounted + b.discounted,
    units: a.units + b.units,
    returnedOrders: a.returnedOrders + b.returnedOrders,
    refunds: a.refunds + b.refunds,
    returnedCost: a.returnedCost + b.returnedCost,
    returns: a.returns + b.returns,
    reasons: addCounts(a.reasons, b.reasons),
    delayed: a.delayed + b.delayed,
    delayDays: a.delayDays + b.delayDays,
    days: a.days + b.days,
    daySpend: a.daySpend + b.daySpend + other.firstDaySpend,
    firstDay: first.firstDay,
    firstDaySpend: first.firstDaySpend,
    lastDay: Math.max(a.lastDay, b.lastDay),
  };
}
