/**
 * KPIs and the repeat-purchase summary, derived from the aggregates at read time through the canonical
 * definitions in kpi.ts. Money here is in major units of the profile currency.
 */
import type { ReasonCode } from '../contracts/common.js';
import {
  countedRefunds,
  DAY_MS,
  dayOf,
  effectiveReturns,
  orderSpend,
  type ProfileAggregates,
  returnDocumentsByOrder,
} from './aggregates.js';
import { type DocumentMetrics, documentMetrics } from './document-aggregates.js';
import type { KpiConfig } from './kpi.js';

export interface ProfileMetrics {
  readonly currency?: string;
  readonly orders: number;
  readonly revenue: number;
  readonly amountPaid: number;
  readonly costOfGoods: number;
  readonly costEstimatedOrders: number;
  readonly discount: number;
  readonly discountedOrders: number;
  readonly discountedShare: number;
  readonly units: number;
  readonly returns: {
    readonly completed: number;
    readonly requested: number;
    readonly returnedOrders: number;
    readonly refunds: number;
    readonly rate: number;
    readonly reasons: Partial<Record<ReasonCode, number>>;
    /** completed returns known only from a processed return form (no OrderReturned from the channel) */
    readonly documented: number;
  };
  /** processed return forms and claim letters (issue 5) */
  readonly documents: DocumentMetrics;
  readonly delivery: {
    readonly delayedOrders: number;
    readonly meanDelayDays: number;
    readonly lateFulfilments: number;
  };
  readonly tickets: {
    readonly open: number;
    readonly resolved: number;
    readonly unsolved: number;
    readonly escalated: number;
    readonly byPriority: Record<string, number>;
    readonly meanHoursToResolve?: number;
    readonly meanSentiment?: number;
  };
  readonly loyalty: {
    readonly tier?: string;
    readonly points?: number;
    readonly earned: number;
    readonly redeemed: number;
  };
  readonly campaigns: {
    readonly sent: number;
    readonly opened: number;
    readonly clicked: number;
    readonly redeemed: number;
  };
  readonly channels: Readonly<Record<string, number>>;
  readonly firstPurchaseAt?: string;
  readonly lastPurchaseAt?: string;
  readonly purchaseDays: number;
  /** KPI "active customer" at the evaluation date. */
  readonly active: boolean;
  /** KPI "repeat customer". */
  readonly repeat: boolean;
  /** KPI "margin contribution". */
  readonly marginContribution: number;
}

const major = (minorUnits: number): number => Math.round(minorUnits) / 100;

