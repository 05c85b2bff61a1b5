import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoIdentityReviewQueue } from '../../../lambdas/adapters/dynamodb/review-queue.js';
import type { QueuedReview, ReviewItem } from '../../../lambdas/core/identity/store.js';
import { TableLayouts } from '../../../lib/shared/tables.js';
import { createTable, type LocalDynamo, startLocalDynamo } from '../../../local/dynamodb.js';

// A person decides whether two profiles are one person, so the DynamoDB queue keeps one item per pair of
// profiles, across resolver passes, without losing a possible match to a pass that stopped half-way.

let dynamo: LocalDynamo;
let tables = 0;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => dynamo.close());

async function freshQueue(): Promise<{ queue: DynamoIdentityReviewQueue; table: string }> {
  const table = await createTable(
    dynamo.client,
    TableLayouts.customers,
    `${TableLayouts.customers.name}-pairs-${++tables}`,
  );
  return { queue: new DynamoIdentityReviewQueue(dynamo.doc, table), table };
}

function match(recordKey: string, candidateRecordKey: string, createdAt: string): ReviewItem {
  return {
    recordKey,
    candidateRecordKey,
    customerId: 'cus_namesake',
    candidateCustomerId: 'cus_priya',
    reason: 'possible match blocked by names and place only',
    evidence: { total: 12.7, comparisons: [], swappedNames: false, protections: [] },
    createdAt,
  };
}

/** A person's reject, as the review API records it: the claim (which indexes the item), then out of the queue. */
async function rejectAndDequeue(
  queue: DynamoIdentityReviewQueue,
  review: QueuedReview,
  at: string,
): Promise<void> {
  await queue.claim(review, {
    reviewId: review.reviewId,
    verdict: 'reject',
    reviewer: 'agnieszka@retailer.example',
    status: 'done',
    claimedAt: at,
    decidedAt: at,
  });
  await queue.remove(review.reviewId);
}

async function itemsNaming(table: string, recordKey: string): Promise<string[]> {
  const out = await dynamo.doc.send(new ScanCommand({ TableName: table }));
  return (out.Items ?? []).map((i) => JSON.stringify(i)).filter((text) => text.includes(recordKey));
}

describe('the review queue on DynamoDB, one item per pair of profiles', () => {
  it('queues the first possible match of two profiles and declines the next while it waits or once decided', async () => {
    // Prepare
    const { queue } = await freshQueue();
    const first = await queue.add(match('pos#P-1', 'web#W-1', '2026-11-01T10:00:00.000Z'));
    // Act: the namesake's loyalty card meets Priya's profile again, in both directions
    const again = await queue.add(match('loyalty#L-1', 'web#W-1', '2026-11-02T10:00:00.000Z'));
    const reversed = await queue.add({
      ...match('web#W-2', 'pos#P-1', '2026-11-03T10:00:00.000Z'),
      customerId: 'cus_priya',
      candidateCustomerId: 'cus_namesake',
    });
    const [waiting] = (await queue.list(10)).items;
    if (waiting === undefined) throw new Error('nothing queued');
    await rejectAndDequeue(queue, waiting, '2026-11-04T09:00:00.000Z');
    const afterDecision = await queue.add(match('crm#C-1', 'web#W-1', '2026-11-05T10:00:00.000Z'));
    // Assess
    expect([first, again, reversed, afterDecision]).toEqual([true, false, false, false]);
    expect(waiting.recordKey).toBe('pos#P-1');
    expect((await queue.list(10)).items).toEqual([]);
  });

  it("takes over a pair whose item was never written, so a stopped pass's redelivery still queues it", async () => {
    // Prepare: a pass wrote the pair's guard for its item, then stopped before the item
    const { queue, table } = await freshQueue();
    await dynamo.doc.send(
      new PutCommand({
        TableName: table,
        Item: {
          pk: 'REVIEWPAIR#cus_namesake#cus_priya',
          sk: 'PAIR',
          itemKey: '2026-11-01T10:00:00.000Z#pos#P-1#web#W-1',
        },
      }),
    );
    // Act: the redelivery resolves the record again, at a later time
    const queued = await queue.add(match('pos#P-1', 'web#W-1', '2026-11-01T10:05:00.000Z'));
    // Assess
    expect(queued).toBe(true);
    expect((await queue.list(10)).items.map((i) => i.createdAt)).toEqual(['2026-11-01T10:05:00.000Z']);
  });

  it('forgets the pair with an erased record, and queues the two profiles again if they meet again', async () => {
    // Prepare: a decided possible match (indexed by its claim) and its guard
    const { queue, table } = await freshQueue();
    await queue.add(match('pos#P-1', 'web#W-1', '2026-11-01T10:00:00.000Z'));
    const [waiting] = (await queue.list(10)).items;
    if (waiting === undefined) throw new Error('nothing queued');
    await rejectAndDequeue(queue, waiting, '2026-11-02T09:00:00.000Z');
    // Act
    await queue.removeReviewsOf(['pos#P-1']);
    const queuedAgain = await queue.add(match('loyalty#L-1', 'web#W-1', '2026-11-03T10:00:00.000Z'));
    // Assess: nothing names the erased record, the guard included
    expect(await itemsNaming(table, 'pos#P-1')).toEqual([]);
    expect(queuedAgain).toBe(true);
  });
});
