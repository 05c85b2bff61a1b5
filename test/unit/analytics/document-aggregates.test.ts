import { describe, expect, it } from 'vitest';
import {
  AggregateIssue,
  applyChannelEvent,
  type ChannelEvent,
  type ProfileAggregates,
} from '../../../lambdas/core/analytics/aggregates.js';
import { cdnowEvents } from '../../../lambdas/core/analytics/cdnow.js';
import {
  applyDocumentEvent,
  type DocumentEvent,
  isDocumentEvent,
} from '../../../lambdas/core/analytics/document-aggregates.js';
import { kpiConfig } from '../../../lambdas/core/analytics/kpi.js';
import { profileMetrics } from '../../../lambdas/core/analytics/metrics.js';
import { fitModels, scoreProfile } from '../../../lambdas/core/analytics/models.js';
import { mergeAggregates } from '../../../lambdas/core/analytics/profile-analytics.js';
import { InMemoryAggregateSink } from '../../../lambdas/core/analytics/profile-sink.js';
import type { ReasonCode } from '../../../lambdas/core/contracts/common.js';
import { parseProcessedDocumentEvent } from '../../../lambdas/core/documents/processed-event.js';
import { sampleLines } from './cdnow-data.js';
import { orderPlaced, orderReturned } from './events.js';

const kpi = kpiConfig();
const asOf = new Date('2025-06-01T00:00:00Z');
let n = 0;

function document(
  kind: 'return' | 'claim',
  spec: {
    documentId?: string;
    orderId?: string;
    reason?: ReasonCode;
    amount?: number;
    currency?: string;
    at?: string;
  },
): DocumentEvent {
  n += 1;
  const detail = {
    schemaVersion: 1,
    eventId: `doc-evt-${n}`,
    occurredAt: spec.at ?? '2025-05-01T12:00:00Z',
    documentId: spec.documentId ?? `doc-${n}`,
    customerId: 'cus_0000000001',
    ...(spec.orderId ? { orderId: spec.orderId } : {}),
    ...(spec.reason ? { reason: spec.reason } : {}),
    ...(spec.amount !== undefined ? { amount: spec.amount, currency: spec.currency ?? 'EUR' } : {}),
    reviewed: false,
  };
  return parseProcessedDocumentEvent(kind, detail);
}

function applyAll(events: readonly (ChannelEvent | DocumentEvent)[]): ProfileAggregates {
  let agg: ProfileAggregates | undefined;
  for (const e of events) {
    agg = isDocumentEvent(e)
      ? applyDocumentEvent(agg, e, kpi).aggregates
      : applyChannelEvent(agg, e, kpi).aggregates;
  }
  return agg!;
}

/** An OrderReturned whose channel gave no specific reason ('other'). */
function returnedWithoutReason(orderId: string, at: string): ChannelEvent {
  const event = orderReturned({ orderId, at, refund: 40 });
  return { ...event, detail: { ...event.detail, reason: 'other' } } as ChannelEvent;
}

describe('processed return forms in the profile aggregates', () => {
  it('adds the reason to a return the channel reported without one, and is not a second return, in either order', () => {
    // Prepare
    const order = orderPlaced({ orderId: 'o-1', at: '2025-04-01T10:00:00Z' });
    const channel = returnedWithoutReason('o-1', '2025-04-20T10:00:00Z');
    const form = document('return', { orderId: 'o-1', reason: 'damaged' });
    // Act
    const formLast = profileMetrics(applyAll([order, channel, form]), kpi, asOf);
    const formFirst = profileMetrics(applyAll([form, order, channel]), kpi, asOf);
    // Assess
    expect(formLast.returns).toMatchObject({ completed: 1, returnedOrders: 1, refunds: 40, documented: 0 });
    expect(formLast.returns.reasons).toEqual({ damaged: 1 });
    expect(formFirst.returns).toEqual(formLast.returns);
  });

  it("keeps the channel's own reason when it gave one", () => {
    // Prepare: the channel says size or fit; the customer's form says changed mind.
    const events = [
      orderPlaced({ orderId: 'o-2', at: '2025-04-01T10:00:00Z' }),
      orderReturned({ orderId: 'o-2', at: '2025-04-20T10:00:00Z', refund: 40 }),
      document('return', { orderId: 'o-2', reason: 'changed_mind' }),
    ];
    // Act
    const metrics = profileMetrics(applyAll(events), kpi, asOf);
    // Assess
    expect(metrics.returns.completed).toBe(1);
    expect(metrics.returns.reasons).toEqual({ size_or_fit: 1 });
  });

  it('counts a form for an order the channel never reported returned as a documented return, without a refund', () => {
    // Prepare
    const events = [
      orderPlaced({ orderId: 'o-3', at: '2025-04-01T10:00:00Z' }),
      orderPlaced({ orderId: 'o-4', at: '2025-04-02T10:00:00Z' }),
      document('return', { orderId: 'o-3', reason: 'wrong_item', amount: 50 }),
    ];
    // Act
    const metrics = profileMetrics(applyAll(events), kpi, asOf);
    // Assess
    expect(metrics.returns).toMatchObject({ completed: 1, returnedOrders: 1, documented: 1, refunds: 0 });
    expect(metrics.returns.rate).toBe(0.5);
    expect(metrics.returns.reasons).toEqual({ wrong_item: 1 });
  });

  it('tallies the reason of a form without an order number, counted, but returns no order', () => {
    // Prepare
    const order = orderPlaced({ orderId: 'o-5', at: '2025-04-01T10:00:00Z' });
    // Act
    const result = applyDocumentEvent(
      applyAll([order]),
      document('return', { reason: 'late_delivery' }),
      kpi,
    );
    const metrics = profileMetrics(result.aggregates, kpi, asOf);
    // Assess
    expect(result.issues).toEqual([AggregateIssue.documentWithoutOrder]);
    expect(result.aggregates.issues.documentWithoutOrder).toBe(1);
    expect(metrics.returns.returnedOrders).toBe(0);
    expect(metrics.returns.reasons).toEqual({ late_delivery: 1 });
    expect(metrics.documents.unlinkedReturnForms).toBe(1);
  });
});

