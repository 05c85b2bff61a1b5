import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoIdentityStore } from '../../../lambdas/adapters/dynamodb/identity-store.js';
import { identityConfig } from '../../../lambdas/core/identity/config.js';
import { type IdentityRecordInput, resolveIdentity } from '../../../lambdas/core/identity/resolve.js';
import { type LocalDynamo, startLocalDynamo } from '../../../local/dynamodb.js';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => dynamo.close());

describe('first deliveries of one new record, concurrently', () => {
  it('end in one profile, whichever pass claims the record first', async () => {
    // Prepare: the same new POS customer, as three events of theirs arriving at once would present it.
    const store = new DynamoIdentityStore(dynamo.doc, dynamo.tables.customers);
    const config = identityConfig({ defaultRegion: 'GB' });
    const record: IdentityRecordInput = {
      recordKey: 'pos#pos#P-race-1',
      source: 'pos',
      observedAt: '2026-03-01T10:00:00Z',
      attributes: {
        givenName: 'Amara',
        familyName: 'Okafor',
        email: 'amara.okafor@example.com',
        sourceCustomerId: 'P-race-1',
      },
    };
    // Act
    const resolutions = await Promise.all(
      Array.from({ length: 6 }, () => resolveIdentity(record, store, config)),
    );
    // Assess
    const ids = new Set(resolutions.map((r) => r.customerId));
    expect(ids.size).toBe(1);
    const stored = await store.getRecord(record.recordKey);
    expect(stored?.customerId).toBe([...ids][0]);
    expect(await store.listMembers(stored?.customerId as string)).toEqual([record.recordKey]);
  });
});
