/**
 * The identity graph and profiles in one DynamoDB table (layout `customers` in lib/shared/tables.ts),
 * written without transactions: every step is one conditional or idempotent write, so a pass repeated
 * after a crash or a duplicate delivery converges, and concurrent passes are safe.
 *
 *   pk                     sk             item
 *   REC#<recordKey>        REC            source record: normalised attributes, fingerprint, customer id, decision,
 *                                         merges it made that the consumer has not yet handed over (pendingMerges)
 *   BLK#<blockKey>         <recordKey>    blocking index entry with a copy of the attributes (no second read to score)
 *   CUS#<customerId>       NODE           profile node: createdAt, mergedInto (redirect), merge-protection summary
 *   CUS#<customerId>       REC#<key>      membership of a record (assigned here; follow redirects for the survivor)
 *   CUS#<customerId>       ABSORBED#<id>  a profile that merged into this one
 *   CUS#<customerId>       PROFILE        golden record and consent (packed `body`), analytics (packed `aggregates`),
 *                                         version (optimistic concurrency); see packed-json.ts
 *   TF#g|f#<name>          TF             how many people (records that started a profile: namesCounted) carry this
 *                                         given / family name; TF#total#<0-7> counts them
 *   REVIEW..., REVIEWED#...,              the review queue: possible matches, decisions and their index by record;
 *   REVIEWS#...                           laid out by review-queue.ts alone, to which addReview and removeReviewsOf hand over
 */

import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { TermFrequencies } from '../../core/identity/model.js';
import type { NormalisedAttributes } from '../../core/identity/normalise.js';
import type { CustomerProfile, ProfileStore } from '../../core/identity/profile.js';
import type { ComparisonEvidence } from '../../core/identity/score.js';
import type {
  BlockEntry,
  ClusterSummary,
  CustomerNode,
  DecisionSummary,
  IdentityStore,
  ReviewItem,
  StoredRecord,
} from '../../core/identity/store.js';
import { sendInBatches } from './batch.js';
import { isConditionFailure } from './conditions.js';
import { packJson, unpackJson } from './packed-json.js';
import { DynamoIdentityReviewQueue } from './review-queue.js';

/** Read and write request units consumed, as DynamoDB reports them (ReturnConsumedCapacity TOTAL). */
export class CapacityMeter {
  read = 0;
  write = 0;
  add(consumed: ConsumedCapacity | readonly ConsumedCapacity[] | undefined, kind: 'read' | 'write'): void {
    const list =
      consumed === undefined ? [] : Array.isArray(consumed) ? consumed : [consumed as ConsumedCapacity];
    for (const c of list) this[kind] += c.CapacityUnits ?? 0;
  }
}

const TOTAL = 'TOTAL' as const;