describe('processed claim letters in the profile aggregates', () => {
  it('adds one claim with its amount and reason; the same document again changes nothing', () => {
    // Prepare
    const order = orderPlaced({ orderId: 'o-6', at: '2025-04-01T10:00:00Z' });
    const claim = document('claim', {
      documentId: 'claim-1',
      orderId: 'o-6',
      reason: 'damaged',
      amount: 180.5,
    });
    const before = applyAll([order, claim]);
    // A replay of the same document under a new event id (a re-run of the workflow).
    const replay = { ...claim, detail: { ...claim.detail, eventId: 'another-event' } } as DocumentEvent;
    // Act
    const again = applyDocumentEvent(before, replay, kpi);
    const metrics = profileMetrics(before, kpi, asOf);
    // Assess
    expect(again.outcome).toBe('duplicate');
    expect(again.aggregates).toEqual(before);
    expect(metrics.documents).toMatchObject({ claims: 1, claimAmount: 180.5, claimReasons: { damaged: 1 } });
  });

  it('counts a claim in another currency but leaves its amount out', () => {
    // Prepare
    const events = [
      orderPlaced({ orderId: 'o-7', at: '2025-04-01T10:00:00Z', currency: 'EUR' }),
      document('claim', { amount: 30, currency: 'EUR' }),
    ];
    // Act
    const result = applyDocumentEvent(
      applyAll(events),
      document('claim', { amount: 99, currency: 'USD' }),
      kpi,
    );
    const metrics = profileMetrics(result.aggregates, kpi, asOf);
    // Assess
    expect(result.issues).toEqual([AggregateIssue.currencyMismatch]);
    expect(metrics.documents).toMatchObject({ claims: 2, claimAmount: 30, claimsInOtherCurrency: 1 });
  });

  it('keeps documents both profiles hold once when profiles merge', () => {
    // Prepare
    const shared = document('claim', { documentId: 'claim-shared', amount: 20 });
    const a = applyAll([orderPlaced({ orderId: 'o-8', at: '2025-04-01T10:00:00Z' }), shared]);
    const b = applyAll([shared, document('claim', { amount: 5 })]);
    // Act
    const merged = profileMetrics(mergeAggregates(a, b, kpi), kpi, asOf);
    // Assess
    expect(merged.documents).toMatchObject({ claims: 2, claimAmount: 25 });
  });

  it('folds the oldest documents into totals past the bound, and rejects one older than those', () => {
    // Prepare: five claims on five days, at most four kept in detail
    let agg: ProfileAggregates | undefined;
    for (let day = 1; day <= 5; day++) {
      const claim = document('claim', { amount: 10, reason: 'damaged', at: `2025-05-0${day}T12:00:00Z` });
      agg = applyDocumentEvent(agg, claim, kpi, 4).aggregates;
    }
    // Act
    const late = applyDocumentEvent(
      agg,
      document('claim', { amount: 10, at: '2025-04-30T12:00:00Z' }),
      kpi,
      4,
    );
    const metrics = profileMetrics(late.aggregates, kpi, asOf);
    // Assess: fewer kept in detail, none lost from the totals, the late one refused with its reason
    expect(Object.keys(late.aggregates.docs ?? {}).length).toBeLessThan(4);
    expect(late.outcome).toBe('rejected');
    expect(late.issues).toEqual([AggregateIssue.beyondRetainedHistory]);
    expect(metrics.documents).toMatchObject({ claims: 5, claimAmount: 50, claimReasons: { damaged: 5 } });
  });

  it('raises service friction for a recent claim', async () => {
    // Prepare
    const sink = new InMemoryAggregateSink(kpi);
    for await (const e of cdnowEvents(sampleLines())) await sink.accept(e);
    const profiles: ProfileAggregates[] = [];
    for await (const p of sink.profiles()) profiles.push(p.aggregates);
    const models = await fitModels(profiles, {
      asOf: new Date('1997-09-30T00:00:00Z'),
      kpi,
      fittedAt: new Date('2026-01-01T00:00:00Z'),
    });
    const orders = [orderPlaced({ orderId: 'o-9', at: '2025-04-10T10:00:00Z' })];
    // Act
    const before = scoreProfile(applyAll(orders), models, kpi, asOf);
    const after = scoreProfile(
      applyAll([...orders, document('claim', { orderId: 'o-9', reason: 'damaged', amount: 60 })]),
      models,
      kpi,
      asOf,
    );
    // Assess
    expect(after.scores.serviceFriction).toBeGreaterThan((before.scores.serviceFriction ?? 0) + 0.1);
    expect(after.evidence.join(' ')).toMatch(/1 claims in 90 days/);
  });
});
