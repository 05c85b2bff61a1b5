/**
 * The identity review queue in the customers table: the one place that knows its layout. The resolver adds
 * items through DynamoIdentityStore.addReview, the review API and `tessera identity decide` decide them,
 * and an erasure removes them; all three come here.
 *
 *   pk                     sk          item
 *   REVIEW                 <item key>  possible match waiting for a person (JSON of the ReviewItem)
 *   REVIEWED#<item key>    DECISION    verdict, reviewer, status (claimed | failed | done), merge plan
 *   REVIEWS#<record key>   <item key>  index: a possible match a person took up, under each of its records
 *   REVIEWPAIR#<id>#<id>   PAIR        guard: the item key queued for this pair of profiles (one per pair)
 *
 * The item key is `<createdAt>#<record key>#<candidate record key>`, so the queue lists oldest first. A
 * decision is kept under its own partition, so that listing the queue never reads decisions. The index is
 * how an erasure finds a person's decisions without reading every decision ever taken (a decided item has
 * left the REVIEW partition; record keys hold '#', so an item key cannot be split back into them). It is
 * written when a person first claims an item, not when the resolver queues it: people decide few of them.
 *
 * The API's review id is the item key in base64url: record keys hold '#' and source ids, which a URL path
 * parameter would otherwise have to escape.
 */
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  IdentityReviewError,
  type IdentityReviewQueue,
  type QueuedReview,
  type ReviewDecisionRecord,
  type ReviewItem,
} from '../../core/identity/store.js';
import { sendInBatches } from './batch.js';
import { isConditionFailure } from './conditions.js';

const REVIEW_PK = 'REVIEW';
const DECISION_SK = 'DECISION';
const decisionPk = (itemKey: string) => `REVIEWED#${itemKey}`;
const indexPk = (recordKey: string) => `REVIEWS#${recordKey}`;
const PAIR_SK = 'PAIR';
/** Tessera ids hold no '#'. The guard's item key names two records: an erasure deletes it with the item. */
const pairPk = (customerId: string, otherId: string) =>
  `REVIEWPAIR#${[customerId, otherId].sort().join('#')}`;
const itemKeyOfItem = (item: ReviewItem) => `${item.createdAt}#${item.recordKey}#${item.candidateRecordKey}`;

export const reviewIdOf = (itemKey: string): string => Buffer.from(itemKey, 'utf8').toString('base64url');

/** The item key behind a review id; undefined when the id cannot be one of ours. */
export function itemKeyOf(reviewId: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,1400}$/.test(reviewId)) return undefined;
  const key = Buffer.from(reviewId, 'base64url').toString('utf8');
  return reviewIdOf(key) === reviewId ? key : undefined;
}

/** Where consumed capacity is added up (DynamoIdentityStore's meter, so eval-identity counts reviews too). */
export interface CapacitySink {
  add(consumed: ConsumedCapacity | readonly ConsumedCapacity[] | undefined, kind: 'read' | 'write'): void;
}

type Key = { readonly pk: string; readonly sk: string };

