import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoIdentityStore } from '../../../lambdas/adapters/dynamodb/identity-store.js';
import { type CustomerProfile, updateProfile } from '../../../lambdas/core/identity/profile.js';
import { TableLayouts } from '../../../lib/shared/tables.js';
import {
  connectLocalDynamo,
  createTable,
  type LocalDynamo,
  startLocalDynamo,
} from '../../../local/dynamodb.js';

// The identity consumer's most common path (a known record) reads the profile node, then the profile it
// updates. The DynamoDB store reads both in one request when told the profile comes next: these tests
// hold it to "one request fewer, and nothing a concurrent writer did is lost".

let dynamo: LocalDynamo;
let tables = 0;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => dynamo.close());

/** A store on its own client whose requests are counted. */
async function countedStore(): Promise<{
  store: DynamoIdentityStore;
  table: string;
  requests: () => number;
}> {
  const table = await createTable(
    dynamo.client,
    TableLayouts.customers,
    `${TableLayouts.customers.name}-ahead-${++tables}`,
  );
  const connection = connectLocalDynamo(dynamo.endpoint);
  let sent = 0;
  connection.client.middlewareStack.add(
    (next) => async (args) => {
      sent += 1;
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  return { store: new DynamoIdentityStore(connection.doc, table), table, requests: () => sent };
}

function profile(customerId: string, version: number, recentEvents: string[]): CustomerProfile {
  return {
    customerId,
    golden: {},
    consent: {},
    eventCount: recentEvents.length,
    recentEvents,
    firstSeenAt: '2026-11-01T09:00:00.000Z',
    lastSeenAt: '2026-11-02T09:00:00.000Z',
    version,
  };
}

async function customerWithProfile(store: DynamoIdentityStore, customerId: string): Promise<void> {
  await store.createCustomer({
    customerId,
    createdAt: '2026-11-01T09:00:00.000Z',
    summary: { size: 1, loyaltyIds: ['LOY-1'], sources: [], ids: [customerId], apart: [] },
  });
  expect(await store.putProfile(profile(customerId, 1, ['pos#order-1']), 0)).toBe(true);
}

describe('reading a profile node with its profile ahead, on DynamoDB', () => {
  it('serves the node and the profile read after it from one request, once', async () => {
    // Prepare
    const { store, requests } = await countedStore();
    await customerWithProfile(store, 'cus_ahead1');
    const before = requests();
    // Act
    const node = await store.getCustomer('cus_ahead1', { profileNext: true });
    const read = await store.getProfile('cus_ahead1', { eventually: true });
    const oneRequest = requests() - before;
    const again = await store.getProfile('cus_ahead1', { eventually: true });
    // Assess
    expect(node?.summary.loyaltyIds).toEqual(['LOY-1']);
    expect(read?.recentEvents).toEqual(['pos#order-1']);
    expect(oneRequest).toBe(1);
    expect(again?.version).toBe(1);
    expect(requests() - before).toBe(2);
  });

  it('never serves it to a read that must be current', async () => {
    // Prepare
    const { store, requests } = await countedStore();
    await customerWithProfile(store, 'cus_ahead2');
    await store.getCustomer('cus_ahead2', { profileNext: true });
    const before = requests();
    // Act
    const read = await store.getProfile('cus_ahead2');
    // Assess
    expect(read?.version).toBe(1);
    expect(requests() - before).toBe(1);
  });

  it('loses no update that another writer made between the read ahead and the write', async () => {
    // Prepare: the read ahead holds version 1; an event in another container then writes version 2
    const { store, table } = await countedStore();
    const otherContainer = new DynamoIdentityStore(dynamo.doc, table);
    await customerWithProfile(store, 'cus_ahead3');
    await store.getCustomer('cus_ahead3', { profileNext: true });
    expect(await otherContainer.putProfile(profile('cus_ahead3', 2, ['pos#order-1', 'web#order-2']), 1)).toBe(
      true,
    );
    // Act: this event's update starts from the read ahead, as the consumer's does
    const seen: number[] = [];
    await updateProfile(store, 'cus_ahead3', (current) => {
      seen.push(current?.version ?? 0);
      return (
        current && {
          ...current,
          recentEvents: [...current.recentEvents, 'crm#update-3'],
          version: current.version + 1,
        }
      );
    });
    // Assess: the stale start failed its condition and the retry built on version 2
    const stored = await store.getProfile('cus_ahead3');
    expect(stored?.recentEvents).toEqual(['pos#order-1', 'web#order-2', 'crm#update-3']);
    expect(stored?.version).toBe(3);
    expect(seen).toEqual([1, 2]);
  });

  it('reads a profile not written yet as absent, from the same request', async () => {
    // Prepare
    const { store, requests } = await countedStore();
    await store.createCustomer({
      customerId: 'cus_ahead4',
      createdAt: '2026-11-01T09:00:00.000Z',
      summary: { size: 1, loyaltyIds: [], sources: [], ids: ['cus_ahead4'], apart: [] },
    });
    const before = requests();
    // Act
    const node = await store.getCustomer('cus_ahead4', { profileNext: true });
    const read = await store.getProfile('cus_ahead4', { eventually: true });
    // Assess
    expect(node?.customerId).toBe('cus_ahead4');
    expect(read).toBeUndefined();
    expect(requests() - before).toBe(1);
  });
});
