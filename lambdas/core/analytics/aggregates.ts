/**
 * Profile aggregates: everything analytics needs to know about one customer, updated one channel event at a
 * time in the same pass as identity resolution and stored on the profile item.
 *
 * Design:
 * - Order-independent. Orders, returns and tickets are kept per id (bounded), and every KPI is derived from
 *   them at read time, so events arriving late or out of order give the same result as in order.
 * - Idempotent. An event id seen before (a bounded ring) or an order id seen before changes nothing.
 * - Compact and JSON-serialisable (DynamoDB's 400 KB item limit): money in minor units (integers), times in
 *   epoch milliseconds, short keys, and the oldest whole purchase days folded into totals past
 *   `maxOrdersKept`.
 * - Bad input follows explicit rules and is counted in `issues`, never silently absorbed.
 */
import type {
  CampaignInteractionRecordedDetail,
  CustomerProfileChangedDetail,
  DeliveryDelayedDetail,
  LoyaltyEnrolledDetail,
  LoyaltyPointsChangedDetail,
  LoyaltyTierChangedDetail,
  OrderFulfilledDetail,
  OrderPlacedDetail,
  OrderReturnedDetail,
  ReturnRequestedDetail,
  TicketOpenedDetail,
  TicketResolvedDetail,
  TicketUpdatedDetail,
} from '../contracts/channel-events.js';
import type { ReasonCode } from '../contracts/common.js';
import { ChannelEventType } from '../contracts/names.js';
import type { KpiConfig } from './kpi.js';

export const DAY_MS = 86_400_000;

/** A channel event as the identity consumer hands it over: its detail-type and its validated detail. */
export type ChannelEvent =
  | {
      readonly detailType: typeof ChannelEventType.CustomerProfileCreated;
      readonly detail: CustomerProfileChangedDetail;
    }
  | {
      readonly detailType: typeof ChannelEventType.CustomerProfileUpdated;
      readonly detail: CustomerProfileChangedDetail;
    }
  | { readonly detailType: typeof ChannelEventType.OrderPlaced; readonly detail: OrderPlacedDetail }
  | { readonly detailType: typeof ChannelEventType.ReturnRequested; readonly detail: ReturnRequestedDetail }
  | { readonly detailType: typeof ChannelEventType.OrderReturned; readonly detail: OrderReturnedDetail }
  | { readonly detailType: typeof ChannelEventType.OrderFulfilled; readonly detail: OrderFulfilledDetail }
  | { readonly detailType: typeof ChannelEventType.DeliveryDelayed; readonly detail: DeliveryDelayedDetail }
  | { readonly detailType: typeof ChannelEventType.LoyaltyEnrolled; readonly detail: LoyaltyEnrolledDetail }
  | {
      readonly detailType: typeof ChannelEventType.LoyaltyPointsChanged;
      readonly detail: LoyaltyPointsChangedDetail;
    }
  | {
      readonly detailType: typeof ChannelEventType.LoyaltyTierChanged;
      readonly detail: LoyaltyTierChangedDetail;
    }
  | { readonly detailType: typeof ChannelEventType.TicketOpened; readonly detail: TicketOpenedDetail }
  | { readonly detailType: typeof ChannelEventType.TicketUpdated; readonly detail: TicketUpdatedDetail }
  | { readonly detailType: typeof ChannelEventType.TicketResolved; readonly detail: TicketResolvedDetail }
  | {
      readonly detailType: typeof ChannelEventType.CampaignInteractionRecorded;
      readonly detail: CampaignInteractionRecordedDetail;
    };

