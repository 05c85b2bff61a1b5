import type { TermFrequencies } from './model.js';
import type { NormalisedAttributes } from './normalise.js';
import type { PairEvidence } from './score.js';

/** One source record as the identity graph keeps it. */
export interface StoredRecord {
  /** `<source>#<source customer id>`, or `<source>#event#<event id>` when the source gave none. */
  readonly recordKey: string;
  readonly source: string;
  readonly attributes: NormalisedAttributes;
  /** Hash of the attributes: an unchanged repeat of the record needs no matching. */
  readonly fingerprint: string;
  readonly observedAt: string;
  /** Set once the record is assigned; may point at a profile that has since merged (follow redirects). */
  readonly customerId?: string;
  readonly decision?: DecisionSummary;
  /** Set on the tombstone left by an erasure: the record's data is gone and must not come back. */
  readonly erasedAt?: string;
  /**
   * Profiles this record merged away whose handover (the profile fold and CustomersMerged) is not yet
   * confirmed: a pass that stopped after the merge leaves them here, and the redelivery finishes the job.
   */
  readonly pendingMerges?: readonly string[];
  /** The record started its profile, so its names are in the name counts (which count people, not records). */
  readonly namesCounted?: boolean;
}

/**
 * What a decision names in place of a record that was erased since (right to erasure): the record key is
 * the source's customer id, personal data, while the evidence (levels, weights) still explains the link.
 */
export const ERASED_RECORD_KEY = 'erased';

export interface DecisionSummary {
  /** 'split': a person moved the record to its own profile; its later events never re-link it. */
  readonly outcome: 'new' | 'link' | 'merge' | 'split';
  readonly threshold: number;
  /** The evidence for the best link (or best candidate when none linked). */
  readonly best?: { readonly recordKey: string; readonly evidence: PairEvidence };
  readonly decidedAt: string;
}

/**
 * The record's attributes as copied into its blocks, so candidates are scored without another read. When
 * a record gains attributes only its new keys get a fresh copy (a write each); the resolver scores a
 * record found under several keys with the newest copy (`observedAt`).
 */
export interface BlockEntry {
  readonly recordKey: string;
  readonly source: string;
  readonly attributes: NormalisedAttributes;
  /** When the copied attributes were observed (absent on entries written before it was kept). */
  readonly observedAt?: string;
}

/** What merge protection needs to know about a whole profile, kept on its node. */
export interface ClusterSummary {
  readonly size: number;
  readonly loyaltyIds: readonly string[];
  /** Duplicate-free sources that already have a record in the profile. */
  readonly sources: readonly string[];
  /** This profile's id and every id merged into it. */
  readonly ids: readonly string[];
  /** Profiles a person split this one from: never merged with again. */
  readonly apart: readonly string[];
}

export interface CustomerNode {
  readonly customerId: string;
  readonly createdAt: string;
  /** Set when this profile merged into another: the survivor. */
  readonly mergedInto?: string;
  readonly summary: ClusterSummary;
}

export interface ReviewItem {
  readonly recordKey: string;
  readonly candidateRecordKey: string;
  readonly customerId: string;
  readonly candidateCustomerId: string;
  readonly reason: string;
  readonly evidence: PairEvidence;
  readonly createdAt: string;
}

export type Verdict = 'accept' | 'reject';

/** A possible match in the queue, under the id the queue gives it (opaque to its users). */
export type QueuedReview = ReviewItem & { readonly reviewId: string };

/** Who decided what: written before the decision is applied (the claim), kept afterwards as the audit. */
export interface ReviewDecisionRecord {
  readonly reviewId: string;
  readonly verdict: Verdict;
  readonly reviewer: string;
  /** claimed: being applied; failed: applying it failed (the same verdict may try again); done: applied. */
  readonly status: 'claimed' | 'failed' | 'done';
  readonly claimedAt: string;
  readonly decidedAt?: string;
  readonly survivorId?: string;
  /** The profile an accept absorbs, planned before the merge so that a retried decision still announces it. */
  readonly mergedId?: string;
  readonly error?: string;
}

/**
 * Where possible matches and their decisions live: the items the resolver adds (IdentityStore.addReview)
 * and the decisions people take on them. An implementation keeps them findable by record key, because an
 * erasure (IdentityStore.removeReviewsOf) must remove both.
 */
export interface IdentityReviewQueue {
  /** Oldest first; `cursor` continues a previous page. */
  list(limit: number, cursor?: string): Promise<{ items: QueuedReview[]; nextCursor?: string }>;
  get(reviewId: string): Promise<QueuedReview | undefined>;
  getDecision(reviewId: string): Promise<ReviewDecisionRecord | undefined>;
  /**
   * Writes the claim on `review` (as the caller read it) when there is no decision yet, or when the stored
   * one is still exactly `previous` (a failed or abandoned claim taken over); false when another request
   * got there first.
   */
  claim(
    review: QueuedReview,
    decision: ReviewDecisionRecord,
    previous?: ReviewDecisionRecord,
  ): Promise<boolean>;
  /**
   * Replaces the stored decision (status changes of the request that holds the claim). Fails when the
   * claim is gone: an erasure removed it, and writing it back would bring the erased record keys back.
   */
  record(decision: ReviewDecisionRecord): Promise<void>;
  /** Takes a decided item out of the queue. */
  remove(reviewId: string): Promise<void>;
  /** Drops a claim whose item vanished under it (erased meanwhile), with what indexes it; idempotent. */
  dropClaim(review: QueuedReview): Promise<void>;
}