export class DynamoIdentityStore implements IdentityStore, ProfileStore {
  readonly capacity = new CapacityMeter();
  private readonly termCounts = new TermCountCache();
  private readonly profilesReadAhead = new ProfileReadAhead();
  /** The review queue shares the table; its layout is its own (review-queue.ts). */
  private readonly reviews: DynamoIdentityReviewQueue;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Decides which counts are sampled; injectable so tests are repeatable. */
    private readonly random: () => number = Math.random,
  ) {
    this.reviews = new DynamoIdentityReviewQueue(doc, tableName, this.capacity);
  }

  private async get(
    pk: string,
    sk: string,
    options: { readonly consistent: boolean } = { consistent: true },
  ): Promise<Record<string, unknown> | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk, sk },
        ConsistentRead: options.consistent,
        ReturnConsumedCapacity: TOTAL,
      }),
    );
    this.capacity.add(out.ConsumedCapacity, 'read');
    return out.Item;
  }

  /** Put with an optional condition; false when the condition failed. */
  private async put(
    item: Record<string, unknown>,
    condition?: string,
    values?: Record<string, unknown>,
  ): Promise<boolean> {
    try {
      const out = await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ...(condition ? { ConditionExpression: condition } : {}),
          ...(values ? { ExpressionAttributeValues: values } : {}),
          ReturnConsumedCapacity: TOTAL,
        }),
      );
      this.capacity.add(out.ConsumedCapacity, 'write');
      return true;
    } catch (e) {
      if (isConditionFailure(e)) {
        // A failed condition still consumes write capacity; DynamoDB does not report it on the error here.
        this.capacity.write += 1;
        return false;
      }
      throw e;
    }
  }

  private async update(
    input: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName'>,
  ): Promise<Record<string, unknown> | undefined> {
    const out = await this.doc.send(
      new UpdateCommand({ ...input, TableName: this.tableName, ReturnConsumedCapacity: TOTAL }),
    );
    this.capacity.add(out.ConsumedCapacity, 'write');
    return out.Attributes;
  }

  private async batchWrite(requests: Record<string, unknown>[]): Promise<void> {
    await sendInBatches(requests, 25, 'block writes', async (pending) => {
      const out = await this.doc.send(
        new BatchWriteCommand({
          RequestItems: { [this.tableName]: pending as never },
          ReturnConsumedCapacity: TOTAL,
        }),
      );
      this.capacity.add(out.ConsumedCapacity, 'write');
      return out.UnprocessedItems?.[this.tableName] as Record<string, unknown>[] | undefined;
    });
  }

  // ---- identity graph

  async getRecord(recordKey: string): Promise<StoredRecord | undefined> {
    const item = await this.get(`REC#${recordKey}`, 'REC');
    return item === undefined ? undefined : toRecord(item);
  }

  async getRecords(recordKeys: readonly string[]): Promise<(StoredRecord | undefined)[]> {
    const unique = [...new Set(recordKeys)];
    const found = new Map<string, StoredRecord>();
    const keys = unique.map((k): Record<string, unknown> => ({ pk: `REC#${k}`, sk: 'REC' }));
    await sendInBatches(keys, 100, 'record reads', async (pending) => {
      const out: BatchGetCommandOutput = await this.doc.send(
        new BatchGetCommand({
          // Strongly consistent, as getRecord: the concurrency argument needs every earlier write visible.
          RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } },
          ReturnConsumedCapacity: TOTAL,
        }),
      );
      this.capacity.add(out.ConsumedCapacity, 'read');
      for (const item of out.Responses?.[this.tableName] ?? []) {
        const record = toRecord(item);
        found.set(record.recordKey, record);
      }
      return out.UnprocessedKeys?.[this.tableName]?.Keys;
    });
    return recordKeys.map((k) => found.get(k));
  }

  async putRecord(record: StoredRecord, blockKeys: readonly string[]): Promise<'created' | 'exists'> {
    const created = await this.put(fromRecord(record), 'attribute_not_exists(pk)');
    if (!created) return 'exists';
    await this.writeBlocks(record, blockKeys);
    return 'created';
  }

  async updateRecord(
    record: StoredRecord,
    blockKeys: readonly string[],
    previous: {
      readonly record: StoredRecord;
      readonly blockKeys: readonly string[];
      readonly rewriteAll?: boolean;
    },
  ): Promise<void> {
    await this.update({
      Key: { pk: `REC#${record.recordKey}`, sk: 'REC' },
      UpdateExpression: 'SET attrs = :a, fp = :f, observedAt = :o',
      ExpressionAttributeValues: {
        ':a': record.attributes,
        ':f': record.fingerprint,
        ':o': record.observedAt,
      },
    });
    const keep = new Set(blockKeys);
    const stale = previous.blockKeys.filter((k) => !keep.has(k));
    if (stale.length > 0) {
      await this.batchWrite(
        stale.map((k) => ({ DeleteRequest: { Key: { pk: `BLK#${k}`, sk: record.recordKey } } })),
      );
    }
    const had = new Set(previous.rewriteAll ? [] : previous.blockKeys);
    await this.writeBlocks(
      record,
      blockKeys.filter((k) => !had.has(k)),
    );
    if (previous.record.namesCounted && previous.record.fingerprint !== record.fingerprint) {
      await this.countTerms(previous.record.attributes, -1);
      await this.countTerms(record.attributes, 1);
    }
  }

  private async writeBlocks(record: StoredRecord, blockKeys: readonly string[]): Promise<void> {
    await this.batchWrite(
      blockKeys.map((k) => ({
        PutRequest: {
          Item: {
            pk: `BLK#${k}`,
            sk: record.recordKey,
            src: record.source,
            a: record.attributes,
            o: record.observedAt,
          },
        },
      })),
    );
  }

  private async countTerms(a: NormalisedAttributes, delta: number): Promise<void> {
    this.termCounts.counted(delta);
    const keys = [
      // The record count is kept by sampling: one record in TOTAL_SHARDS adds TOTAL_SHARDS to a random shard.
      ...(this.random() < 1 / TOTAL_SHARDS ? [{ pk: totalShard(), step: TOTAL_SHARDS }] : []),
      ...[a.given ? `TF#g#${a.given}` : undefined, a.family ? `TF#f#${a.family}` : undefined].flatMap(
        (pk) => {
          if (pk === undefined) return [];
          // A common name is counted by sampling too (see countStep): most of its records write nothing.
          const step = countStep(this.termCounts.magnitude(pk));
          return step === 1 || this.random() < 1 / step ? [{ pk, step }] : [];
        },
      ),
    ];
    await Promise.all(
      keys.map(async ({ pk, step }) => {
        const updated = await this.update({
          Key: { pk, sk: 'TF' },
          UpdateExpression: 'ADD n :d',
          ExpressionAttributeValues: { ':d': delta * step },
          ReturnValues: 'UPDATED_NEW',
        });
        this.termCounts.remember(pk, Number(updated?.n ?? 0));
      }),
    );
  }

  async queryBlocks(blockKeys: readonly string[], limitPerKey: number): Promise<BlockEntry[]> {
    const results = await Promise.all(
      blockKeys.map(async (k) => {
        const out = await this.doc.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': `BLK#${k}` },
            Limit: limitPerKey,
            // Strongly consistent: the concurrency argument needs every write made before this read visible.
            ConsistentRead: true,
            ReturnConsumedCapacity: TOTAL,
          }),
        );
        this.capacity.add(out.ConsumedCapacity, 'read');
        return (out.Items ?? []).map(
          (i): BlockEntry => ({
            recordKey: i.sk as string,
            source: i.src as string,
            attributes: i.a as NormalisedAttributes,
            ...(i.o ? { observedAt: i.o as string } : {}),
          }),
        );
      }),
    );
    return results.flat();
  }

  async recordsInBlocks(blockKeys: readonly string[]): Promise<string[]> {
    // Every page, not the resolver's first maxBlockSize: an erasure is rare, and a neighbour that saw the
    // erased record may sit anywhere in the block. Only the sort key is returned (the record key).
    const pages = await Promise.all(blockKeys.map((k) => this.querySortPrefix(`BLK#${k}`, '', true)));
    return [...new Set(pages.flat())];
  }

  async termFrequencies(a: NormalisedAttributes): Promise<TermFrequencies> {
    const names = [...(a.given ? [`TF#g#${a.given}`] : []), ...(a.family ? [`TF#f#${a.family}`] : [])];
    // A new record's counts came back from its own count update a moment ago: read only what is missing.
    const missing = names.filter((pk) => this.termCounts.get(pk) === undefined);
    const shard = totalShard();
    if (this.termCounts.total() === undefined) missing.push(shard);
    const counts = new Map<string, number>();
    if (missing.length > 0) {
      const out = await this.doc.send(
        new BatchGetCommand({
          RequestItems: {
            [this.tableName]: {
              Keys: missing.map((pk) => ({ pk, sk: 'TF' })),
              ProjectionExpression: 'pk, n',
            },
          },
          ReturnConsumedCapacity: TOTAL,
        }),
      );
      this.capacity.add(out.ConsumedCapacity, 'read');
      for (const i of out.Responses?.[this.tableName] ?? []) {
        counts.set(i.pk as string, Number(i.n ?? 0));
        this.termCounts.remember(i.pk as string, Number(i.n ?? 0));
      }
      if (missing.includes(shard)) this.termCounts.rememberTotal((counts.get(shard) ?? 0) * TOTAL_SHARDS);
    }
    const countOf = (pk: string) => counts.get(pk) ?? this.termCounts.get(pk) ?? 0;
    return {
      // One random shard of the record count, scaled: cheaper than reading them all, close enough for a frequency.
      total: this.termCounts.total() ?? 0,
      count: (c, value) => countOf(`TF#${c === 'given' ? 'g' : 'f'}#${value}`),
    };
  }

  async getCustomer(
    customerId: string,
    options: { readonly profileNext?: boolean } = {},
  ): Promise<CustomerNode | undefined> {
    const item = options.profileNext
      ? await this.getNodeAndProfile(customerId)
      : await this.get(`CUS#${customerId}`, 'NODE');
    if (item === undefined) return undefined;
    return {
      customerId,
      createdAt: item.createdAt as string,
      ...(item.mergedInto ? { mergedInto: item.mergedInto as string } : {}),
      summary: {
        size: Number(item.size ?? 0),
        loyaltyIds: setValues(item.loyaltyIds),
        sources: setValues(item.sources),
        ids: setValues(item.ids),
        apart: setValues(item.apart),
      },
    };
  }

  /**
   * The node and the profile side by side in one strongly consistent Query (NODE and PROFILE are the only
   * sort keys between the two): one round trip instead of two on the path most events take, and one read
   * unit instead of one and a half while the two fit in 4 KB. The profile waits for getProfile.
   */
  private async getNodeAndProfile(customerId: string): Promise<Record<string, unknown> | undefined> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :node AND :profile',
        ExpressionAttributeValues: { ':pk': `CUS#${customerId}`, ':node': 'NODE', ':profile': 'PROFILE' },
        ConsistentRead: true,
        ReturnConsumedCapacity: TOTAL,
      }),
    );
    this.capacity.add(out.ConsumedCapacity, 'read');
    const items = out.Items ?? [];
    this.profilesReadAhead.keep(
      customerId,
      items.find((item) => item.sk === 'PROFILE'),
    );
    return items.find((item) => item.sk === 'NODE');
  }

  async createCustomer(node: CustomerNode): Promise<void> {
    const s = node.summary;
    await this.put(
      {
        pk: `CUS#${node.customerId}`,
        sk: 'NODE',
        createdAt: node.createdAt,
        size: s.size,
        ...(s.loyaltyIds.length > 0 ? { loyaltyIds: new Set(s.loyaltyIds) } : {}),
        ...(s.sources.length > 0 ? { sources: new Set(s.sources) } : {}),
        ...(s.ids.length > 0 ? { ids: new Set(s.ids) } : {}),
        ...(s.apart.length > 0 ? { apart: new Set(s.apart) } : {}),
      },
      'attribute_not_exists(pk)',
    );
  }

  private async foldSummary(customerId: string, summary: ClusterSummary): Promise<void> {
    const sets: [string, readonly string[]][] = [
      ['loyaltyIds', summary.loyaltyIds],
      ['sources', summary.sources],
      ['ids', summary.ids],
      ['apart', summary.apart],
    ];
    const present = sets.filter(([, v]) => v.length > 0);
    await this.update({
      Key: { pk: `CUS#${customerId}`, sk: 'NODE' },
      UpdateExpression: `ADD #size :size${present.map(([name]) => `, ${name} :${name}`).join('')}`,
      ExpressionAttributeNames: { '#size': 'size' },
      ExpressionAttributeValues: {
        ':size': summary.size,
        ...Object.fromEntries(present.map(([name, v]) => [`:${name}`, new Set(v)])),
      },
    });
  }

  async addMember(customerId: string, recordKey: string, summary: ClusterSummary | undefined): Promise<void> {
    const added = await this.put(
      { pk: `CUS#${customerId}`, sk: `REC#${recordKey}` },
      'attribute_not_exists(pk)',
    );
    if (added && summary) await this.foldSummary(customerId, summary);
  }

  async assignRecord(
    recordKey: string,
    customerId: string,
    decision: DecisionSummary,
    options: { readonly onlyIfUnassigned?: boolean; readonly countNames?: NormalisedAttributes } = {},
  ): Promise<boolean> {
    const counting = options.countNames !== undefined;
    try {
      const old = await this.update({
        Key: { pk: `REC#${recordKey}`, sk: 'REC' },
        UpdateExpression: `SET customerId = :c, decision = :d${counting ? ', namesCounted = :t' : ''}`,
        ConditionExpression: options.onlyIfUnassigned
          ? 'attribute_exists(pk) AND (attribute_not_exists(customerId) OR customerId = :c)'
          : 'attribute_exists(pk)',
        ExpressionAttributeValues: {
          ':c': customerId,
          ':d': encodeDecision(decision),
          ...(counting ? { ':t': true } : {}),
        },
        // Whether an earlier attempt of this assignment counted the names already.
        ...(counting ? { ReturnValues: 'UPDATED_OLD' as const } : {}),
      });
      if (counting && old?.namesCounted !== true) await this.countTerms(options.countNames!, 1);
      return true;
    } catch (e) {
      if (options.onlyIfUnassigned && isConditionFailure(e)) return false;
      throw e;
    }
  }

  async redirectCustomer(
    fromId: string,
    intoId: string,
    fromSummary: ClusterSummary,
  ): Promise<{ ok: true } | { ok: false; mergedInto: string }> {
    let previous: Record<string, unknown> | undefined;
    try {
      previous = await this.update({
        Key: { pk: `CUS#${fromId}`, sk: 'NODE' },
        UpdateExpression: 'SET mergedInto = :into',
        ConditionExpression:
          'attribute_exists(pk) AND (attribute_not_exists(mergedInto) OR mergedInto = :into)',
        ExpressionAttributeValues: { ':into': intoId },
        ReturnValues: 'UPDATED_OLD',
      });
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      this.capacity.write += 1;
      const node = await this.getCustomer(fromId);
      if (node?.mergedInto === undefined) throw new Error(`profile ${fromId} does not exist`);
      return { ok: false, mergedInto: node.mergedInto };
    }
    if (previous?.mergedInto === undefined) {
      // First time this redirect was written: record it on the survivor and fold the summary in.
      await this.put({ pk: `CUS#${intoId}`, sk: `ABSORBED#${fromId}` });
      await this.foldSummary(intoId, fromSummary);
    }
    return { ok: true };
  }

  async notePendingMerge(recordKey: string, mergedId: string): Promise<void> {
    await this.update({
      Key: { pk: `REC#${recordKey}`, sk: 'REC' },
      UpdateExpression: 'ADD pendingMerges :id',
      ExpressionAttributeValues: { ':id': new Set([mergedId]) },
    });
  }

  async clearPendingMerges(recordKey: string, mergedIds: readonly string[]): Promise<void> {
    if (mergedIds.length === 0) return;
    await this.update({
      Key: { pk: `REC#${recordKey}`, sk: 'REC' },
      UpdateExpression: 'DELETE pendingMerges :ids',
      ExpressionAttributeValues: { ':ids': new Set(mergedIds) },
    });
  }

  addReview(item: ReviewItem): Promise<boolean> {
    return this.reviews.add(item);
  }

  removeReviewsOf(recordKeys: readonly string[]): Promise<void> {
    return this.reviews.removeReviewsOf(recordKeys);
  }

  async eraseRecord(record: StoredRecord, blockKeys: readonly string[], erasedAt: string): Promise<void> {
    // The tombstone replaces the record first: from then on a replayed event cannot recreate it. It keeps
    // the block keys still to delete until they are deleted: a repeated erasure (after a failure) cannot
    // work them out from the tombstone, and each block entry holds a copy of the person's attributes.
    const pk = `REC#${record.recordKey}`;
    const item = await this.get(pk, 'REC');
    const old = item === undefined ? undefined : toRecord(item);
    const blocks = [...new Set([...blockKeys, ...setValues(item?.pendingBlocks)])];
    await this.put({
      pk,
      sk: 'REC',
      src: record.source,
      erasedAt: old?.erasedAt ?? erasedAt,
      ...(blocks.length > 0 ? { pendingBlocks: new Set(blocks) } : {}),
    });
    if (blocks.length > 0) {
      await this.batchWrite(
        blocks.map((k) => ({ DeleteRequest: { Key: { pk: `BLK#${k}`, sk: record.recordKey } } })),
      );
      await this.update({ Key: { pk, sk: 'REC' }, UpdateExpression: 'REMOVE pendingBlocks' });
    }
    if (old?.namesCounted && old.erasedAt === undefined) await this.countTerms(old.attributes, -1);
    if (record.customerId) await this.removeMember(record.customerId, record.recordKey);
  }

  async eraseCustomerNode(customerId: string, erasedAt: string): Promise<void> {
    try {
      await this.update({
        Key: { pk: `CUS#${customerId}`, sk: 'NODE' },
        UpdateExpression: 'SET erasedAt = :at, #size = :zero REMOVE loyaltyIds, sources',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#size': 'size' },
        ExpressionAttributeValues: { ':at': erasedAt, ':zero': 0 },
      });
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
  }

  async replaceDecision(
    recordKey: string,
    expected: DecisionSummary,
    next: DecisionSummary,
  ): Promise<boolean> {
    // The condition is on the stored text itself, whatever version of the encoding wrote it: compared
    // decoded here, then required unchanged by the write (a concurrent pass's change makes it fail).
    const item = await this.get(`REC#${recordKey}`, 'REC');
    if (typeof item?.decision !== 'string' || item.erasedAt !== undefined) return false;
    if (JSON.stringify(decodeDecision(item.decision)) !== JSON.stringify(expected)) return false;
    try {
      await this.update({
        Key: { pk: `REC#${recordKey}`, sk: 'REC' },
        UpdateExpression: 'SET decision = :next',
        ConditionExpression: 'decision = :read AND attribute_not_exists(erasedAt)',
        ExpressionAttributeValues: { ':next': encodeDecision(next), ':read': item.decision },
      });
      return true;
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      this.capacity.write += 1;
      return false;
    }
  }

  async deleteProfile(customerId: string): Promise<void> {
    this.profilesReadAhead.take(customerId);
    await this.doc.send(
      new DeleteCommand({ TableName: this.tableName, Key: { pk: `CUS#${customerId}`, sk: 'PROFILE' } }),
    );
  }

  async removeMember(customerId: string, recordKey: string): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: `CUS#${customerId}`, sk: `REC#${recordKey}` },
          ConditionExpression: 'attribute_exists(pk)',
          ReturnConsumedCapacity: TOTAL,
        }),
      );
    } catch (e) {
      if (isConditionFailure(e)) return;
      throw e;
    }
    await this.update({
      Key: { pk: `CUS#${customerId}`, sk: 'NODE' },
      UpdateExpression: 'ADD #size :minus',
      ExpressionAttributeNames: { '#size': 'size' },
      ExpressionAttributeValues: { ':minus': -1 },
    });
  }

  async markApart(customerId: string, otherId: string): Promise<void> {
    await Promise.all(
      [
        [customerId, otherId],
        [otherId, customerId],
      ].map(([id, other]) =>
        this.update({
          Key: { pk: `CUS#${id}`, sk: 'NODE' },
          UpdateExpression: 'ADD apart :other',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':other': new Set([other]) },
        }),
      ),
    );
  }

  private async querySortPrefix(pk: string, prefix: string, consistent = false): Promise<string[]> {
    const keys: string[] = [];
    const input = {
      TableName: this.tableName,
      KeyConditionExpression: prefix ? 'pk = :pk AND begins_with(sk, :p)' : 'pk = :pk',
      ExpressionAttributeValues: prefix ? { ':pk': pk, ':p': prefix } : { ':pk': pk },
      ProjectionExpression: 'sk',
      ...(consistent ? { ConsistentRead: true, ReturnConsumedCapacity: TOTAL } : {}),
    };
    for await (const page of paginateQuery({ client: this.doc }, input)) {
      if (consistent) this.capacity.add(page.ConsumedCapacity, 'read');
      for (const i of page.Items ?? []) keys.push((i.sk as string).slice(prefix.length));
    }
    return keys;
  }

  listMembers(customerId: string): Promise<string[]> {
    return this.querySortPrefix(`CUS#${customerId}`, 'REC#');
  }

  listAbsorbed(customerId: string): Promise<string[]> {
    return this.querySortPrefix(`CUS#${customerId}`, 'ABSORBED#');
  }

  // ---- profiles (a profile remembers its latest event keys, so a redelivery changes nothing)

  async getProfile(
    customerId: string,
    options: { readonly eventually?: boolean } = {},
  ): Promise<CustomerProfile | undefined> {
    // A read that may be a moment stale may be the one made with the node a moment ago.
    const readAhead = options.eventually === true ? this.profilesReadAhead.take(customerId) : undefined;
    const item = readAhead
      ? readAhead.item
      : await this.get(`CUS#${customerId}`, 'PROFILE', { consistent: options.eventually !== true });
    if (item === undefined) return undefined;
    const { pk: _pk, sk: _sk, body, aggregates, ...plain } = item;
    return {
      ...(body === undefined ? plain : (unpackJson(body) as object)),
      customerId: item.customerId,
      version: item.version,
      ...(aggregates !== undefined ? { aggregates: unpackJson(aggregates) } : {}),
    } as unknown as CustomerProfile;
  }

  async putProfile(profile: CustomerProfile, expectedVersion: number): Promise<boolean> {
    const { customerId, version, aggregates, ...body } = profile;
    this.profilesReadAhead.take(customerId);
    return this.put(
      {
        pk: `CUS#${customerId}`,
        sk: 'PROFILE',
        customerId,
        version,
        body: packJson(body),
        // Apart from the body, because the nightly fit rewrites it alone (analytics-profiles.ts).
        ...(aggregates !== undefined ? { aggregates: packJson(aggregates) } : {}),
      },
      expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
      expectedVersion === 0 ? undefined : { ':v': expectedVersion },
    );
  }
}