export class DynamoIdentityReviewQueue implements IdentityReviewQueue {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly capacity?: CapacitySink,
  ) {}

  /**
   * Queues a possible match unless its two profiles already have an item, waiting or decided (false then):
   * two writes on the resolver's path, the pair's guard and the item.
   */
  async add(item: ReviewItem): Promise<boolean> {
    const itemKey = itemKeyOfItem(item);
    if (!(await this.holdPair(item, itemKey))) return false;
    const out = await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: REVIEW_PK, sk: itemKey, item: JSON.stringify(item) },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    this.capacity?.add(out.ConsumedCapacity, 'write');
    return true;
  }

  /**
   * Takes the pair's guard for `itemKey`. A guard held by another item stays held while that item waits or
   * has a decision; one whose item is gone (erased) or was never written (its pass stopped between the two
   * writes, and the redelivery names a new item) is taken over, so no possible match is lost.
   */
  private async holdPair(item: ReviewItem, itemKey: string): Promise<boolean> {
    const key = { pk: pairPk(item.customerId, item.candidateCustomerId), sk: PAIR_SK };
    if (await this.putGuard({ ...key, itemKey }, { ConditionExpression: 'attribute_not_exists(pk)' })) {
      return true;
    }
    const held = (await this.read(key))?.itemKey as string | undefined;
    if (held === itemKey) return true; // this item's own pass, repeated
    if (held === undefined) return false;
    const [waiting, decided] = await Promise.all([
      this.read({ pk: REVIEW_PK, sk: held }),
      this.read({ pk: decisionPk(held), sk: DECISION_SK }),
    ]);
    if (waiting !== undefined || decided !== undefined) return false;
    return this.putGuard(
      { ...key, itemKey },
      { ConditionExpression: 'itemKey = :held', ExpressionAttributeValues: { ':held': held } },
    );
  }

  private async putGuard(
    guard: Record<string, unknown>,
    condition: { ConditionExpression: string; ExpressionAttributeValues?: Record<string, unknown> },
  ): Promise<boolean> {
    try {
      const out = await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: guard,
          ...condition,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      this.capacity?.add(out.ConsumedCapacity, 'write');
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  /**
   * Right to erasure: every item naming one of these records, waiting or decided, its decision, the guard of
   * its pair of profiles while it holds that item (the guard names the item, so the records), and the index
   * entries of both its records. The index entries go last, so an erasure that stops half-way is finished
   * by running it again.
   */
  async removeReviewsOf(recordKeys: readonly string[]): Promise<void> {
    const erased = new Set(recordKeys);
    if (erased.size === 0) return;
    const doomed = new Map<string, { names: readonly string[]; pair?: string }>();
    // Waiting items are found in the queue itself (an erasure is rare; the queue is read once)...
    for (const entry of await this.queryAll(REVIEW_PK)) {
      const item = JSON.parse(entry.item as string) as ReviewItem;
      const names = [item.recordKey, item.candidateRecordKey];
      if (names.some((name) => erased.has(name))) {
        doomed.set(entry.sk as string, { names, pair: pairPk(item.customerId, item.candidateCustomerId) });
      }
    }
    // ...decided ones through the index their first claim wrote.
    for (const recordKey of erased) {
      for (const entry of await this.queryAll(indexPk(recordKey))) {
        const names = Array.isArray(entry.names) ? (entry.names as string[]) : [recordKey];
        const pair = typeof entry.pair === 'string' ? entry.pair : undefined;
        doomed.set(entry.sk as string, { names, ...(pair ? { pair } : {}) });
      }
    }
    if (doomed.size === 0) return;
    const del = (key: Key) => ({ DeleteRequest: { Key: key } });
    await this.batchWrite(
      [...doomed.keys()].flatMap((sk) => [
        del({ pk: REVIEW_PK, sk }),
        del({ pk: decisionPk(sk), sk: DECISION_SK }),
      ]),
    );
    for (const [sk, { pair }] of doomed) {
      if (pair !== undefined) await this.releasePair(pair, sk);
    }
    await this.batchWrite(
      [...doomed].flatMap(([sk, { names }]) =>
        [...new Set(names)].map((name) => del({ pk: indexPk(name), sk })),
      ),
    );
  }

  /** Deletes a pair's guard if it still holds this item (another item may have taken it over). */
  private async releasePair(pair: string, itemKey: string): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: pair, sk: PAIR_SK },
          ConditionExpression: 'itemKey = :item',
          ExpressionAttributeValues: { ':item': itemKey },
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
  }

  async list(limit: number, cursor?: string): Promise<{ items: QueuedReview[]; nextCursor?: string }> {
    let start: Key | undefined;
    if (cursor !== undefined) {
      const sk = itemKeyOf(cursor);
      if (sk === undefined) throw new IdentityReviewError('invalid', 'cursor: not a cursor this API gave');
      start = { pk: REVIEW_PK, sk };
    }
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': REVIEW_PK },
        Limit: limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const items = (out.Items ?? []).map((i) => toQueued(i));
    const last = out.LastEvaluatedKey?.sk as string | undefined;
    return { items, ...(last ? { nextCursor: reviewIdOf(last) } : {}) };
  }

  async get(reviewId: string): Promise<QueuedReview | undefined> {
    const sk = itemKeyOf(reviewId);
    if (sk === undefined) return undefined;
    const item = await this.read({ pk: REVIEW_PK, sk });
    return item ? toQueued(item) : undefined;
  }

  async getDecision(reviewId: string): Promise<ReviewDecisionRecord | undefined> {
    const sk = itemKeyOf(reviewId);
    if (sk === undefined) return undefined;
    const item = await this.read({ pk: decisionPk(sk), sk: DECISION_SK });
    if (item === undefined) return undefined;
    const { pk: _pk, sk: _sk, ...decision } = item;
    return decision as unknown as ReviewDecisionRecord;
  }

  /**
   * The first claim of an item also indexes it under both its records, before the decision exists: once
   * decided, the item leaves the queue, and the index is how an erasure still finds its decision. Written
   * here rather than when the resolver queues the item, because people decide few of the matches queued.
   */
  async claim(
    review: QueuedReview,
    decision: ReviewDecisionRecord,
    previous?: ReviewDecisionRecord,
  ): Promise<boolean> {
    if (previous === undefined) await this.index(review);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.item(decision),
          ...(previous
            ? {
                ConditionExpression: 'claimedAt = :at AND #status = :status',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':at': previous.claimedAt, ':status': previous.status },
              }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  async record(decision: ReviewDecisionRecord): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.item(decision),
          ConditionExpression: 'attribute_exists(pk)',
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      throw new IdentityReviewError(
        'not-found',
        `identity review ${decision.reviewId} was erased while it was being decided`,
      );
    }
  }

  async remove(reviewId: string): Promise<void> {
    const sk = itemKeyOf(reviewId);
    if (sk === undefined) return;
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: REVIEW_PK, sk } }));
  }

  async dropClaim(review: QueuedReview): Promise<void> {
    const sk = itemKeyOf(review.reviewId);
    if (sk === undefined) return;
    const del = (key: Key) => ({ DeleteRequest: { Key: key } });
    await this.batchWrite([
      del({ pk: decisionPk(sk), sk: DECISION_SK }),
      ...[...new Set([review.recordKey, review.candidateRecordKey])].map((name) =>
        del({ pk: indexPk(name), sk }),
      ),
    ]);
  }

  /**
   * Index entries for a queued item's two records (dropClaim removes them if the item was erased meanwhile),
   * with the guard of its pair of profiles, which an erasure must also find once the item has left the queue.
   */
  private async index(review: QueuedReview): Promise<void> {
    const sk = itemKeyOfItem(review);
    const names = [review.recordKey, review.candidateRecordKey];
    const pair = pairPk(review.customerId, review.candidateCustomerId);
    await this.batchWrite(
      [...new Set(names)].map((recordKey) => ({
        PutRequest: { Item: { pk: indexPk(recordKey), sk, names, pair } },
      })),
    );
  }

  private item(decision: ReviewDecisionRecord): Record<string, unknown> {
    const sk = itemKeyOf(decision.reviewId);
    if (sk === undefined) throw new Error(`review id ${decision.reviewId} is not one this queue gave`);
    return { ...decision, pk: decisionPk(sk), sk: DECISION_SK };
  }

  /** One item, strongly consistent, its read units counted. */
  private async read(key: Key): Promise<Record<string, unknown> | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: key,
        ConsistentRead: true,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    this.capacity?.add(out.ConsumedCapacity, 'read');
    return out.Item;
  }

  private async queryAll(pk: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    const input = {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: true,
      ReturnConsumedCapacity: 'TOTAL' as const,
    };
    for await (const page of paginateQuery({ client: this.doc }, input)) {
      this.capacity?.add(page.ConsumedCapacity, 'read');
      items.push(...(page.Items ?? []));
    }
    return items;
  }

  private async batchWrite(requests: Record<string, unknown>[]): Promise<void> {
    await sendInBatches(requests, 25, 'review queue writes', async (pending) => {
      const out = await this.doc.send(
        new BatchWriteCommand({
          RequestItems: { [this.tableName]: pending as never },
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      this.capacity?.add(out.ConsumedCapacity, 'write');
      return out.UnprocessedItems?.[this.tableName] as Record<string, unknown>[] | undefined;
    });
  }
}

function toQueued(item: Record<string, unknown>): QueuedReview {
  return { reviewId: reviewIdOf(item.sk as string), ...(JSON.parse(item.item as string) as ReviewItem) };
}
