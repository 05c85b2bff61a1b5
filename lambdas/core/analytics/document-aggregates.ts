/**
 * Processed return forms and claim letters (issue 5) in the profile aggregates. The documents workflow emits
 * ReturnDocumentProcessed / ClaimDocumentProcessed once a document's fields are certain (read with enough
 * confidence, or confirmed by a person); the identity consumer applies them here, in the same pass that
 * updates the rest of the profile.
 *
 * Rules (each counted where it applies):
 * - Idempotent per document id: a redelivery, a replay, or the same document re-emitted under a new event id
 *   changes nothing (the first processed version is kept).
 * - Order-independent: the entry is kept per document, and what it adds to the KPIs is derived at read time
 *   (`effectiveReturns` in aggregates.ts, `documentMetrics` below), so a form arriving before or after the
 *   channel's OrderReturned gives the same result.
 * - A return form for an order the channel already reported returned is that return's paperwork, not a
 *   second return: it adds its reason only where the channel gave none ('other'). Without a channel return,
 *   it counts as a documented return of the order. It never adds a refund.
 * - A return form without an order number: reason tallied, no order's return (documentWithoutOrder).
 * - A claim letter always adds one claim, its reason, and its amount when in the profile currency
 *   (otherwise counted, amount excluded: currencyMismatch).
 * - Past `maxDocumentsKept` the oldest documents fold into totals; a document older than the folded ones is
 *   rejected, because it can no longer be checked for duplication (beyondRetainedHistory).
 */
import type { ReasonCode } from '../contracts/common.js';
import { InternalEventType } from '../contracts/names.js';
import type { ProcessedDocumentEvent } from '../documents/processed-event.js';
import {
  AggregateIssue,
  type ApplyResult,
  DAY_MS,
  type DocumentEntry,
  emptyAggregates,
  type FoldedDocuments,
  minor,
  type ProfileAggregates,
} from './aggregates.js';
import type { KpiConfig } from './kpi.js';

/** A processed document event as the identity consumer hands it over (detail validated against its contract). */
export type DocumentEvent = ProcessedDocumentEvent;

export const DOCUMENT_EVENT_TYPES: readonly string[] = [
  InternalEventType.ReturnDocumentProcessed,
  InternalEventType.ClaimDocumentProcessed,
];

export function isDocumentEvent(event: { readonly detailType: string }): event is DocumentEvent {
  return DOCUMENT_EVENT_TYPES.includes(event.detailType);
}

/** Documents kept in detail per profile; older ones fold into totals (item size). */
export const DEFAULT_MAX_DOCUMENTS_KEPT = 100;

/**
 * Applies one processed document to a customer's aggregates and returns the new aggregates (the input is
 * not modified). The same document id twice: the second returns `duplicate` and the same aggregates.
 */
export function applyDocumentEvent(
  current: ProfileAggregates | undefined,
  event: DocumentEvent,
  kpi: KpiConfig,
  maxDocumentsKept = DEFAULT_MAX_DOCUMENTS_KEPT,
): ApplyResult {
  const base = current ?? emptyAggregates();
  const d = event.detail;
  const key = `doc:${d.documentId}`;
  if (base.docs?.[d.documentId] !== undefined || base.seen.includes(key)) {
    return { aggregates: base, outcome: 'duplicate', issues: [AggregateIssue.duplicateEvent] };
  }
  const at = Date.parse(d.occurredAt);
  if (!Number.isFinite(at)) throw new Error(`document event ${d.eventId}: occurredAt is not a timestamp`);
  const agg = structuredClone(base);
  const issues: AggregateIssue[] = [];
  const flag = (issue: AggregateIssue) => {
    issues.push(issue);
    agg.issues[issue] = (agg.issues[issue] ?? 0) + 1;
  };
  const remember = () => {
    agg.seen.push(key);
    if (agg.seen.length > kpi.maxEventIdsKept) agg.seen.splice(0, agg.seen.length - kpi.maxEventIdsKept);
  };
  if (agg.docsFolded && at <= agg.docsFolded.horizon) {
    flag(AggregateIssue.beyondRetainedHistory);
    remember();
    return { aggregates: agg, outcome: 'rejected', issues };
  }
  const isReturn = event.detailType === InternalEventType.ReturnDocumentProcessed;
  const entry: DocumentEntry = { k: isReturn ? 'r' : 'c', at };
  if (d.orderId) entry.o = d.orderId;
  if (d.reason) entry.why = d.reason;
  if (d.amount !== undefined) {
    entry.m = minor(d.amount);
    if (d.currency) entry.cur = d.currency;
    if (d.currency && agg.currency !== undefined && d.currency !== agg.currency) {
      flag(AggregateIssue.currencyMismatch);
    }
  }
  if (d.reviewed) entry.rv = 1;
  if (isReturn && !d.orderId) flag(AggregateIssue.documentWithoutOrder);
  agg.docs ??= {};
  agg.docs[d.documentId] = entry;
  remember();
  if (Object.keys(agg.docs).length > maxDocumentsKept) foldOldestDocuments(agg, maxDocumentsKept);
  return { aggregates: agg, outcome: 'applied', issues };
}