/**
 * Profile items read with their node (getCustomer with `profileNext`) for the getProfile that follows a
 * moment later in the same pass. Each is served once, and only to a read that may be stale: the write
 * after it is conditional on the version read, so a profile changed meanwhile costs a retry, never an
 * update. Kept for a second at most, and few, so one never read (the pass stopped) is soon gone.
 */
class ProfileReadAhead {
  private static readonly MAX_AGE_MS = 1000;
  private static readonly MAX_ENTRIES = 64;
  private readonly entries = new Map<string, { item?: Record<string, unknown>; at: number }>();

  keep(customerId: string, item: Record<string, unknown> | undefined): void {
    const now = Date.now();
    this.entries.delete(customerId);
    this.entries.set(customerId, item === undefined ? { at: now } : { item, at: now });
    // Oldest first (insertion order): drop what has expired or overflows.
    for (const [id, entry] of this.entries) {
      const overflow = this.entries.size > ProfileReadAhead.MAX_ENTRIES;
      if (!overflow && now - entry.at <= ProfileReadAhead.MAX_AGE_MS) break;
      this.entries.delete(id);
    }
  }

  /** The kept read, once; undefined when there is none (or it is too old): read the table then. */
  take(customerId: string): { readonly item?: Record<string, unknown> } | undefined {
    const entry = this.entries.get(customerId);
    if (entry === undefined) return undefined;
    this.entries.delete(customerId);
    return Date.now() - entry.at <= ProfileReadAhead.MAX_AGE_MS ? entry : undefined;
  }
}