/** The explicit rules for bad or unusual input; each application is counted on the profile. */
export const AggregateIssue = {
  /** The event id was applied before: nothing changes, not even a counter (reported in the outcome only). */
  duplicateEvent: 'duplicateEvent',
  /** A second OrderPlaced for an order id already recorded (a re-sent order under a new event id): ignored. */
  duplicateOrder: 'duplicateOrder',
  /** An order line with a negative quantity: the line is excluded from revenue, cost, discount and units. */
  negativeQuantityLine: 'negativeQuantityLine',
  /** An order with no line left after exclusions: the order is rejected. */
  orderWithoutValidLines: 'orderWithoutValidLines',
  /** An order or return in a currency other than the profile's: excluded (no exchange rates in scoring). */
  currencyMismatch: 'currencyMismatch',
  /** Refunds on an order exceed what was paid for it: refunds are capped at the amount paid. */
  refundExceedsOrder: 'refundExceedsOrder',
  /** A return or delivery event for an order not (yet) seen: kept against the order id until it arrives. */
  eventForUnknownOrder: 'eventForUnknownOrder',
  /** An event older than the profile's first event: applied (aggregates are order-independent), counted. */
  olderThanFirstEvent: 'olderThanFirstEvent',
  /** An order older than the history folded away: it cannot be checked for duplication, so rejected. */
  beyondRetainedHistory: 'beyondRetainedHistory',
  /** A loyalty tier or balance older than the one held: counts kept, the newer state wins. */
  staleLoyaltyState: 'staleLoyaltyState',
  /** A return form with no readable order number: its reason is tallied, it counts as no order's return. */
  documentWithoutOrder: 'documentWithoutOrder',
} as const;
export type AggregateIssue = (typeof AggregateIssue)[keyof typeof AggregateIssue];

export interface ReturnEntry {
  /** requested or returned (completed). */
  s: 'q' | 'r';
  at: number;
  /** refund in minor units */
  m: number;
  u: number;
  why: ReasonCode;
}

export interface OrderEntry {
  /** placement time; absent while only a return, delay or fulfilment has arrived for the order */
  at?: number;
  ch?: string;
  /** net merchandise revenue (list x quantity - line discounts), minor units */
  rev: number;
  /** amount paid (order total), minor units */
  paid: number;
  /** cost of goods, minor units (estimated where a line has no unit cost: see `est`) */
  cost: number;
  est?: 1;
  disc: number;
  units: number;
  promo?: string[];
  camp?: string;
  ret?: Record<string, ReturnEntry>;
  /** worst reported delivery delay in days */
  delay?: number;
  /** fulfilled after the promised date */
  late?: 1;
}

export interface TicketEntry {
  opened?: number;
  resolved?: number;
  /** latest status: o open, p pending, e escalated, r resolved */
  st: 'o' | 'p' | 'e' | 'r';
  res?: 'solved' | 'unsolved' | 'duplicate';
  pri: 'low' | 'normal' | 'high' | 'urgent';
  esc?: 1;
  sent?: number;
  /** time of the latest status applied, so an older update never overwrites a newer one */
  u: number;
  ch: string;
}

export interface CampaignTouch {
  c: string;
  i: 'sent' | 'opened' | 'clicked' | 'redeemed';
  at: number;
  code?: string;
  order?: string;
}

/** Totals of the oldest whole purchase days folded out of `orders` to bound the item size. */
export interface FoldedHistory {
  orders: number;
  rev: number;
  paid: number;
  cost: number;
  disc: number;
  discounted: number;
  units: number;
  returnedOrders: number;
  refunds: number;
  returnedCost: number;
  returns: number;
  reasons: Partial<Record<ReasonCode, number>>;
  delayed: number;
  delayDays: number;
  /** distinct purchase days folded, and their spend (spend basis of the KPI config) */
  days: number;
  daySpend: number;
  firstDay: number;
  firstDaySpend: number;
  lastDay: number;
}

