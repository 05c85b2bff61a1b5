import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutgoingEvent } from '../../../lambdas/core/contracts/envelope.js';
import { InternalEventType } from '../../../lambdas/core/contracts/names.js';
import { identityRecord } from '../../../lambdas/identity/handler.js';
import { outboxOf } from '../../../lambdas/identity/outbox.js';
import { type LocalDynamo, startLocalDynamo } from '../../../local/dynamodb.js';
import { context, identityConsumer, orderPlaced, personAcrossSystems } from './harness.js';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => dynamo.close());

const idOf = (r: { status: string; customerId?: string }) =>
  r.status === 'resolved' ? (r.customerId ?? '') : '';
const merges = (events: readonly OutgoingEvent[]) =>
  events.filter((e) => e.detailType === InternalEventType.CustomersMerged);

describe('a CustomersMerged that fails to publish (local DynamoDB)', () => {
  it('is published exactly once by the redelivery of the same event', async () => {
    // Prepare: two profiles of one person; the bus refuses the next publish.
    const { handler, publisher, store, aggregatesOf } = identityConsumer(dynamo);
    const first = personAcrossSystems(1);
    const web = await handler(orderPlaced('web-shop', first.web, 'ord-300', '2026-02-01T10:00:00Z'), context);
    const pos = await handler(orderPlaced('pos-uk', first.pos, 'ord-301', '2026-02-03T10:00:00Z'), context);
    const bridge = orderPlaced('loyalty', first.loyalty, 'ord-302', '2026-02-05T10:00:00Z');
    publisher.failNext = 1;
    // Act
    await expect(handler(bridge, context)).rejects.toThrow(/could not publish 1 of 1 events/);
    const afterFailure = merges(publisher.published).length;
    const redelivered = await handler(bridge, context);
    const again = await handler(bridge, context);
    // Assess
    const survivor = [idOf(web), idOf(pos)].sort()[0]!;
    expect(afterFailure).toBe(0);
    expect(redelivered).toEqual({ status: 'duplicate' });
    expect(again).toEqual({ status: 'duplicate' });
    const published = merges(publisher.published);
    expect(published).toHaveLength(1);
    expect(published[0]?.detail).toMatchObject({
      survivorId: survivor,
      mergedIds: [[idOf(web), idOf(pos)].sort()[1]],
    });
    expect(outboxOf(await store.getProfile(survivor))).toEqual([]);
    // The absorbed profile's order was folded in before the failed publish: nothing of the merge is lost.
    expect(Object.keys((await aggregatesOf(survivor))?.orders ?? {}).sort()).toEqual([
      'ord-300',
      'ord-301',
      'ord-302',
    ]);
  });

  it('is published by the next event of the same customer when the failed event is never redelivered', async () => {
    // Prepare
    const { handler, publisher, store } = identityConsumer(dynamo);
    const second = personAcrossSystems(2);
    await handler(orderPlaced('web-shop', second.web, 'ord-400', '2026-02-01T10:00:00Z'), context);
    await handler(orderPlaced('pos-uk', second.pos, 'ord-401', '2026-02-03T10:00:00Z'), context);
    publisher.failNext = 1;
    const bridge = orderPlaced('loyalty', second.loyalty, 'ord-402', '2026-02-05T10:00:00Z');
    await expect(handler(bridge, context)).rejects.toThrow(/could not publish/);
    // Act: the event went to the DLQ; the customer's next order arrives.
    const next = await handler(
      orderPlaced('web-shop', second.web, 'ord-403', '2026-02-07T10:00:00Z'),
      context,
    );
    // Assess
    expect(next).toMatchObject({ status: 'resolved', outcome: 'known' });
    expect(merges(publisher.published)).toHaveLength(1);
    expect(outboxOf(await store.getProfile(idOf(next)))).toEqual([]);
  });

  it('is handed over by the redelivery when the pass stopped between the merge and the profile fold', async () => {
    // Prepare: the Lambda dies (timeout, out of memory) right after the resolver merged the two profiles.
    let crash = false;
    const { handler, publisher, aggregatesOf, store } = identityConsumer(dynamo, (inner) => {
      const dying = Object.create(inner) as typeof inner;
      dying.getProfile = async (id) => {
        if (crash) {
          crash = false;
          throw new Error('Task timed out after 30.00 seconds');
        }
        return inner.getProfile(id);
      };
      return dying;
    });
    // Someone unlike the Kofi Mensahs above, who share a first name and a birth date.
    const other = { givenName: 'Ingrid', familyName: 'Solberg' };
    const base = personAcrossSystems(3);
    const third = {
      web: { ...base.web, ...other, email: 'ingrid.solberg@example.org' },
      pos: { ...base.pos, ...other, birthDate: '1961-11-30' },
      loyalty: { ...base.loyalty, ...other, email: 'ingrid.solberg@example.org', birthDate: '30/11/1961' },
    };
    const web = await handler(orderPlaced('web-shop', third.web, 'ord-500', '2026-02-01T10:00:00Z'), context);
    const pos = await handler(orderPlaced('pos-uk', third.pos, 'ord-501', '2026-02-03T10:00:00Z'), context);
    const bridge = orderPlaced('loyalty', third.loyalty, 'ord-502', '2026-02-05T10:00:00Z');
    crash = true;
    await expect(handler(bridge, context)).rejects.toThrow(/timed out/);
    // Act
    const redelivered = await handler(bridge, context);
    const again = await handler(bridge, context);
    // Assess
    const [survivor, absorbed] = [idOf(web), idOf(pos)].sort();
    expect(redelivered).toMatchObject({ status: 'resolved', outcome: 'known', mergedIds: [absorbed] });
    expect(again).toEqual({ status: 'duplicate' });
    const published = merges(publisher.published);
    expect(published).toHaveLength(1);
    expect(published[0]?.detail).toMatchObject({ survivorId: survivor, mergedIds: [absorbed] });
    expect(Object.keys((await aggregatesOf(survivor!))?.orders ?? {}).sort()).toEqual([
      'ord-500',
      'ord-501',
      'ord-502',
    ]);
    const { recordKey } = identityRecord(bridge.source, bridge.detail as never);
    expect((await store.getRecord(recordKey))?.pendingMerges).toBeUndefined();
  });
});