/**
 * The record count is split over shards so that no single item takes every new record's write (one
 * DynamoDB partition accepts about 1,000 writes a second).
 */
const TOTAL_SHARDS = 8;

/**
 * Name counts this container saw a moment ago, and the record total for a minute. Frequencies only weigh
 * evidence (a rare surname says more), so a count a few seconds old changes nothing that matters, and
 * reusing it saves a read on most new records.
 */
class TermCountCache {
  private readonly counts = new Map<string, { n: number; at: number }>();
  private readonly magnitudes = new Map<string, number>();
  private totalEstimate: { n: number; at: number } | undefined;

  /** People this container counted in or out since the total was read: the total follows its own writes. */
  counted(delta: number): void {
    if (this.totalEstimate) this.totalEstimate.n += delta;
  }

  remember(pk: string, n: number): void {
    if (pk.startsWith('TF#total#')) return;
    if (this.counts.size >= 10_000) this.counts.clear();
    this.counts.set(pk, { n, at: Date.now() });
    if (this.magnitudes.size >= 50_000) this.magnitudes.clear();
    this.magnitudes.set(pk, n);
  }

  /** The last count seen for this name, however old: enough to judge whether it is common. */
  magnitude(pk: string): number | undefined {
    return this.magnitudes.get(pk);
  }

