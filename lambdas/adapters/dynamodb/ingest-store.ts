import {
  BatchWriteCommand,
  type BatchWriteCommandOutput,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type {
  ClaimResult,
  EventLedger,
  RejectedEvent,
  RejectedEventPage,
  RejectedEventStore,
} from '../../core/ingest/ports.js';
import { sendInBatches } from './batch.js';
import { isConditionFailure } from './conditions.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Dedup window: longer than any sender's retry horizon and EventBridge's 24h maximum event age. */
const LEDGER_TTL_DAYS = 7;
/** A claim left PENDING this long belongs to a publish that crashed: the next delivery may take it over. */
const STALE_PENDING_MS = 60_000;
const REJECTED_TTL_DAYS = 90;

const ledgerKey = (key: string) => ({ pk: `EVENT#${key}`, sk: 'EVENT' });

/** Event-id ledger on the ingest table: a conditional put claims, so two concurrent deliveries publish once. */
export class DynamoEventLedger implements EventLedger {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claim(key: string, receivedAt: Date): Promise<ClaimResult> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...ledgerKey(key),
            status: 'PENDING',
            claimedAt: receivedAt.getTime(),
            expiresAt: Math.floor(receivedAt.getTime() / 1000) + LEDGER_TTL_DAYS * 86_400,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR (#status = :pending AND claimedAt < :stale)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':pending': 'PENDING',
            ':stale': receivedAt.getTime() - STALE_PENDING_MS,
          },
        }),
      );
      return 'claimed';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const existing = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: ledgerKey(key), ConsistentRead: true }),
      );
      return existing.Item?.status === 'PUBLISHED' ? 'already-published' : 'pending';
    }
  }

  async markPublished(keys: readonly string[], receivedAt: Date): Promise<void> {
    // Unconditional puts are safe: only this delivery holds these claims. BatchWrite takes 25 at a time.
    const items = keys.map((key) => ({
      PutRequest: {
        Item: {
          ...ledgerKey(key),
          status: 'PUBLISHED',
          claimedAt: receivedAt.getTime(),
          expiresAt: Math.floor(receivedAt.getTime() / 1000) + LEDGER_TTL_DAYS * 86_400,
        },
      },
    }));
    await sendInBatches(items, 25, 'ledger writes', async (pending) => {
      const out: BatchWriteCommandOutput = await this.doc.send(
        new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }),
      );
      return out.UnprocessedItems?.[this.tableName] as typeof items | undefined;
    });
  }

  async release(key: string): Promise<void> {
    await this.doc
      .send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: ledgerKey(key),
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'PENDING' },
        }),
      )
      .catch((error: unknown) => {
        // Another delivery published it meanwhile: the ledger is right as it is.
        if (!isConditionFailure(error)) throw error;
      });
  }
}

/**
 * Rejected events, one partition per UTC day (`REJECTED#yyyy-mm-dd`) so a flood from one broken sender does
 * not make a hot key for ever; listing walks the days newest first.
 */
export class DynamoRejectedEventStore implements RejectedEventStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async save(rejection: RejectedEvent): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...rejectedKey(rejection.rejectionId, rejection.receivedAt),
          ...rejection,
          expiresAt: Math.floor(Date.parse(rejection.receivedAt) / 1000) + REJECTED_TTL_DAYS * 86_400,
        },
      }),
    );
  }

  async get(rejectionId: string): Promise<RejectedEvent | undefined> {
    const day = dayOfRejection(rejectionId);
    if (!day) return undefined;
    const result = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :id)',
        ExpressionAttributeValues: { ':pk': `REJECTED#${day}`, ':id': `${rejectionId}` },
        Limit: 1,
      }),
    );
    return result.Items?.[0] ? toRejection(result.Items[0]) : undefined;
  }

  async list(options: { limit: number; cursor?: string; since: Date }): Promise<RejectedEventPage> {
    const items: RejectedEvent[] = [];
    let cursor = options.cursor
      ? decodeCursor(options.cursor)
      : { day: dayString(this.now()), startKey: undefined };
    const firstDay = dayString(options.since);
    while (cursor.day >= firstDay && items.length < options.limit) {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `REJECTED#${cursor.day}` },
          ScanIndexForward: false,
          Limit: options.limit - items.length,
          ...(cursor.startKey ? { ExclusiveStartKey: cursor.startKey } : {}),
        }),
      );
      items.push(...(page.Items ?? []).map(toRejection));
      cursor = page.LastEvaluatedKey
        ? { day: cursor.day, startKey: page.LastEvaluatedKey }
        : { day: dayString(new Date(Date.parse(cursor.day) - DAY_MS)), startKey: undefined };
    }
    return cursor.day >= firstDay ? { items, nextCursor: encodeCursor(cursor) } : { items };
  }

  async markRedriven(rejectionId: string, at: Date): Promise<void> {
    const found = await this.get(rejectionId);
    if (!found) throw new Error(`no rejected event ${rejectionId}`);
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: rejectedKey(rejectionId, found.receivedAt),
        UpdateExpression: 'SET redrivenAt = :at',
        ExpressionAttributeValues: { ':at': at.toISOString() },
      }),
    );
  }
}

const dayString = (date: Date) => date.toISOString().slice(0, 10);

// Sort key leads with the time so a day's partition lists newest first; the id keeps it unique.
const rejectedKey = (rejectionId: string, receivedAt: string) => ({
  pk: `REJECTED#${receivedAt.slice(0, 10)}`,
  sk: `${rejectionId}`,
});

function dayOfRejection(rejectionId: string): string | undefined {
  const match = /^rej_(\d{4})(\d{2})(\d{2})T\d{9}_[0-9a-f]+$/.exec(rejectionId);
  return match ? `${match[1]}-${match[2]}-${match[3]}` : undefined;
}

function toRejection(item: Record<string, unknown>): RejectedEvent {
  const { pk: _pk, sk: _sk, expiresAt: _expiresAt, ...rest } = item;
  return rest as unknown as RejectedEvent;
}

type Cursor = { day: string; startKey: Record<string, unknown> | undefined };
const encodeCursor = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor)).toString('base64url');
function decodeCursor(value: string): Cursor {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString()) as Cursor;
    if (typeof parsed.day !== 'string') throw new Error('day');
    return parsed;
  } catch {
    throw new Error('invalid cursor');
  }
}
