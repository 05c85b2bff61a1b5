import type { TermFrequencies } from './model.js';
import type { NormalisedAttributes } from './normalise.js';
import type { CustomerProfile, ProfileStore } from './profile.js';
import { combineSummaries } from './resolve.js';
import {
  type BlockEntry,
  type ClusterSummary,
  type CustomerNode,
  type DecisionSummary,
  IdentityReviewError,
  type IdentityReviewQueue,
  type IdentityStore,
  type QueuedReview,
  type ReviewDecisionRecord,
  type ReviewItem,
  type StoredRecord,
} from './store.js';

/** The identity graph in memory: for tests, benchmarks, and training runs on one machine. */
export class InMemoryIdentityStore implements IdentityStore {
  readonly records = new Map<string, StoredRecord>();
  readonly blocks = new Map<string, BlockEntry[]>();
  readonly customers = new Map<string, CustomerNode>();
  readonly members = new Map<string, Set<string>>();
  readonly absorbed = new Map<string, Set<string>>();
  /** Possible matches waiting for a person (InMemoryIdentityReviewQueue decides them). */
  readonly reviews: ReviewItem[] = [];
  /** Decisions by item key, with the two records the item named (kept after the item leaves the queue). */
  readonly reviewDecisions = new Map<
    string,
    { readonly names: readonly string[]; readonly decision: ReviewDecisionRecord }
  >();
  /** The item queued for each pair of profiles (as DynamoIdentityReviewQueue keeps them). */
  private readonly reviewPairs = new Map<
    string,
    { readonly key: string; readonly names: readonly string[] }
  >();
  private readonly givenCounts = new Map<string, number>();
  private readonly familyCounts = new Map<string, number>();
  private total = 0;

  async getRecord(recordKey: string): Promise<StoredRecord | undefined> {
    return this.records.get(recordKey);
  }

  async getRecords(recordKeys: readonly string[]): Promise<(StoredRecord | undefined)[]> {
    return recordKeys.map((k) => this.records.get(k));
  }

  async putRecord(record: StoredRecord, blockKeys: readonly string[]): Promise<'created' | 'exists'> {
    if (this.records.has(record.recordKey)) return 'exists';
    this.records.set(record.recordKey, record);
    this.index(record, blockKeys, false);
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
    const old = this.records.get(record.recordKey);
    // As on DynamoDB: entries under keys the record keeps stay as they were; new keys get a fresh copy.
    const keep = new Set(blockKeys);
    const had = new Set(previous.rewriteAll ? [] : previous.blockKeys);
    for (const key of previous.blockKeys.filter((k) => !keep.has(k))) {
      const list = this.blocks.get(key);
      if (list)
        this.blocks.set(
          key,
          list.filter((e) => e.recordKey !== record.recordKey),
        );
    }
    const moved = old?.namesCounted === true && old.fingerprint !== record.fingerprint;
    if (old && moved) this.count(old.attributes, -1);
    this.records.set(record.recordKey, {
      ...record,
      ...(old?.customerId ? { customerId: old.customerId } : {}),
      ...(old?.namesCounted ? { namesCounted: true } : {}),
    });
    this.index(
      record,
      blockKeys.filter((k) => !had.has(k)),
    );
    if (moved) this.count(record.attributes, 1);
  }

  /** `known`: the record may be indexed under some of these keys already (a new record is not). */
  private index(record: StoredRecord, blockKeys: readonly string[], known = true): void {
    const entry: BlockEntry = {
      recordKey: record.recordKey,
      source: record.source,
      attributes: record.attributes,
      observedAt: record.observedAt,
    };
    for (const key of blockKeys) {
      const list = this.blocks.get(key);
      if (list === undefined) {
        this.blocks.set(key, [entry]);
        continue;
      }
      // Like a put of the same key: the record's entry is replaced, not repeated.
      const at = known ? list.findIndex((e) => e.recordKey === record.recordKey) : -1;
      if (at >= 0) list[at] = entry;
      else list.push(entry);
    }
  }