  get(pk: string): number | undefined {
    const c = this.counts.get(pk);
    return c !== undefined && Date.now() - c.at < 10_000 ? c.n : undefined;
  }

  rememberTotal(n: number): void {
    this.totalEstimate = { n, at: Date.now() };
  }

  total(): number | undefined {
    const t = this.totalEstimate;
    return t !== undefined && Date.now() - t.at < 60_000 ? t.n : undefined;
  }
}
/** Counts below this are kept exactly: a rare name's weight depends on every record of it. */
const SAMPLE_FROM = 64;

/**
 * How a name count grows: by 1, or for a name this container knows to be common, by `step` in one record
 * out of `step` (the expected count is exact). A step of a 32nd of the count keeps the relative error
 * near 10%, about 0.15 bits of match weight, and spares the write on nearly every record of a common name:
 * the counts are the largest part of a new record's writes after its blocks.
 */
export function countStep(known: number | undefined): number {
  if (known === undefined || known < SAMPLE_FROM) return 1;
  return 2 ** Math.floor(Math.log2(known / 32));
}

const totalShard = () => `TF#total#${Math.floor(Math.random() * TOTAL_SHARDS)}`;

type CompactComparison = [ComparisonEvidence['comparison'], string, number, string?];
interface CompactDecision {
  o: DecisionSummary['outcome'];
  t: number;
  at: string;
  b?: { k: string; tot: number; sw: boolean; c: CompactComparison[]; p: [string, boolean][] };
}

