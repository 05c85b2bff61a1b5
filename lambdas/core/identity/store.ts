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
  termFrequencies(attributes: NormalisedAttributes): Promise<TermFrequencies>;
  getCustomer(customerId: string): Promise<CustomerNode | undefined>;
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
  addReview(item: ReviewItem): Promise<void>;
  /** Right to erasure: removes the possible matches that name any of these records, on either side. */
  removeReviewsOf(recordKeys: readonly string[]): Promise<void>;
  /**
   * Right to erasure: replaces the record by a tombstone (no personal data), removes its block entries and
   * term counts and its membership. Idempotent.
   */
  eraseRecord(record: StoredRecord, blockKeys: readonly string[], erasedAt: string): Promise<void>;
  /** Removes a record's membership of a profile (after a split), idempotent. */
  removeMember(customerId: string, recordKey: string): Promise<void>;
  /** Marks two profiles as split apart (both directions), idempotent. */
  markApart(customerId: string, otherId: string): Promise<void>;
  /** Record keys whose stored customer id is this profile (not following redirects). */
  listMembers(customerId: string): Promise<string[]>;
  /** Ids of the profiles that redirect straight into this one. */
  listAbsorbed(customerId: string): Promise<string[]>;
}
