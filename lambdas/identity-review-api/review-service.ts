/**
 * The identity review queue as a use case: list the possible matches waiting for a person, show the
 * evidence of one, and decide it exactly once. Accept merges through the same core code as
 * `tessera identity decide` (decideReview) and announces CustomersMerged the way the identity consumer
 * does: kept in the surviving profile's outbox in the same write that folds the absorbed profile in, then
 * published. No AWS import: the queue, the graph, the profiles and the bus come in as ports.
 */
import type { IdentityConfig } from '../core/identity/config.js';
import type { NormalisedAttributes } from '../core/identity/normalise.js';
import { type CustomerProfile, type ProfileStore, updateProfile } from '../core/identity/profile.js';
import { rootOf } from '../core/identity/resolve.js';
import { decideReview, reviewMergedEvent } from '../core/identity/split.js';
import {
  IdentityReviewError,
  type IdentityReviewQueue,
  type IdentityStore,
  type QueuedReview,
  type ReviewDecisionRecord,
  type ReviewItem,
  type Verdict,
} from '../core/identity/store.js';
import type { Clock, EventPublisher } from '../core/ports.js';
import { foldMergedProfile } from '../identity/merge-fold.js';
import { outboxKey, outboxOf, publishOutbox } from '../identity/outbox.js';

export interface IdentityReviewDependencies {
  readonly queue: IdentityReviewQueue;
  readonly identity: IdentityStore;
  readonly profiles: ProfileStore;
  readonly publisher: EventPublisher;
  readonly config: IdentityConfig;
  readonly clock: Clock;
  /** Folds analytics aggregates on a merge (the identity consumer's analytics hook); absent: the survivor's stay. */
  readonly mergeAggregates?: (survivor: unknown, absorbed: unknown) => unknown;
  /** After this long a claim whose request died may be taken over by the same verdict (default 2 minutes). */
  readonly claimLeaseMs?: number;
}

/** What a reviewer sees in the list: enough to pick an item, no personal data. */
export interface ReviewSummary {
  readonly reviewId: string;
  readonly createdAt: string;
  readonly customerId: string;
  readonly candidateCustomerId: string;
  readonly reason: string;
  readonly matchWeight: number;
}

export interface ReviewRecordView {
  readonly recordKey: string;
  readonly source?: string;
  readonly observedAt?: string;
  /** The profile the record belongs to now (redirects followed). */
  readonly customerId?: string;
  readonly attributes?: Partial<Record<keyof NormalisedAttributes, string>>;
  readonly erased?: boolean;
}

export interface ReviewDetail extends ReviewSummary {
  readonly threshold: { readonly link: number; readonly review: number };
  readonly evidence: ReviewItem['evidence'];
  readonly records: readonly [ReviewRecordView, ReviewRecordView];
  readonly decision?: ReviewDecisionRecord;
}

export interface ReviewOutcome {
  readonly reviewId: string;
  readonly verdict: Verdict;
  readonly survivorId: string;
  readonly mergedId?: string;
}

const summary = (item: QueuedReview): ReviewSummary => ({
  reviewId: item.reviewId,
  createdAt: item.createdAt,
  customerId: item.customerId,
  candidateCustomerId: item.candidateCustomerId,
  reason: item.reason,
  matchWeight: item.evidence.total,
});

/** The values a person compares; a national id is only shown by its last characters. */
function displayAttributes(a: NormalisedAttributes): Partial<Record<keyof NormalisedAttributes, string>> {
  const { givenCanonical: _blockingOnly, nationalId, ...rest } = a;
  return {
    ...(rest as Record<string, string>),
    ...(nationalId ? { nationalId: `…${nationalId.slice(-3)}` } : {}),
  };
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e)).slice(0, 500);