  private count(a: NormalisedAttributes, delta: number): void {
    this.total += delta;
    if (a.given) this.givenCounts.set(a.given, (this.givenCounts.get(a.given) ?? 0) + delta);
    if (a.family) this.familyCounts.set(a.family, (this.familyCounts.get(a.family) ?? 0) + delta);
  }

  async queryBlocks(blockKeys: readonly string[], limitPerKey: number): Promise<BlockEntry[]> {
    const out: BlockEntry[] = [];
    for (const key of blockKeys) {
      const list = this.blocks.get(key);
      if (list === undefined) continue;
      // Like a DynamoDB Query with Limit: the first entries in key order.
      for (let i = 0; i < list.length && i < limitPerKey; i++) out.push(list[i]!);
    }
    return out;
  }

  async recordsInBlocks(blockKeys: readonly string[]): Promise<string[]> {
    const keys = new Set<string>();
    for (const key of blockKeys) for (const e of this.blocks.get(key) ?? []) keys.add(e.recordKey);
    return [...keys];
  }

  async termFrequencies(_attributes: NormalisedAttributes): Promise<TermFrequencies> {
    const total = this.total;
    return {
      total,
      count: (c, value) => (c === 'given' ? this.givenCounts : this.familyCounts).get(value) ?? 0,
    };
  }

  async getCustomer(customerId: string): Promise<CustomerNode | undefined> {
    return this.customers.get(customerId);
  }

  async createCustomer(node: CustomerNode): Promise<void> {
    if (!this.customers.has(node.customerId)) this.customers.set(node.customerId, node);
  }

  async addMember(customerId: string, recordKey: string, summary: ClusterSummary | undefined): Promise<void> {
    const set = this.members.get(customerId) ?? new Set<string>();
    if (set.has(recordKey)) return;
    set.add(recordKey);
    this.members.set(customerId, set);
    const node = this.customers.get(customerId);
    if (node && summary)
      this.customers.set(customerId, { ...node, summary: combineSummaries(node.summary, summary) });
  }

  async assignRecord(
    recordKey: string,
    customerId: string,
    decision: DecisionSummary,
    options: { readonly onlyIfUnassigned?: boolean; readonly countNames?: NormalisedAttributes } = {},
  ): Promise<boolean> {
    const record = this.records.get(recordKey);
    if (record === undefined) throw new Error(`record ${recordKey} does not exist`);
    if (options.onlyIfUnassigned && record.customerId !== undefined && record.customerId !== customerId)
      return false;
    const counts = options.countNames !== undefined && record.namesCounted !== true;
    this.records.set(recordKey, {
      ...record,
      customerId,
      decision,
      ...(counts ? { namesCounted: true } : {}),
    });
    if (counts) this.count(options.countNames!, 1);
    return true;
  }

  async redirectCustomer(
    fromId: string,
    intoId: string,
    fromSummary: ClusterSummary,
  ): Promise<{ ok: true } | { ok: false; mergedInto: string }> {
    const from = this.customers.get(fromId);
    if (from === undefined) throw new Error(`profile ${fromId} does not exist`);
    if (from.mergedInto !== undefined && from.mergedInto !== intoId)
      return { ok: false, mergedInto: from.mergedInto };
    if (from.mergedInto === intoId) return { ok: true };
    this.customers.set(fromId, { ...from, mergedInto: intoId });
    const set = this.absorbed.get(intoId) ?? new Set<string>();
    set.add(fromId);
    this.absorbed.set(intoId, set);
    const into = this.customers.get(intoId);
    if (into) this.customers.set(intoId, { ...into, summary: combineSummaries(into.summary, fromSummary) });
    return { ok: true };
  }

  async notePendingMerge(recordKey: string, mergedId: string): Promise<void> {
    const record = this.records.get(recordKey);
    if (record === undefined) return;
    const pending = new Set([...(record.pendingMerges ?? []), mergedId]);
    this.records.set(recordKey, { ...record, pendingMerges: [...pending].sort() });
  }

