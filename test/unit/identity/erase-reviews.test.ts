/**
 * Right to erasure and the review queue, in memory: after `eraseCustomer`, no possible match and no
 * decision names the erased records, while a decided review of two other people stays as it was.
 */
import { describe, expect, it } from 'vitest';
import { identityConfig } from '../../../lambdas/core/identity/config.js';
import {
  InMemoryIdentityReviewQueue,
  InMemoryIdentityStore,
  InMemoryProfileStore,
} from '../../../lambdas/core/identity/memory-store.js';
import type { IdentityAttributes } from '../../../lambdas/core/identity/normalise.js';
import { resolveIdentity } from '../../../lambdas/core/identity/resolve.js';
import { eraseCustomer } from '../../../lambdas/core/identity/split.js';
import type { IdentityReviewQueue, ReviewItem } from '../../../lambdas/core/identity/store.js';
import { createIdentityReviewService } from '../../../lambdas/identity-review-api/review-service.js';
import { CollectingPublisher } from '../../support/publisher.js';

const config = identityConfig();
const clock = { now: () => new Date('2026-03-02T00:00:00Z') };

// One person each, seen by two systems with two loyalty cards: never merged alone, queued for a person.
const margaret = {
  givenName: 'Margaret',
  familyName: 'Oyelaran',
  birthDate: '1961-07-14',
  email: 'm.o@example.com',
};
const tobias = {
  givenName: 'Tobias',
  familyName: 'Lindqvist',
  birthDate: '1979-02-03',
  email: 't.l@example.com',
};
const record = (recordKey: string, attributes: IdentityAttributes) => ({
  recordKey,
  source: recordKey.split('#')[0]!,
  observedAt: '2026-03-01T10:00:00Z',
  attributes,
});
const MARGARET_KEYS = ['crm#M', 'loyalty#M'];
const names = (item: ReviewItem, keys: readonly string[]) =>
  keys.includes(item.recordKey) || keys.includes(item.candidateRecordKey);

async function setup(wrap: (queue: IdentityReviewQueue) => IdentityReviewQueue = (q) => q) {
  const store = new InMemoryIdentityStore();
  const profiles = new InMemoryProfileStore();
  const queue = new InMemoryIdentityReviewQueue(store);
  const review = createIdentityReviewService({
    queue: wrap(queue),
    identity: store,
    profiles,
    publisher: new CollectingPublisher(),
    config,
    clock,
  });
  const resolve = (key: string, attributes: IdentityAttributes) =>
    resolveIdentity(record(key, attributes), store, config, { clock });
  const margaretId = (await resolve('crm#M', { ...margaret, loyaltyId: 'LOY-M1' })).customerId!;
  await resolve('loyalty#M', { ...margaret, loyaltyId: 'LOY-M2' });
  await resolve('crm#T', { ...tobias, loyaltyId: 'LOY-T1' });
  await resolve('loyalty#T', { ...tobias, loyaltyId: 'LOY-T2' });
  const reviewOf = async (key: string) => {
    const { items } = await queue.list(100);
    const item = items.find((i) => i.recordKey === key);
    if (item === undefined) throw new Error(`the resolver queued no possible match for ${key}`);
    return item;
  };
  return { store, profiles, queue, review, resolve, margaretId, reviewOf };
}