export interface ProfileAggregates {
  v: 1;
  currency?: string;
  firstEventAt?: number;
  lastEventAt?: number;
  orders: Record<string, OrderEntry>;
  folded?: FoldedHistory;
  tickets: Record<string, TicketEntry>;
  loyalty: {
    id?: string;
    enrolledAt?: number;
    tier?: string;
    tierAt?: number;
    points?: number;
    pointsAt?: number;
    earned: number;
    redeemed: number;
  };
  campaigns: { sent: number; opened: number; clicked: number; redeemed: number; touches: CampaignTouch[] };
  /** events per channel (orders, returns, tickets) */
  channels: Record<string, number>;
  /** recently applied event keys, oldest first */
  seen: string[];
  issues: Partial<Record<AggregateIssue, number>>;
  /** processed return forms and claim letters by document id (document-aggregates.ts); absent until the first */
  docs?: Record<string, DocumentEntry>;
  /** totals of the oldest documents dropped from `docs` to bound the item size */
  docsFolded?: FoldedDocuments;
}

/** One processed return form or claim letter (ReturnDocumentProcessed / ClaimDocumentProcessed). */
export interface DocumentEntry {
  /** r return form, c claim letter */
  k: 'r' | 'c';
  /** when the document was processed (the event's occurredAt), epoch ms */
  at: number;
  /** the order it names */
  o?: string;
  why?: ReasonCode;
  /** claimed or stated amount, minor units of `cur` */
  m?: number;
  cur?: string;
  /** a person confirmed or corrected its fields */
  rv?: 1;
  /** its order was folded into `folded`, which counts its return already */
  f?: 1;
}

export interface FoldedDocuments {
  returns: number;
  claims: number;
  /** claim amounts in the profile currency, minor units */
  claimAmount: number;
  reasons: Partial<Record<ReasonCode, number>>;
  claimReasons: Partial<Record<ReasonCode, number>>;
  /** the newest document folded: an older one arriving now cannot be checked for duplication */
  horizon: number;
}

export function emptyAggregates(): ProfileAggregates {
  return {
    v: 1,
    orders: {},
    tickets: {},
    loyalty: { earned: 0, redeemed: 0 },
    campaigns: { sent: 0, opened: 0, clicked: 0, redeemed: 0, touches: [] },
    channels: {},
    seen: [],
    issues: {},
  };
}

export interface ApplyResult {
  readonly aggregates: ProfileAggregates;
  readonly outcome: 'applied' | 'duplicate' | 'rejected';
  readonly issues: readonly AggregateIssue[];
}

export const minor = (amount: number): number => Math.round(amount * 100);
export const dayOf = (epochMs: number): number => Math.floor(epochMs / DAY_MS);

/**
 * Applies one channel event to a customer's aggregates and returns the new aggregates (the input is not
 * modified). Same event twice: the second returns `duplicate` and equal aggregates.
 */