  async clearPendingMerges(recordKey: string, mergedIds: readonly string[]): Promise<void> {
    const record = this.records.get(recordKey);
    if (record?.pendingMerges === undefined) return;
    const { pendingMerges, ...rest } = record;
    const left = pendingMerges.filter((id) => !mergedIds.includes(id));
    this.records.set(recordKey, left.length > 0 ? { ...rest, pendingMerges: left } : rest);
  }

  async addReview(item: ReviewItem): Promise<boolean> {
    const pair = [item.customerId, item.candidateCustomerId].sort().join(' ');
    const held = this.reviewPairs.get(pair);
    const heldLives =
      held !== undefined &&
      (this.reviews.some((r) => reviewKeyOf(r) === held.key) || this.reviewDecisions.has(held.key));
    if (heldLives) return false;
    this.reviewPairs.set(pair, { key: reviewKeyOf(item), names: [item.recordKey, item.candidateRecordKey] });
    this.reviews.push(item);
    return true;
  }

  async removeReviewsOf(recordKeys: readonly string[]): Promise<void> {
    const gone = new Set(recordKeys);
    const kept = this.reviews.filter((r) => !gone.has(r.recordKey) && !gone.has(r.candidateRecordKey));
    this.reviews.splice(0, this.reviews.length, ...kept);
    for (const [pair, { names }] of this.reviewPairs) {
      if (names.some((name) => gone.has(name))) this.reviewPairs.delete(pair);
    }
    for (const [key, { names }] of this.reviewDecisions) {
      if (names.some((name) => gone.has(name))) this.reviewDecisions.delete(key);
    }
  }

  async eraseCustomerNode(customerId: string, _erasedAt: string): Promise<void> {
    const node = this.customers.get(customerId);
    if (node === undefined) return;
    this.customers.set(customerId, {
      ...node,
      summary: { ...node.summary, size: 0, loyaltyIds: [], sources: [] },
    });
  }

  async eraseRecord(record: StoredRecord, blockKeys: readonly string[], erasedAt: string): Promise<void> {
    const old = this.records.get(record.recordKey);
    if (old === undefined || old.erasedAt !== undefined) return;
    for (const key of blockKeys) {
      const list = this.blocks.get(key);
      if (list)
        this.blocks.set(
          key,
          list.filter((e) => e.recordKey !== record.recordKey),
        );
    }
    if (old.namesCounted) this.count(old.attributes, -1);
    if (old.customerId) this.members.get(old.customerId)?.delete(record.recordKey);
    this.records.set(record.recordKey, {
      recordKey: record.recordKey,
      source: record.source,
      attributes: {},
      fingerprint: '',
      observedAt: erasedAt,
      erasedAt,
    });
  }

  async replaceDecision(
    recordKey: string,
    expected: DecisionSummary,
    next: DecisionSummary,
  ): Promise<boolean> {
    const record = this.records.get(recordKey);
    // Compared as stored, like the DynamoDB condition on the encoded decision.
    if (record?.decision === undefined || record.erasedAt !== undefined) return false;
    if (JSON.stringify(record.decision) !== JSON.stringify(expected)) return false;
    this.records.set(recordKey, { ...record, decision: next });
    return true;
  }

  async removeMember(customerId: string, recordKey: string): Promise<void> {
    if (this.members.get(customerId)?.delete(recordKey)) {
      const node = this.customers.get(customerId);
      if (node)
        this.customers.set(customerId, {
          ...node,
          summary: { ...node.summary, size: node.summary.size - 1 },
        });
    }
  }

  async markApart(customerId: string, otherId: string): Promise<void> {
    for (const [id, other] of [
      [customerId, otherId],
      [otherId, customerId],
    ] as const) {
      const node = this.customers.get(id);
      if (node && !node.summary.apart.includes(other)) {
        this.customers.set(id, {
          ...node,
          summary: { ...node.summary, apart: [...node.summary.apart, other].sort() },
        });
      }
    }
  }