/** Every KPI of one profile at `asOf`, by the definitions in kpi.ts. */
export function profileMetrics(agg: ProfileAggregates, kpi: KpiConfig, asOf: Date): ProfileMetrics {
  const f = agg.folded;
  let orders = f?.orders ?? 0;
  let rev = f?.rev ?? 0;
  let paid = f?.paid ?? 0;
  let cost = f?.cost ?? 0;
  let disc = f?.disc ?? 0;
  let discounted = f?.discounted ?? 0;
  let units = f?.units ?? 0;
  let returnedOrders = f?.returnedOrders ?? 0;
  let refunds = f?.refunds ?? 0;
  let returnedCost = f?.returnedCost ?? 0;
  let completed = f?.returns ?? 0;
  let requested = 0;
  let delayed = f?.delayed ?? 0;
  let delayDays = f?.delayDays ?? 0;
  let late = 0;
  let estimated = 0;
  const reasons: Partial<Record<ReasonCode, number>> = { ...(f?.reasons ?? {}) };
  const docs = documentMetrics(agg, asOf);
  for (const [why, n] of Object.entries(docs.unlinkedReturnReasons) as [ReasonCode, number][]) {
    reasons[why] = (reasons[why] ?? 0) + n;
  }
  const forms = returnDocumentsByOrder(agg);
  let documented = 0;
  for (const [id, order] of Object.entries(agg.orders)) {
    if (order.delay !== undefined && order.delay > 0) {
      delayed += 1;
      delayDays += order.delay;
    }
    if (order.late) late += 1;
    for (const r of Object.values(order.ret ?? {})) if (r.s === 'q') requested += 1;
    const returned = effectiveReturns(order, forms.get(id));
    for (const why of returned.reasons) reasons[why] = (reasons[why] ?? 0) + 1;
    // Returns for orders not yet seen wait for the order: a return rate over unknown orders means nothing.
    if (order.at === undefined) continue;
    orders += 1;
    rev += order.rev;
    paid += order.paid;
    cost += order.cost;
    disc += order.disc;
    if (order.disc > 0) discounted += 1;
    if (order.est) estimated += 1;
    units += order.units;
    const r = countedRefunds(order);
    if (returned.completed > 0) returnedOrders += 1;
    completed += returned.completed;
    documented += returned.documented;
    refunds += r.refunds;
    returnedCost += r.returnedCost;
  }
  const tickets = ticketMetrics(agg);
  const days = purchaseDayList(agg, kpi);
  const lastDay = days.length > 0 ? days[days.length - 1]!.day : undefined;
  const firstDay = days.length > 0 ? days[0]!.day : undefined;
  const purchaseDays = days.length + (f ? f.days : 0);
  const firstPurchaseDay = f ? f.firstDay : firstDay;
  const lastPurchaseDay = lastDay ?? (f ? f.lastDay : undefined);
  const rate =
    kpi.returnRateBasis === 'orders'
      ? orders > 0
        ? returnedOrders / orders
        : 0
      : rev > 0
        ? refunds / rev
        : 0;
  const margin =
    rev -
    cost -
    refunds +
    returnedCost * kpi.returnedGoodsRecoveryRate -
    minorOf(kpi.returnHandlingCost) * completed -
    minorOf(kpi.ticketHandlingCost) * (tickets.open + tickets.resolved);
  return {
    ...(agg.currency ? { currency: agg.currency } : {}),
    orders,
    revenue: major(rev),
    amountPaid: major(paid),
    costOfGoods: major(cost),
    costEstimatedOrders: estimated,
    discount: major(disc),
    discountedOrders: discounted,
    discountedShare: orders > 0 ? discounted / orders : 0,
    units,
    returns: { completed, requested, returnedOrders, refunds: major(refunds), rate, reasons, documented },
    documents: docs,
    delivery: {
      delayedOrders: delayed,
      meanDelayDays: delayed > 0 ? delayDays / delayed : 0,
      lateFulfilments: late,
    },
    tickets,
    loyalty: {
      ...(agg.loyalty.tier ? { tier: agg.loyalty.tier } : {}),
      ...(agg.loyalty.points !== undefined ? { points: agg.loyalty.points } : {}),
      earned: agg.loyalty.earned,
      redeemed: agg.loyalty.redeemed,
    },
    campaigns: {
      sent: agg.campaigns.sent,
      opened: agg.campaigns.opened,
      clicked: agg.campaigns.clicked,
      redeemed: agg.campaigns.redeemed,
    },
    channels: { ...agg.channels },
    ...(firstPurchaseDay !== undefined ? { firstPurchaseAt: isoDay(firstPurchaseDay) } : {}),
    ...(lastPurchaseDay !== undefined ? { lastPurchaseAt: isoDay(lastPurchaseDay) } : {}),
    purchaseDays,
    active: lastPurchaseDay !== undefined && dayOf(asOf.getTime()) - lastPurchaseDay <= kpi.activeWindowDays,
    repeat: purchaseDays >= kpi.repeatMinPurchaseDays,
    marginContribution: major(margin),
  };
}

const minorOf = (amount: number): number => Math.round(amount * 100);
const isoDay = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