export function applyChannelEvent(
  current: ProfileAggregates | undefined,
  event: ChannelEvent,
  kpi: KpiConfig,
): ApplyResult {
  const base = current ?? emptyAggregates();
  const detail = event.detail;
  const key = `${event.detailType}:${detail.customer.sourceSystem}:${detail.eventId}`;
  if (base.seen.includes(key)) {
    // Exactly nothing changes (so the caller can skip the write); the outcome tells the caller it was a repeat.
    return { aggregates: base, outcome: 'duplicate', issues: [AggregateIssue.duplicateEvent] };
  }
  const agg = structuredClone(base);
  const issues: AggregateIssue[] = [];
  const flag = (issue: AggregateIssue) => {
    issues.push(issue);
    count(agg, issue);
  };
  const at = Date.parse(detail.occurredAt);
  if (!Number.isFinite(at)) throw new Error(`event ${detail.eventId}: occurredAt is not a timestamp`);

  let outcome: ApplyResult['outcome'] = 'applied';
  switch (event.detailType) {
    case ChannelEventType.OrderPlaced:
      outcome = applyOrder(agg, event.detail, at, kpi, flag);
      break;
    case ChannelEventType.ReturnRequested:
    case ChannelEventType.OrderReturned:
      outcome = applyReturn(agg, event.detail, event.detailType === ChannelEventType.OrderReturned, at, flag);
      break;
    case ChannelEventType.DeliveryDelayed: {
      const order = orderFor(agg, event.detail.orderId, flag);
      order.delay = Math.max(order.delay ?? 0, event.detail.delayDays);
      break;
    }
    case ChannelEventType.OrderFulfilled: {
      const order = orderFor(agg, event.detail.orderId, flag);
      const promised = event.detail.promisedBy ? Date.parse(event.detail.promisedBy) : undefined;
      const fulfilled = Date.parse(event.detail.fulfilledAt);
      if (promised !== undefined && fulfilled > promised) {
        order.late = 1;
        order.delay = Math.max(order.delay ?? 0, Math.ceil((fulfilled - promised) / DAY_MS));
      }
      break;
    }
    case ChannelEventType.LoyaltyEnrolled:
      agg.loyalty.id = event.detail.loyaltyId;
      agg.loyalty.enrolledAt = Math.min(agg.loyalty.enrolledAt ?? at, at);
      if (event.detail.tier) setTier(agg, event.detail.tier, at, flag);
      break;
    case ChannelEventType.LoyaltyTierChanged:
      agg.loyalty.id ??= event.detail.loyaltyId;
      setTier(agg, event.detail.toTier, at, flag);
      break;
    case ChannelEventType.LoyaltyPointsChanged: {
      const { delta, balance } = event.detail;
      if (delta > 0) agg.loyalty.earned += delta;
      else agg.loyalty.redeemed += -delta;
      agg.loyalty.id ??= event.detail.loyaltyId;
      if (agg.loyalty.pointsAt !== undefined && at < agg.loyalty.pointsAt)
        flag(AggregateIssue.staleLoyaltyState);
      else {
        agg.loyalty.points = balance;
        agg.loyalty.pointsAt = at;
      }
      break;
    }
    case ChannelEventType.TicketOpened:
    case ChannelEventType.TicketUpdated:
    case ChannelEventType.TicketResolved:
      applyTicket(agg, event, at);
      break;
    case ChannelEventType.CampaignInteractionRecorded: {
      const d = event.detail;
      agg.campaigns[d.interaction] += 1;
      const touch: CampaignTouch = { c: d.campaignId, i: d.interaction, at };
      if (d.promotionCode) touch.code = d.promotionCode;
      if (d.orderId) touch.order = d.orderId;
      agg.campaigns.touches.push(touch);
      agg.campaigns.touches.sort((a, b) => a.at - b.at);
      if (agg.campaigns.touches.length > kpi.maxCampaignTouchesKept) {
        agg.campaigns.touches.splice(0, agg.campaigns.touches.length - kpi.maxCampaignTouchesKept);
      }
      break;
    }
    case ChannelEventType.CustomerProfileCreated:
    case ChannelEventType.CustomerProfileUpdated:
      // Identity attributes are identity's business; analytics only notes that the customer exists.
      break;
    default: {
      const never: never = event;
      throw new Error(
        `analytics has no rule for detail-type ${(never as { detailType: string }).detailType}`,
      );
    }
  }

  if (outcome !== 'rejected') {
    if (agg.firstEventAt !== undefined && at < agg.firstEventAt) flag(AggregateIssue.olderThanFirstEvent);
    agg.firstEventAt = Math.min(agg.firstEventAt ?? at, at);
    agg.lastEventAt = Math.max(agg.lastEventAt ?? at, at);
  }
  // A rejected event is remembered too, so its redelivery is a duplicate rather than a second rejection count.
  agg.seen.push(key);
  if (agg.seen.length > kpi.maxEventIdsKept) agg.seen.splice(0, agg.seen.length - kpi.maxEventIdsKept);
  if (Object.keys(agg.orders).length > kpi.maxOrdersKept) foldOldestDays(agg, kpi);
  return { aggregates: agg, outcome, issues };
}

function count(agg: ProfileAggregates, issue: AggregateIssue): void {
  agg.issues[issue] = (agg.issues[issue] ?? 0) + 1;
}

function bumpChannel(agg: ProfileAggregates, channel: string | undefined): void {
  if (channel) agg.channels[channel] = (agg.channels[channel] ?? 0) + 1;
}

