/**
 * The identity review queue in the customers table. The items are the ones the resolver writes
 * (`REVIEW` / `<createdAt>#<record>#<candidate>`, see lambdas/adapters/dynamodb/identity-store.ts); a decision
 * is kept beside them under its own partition, so that listing the queue never reads decisions:
 *
 *   pk                     sk          item
 *   REVIEW                 <item key>  possible match waiting for a person (JSON of the ReviewItem)
 *   REVIEWED#<item key>    DECISION    verdict, reviewer, status (claimed | failed | done), merge plan
 *
 * The API's review id is the item key in base64url: record keys hold '#' and source ids, which a URL path
 * parameter would otherwise have to escape.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '../adapters/dynamodb/conditions.js';
import { REVIEW_PK } from '../adapters/dynamodb/identity-store.js';
import type { ReviewItem } from '../core/identity/store.js';
import {
  IdentityReviewError,
  type IdentityReviewQueue,
  type QueuedReview,
  type ReviewDecisionRecord,
} from './review-service.js';

const decisionPk = (itemKey: string) => `REVIEWED#${itemKey}`;

export const reviewIdOf = (itemKey: string): string => Buffer.from(itemKey, 'utf8').toString('base64url');

/** The item key behind a review id; undefined when the id cannot be one of ours. */
export function itemKeyOf(reviewId: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,1400}$/.test(reviewId)) return undefined;
  const key = Buffer.from(reviewId, 'base64url').toString('utf8');
  return reviewIdOf(key) === reviewId ? key : undefined;
}

export class DynamoIdentityReviewQueue implements IdentityReviewQueue {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async list(limit: number, cursor?: string): Promise<{ items: QueuedReview[]; nextCursor?: string }> {
    let start: Record<string, string> | undefined;
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
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: REVIEW_PK, sk }, ConsistentRead: true }),
    );
    return out.Item ? toQueued(out.Item) : undefined;
  }

  async getDecision(reviewId: string): Promise<ReviewDecisionRecord | undefined> {
    const sk = itemKeyOf(reviewId);
    if (sk === undefined) return undefined;
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: decisionPk(sk), sk: 'DECISION' },
        ConsistentRead: true,
      }),
    );
    if (out.Item === undefined) return undefined;
    const { pk: _pk, sk: _sk, ...decision } = out.Item;
    return decision as ReviewDecisionRecord;
  }

  async claim(decision: ReviewDecisionRecord, previous?: ReviewDecisionRecord): Promise<boolean> {
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
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: this.item(decision) }));
  }

  async remove(reviewId: string): Promise<void> {
    const sk = itemKeyOf(reviewId);
    if (sk === undefined) return;
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: REVIEW_PK, sk } }));
  }

  private item(decision: ReviewDecisionRecord): Record<string, unknown> {
    const sk = itemKeyOf(decision.reviewId);
    if (sk === undefined) throw new Error(`review id ${decision.reviewId} is not one this queue gave`);
    return { ...decision, pk: decisionPk(sk), sk: 'DECISION' };
  }
}

function toQueued(item: Record<string, unknown>): QueuedReview {
  return { reviewId: reviewIdOf(item.sk as string), ...(JSON.parse(item.item as string) as ReviewItem) };
}