/** Does a stated amount count in this profile's currency? (No exchange rates in scoring.) */
const inProfileCurrency = (agg: ProfileAggregates, doc: DocumentEntry): boolean =>
  doc.cur === undefined || agg.currency === undefined || doc.cur === agg.currency;

function foldOldestDocuments(agg: ProfileAggregates, maxDocumentsKept: number): void {
  const docs = agg.docs ?? {};
  const oldest = Object.entries(docs).sort((a, b) => a[1].at - b[1].at);
  const folded: FoldedDocuments = agg.docsFolded ?? {
    returns: 0,
    claims: 0,
    claimAmount: 0,
    reasons: {},
    claimReasons: {},
    horizon: Number.NEGATIVE_INFINITY,
  };
  // A tenth below the bound, so folding runs once per many documents.
  let excess = oldest.length - Math.floor(maxDocumentsKept * 0.9);
  for (const [id, doc] of oldest) {
    if (excess <= 0) break;
    if (doc.k === 'c') {
      folded.claims += 1;
      if (doc.m !== undefined && inProfileCurrency(agg, doc)) folded.claimAmount += doc.m;
      if (doc.why) folded.claimReasons[doc.why] = (folded.claimReasons[doc.why] ?? 0) + 1;
    } else if (!doc.f) {
      // A form whose order is still kept in detail loses its link: it stays counted as a documented return
      // with its reason (the approximation of folding, only past `maxDocumentsKept` documents).
      folded.returns += 1;
      const why = doc.why ?? 'other';
      folded.reasons[why] = (folded.reasons[why] ?? 0) + 1;
    }
    folded.horizon = Math.max(folded.horizon, doc.at);
    delete docs[id];
    excess -= 1;
  }
  agg.docsFolded = folded;
}

/** What processed documents add to a profile's KPIs (money in major units of the profile currency). */
export interface DocumentMetrics {
  /** processed return forms (including folded ones) */
  readonly returnForms: number;
  /** return forms that name no order the profile knows: reason tallied, no order's return */
  readonly unlinkedReturnForms: number;
  readonly claims: number;
  /** claim amounts in the profile currency */
  readonly claimAmount: number;
  /** claims whose amount is in another currency: counted, amount excluded */
  readonly claimsInOtherCurrency: number;
  readonly claimReasons: Partial<Record<ReasonCode, number>>;
  /** reasons of return forms that name no known order (the others are in the returns' reasons) */
  readonly unlinkedReturnReasons: Partial<Record<ReasonCode, number>>;
  /** claims processed within `recentDays` before `asOf` */
  readonly recentClaims: number;
}

export function documentMetrics(agg: ProfileAggregates, asOf: Date, recentDays = 90): DocumentMetrics {
  const f = agg.docsFolded;
  let returnForms = f?.returns ?? 0;
  let unlinked = f?.returns ?? 0;
  let claims = f?.claims ?? 0;
  let claimAmount = f?.claimAmount ?? 0;
  let otherCurrency = 0;
  let recentClaims = 0;
  const claimReasons: Partial<Record<ReasonCode, number>> = { ...(f?.claimReasons ?? {}) };
  const unlinkedReasons: Partial<Record<ReasonCode, number>> = { ...(f?.reasons ?? {}) };
  const recentFrom = asOf.getTime() - recentDays * DAY_MS;
  for (const doc of Object.values(agg.docs ?? {})) {
    if (doc.k === 'c') {
      claims += 1;
      if (doc.at >= recentFrom && doc.at <= asOf.getTime()) recentClaims += 1;
      if (doc.why) claimReasons[doc.why] = (claimReasons[doc.why] ?? 0) + 1;
      if (doc.m === undefined) continue;
      if (inProfileCurrency(agg, doc)) claimAmount += doc.m;
      else otherCurrency += 1;
      continue;
    }
    returnForms += 1;
    if (doc.f || (doc.o !== undefined && agg.orders[doc.o] !== undefined)) continue;
    unlinked += 1;
    if (doc.why) unlinkedReasons[doc.why] = (unlinkedReasons[doc.why] ?? 0) + 1;
  }
  return {
    returnForms,
    unlinkedReturnForms: unlinked,
    claims,
    claimAmount: Math.round(claimAmount) / 100,
    claimsInOtherCurrency: otherCurrency,
    claimReasons,
    unlinkedReturnReasons: unlinkedReasons,
    recentClaims,
  };
}