/**
 * The decision kept on a record for explain, written compactly: an update costs one write unit per KB of
 * the item, and the evidence is the larger part of it.
 */
function encodeDecision(d: DecisionSummary): string {
  const compact: CompactDecision = { o: d.outcome, t: d.threshold, at: d.decidedAt };
  if (d.best) {
    const e = d.best.evidence;
    compact.b = {
      k: d.best.recordKey,
      tot: e.total,
      sw: e.swappedNames,
      c: e.comparisons.map((c) =>
        c.note ? [c.comparison, c.level, c.weight, c.note] : [c.comparison, c.level, c.weight],
      ),
      p: e.protections.map((p) => [p.rule, p.veto]),
    };
  }
  return JSON.stringify(compact);
}

function decodeDecision(text: string): DecisionSummary {
  const c = JSON.parse(text) as CompactDecision;
  return {
    outcome: c.o,
    threshold: c.t,
    decidedAt: c.at,
    ...(c.b
      ? {
          best: {
            recordKey: c.b.k,
            evidence: {
              total: c.b.tot,
              swappedNames: c.b.sw,
              comparisons: c.b.c.map(([comparison, level, weight, note]) =>
                note ? { comparison, level, weight, note } : { comparison, level, weight },
              ),
              protections: c.b.p.map(([rule, veto]) => ({ rule, veto })),
            },
          },
        }
      : {}),
  };
}