function orderFor(agg: ProfileAggregates, orderId: string, flag: (i: AggregateIssue) => void): OrderEntry {
  let order = agg.orders[orderId];
  if (!order) {
    flag(AggregateIssue.eventForUnknownOrder);
    order = { rev: 0, paid: 0, cost: 0, disc: 0, units: 0 };
    agg.orders[orderId] = order;
  }
  return order;
}

function applyOrder(
  agg: ProfileAggregates,
  d: OrderPlacedDetail,
  at: number,
  kpi: KpiConfig,
  flag: (i: AggregateIssue) => void,
): ApplyResult['outcome'] {
  const existing = agg.orders[d.orderId];
  if (existing?.at !== undefined) {
    flag(AggregateIssue.duplicateOrder);
    return 'rejected';
  }
  if (!existing && agg.folded && dayOf(at) <= agg.folded.lastDay) {
    flag(AggregateIssue.beyondRetainedHistory);
    return 'rejected';
  }
  if (agg.currency !== undefined && d.currency !== agg.currency) {
    flag(AggregateIssue.currencyMismatch);
    return 'rejected';
  }
  let rev = 0;
  let cost = 0;
  let disc = 0;
  let units = 0;
  let estimated = false;
  let validLines = 0;
  for (const line of d.lines) {
    if (line.quantity < 0) {
      flag(AggregateIssue.negativeQuantityLine);
      continue;
    }
    validLines += 1;
    const net = line.unitPrice * line.quantity - (line.discount ?? 0);
    rev += net;
    disc += line.discount ?? 0;
    units += line.quantity;
    if (line.unitCost === undefined) {
      estimated = true;
      cost += Math.max(net, 0) * kpi.defaultCostRatio;
    } else cost += line.unitCost * line.quantity;
  }
  if (validLines === 0) {
    flag(AggregateIssue.orderWithoutValidLines);
    return 'rejected';
  }
  agg.currency ??= d.currency;
  const order: OrderEntry = existing ?? { rev: 0, paid: 0, cost: 0, disc: 0, units: 0 };
  order.at = at;
  order.ch = d.channel;
  order.rev = minor(rev);
  order.paid = minor(d.total);
  order.cost = minor(cost);
  order.disc = minor(disc);
  order.units = units;
  if (estimated) order.est = 1;
  if (d.promotionCodes && d.promotionCodes.length > 0) order.promo = [...d.promotionCodes];
  if (d.campaignId) order.camp = d.campaignId;
  agg.orders[d.orderId] = order;
  bumpChannel(agg, d.channel);
  if (refundsOf(order) > order.paid) flag(AggregateIssue.refundExceedsOrder);
  return 'applied';
}

function refundsOf(order: OrderEntry): number {
  let total = 0;
  for (const r of Object.values(order.ret ?? {})) total += r.m;
  return total;
}

function applyReturn(
  agg: ProfileAggregates,
  d: ReturnRequestedDetail | OrderReturnedDetail,
  completed: boolean,
  at: number,
  flag: (i: AggregateIssue) => void,
): ApplyResult['outcome'] {
  if (agg.currency !== undefined && d.currency !== agg.currency) {
    flag(AggregateIssue.currencyMismatch);
    return 'rejected';
  }
  const order = orderFor(agg, d.orderId, flag);
  order.ret ??= {};
  const previous = order.ret[d.returnId];
  // A completed return supersedes its request; a late request never downgrades a completed return.
  if (previous?.s === 'r' && !completed) return 'applied';
  const units = d.lines.reduce((sum, l) => sum + l.quantity, 0);
  order.ret[d.returnId] = { s: completed ? 'r' : 'q', at, m: minor(d.refundAmount), u: units, why: d.reason };
  bumpChannel(agg, d.channel);
  if (order.at !== undefined && refundsOf(order) > order.paid) flag(AggregateIssue.refundExceedsOrder);
  return 'applied';
}

