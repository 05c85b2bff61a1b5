import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kpiConfig } from '../../../lambdas/core/analytics/kpi.js';
import { profileMetrics } from '../../../lambdas/core/analytics/metrics.js';
import { InternalEventType } from '../../../lambdas/core/contracts/names.js';
import { type LocalDynamo, startLocalDynamo } from '../../../local/dynamodb.js';
import { context, identityConsumer, orderPlaced, personAcrossSystems, processedDocument } from './harness.js';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => dynamo.close());

const asOf = new Date('2026-03-02T00:00:00Z');
const idOf = (r: { status: string; customerId?: string }) =>
  r.status === 'resolved' ? (r.customerId ?? '') : '';

describe('processed documents reach the profile through the identity consumer (local DynamoDB)', () => {
  it('a return form and a claim letter change the profile; a duplicate delivery changes nothing', async () => {
    // Prepare: a customer with two orders, the first one returned by the channel without a reason.
    const { handler, store, aggregatesOf } = identityConsumer(dynamo);
    const customer = {
      sourceSystem: 'ecommerce',
      sourceCustomerId: 'W-100',
      givenName: 'Ines',
      familyName: 'Duarte',
      email: 'ines.duarte@example.org',
    };
    const placed = await handler(
      orderPlaced('web-shop', customer, 'ord-100', '2026-02-01T10:00:00Z'),
      context,
    );
    await handler(orderPlaced('web-shop', customer, 'ord-101', '2026-02-10T10:00:00Z'), context);
    const customerId = idOf(placed);
    const returnForm = processedDocument(InternalEventType.ReturnDocumentProcessed, {
      eventId: 'docevt-r1',
      documentId: 'doc-r1',
      customerId,
      orderId: 'ord-101',
      reason: 'damaged',
      amount: 80,
      currency: 'GBP',
    });
    const claim = processedDocument(InternalEventType.ClaimDocumentProcessed, {
      eventId: 'docevt-c1',
      documentId: 'doc-c1',
      customerId,
      orderId: 'ord-100',
      reason: 'late_delivery',
      amount: 45.5,
      currency: 'GBP',
    });
    // Act
    const r1 = await handler(returnForm, context);
    const c1 = await handler(claim, context);
    const stored = await store.getProfile(customerId);
    const again = await handler(claim, context);
    const replay = await handler(returnForm, context);
    // Assess
    expect(r1).toEqual({ status: 'enriched', customerId, documentId: 'doc-r1' });
    expect(c1).toEqual({ status: 'enriched', customerId, documentId: 'doc-c1' });
    const metrics = profileMetrics((await aggregatesOf(customerId))!, kpiConfig(), asOf);
    expect(metrics.returns).toMatchObject({ completed: 1, returnedOrders: 1, documented: 1, rate: 0.5 });
    expect(metrics.returns.reasons).toEqual({ damaged: 1 });
    expect(metrics.documents).toMatchObject({
      claims: 1,
      claimAmount: 45.5,
      claimReasons: { late_delivery: 1 },
    });
    expect([again, replay]).toEqual([{ status: 'duplicate' }, { status: 'duplicate' }]);
    expect(await store.getProfile(customerId)).toEqual(stored);
  });

  it('a document for a customer who has since merged lands on the surviving profile', async () => {
    // Prepare: two profiles of one person, then the event that merges them.
    const { handler, aggregatesOf, store } = identityConsumer(dynamo);
    const kofi = personAcrossSystems(3);
    const web = await handler(orderPlaced('web-shop', kofi.web, 'ord-200', '2026-02-01T10:00:00Z'), context);
    const pos = await handler(orderPlaced('pos-uk', kofi.pos, 'ord-201', '2026-02-03T10:00:00Z'), context);
    const bridge = await handler(
      orderPlaced('loyalty', kofi.loyalty, 'ord-202', '2026-02-05T10:00:00Z'),
      context,
    );
    const [survivor, absorbed] = [idOf(web), idOf(pos)].sort();
    const claim = processedDocument(InternalEventType.ClaimDocumentProcessed, {
      eventId: 'docevt-c2',
      documentId: 'doc-c2',
      customerId: absorbed,
      orderId: 'ord-201',
      reason: 'damaged',
      amount: 200,
      currency: 'GBP',
    });
    // Act
    const result = await handler(claim, context);
    // Assess
    expect(bridge).toMatchObject({ status: 'resolved', outcome: 'merge', customerId: survivor });
    expect(result).toEqual({ status: 'enriched', customerId: survivor, documentId: 'doc-c2' });
    const onSurvivor = profileMetrics((await aggregatesOf(survivor!))!, kpiConfig(), asOf);
    expect(onSurvivor.documents).toMatchObject({ claims: 1, claimAmount: 200 });
    expect(onSurvivor.orders).toBe(3);
    const left = await store.getProfile(absorbed!);
    expect(
      (left?.aggregates as { aggregates?: { docs?: unknown } } | undefined)?.aggregates?.docs,
    ).toBeUndefined();
  });

  it('acknowledges a document without a customer and changes no profile', async () => {
    // Prepare
    const { handler, publisher } = identityConsumer(dynamo);
    const unlinked = processedDocument(InternalEventType.ReturnDocumentProcessed, {
      eventId: 'docevt-u1',
      documentId: 'doc-u1',
      reason: 'size_or_fit',
    });
    // Act
    const result = await handler(unlinked, context);
    // Assess
    expect(result).toEqual({ status: 'unlinked', reason: 'documentWithoutCustomer' });
    expect(publisher.published).toEqual([]);
  });

  it('rejects a document event that breaks its contract, naming the field', async () => {
    // Prepare
    const { handler } = identityConsumer(dynamo);
    const broken = processedDocument(InternalEventType.ClaimDocumentProcessed, {
      eventId: 'docevt-b1',
      documentId: 'doc-b1',
      customerId: 'cus_x',
      amount: 'a lot',
    });
    // Act / Assess
    await expect(handler(broken, context)).rejects.toThrow(/amount/);
  });
});