function setValues(value: unknown): string[] {
  if (value instanceof Set) return [...(value as Set<string>)].sort();
  return Array.isArray(value) ? (value as string[]) : [];
}

function fromRecord(r: StoredRecord): Record<string, unknown> {
  return {
    pk: `REC#${r.recordKey}`,
    sk: 'REC',
    src: r.source,
    attrs: r.attributes,
    fp: r.fingerprint,
    observedAt: r.observedAt,
    ...(r.customerId ? { customerId: r.customerId } : {}),
    ...(r.decision ? { decision: encodeDecision(r.decision) } : {}),
  };
}

function toRecord(item: Record<string, unknown>): StoredRecord {
  return {
    recordKey: (item.pk as string).slice('REC#'.length),
    source: item.src as string,
    attributes: (item.attrs ?? {}) as NormalisedAttributes,
    fingerprint: (item.fp ?? '') as string,
    observedAt: (item.observedAt ?? item.erasedAt) as string,
    ...(item.customerId ? { customerId: item.customerId as string } : {}),
    ...(item.decision ? { decision: decodeDecision(item.decision as string) } : {}),
    ...(item.erasedAt ? { erasedAt: item.erasedAt as string } : {}),
    ...(item.pendingMerges ? { pendingMerges: setValues(item.pendingMerges) } : {}),
    ...(item.namesCounted === true ? { namesCounted: true } : {}),
  };
}