function setTier(agg: ProfileAggregates, tier: string, at: number, flag: (i: AggregateIssue) => void): void {
  if (agg.loyalty.tierAt !== undefined && at < agg.loyalty.tierAt) {
    flag(AggregateIssue.staleLoyaltyState);
    return;
  }
  agg.loyalty.tier = tier;
  agg.loyalty.tierAt = at;
}

function applyTicket(
  agg: ProfileAggregates,
  event: Extract<
    ChannelEvent,
    { detailType: 'TicketOpened' } | { detailType: 'TicketUpdated' } | { detailType: 'TicketResolved' }
  >,
  at: number,
): void {
  const d = event.detail;
  const existing = agg.tickets[d.ticketId];
  const ticket: TicketEntry = existing ?? {
    st: 'o',
    pri: d.priority,
    u: Number.NEGATIVE_INFINITY,
    ch: d.channel,
  };
  if (existing === undefined) bumpChannel(agg, d.channel);
  if (d.escalated) ticket.esc = 1;
  if (event.detailType === ChannelEventType.TicketOpened) ticket.opened = Math.min(ticket.opened ?? at, at);
  if (event.detailType === ChannelEventType.TicketResolved) {
    ticket.resolved = Math.max(ticket.resolved ?? at, at);
    ticket.res = event.detail.resolution;
  }
  if (event.detailType === ChannelEventType.TicketUpdated && event.detail.status === 'escalated')
    ticket.esc = 1;
  // Status, priority and sentiment follow the newest event; a resolution is final unless reopened later.
  if (at >= ticket.u) {
    ticket.u = at;
    ticket.pri = d.priority;
    if (d.sentiment !== undefined) ticket.sent = d.sentiment;
    if (event.detailType === ChannelEventType.TicketResolved) ticket.st = 'r';
    else if (event.detailType === ChannelEventType.TicketUpdated) {
      ticket.st = event.detail.status === 'pending' ? 'p' : event.detail.status === 'escalated' ? 'e' : 'o';
    } else if (ticket.resolved === undefined) ticket.st = 'o';
  }
  if (!Number.isFinite(ticket.u)) ticket.u = at;
  agg.tickets[d.ticketId] = ticket;
}

/** Spend of one order for the repeat-purchase summary, per the KPI spend basis (minor units). */
export const orderSpend = (order: OrderEntry, kpi: KpiConfig): number =>
  kpi.spendBasis === 'total' ? order.paid : order.rev;

/** Refunds that count for an order: never more than was paid for it (rule refundExceedsOrder). */
export function countedRefunds(order: OrderEntry): {
  refunds: number;
  completed: number;
  returnedCost: number;
} {
  let completedRefunds = 0;
  let completed = 0;
  let returnedUnits = 0;
  for (const r of Object.values(order.ret ?? {})) {
    if (r.s !== 'r') continue;
    completed += 1;
    completedRefunds += r.m;
    returnedUnits += r.u;
  }
  const refunds = order.at === undefined ? completedRefunds : Math.min(completedRefunds, order.paid);
  const unitCost = order.units > 0 ? order.cost / order.units : 0;
  return { refunds, completed, returnedCost: Math.min(returnedUnits, order.units) * unitCost };
}

/**
 * Return forms of each order still kept in detail, by order id: what `effectiveReturns` needs. Forms naming an
 * order the profile has no entry for are not included (they count as unlinked, see metrics.ts).
 */
export function returnDocumentsByOrder(agg: ProfileAggregates): Map<string, DocumentEntry[]> {
  const byOrder = new Map<string, DocumentEntry[]>();
  for (const doc of Object.values(agg.docs ?? {})) {
    if (doc.k !== 'r' || doc.f || doc.o === undefined || agg.orders[doc.o] === undefined) continue;
    const list = byOrder.get(doc.o);
    if (list) list.push(doc);
    else byOrder.set(doc.o, [doc]);
  }
  return byOrder;
}