describe('erasing a person whose records were in the review queue', () => {
  it('removes their waiting and decided possible matches with the decisions, and keeps the others', async () => {
    // Prepare: Margaret's two records are merged by a reviewer, Tobias's kept apart; then a third card
    // like Margaret's arrives and waits in the queue against her records.
    const { store, profiles, queue, review, resolve, margaretId, reviewOf } = await setup();
    const margaretPair = await reviewOf('loyalty#M');
    const tobiasPair = await reviewOf('loyalty#T');
    await review.decide(margaretPair.reviewId, 'accept', 'Sam from customer care');
    const tobiasOutcome = await review.decide(tobiasPair.reviewId, 'reject', 'Alex');
    await resolve('pos#M', { ...margaret, loyaltyId: 'LOY-M3' });
    const waiting = (await queue.list(100)).items;
    expect(waiting.filter((i) => names(i, MARGARET_KEYS))).not.toEqual([]);
    expect(await queue.getDecision(margaretPair.reviewId)).toMatchObject({ verdict: 'accept' });

    // Act
    const erased = await eraseCustomer(margaretId, store, profiles);
    const replay = await resolve('loyalty#M', { ...margaret, loyaltyId: 'LOY-M2' });
    const decideAgain = await review
      .decide(margaretPair.reviewId, 'accept', 'Sam from customer care')
      .catch((e: unknown) => e);

    // Assess
    expect([...erased.recordKeys].sort()).toEqual(MARGARET_KEYS);
    expect(store.reviews.filter((i) => names(i, MARGARET_KEYS))).toEqual([]);
    expect(await queue.getDecision(margaretPair.reviewId)).toBeUndefined();
    const decided = [...store.reviewDecisions.values()];
    expect(decided.filter((d) => d.names.some((n) => MARGARET_KEYS.includes(n)))).toEqual([]);
    expect(JSON.stringify(decided)).not.toMatch(/#M\b|Sam from customer care/);
    expect(replay.outcome).toBe('rejected');
    expect(replay.reason).toMatch(/erasure/);
    expect(decideAgain).toMatchObject({ reason: 'not-found', message: /no identity review/ });
    // Tobias's decided pair is untouched.
    expect(await queue.getDecision(tobiasPair.reviewId)).toMatchObject({
      verdict: 'reject',
      reviewer: 'Alex',
      status: 'done',
      survivorId: tobiasOutcome.survivorId,
    });
  });

  it('leaves no decision behind when the erasure comes between reading a review and claiming it', async () => {
    // Prepare: the queue runs the erasure just before the claim is written, as a concurrent request would.
    let erase = async () => {};
    const { store, queue, review, margaretId, reviewOf } = await setup((inner) => ({
      ...bind(inner),
      claim: async (review, decision, previous) => {
        await erase();
        return inner.claim(review, decision, previous);
      },
    }));
    const pair = await reviewOf('loyalty#M');
    erase = async () => {
      await eraseCustomer(margaretId, store, new InMemoryProfileStore());
    };

    // Act
    const attempt = review.decide(pair.reviewId, 'accept', 'Sam');

    // Assess
    await expect(attempt).rejects.toThrow(/no identity review/);
    expect(await queue.getDecision(pair.reviewId)).toBeUndefined();
    expect([...store.reviewDecisions.keys()]).toEqual([]);
  });

  it('leaves no decision behind when the erasure comes while the decision is being applied', async () => {
    // Prepare: the erasure runs between the claim and the final record of the decision.
    let erase = async () => {};
    const { store, queue, review, margaretId, reviewOf } = await setup((inner) => ({
      ...bind(inner),
      record: async (decision) => {
        await erase();
        return inner.record(decision);
      },
    }));
    const pair = await reviewOf('loyalty#M');
    erase = async () => {
      await eraseCustomer(margaretId, store, new InMemoryProfileStore());
    };

    // Act
    const attempt = review.decide(pair.reviewId, 'reject', 'Sam');

    // Assess
    await expect(attempt).rejects.toThrow(/erased while it was being decided/);
    expect(await queue.getDecision(pair.reviewId)).toBeUndefined();
    expect([...store.reviewDecisions.keys()]).toEqual([]);
  });
});

/** The queue's methods bound to it, so a test can replace one and keep the rest. */
function bind(queue: IdentityReviewQueue): IdentityReviewQueue {
  return {
    list: (limit, cursor) => queue.list(limit, cursor),
    get: (id) => queue.get(id),
    getDecision: (id) => queue.getDecision(id),
    claim: (review, decision, previous) => queue.claim(review, decision, previous),
    record: (decision) => queue.record(decision),
    remove: (id) => queue.remove(id),
    dropClaim: (review) => queue.dropClaim(review),
  };
}