function ticketMetrics(agg: ProfileAggregates): ProfileMetrics['tickets'] {
  let open = 0;
  let resolved = 0;
  let unsolved = 0;
  let escalated = 0;
  let hours = 0;
  let timed = 0;
  let sentiment = 0;
  let withSentiment = 0;
  const byPriority: Record<string, number> = {};
  for (const t of Object.values(agg.tickets)) {
    byPriority[t.pri] = (byPriority[t.pri] ?? 0) + 1;
    if (t.esc) escalated += 1;
    if (t.sent !== undefined) {
      sentiment += t.sent;
      withSentiment += 1;
    }
    if (t.st === 'r') {
      resolved += 1;
      if (t.res === 'unsolved') unsolved += 1;
      if (t.opened !== undefined && t.resolved !== undefined && t.resolved >= t.opened) {
        hours += (t.resolved - t.opened) / 3_600_000;
        timed += 1;
      }
    } else open += 1;
  }
  return {
    open,
    resolved,
    unsolved,
    escalated,
    byPriority,
    ...(timed > 0 ? { meanHoursToResolve: hours / timed } : {}),
    ...(withSentiment > 0 ? { meanSentiment: sentiment / withSentiment } : {}),
  };
}

export interface PurchaseDay {
  readonly day: number;
  /** spend on that day in minor units, per the KPI spend basis */
  readonly spend: number;
}

/** Distinct purchase days kept in detail (several orders on one day are one purchase occasion), oldest first. */
export function purchaseDayList(agg: ProfileAggregates, kpi: KpiConfig): PurchaseDay[] {
  const byDay = new Map<number, number>();
  for (const order of Object.values(agg.orders)) {
    if (order.at === undefined) continue;
    const day = dayOf(order.at);
    byDay.set(day, (byDay.get(day) ?? 0) + orderSpend(order, kpi));
  }
  return [...byDay.entries()].map(([day, spend]) => ({ day, spend })).sort((a, b) => a.day - b.day);
}

/** The sufficient statistics of BG/NBD and Gamma-Gamma for one customer, times in weeks. */
export interface RepeatPurchaseSummary {
  /** repeat purchase occasions (distinct days after the first) up to the calibration end */
  readonly x: number;
  /** time of the last repeat purchase since the first purchase */
  readonly tx: number;
  /** time from the first purchase to the calibration end */
  readonly T: number;
  /** mean spend per repeat purchase occasion (major units), 0 when x = 0 */
  readonly meanRepeatSpend: number;
  /** first purchase, in days since the epoch */
  readonly firstDay: number;
}

/**
 * The (x, t_x, T, mean repeat spend) summary at a calibration end (inclusive, whole UTC days). Undefined for
 * a customer with no purchase on or before it. Throws if the calibration end falls inside folded history.
 */
export function repeatPurchaseSummary(
  agg: ProfileAggregates,
  kpi: KpiConfig,
  calibrationEnd: Date,
): RepeatPurchaseSummary | undefined {
  const endDay = dayOf(calibrationEnd.getTime());
  const f = agg.folded;
  if (f && endDay < f.lastDay) {
    throw new Error('calibration end falls inside the folded history of this profile; raise maxOrdersKept');
  }
  const days = purchaseDayList(agg, kpi).filter((d) => d.day <= endDay);
  let firstDay: number;
  let x: number;
  let repeatSpend: number;
  let lastDay: number;
  if (f) {
    firstDay = f.firstDay;
    x = f.days - 1 + days.length;
    repeatSpend = f.daySpend + days.reduce((s, d) => s + d.spend, 0);
    lastDay = days.length > 0 ? days[days.length - 1]!.day : f.lastDay;
  } else {
    if (days.length === 0) return undefined;
    firstDay = days[0]!.day;
    x = days.length - 1;
    repeatSpend = days.slice(1).reduce((s, d) => s + d.spend, 0);
    lastDay = days[days.length - 1]!.day;
  }
  return {
    x,
    tx: x > 0 ? (lastDay - firstDay) / 7 : 0,
    T: (endDay - firstDay) / 7,
    meanRepeatSpend: x > 0 ? repeatSpend / x / 100 : 0,
    firstDay,
  };
}