export function createIdentityReviewService(deps: IdentityReviewDependencies) {
  const leaseMs = deps.claimLeaseMs ?? 120_000;

  async function recordView(recordKey: string): Promise<ReviewRecordView> {
    const record = await deps.identity.getRecord(recordKey);
    if (record === undefined) return { recordKey };
    if (record.erasedAt !== undefined) return { recordKey, source: record.source, erased: true };
    const root = record.customerId ? await rootOf(deps.identity, record.customerId) : undefined;
    return {
      recordKey,
      source: record.source,
      observedAt: record.observedAt,
      ...(root ? { customerId: root.customerId } : {}),
      attributes: displayAttributes(record.attributes),
    };
  }

  /** Folds the absorbed profile into the survivor and stores the announcement with it, then publishes. */
  async function foldAndAnnounce(item: ReviewItem, survivorId: string, mergedId: string): Promise<void> {
    const event = reviewMergedEvent(item, { survivorId, mergedId }, deps.clock.now());
    const absorbed = await deps.profiles.getProfile(mergedId);
    let pending: CustomerProfile | undefined;
    const written = await updateProfile(deps.profiles, survivorId, (current) => {
      pending = current;
      return foldMergedProfile(
        current,
        { survivorId, mergedId, absorbed, announce: [event] },
        {
          survivorship: deps.config.survivorship,
          mergeAggregates: deps.mergeAggregates,
        },
      );
    });
    const context = `accepting review of ${item.recordKey}`;
    if (written !== undefined) return publishOutbox(deps, survivorId, outboxOf(written), context);
    if (pending !== undefined) return publishOutbox(deps, survivorId, outboxOf(pending), context);
    // Neither profile exists (both still to be written by the consumer): nothing to keep it in.
    const [outcome] = await deps.publisher.publish([event]);
    if (outcome?.ok !== true) throw new Error(`could not publish ${outboxKey(event)} after ${context}`);
  }

  return {
    async list(limit: number, cursor?: string) {
      const page = await deps.queue.list(limit, cursor);
      return {
        reviews: page.items.map(summary),
        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      };
    },

    async show(reviewId: string): Promise<ReviewDetail> {
      const [item, decision] = await Promise.all([
        deps.queue.get(reviewId),
        deps.queue.getDecision(reviewId),
      ]);
      if (item === undefined) {
        throw decision
          ? new IdentityReviewError(
              'conflict',
              `identity review ${reviewId} was decided: ${decision.verdict}`,
            )
          : new IdentityReviewError('not-found', `no identity review ${reviewId}`);
      }
      const records = [await recordView(item.recordKey), await recordView(item.candidateRecordKey)] as const;
      return {
        ...summary(item),
        threshold: { link: deps.config.linkThreshold, review: deps.config.reviewThreshold },
        evidence: item.evidence,
        records,
        ...(decision ? { decision } : {}),
      };
    },

    async decide(reviewId: string, verdict: Verdict, reviewer: string): Promise<ReviewOutcome> {
      const [item, existing] = await Promise.all([
        deps.queue.get(reviewId),
        deps.queue.getDecision(reviewId),
      ]);
      if (item === undefined && existing === undefined) {
        throw new IdentityReviewError('not-found', `no identity review ${reviewId}`);
      }
      const now = deps.clock.now();
      if (existing?.status === 'done' && item !== undefined) {
        // The earlier request stopped between recording its decision and taking the item out of the queue.
        await deps.queue.remove(reviewId);
      }
      if (existing !== undefined) {
        const abandoned =
          existing.status === 'failed' ||
          (existing.status === 'claimed' && now.getTime() - Date.parse(existing.claimedAt) > leaseMs);
        // Only the same verdict may finish a decision that failed half-way: the first may have merged already.
        if (existing.status === 'done' || !abandoned || existing.verdict !== verdict || item === undefined) {
          const state =
            existing.status === 'done'
              ? `was already decided: ${existing.verdict} by ${existing.reviewer} at ${existing.decidedAt}`
              : `is being decided: ${existing.verdict} by ${existing.reviewer} since ${existing.claimedAt}`;
          throw new IdentityReviewError('conflict', `identity review ${reviewId} ${state}`);
        }
      }
      const review = item as QueuedReview;
      // Which profile an accept absorbs is fixed before the merge, so that a retry after a crash between
      // the merge and its announcement still knows what to announce.
      const a = await rootOf(deps.identity, review.customerId);
      const b = await rootOf(deps.identity, review.candidateCustomerId);
      const plan =
        verdict === 'accept' && a.customerId !== b.customerId
          ? a.customerId < b.customerId
            ? { survivorId: a.customerId, mergedId: b.customerId }
            : { survivorId: b.customerId, mergedId: a.customerId }
          : existing?.mergedId && existing.survivorId
            ? { survivorId: existing.survivorId, mergedId: existing.mergedId }
            : { survivorId: a.customerId };
      const claim: ReviewDecisionRecord = {
        reviewId,
        verdict,
        reviewer,
        status: 'claimed',
        claimedAt: now.toISOString(),
        ...plan,
      };
      if (!(await deps.queue.claim(review, claim, existing))) {
        throw new IdentityReviewError(
          'conflict',
          `identity review ${reviewId} was decided by another request`,
        );
      }
      // An erasure may have removed the item (and any decision) between our read and the claim: then the
      // claim and its index entries must not stay behind, as they name the erased records.
      if ((await deps.queue.get(reviewId)) === undefined) {
        await deps.queue.dropClaim(review);
        throw new IdentityReviewError('not-found', `no identity review ${reviewId}`);
      }
      try {
        const result = await decideReview(review, verdict, deps.identity);
        const outcome: ReviewOutcome =
          result.mergedId !== undefined
            ? { reviewId, verdict, survivorId: result.survivorId, mergedId: result.mergedId }
            : claim.mergedId !== undefined && claim.survivorId !== undefined
              ? { reviewId, verdict, survivorId: claim.survivorId, mergedId: claim.mergedId }
              : { reviewId, verdict, survivorId: result.survivorId };
        if (verdict === 'accept' && outcome.mergedId !== undefined) {
          await foldAndAnnounce(review, outcome.survivorId, outcome.mergedId);
        }
        await deps.queue.record({
          ...claim,
          status: 'done',
          decidedAt: deps.clock.now().toISOString(),
          survivorId: outcome.survivorId,
          ...(outcome.mergedId ? { mergedId: outcome.mergedId } : {}),
        });
        await deps.queue.remove(reviewId);
        return outcome;
      } catch (error) {
        // Released for a retry of the same verdict; the original error is what the caller sees.
        await deps.queue
          .record({ ...claim, status: 'failed', error: errorText(error) })
          .catch(() => undefined);
        throw error;
      }
    },
  };
}

export type IdentityReviewService = ReturnType<typeof createIdentityReviewService>;