  async listMembers(customerId: string): Promise<string[]> {
    return [...(this.members.get(customerId) ?? [])];
  }

  async listAbsorbed(customerId: string): Promise<string[]> {
    return [...(this.absorbed.get(customerId) ?? [])];
  }
}

/** The item's key, which is also its review id here: oldest first, like the DynamoDB queue. */
const reviewKeyOf = (item: ReviewItem) => `${item.createdAt}#${item.recordKey}#${item.candidateRecordKey}`;

/**
 * The review queue over an in-memory graph's possible matches, with the same claim semantics as the
 * DynamoDB queue: for tests and one-machine runs of the review use case.
 */
export class InMemoryIdentityReviewQueue implements IdentityReviewQueue {
  constructor(private readonly store: InMemoryIdentityStore) {}

  private find(reviewId: string): ReviewItem | undefined {
    return this.store.reviews.find((r) => reviewKeyOf(r) === reviewId);
  }

  async list(limit: number, cursor?: string): Promise<{ items: QueuedReview[]; nextCursor?: string }> {
    const all = this.store.reviews
      .map((r): QueuedReview => ({ ...r, reviewId: reviewKeyOf(r) }))
      .filter((r) => cursor === undefined || r.reviewId > cursor)
      .sort((a, b) => (a.reviewId < b.reviewId ? -1 : a.reviewId > b.reviewId ? 1 : 0));
    const items = all.slice(0, limit);
    const last = items.at(-1);
    return { items, ...(all.length > limit && last ? { nextCursor: last.reviewId } : {}) };
  }

  async get(reviewId: string): Promise<QueuedReview | undefined> {
    const item = this.find(reviewId);
    return item ? { ...item, reviewId } : undefined;
  }

  async getDecision(reviewId: string): Promise<ReviewDecisionRecord | undefined> {
    return this.store.reviewDecisions.get(reviewId)?.decision;
  }

  async claim(
    review: QueuedReview,
    decision: ReviewDecisionRecord,
    previous?: ReviewDecisionRecord,
  ): Promise<boolean> {
    const stored = this.store.reviewDecisions.get(decision.reviewId)?.decision;
    const free = previous
      ? stored?.claimedAt === previous.claimedAt && stored.status === previous.status
      : stored === undefined;
    if (!free) return false;
    // A claim written after its item was erased is dropped by the review use case, which checks for that.
    this.store.reviewDecisions.set(decision.reviewId, {
      names: [review.recordKey, review.candidateRecordKey],
      decision,
    });
    return true;
  }

  async record(decision: ReviewDecisionRecord): Promise<void> {
    const stored = this.store.reviewDecisions.get(decision.reviewId);
    if (stored === undefined) {
      throw new IdentityReviewError(
        'not-found',
        `identity review ${decision.reviewId} was erased while it was being decided`,
      );
    }
    this.store.reviewDecisions.set(decision.reviewId, { ...stored, decision });
  }

  async remove(reviewId: string): Promise<void> {
    const kept = this.store.reviews.filter((r) => reviewKeyOf(r) !== reviewId);
    this.store.reviews.splice(0, this.store.reviews.length, ...kept);
  }

  async dropClaim(review: QueuedReview): Promise<void> {
    this.store.reviewDecisions.delete(review.reviewId);
  }
}

/** Profiles in memory, beside the in-memory identity graph. */
export class InMemoryProfileStore implements ProfileStore {
  readonly profiles = new Map<string, CustomerProfile>();

  async deleteProfile(customerId: string): Promise<void> {
    this.profiles.delete(customerId);
  }

  async getProfile(customerId: string): Promise<CustomerProfile | undefined> {
    return this.profiles.get(customerId);
  }

  async putProfile(profile: CustomerProfile, expectedVersion: number): Promise<boolean> {
    if ((this.profiles.get(profile.customerId)?.version ?? 0) !== expectedVersion) return false;
    this.profiles.set(profile.customerId, profile);
    return true;
  }
}