/**
 * The completed returns of one order as the KPIs count them, joining the channel's returns and the processed
 * return forms for the order. Derived at read time, so it is the same whichever arrives first.
 * - The channel reported a completed return (OrderReturned): a form is that return's paperwork, not a second
 *   return. It adds only its reason, and only where the channel gave none ('other').
 * - No completed return from the channel: each form is a documented return of the order, with its reason
 *   (the retailer received the paperwork; a channel without a returns feed still shows its returns).
 * Refunds come from the channel only: a form states what the customer asks for, not what was paid back.
 */
export function effectiveReturns(
  order: OrderEntry,
  forms: readonly DocumentEntry[] = [],
): { completed: number; documented: number; reasons: ReasonCode[] } {
  const reasons: ReasonCode[] = [];
  for (const r of Object.values(order.ret ?? {})) if (r.s === 'r') reasons.push(r.why);
  if (reasons.length > 0) {
    for (const form of forms) {
      const unspecified = form.why === undefined || form.why === 'other' ? -1 : reasons.indexOf('other');
      if (unspecified >= 0) reasons[unspecified] = form.why as ReasonCode;
    }
    return { completed: reasons.length, documented: 0, reasons };
  }
  for (const form of forms) reasons.push(form.why ?? 'other');
  return { completed: forms.length, documented: forms.length, reasons };
}

/** Folds the oldest whole purchase days into `folded` until the order map is back under its bound. */
function foldOldestDays(agg: ProfileAggregates, kpi: KpiConfig): void {
  const placed = Object.entries(agg.orders)
    .filter((entry): entry is [string, OrderEntry & { at: number }] => entry[1].at !== undefined)
    .sort((a, b) => a[1].at - b[1].at);
  const folded: FoldedHistory = agg.folded ?? {
    orders: 0,
    rev: 0,
    paid: 0,
    cost: 0,
    disc: 0,
    discounted: 0,
    units: 0,
    returnedOrders: 0,
    refunds: 0,
    returnedCost: 0,
    returns: 0,
    reasons: {},
    delayed: 0,
    delayDays: 0,
    days: 0,
    daySpend: 0,
    firstDay: Number.POSITIVE_INFINITY,
    firstDaySpend: 0,
    lastDay: Number.NEGATIVE_INFINITY,
  };
  // Fold a tenth more than needed so the sort and fold run once per many events, not on every one.
  let excess = Object.keys(agg.orders).length - Math.floor(kpi.maxOrdersKept * 0.9);
  const forms = returnDocumentsByOrder(agg);
  let i = 0;
  while (excess > 0 && i < placed.length) {
    const day = dayOf(placed[i]![1].at);
    let daySpend = 0;
    while (i < placed.length && dayOf(placed[i]![1].at) === day) {
      const [id, order] = placed[i]!;
      folded.orders += 1;
      folded.rev += order.rev;
      folded.paid += order.paid;
      folded.cost += order.cost;
      folded.disc += order.disc;
      if (order.disc > 0) folded.discounted += 1;
      folded.units += order.units;
      const r = countedRefunds(order);
      const returned = effectiveReturns(order, forms.get(id));
      if (returned.completed > 0) folded.returnedOrders += 1;
      folded.refunds += r.refunds;
      folded.returnedCost += r.returnedCost;
      folded.returns += returned.completed;
      for (const why of returned.reasons) folded.reasons[why] = (folded.reasons[why] ?? 0) + 1;
      // Its forms are now counted in the folded totals; kept (marked) so a redelivery stays a duplicate.
      for (const form of forms.get(id) ?? []) form.f = 1;
      if (order.delay !== undefined && order.delay > 0) {
        folded.delayed += 1;
        folded.delayDays += order.delay;
      }
      daySpend += orderSpend(order, kpi);
      delete agg.orders[id];
      excess -= 1;
      i += 1;
    }
    if (folded.days === 0) {
      folded.firstDay = day;
      folded.firstDaySpend = daySpend;
    } else folded.daySpend += daySpend;
    folded.days += 1;
    folded.lastDay = day;
  }
  agg.folded = folded;
}