export class IdentityReviewError extends Error {
  override readonly name = 'IdentityReviewError';
  constructor(
    readonly reason: 'not-found' | 'conflict' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The identity graph. Every method is a single conditional or idempotent step, so an implementation on
 * DynamoDB needs no transactions, and a step repeated after a crash or a duplicate delivery does no harm.
 */
export interface IdentityStore {
  getRecord(recordKey: string): Promise<StoredRecord | undefined>;
  /** Several records in one round trip, strongly consistent, in the order of the keys. */
  getRecords(recordKeys: readonly string[]): Promise<(StoredRecord | undefined)[]>;
  /** Writes the record (without customer) and its block entries; 'exists' when the key was already there. */
  putRecord(record: StoredRecord, blockKeys: readonly string[]): Promise<'created' | 'exists'>;
  /**
   * Replaces a record's attributes after the source changed them; the previous version (as the pass read
   * it) says which block entries to remove, which keys are new (only those are written, unless
   * `rewriteAll`) and which name counts to move.
   */
  updateRecord(
    record: StoredRecord,
    blockKeys: readonly string[],
    previous: {
      readonly record: StoredRecord;
      readonly blockKeys: readonly string[];
      readonly rewriteAll?: boolean;
    },
  ): Promise<void>;
  /** Up to `limitPerKey` entries of each block key. */
  queryBlocks(blockKeys: readonly string[], limitPerKey: number): Promise<BlockEntry[]>;
  /**
   * Right to erasure: the keys of every record in these blocks, without the resolver's cap per key (a
   * record compared with an erased one may sit anywhere in a large block), each once.
   */
  recordsInBlocks(blockKeys: readonly string[]): Promise<string[]>;
  termFrequencies(attributes: NormalisedAttributes): Promise<TermFrequencies>;
  /**
   * With `profileNext`, the caller reads this profile's CustomerProfile next (the identity consumer updates
   * it after resolving): an implementation that keeps the two together may read both in one round trip.
   */
  getCustomer(
    customerId: string,
    options?: { readonly profileNext?: boolean },
  ): Promise<CustomerNode | undefined>;
  /** Creates a profile node with its initial summary if absent (idempotent). */
  createCustomer(node: CustomerNode): Promise<void>;
  /** Adds a record to a profile (membership, and its summary unless already counted), idempotent per record key. */
  addMember(customerId: string, recordKey: string, summary: ClusterSummary | undefined): Promise<void>;
  /**
   * Points the record at its profile and keeps the decision for explain. With `onlyIfUnassigned`, only when
   * no other pass assigned it first (two first deliveries of one record race here); false when another
   * customer already holds it. With `countNames`, the record starts its profile: its names join the name
   * counts, once, however often the assignment is repeated.
   */
  assignRecord(
    recordKey: string,
    customerId: string,
    decision: DecisionSummary,
    options?: { readonly onlyIfUnassigned?: boolean; readonly countNames?: NormalisedAttributes },
  ): Promise<boolean>;
  /**
   * Redirects `fromId` to `intoId` unless it already redirects elsewhere (then returns that id, and the
   * caller merges the roots instead). Then folds `fromSummary` into the summary of `intoId`.
   */
  redirectCustomer(
    fromId: string,
    intoId: string,
    fromSummary: ClusterSummary,
  ): Promise<{ ok: true } | { ok: false; mergedInto: string }>;
  /** Notes on the record that it merged `mergedId` away (see StoredRecord.pendingMerges), idempotent. */
  notePendingMerge(recordKey: string, mergedId: string): Promise<void>;
  /** The consumer has handed these merges over: forget them, idempotent. */
  clearPendingMerges(recordKey: string, mergedIds: readonly string[]): Promise<void>;
  /**
   * Queues a possible match for a person (see IdentityReviewQueue), idempotent per item. A person decides
   * whether two profiles are one, so there is one item per pair of profiles: false, and nothing queued, when
   * an item for the same two profiles waits or was decided already.
   */
  addReview(item: ReviewItem): Promise<boolean>;
  /**
   * Right to erasure: removes every possible match that names any of these records, on either side,
   * whether it still waits or was decided, together with its decision (verdict, reviewer, merge plan):
   * the item's key and the decision's both name the records. Idempotent.
   */
  removeReviewsOf(recordKeys: readonly string[]): Promise<void>;
  /**
   * Right to erasure: replaces the record by a tombstone (no personal data), removes its block entries and
   * term counts and its membership. Idempotent.
   */
  eraseRecord(record: StoredRecord, blockKeys: readonly string[], erasedAt: string): Promise<void>;
  /**
   * Right to erasure, for the profile node: its summary's loyalty ids (and sources) go; its ids and any
   * redirect stay, so that references to the profile still resolve. Idempotent.
   */
  eraseCustomerNode(customerId: string, erasedAt: string): Promise<void>;
  /**
   * Replaces the decision kept on a live record, only while it is still exactly `expected` (as read):
   * false when another pass changed it meanwhile, or the record is gone or erased. Right to erasure uses it
   * to stop a neighbour's decision naming an erased record.
   */
  replaceDecision(recordKey: string, expected: DecisionSummary, next: DecisionSummary): Promise<boolean>;
  /** Removes a record's membership of a profile (after a split), idempotent. */
  removeMember(customerId: string, recordKey: string): Promise<void>;
  /** Marks two profiles as split apart (both directions), idempotent. */
  markApart(customerId: string, otherId: string): Promise<void>;
  /** Record keys whose stored customer id is this profile (not following redirects). */
  listMembers(customerId: string): Promise<string[]>;
  /** Ids of the profiles that redirect straight into this one. */
  listAbsorbed(customerId: string): Promise<string[]>;
}
