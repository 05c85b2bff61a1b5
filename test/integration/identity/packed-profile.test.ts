import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoIdentityStore } from '../../../lambdas/adapters/dynamodb/identity-store.js';
import type { CustomerProfile } from '../../../lambdas/core/identity/profile.js';
import { type LocalDynamo, startLocalDynamo } from '../../../local/dynamodb.js';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => dynamo.close());

/** A profile as a busy customer's looks after a few months: many orders and the events already applied. */
function busyProfile(customerId: string): CustomerProfile {
  const orders = Object.fromEntries(
    Array.from({ length: 30 }, (_, i) => [
      `ord-${1000 + i}`,
      { at: 20_000 + i, net: 4_599, lines: 2, disc: 0 },
    ]),
  );
  return {
    customerId,
    golden: {
      givenName: { value: 'Amara', source: 'crm', observedAt: '2026-01-02T10:00:00Z', verified: true },
      email: { value: 'amara.okafor@example.com', source: 'ecommerce', observedAt: '2026-01-03T10:00:00Z' },
    },
    consent: {},
    eventCount: 60,
    recentEvents: Array.from({ length: 10 }, (_, i) => `ecommerce#web-evt-${5000 + i}`),
    firstSeenAt: '2025-10-01T10:00:00Z',
    lastSeenAt: '2026-03-01T10:00:00Z',
    aggregates: {
      orders,
      seen: Array.from({ length: 60 }, (_, i) => `OrderPlaced:ecommerce:web-evt-${5000 + i}`),
    },
    version: 7,
  } as unknown as CustomerProfile;
}

describe('profile items on DynamoDB', () => {
  it('are stored packed, read back unchanged, and cost fewer write units than the plain item', async () => {
    // Prepare
    const store = new DynamoIdentityStore(dynamo.doc, dynamo.tables.customers);
    const profile = busyProfile('cus_packed');
    const plain = await dynamo.doc.send(
      new PutCommand({
        TableName: dynamo.tables.customers,
        Item: { ...profile, customerId: 'cus_plain', pk: 'CUS#cus_plain', sk: 'PROFILE' },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    // Act
    const before = store.capacity.write;
    await store.putProfile(profile, 0);
    const packedUnits = store.capacity.write - before;
    // Assess
    expect(await store.getProfile('cus_packed')).toEqual(profile);
    expect(packedUnits).toBeLessThan(plain.ConsumedCapacity?.CapacityUnits ?? 0);
    const raw = await dynamo.doc.send(
      new GetCommand({ TableName: dynamo.tables.customers, Key: { pk: 'CUS#cus_packed', sk: 'PROFILE' } }),
    );
    expect(raw.Item?.body).toBeInstanceOf(Uint8Array);
  });

  it('still reads a profile written before packing', async () => {
    const store = new DynamoIdentityStore(dynamo.doc, dynamo.tables.customers);
    const profile = { ...busyProfile('cus_legacy'), customerId: 'cus_legacy' };
    await dynamo.doc.send(
      new PutCommand({
        TableName: dynamo.tables.customers,
        Item: { ...profile, pk: 'CUS#cus_legacy', sk: 'PROFILE' },
      }),
    );
    expect(await store.getProfile('cus_legacy')).toEqual(profile);
  });
});
