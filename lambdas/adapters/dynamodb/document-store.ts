/**
 * The documents table (lib/shared/tables.ts `documents`):
 *   DOC#<id> / DOC                 the document record (status, metadata, extraction, failure)
 *   QUEUE#review|failed / <since>#<id>   what waits for a person, oldest first
 *   QUEUEDOC#<queue>#<id> / ENTRY  pointer to the queue item, so dequeue needs no scan
 *   JOB#<jobTag> / TOKEN           callback token of an asynchronous Textract job, with TTL
 * Every write is a single conditional or idempotent put: no transactions (dynalite has none).
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type {
  DocumentRecord,
  DocumentStatus,
  DocumentStore,
  JobToken,
  QueueEntry,
} from '../../documents-workflow/ports.js';
import { isConditionFailure } from './conditions.js';

const docKey = (id: string) => ({ pk: `DOC#${id}`, sk: 'DOC' });
const pointerKey = (queue: string, id: string) => ({ pk: `QUEUEDOC#${queue}#${id}`, sk: 'ENTRY' });

export class DynamoDocumentStore implements DocumentStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(record: DocumentRecord): Promise<'created' | 'exists'> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...docKey(record.documentId), ...record },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'created';
    } catch (error) {
      if (isConditionFailure(error)) return 'exists';
      throw error;
    }
  }

  async get(documentId: string): Promise<DocumentRecord | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: docKey(documentId), ConsistentRead: true }),
    );
    return Item ? stripKeys<DocumentRecord>(Item) : undefined;
  }

  async update(
    documentId: string,
    changes: Partial<Omit<DocumentRecord, 'documentId'>>,
    expectedStatus?: readonly DocumentStatus[],
  ): Promise<DocumentRecord> {
    const entries = Object.entries({
      ...changes,
      updatedAt: changes.updatedAt ?? new Date().toISOString(),
    }).filter(([, v]) => v !== undefined);
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets = entries.map(([name, value], i) => {
      names[`#a${i}`] = name;
      values[`:v${i}`] = value;
      return `#a${i} = :v${i}`;
    });
    const conditions = ['attribute_exists(pk)'];
    if (expectedStatus && expectedStatus.length > 0) {
      const placeholders = expectedStatus.map((s, i) => {
        values[`:s${i}`] = s;
        return `:s${i}`;
      });
      names['#status'] = 'status';
      conditions.push(`#status IN (${placeholders.join(', ')})`);
    }
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: docKey(documentId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return stripKeys<DocumentRecord>(Attributes ?? {});
    } catch (error) {
      if (isConditionFailure(error)) {
        const current = await this.get(documentId);
        throw new Error(
          current
            ? `document ${documentId} is ${current.status}; expected ${expectedStatus?.join(' or ')}`
            : `document ${documentId} does not exist`,
        );
      }
      throw error;
    }
  }

  async clear(documentId: string, attributes: readonly (keyof DocumentRecord)[]): Promise<void> {
    if (attributes.length === 0) return;
    const names = Object.fromEntries(attributes.map((a, i) => [`#r${i}`, a]));
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: docKey(documentId),
        UpdateExpression: `REMOVE ${Object.keys(names).join(', ')}`,
        ExpressionAttributeNames: names,
      }),
    );
  }

  async enqueue(queue: 'review' | 'failed', entry: QueueEntry): Promise<void> {
    const existing = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: pointerKey(queue, entry.documentId) }),
    );
    if (existing.Item) return; // already listed: keep its original position
    const sk = `${entry.since}#${entry.documentId}`;
    // Queue item first, pointer second: a crash in between leaves an item that dequeue by pointer misses,
    // but enqueue again (the retried step) writes the same key, and list still shows it: nothing is lost.
    await this.doc.send(
      new PutCommand({ TableName: this.tableName, Item: { pk: `QUEUE#${queue}`, sk, ...entry } }),
    );
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...pointerKey(queue, entry.documentId), queueSk: sk },
      }),
    );
  }

  async dequeue(queue: 'review' | 'failed', documentId: string): Promise<void> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: pointerKey(queue, documentId) }),
    );
    if (!Item) return;
    await this.doc.send(
      new DeleteCommand({ TableName: this.tableName, Key: { pk: `QUEUE#${queue}`, sk: Item.queueSk } }),
    );
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: pointerKey(queue, documentId) }));
  }

  async listQueue(queue: 'review' | 'failed', limit = 100): Promise<QueueEntry[]> {
    const out: QueueEntry[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `QUEUE#${queue}` },
          Limit: limit - out.length,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        out.push({ documentId: item.documentId, since: item.since, summary: item.summary });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey && out.length < limit);
    return out;
  }

  async putJobToken(jobTag: string, token: JobToken): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.tableName, Item: { pk: `JOB#${jobTag}`, sk: 'TOKEN', ...token } }),
    );
  }

  async getJobToken(jobTag: string): Promise<JobToken | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `JOB#${jobTag}`, sk: 'TOKEN' },
        ConsistentRead: true,
      }),
    );
    return Item ? stripKeys<JobToken>(Item) : undefined;
  }

  async completeJobToken(jobTag: string, at: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `JOB#${jobTag}`, sk: 'TOKEN' },
        UpdateExpression: 'SET completedAt = :at',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':at': at },
      }),
    );
  }
}

function stripKeys<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as T;
}
