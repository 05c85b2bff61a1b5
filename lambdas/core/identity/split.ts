import type { OutgoingEvent } from '../contracts/envelope.js';
import {
  CustomerErasedDetail,
  CustomerSplitDetail,
  CustomersMergedDetail,
} from '../contracts/internal-events.js';
import { InternalEventType, InternalSource } from '../contracts/names.js';
import type { Clock } from '../ports.js';
import { systemClock } from '../ports.js';
import { blockingKeys, retiredBlockingKeys } from './blocking.js';
import type { IdentityConfig } from './config.js';
import type { ProfileStore } from './profile.js';
import { fingerprint, newCustomerId, rootOf, summaryOf } from './resolve.js';
import type { IdentityStore } from './store.js';

export interface SplitResult {
  readonly fromCustomerId: string;
  readonly newCustomerId: string;
  readonly recordKeys: readonly string[];
}

/**
 * Moves a wrongly linked record into a profile of its own. The two profiles are marked apart, so no later
 * record can merge them again, and the record is pinned, so its own later events do not re-link it.
 * Each step is idempotent; running the split again after a failure finishes it.
 */
export async function splitRecord(
  recordKey: string,
  store: IdentityStore,
  config: IdentityConfig,
  deps: { readonly clock?: Clock; readonly newCustomerId?: () => string } = {},
): Promise<SplitResult> {
  const clock = deps.clock ?? systemClock;
  const record = await store.getRecord(recordKey);
  if (record?.customerId === undefined) throw new Error(`record ${recordKey} is not in any profile`);
  if (record.decision?.outcome === 'split') {
    throw new Error(`record ${recordKey} was already split into profile ${record.customerId}`);
  }
  const from = await rootOf(store, record.customerId);
  if (from.summary.size <= 1)
    throw new Error(`record ${recordKey} is alone in profile ${from.customerId}: nothing to split`);
  const id = deps.newCustomerId?.() ?? newCustomerId(clock.now().getTime());
  const now = clock.now().toISOString();
  await store.createCustomer({
    customerId: id,
    createdAt: now,
    summary: { ...summaryOf(record, config), ids: [id], apart: [from.customerId] },
  });
  await store.markApart(from.customerId, id);
  await store.addMember(id, recordKey, undefined);
  await store.assignRecord(recordKey, id, {
    outcome: 'split',
    threshold: config.linkThreshold,
    decidedAt: now,
  });
  await store.removeMember(record.customerId, recordKey);
  return { fromCustomerId: from.customerId, newCustomerId: id, recordKeys: [recordKey] };
}

/** A person's verdict on a possible match: accept merges the two profiles (older id survives), reject keeps them apart for good. */
export async function decideReview(
  item: { readonly customerId: string; readonly candidateCustomerId: string },
  verdict: 'accept' | 'reject',
  store: IdentityStore,
): Promise<{ readonly survivorId: string; readonly mergedId?: string }> {
  const a = await rootOf(store, item.customerId);
  const b = await rootOf(store, item.candidateCustomerId);
  if (a.customerId === b.customerId) return { survivorId: a.customerId };
  if (verdict === 'reject') {
    await store.markApart(a.customerId, b.customerId);
    return { survivorId: a.customerId };
  }
  const [survivor, absorbed] = a.customerId < b.customerId ? [a, b] : [b, a];
  const result = await store.redirectCustomer(absorbed.customerId, survivor.customerId, absorbed.summary);
  if (!result.ok) throw new Error(`profile ${absorbed.customerId} merged elsewhere meanwhile; decide again`);
  return { survivorId: survivor.customerId, mergedId: absorbed.customerId };
}

/**
 * Right to erasure: every source record of the profile (and of the profiles merged into it) becomes a
 * tombstone without personal data, the profiles are deleted, and so is every possible match naming one of
 * the records, waiting or decided, with its decision. A replayed event of one of those records is rejected
 * instead of recreating the person. Returns the erased record keys.
 *
 * Decisions are deleted, not kept as tombstones: their keys name the records, and with the item gone there
 * is nothing left to decide twice (deciding it again answers "no such review").
 */
export async function eraseCustomer(
  customerId: string,
  store: IdentityStore,
  profiles: ProfileStore,
  clock: Clock = systemClock,
): Promise<{ readonly customerId: string; readonly recordKeys: readonly string[] }> {
  const root = await rootOf(store, customerId);
  const ids = [root.customerId];
  for (let i = 0; i < ids.length; i++) ids.push(...(await store.listAbsorbed(ids[i]!)));
  const members = new Map<string, string[]>();
  for (const id of ids) members.set(id, await store.listMembers(id));
  const memberKeys = [...members.values()].flat();
  // Before the records: an erasure that stops half-way lists only the members not yet erased when it is
  // run again, so their possible matches must already be gone.
  await store.removeReviewsOf(memberKeys);
  const erasedAt = clock.now().toISOString();
  const recordKeys: string[] = [];
  for (const [id, keys] of members) {
    for (const key of keys) {
      const record = await store.getRecord(key);
      if (record === undefined) continue;
      const blocks = [...blockingKeys(record.attributes), ...retiredBlockingKeys(record.attributes)];
      await store.eraseRecord(record, blocks, erasedAt);
      recordKeys.push(key);
    }
    await profiles.deleteProfile(id);
  }
  // And after: a resolver pass that read a record before its tombstone may have queued a match since.
  await store.removeReviewsOf(recordKeys);
  return { customerId: root.customerId, recordKeys };
}

/*
 * What a split, an accepted review and an erasure announce on the bus, so that downstream consumers (Odoo
 * sync, analytics) learn of them as they learn of the merges the identity consumer makes. Event ids are
 * derived from what happened, so publishing the same change twice gives the same id (consumers dedupe).
 */
const eventId = (kind: string, parts: readonly string[]) =>
  `${kind}-${fingerprint({ given: parts.join('|') })}`;

export function customerSplitEvent(result: SplitResult, at: Date): OutgoingEvent<CustomerSplitDetail> {
  return {
    source: InternalSource.identity,
    detailType: InternalEventType.CustomerSplit,
    detail: CustomerSplitDetail.parse({
      schemaVersion: 1,
      eventId: eventId('split', [result.fromCustomerId, result.newCustomerId, ...result.recordKeys]),
      occurredAt: at.toISOString(),
      fromCustomerId: result.fromCustomerId,
      newCustomerId: result.newCustomerId,
      recordKeys: result.recordKeys,
    }),
  };
}

/**
 * CustomersMerged: `mergedIds` folded into `survivorId`, triggered by `recordKey`. Built here for both the
 * identity consumer (a link) and an accepted review; each derives `eventId` from what happened.
 */
export function customersMergedEvent(
  merge: {
    readonly eventId: string;
    readonly survivorId: string;
    readonly mergedIds: readonly string[];
    readonly recordKey: string;
    readonly matchWeight?: number | undefined;
  },
  at: Date,
): OutgoingEvent<CustomersMergedDetail> {
  return {
    source: InternalSource.identity,
    detailType: InternalEventType.CustomersMerged,
    detail: CustomersMergedDetail.parse({
      schemaVersion: 1,
      eventId: merge.eventId,
      occurredAt: at.toISOString(),
      survivorId: merge.survivorId,
      mergedIds: merge.mergedIds,
      trigger: {
        recordKey: merge.recordKey.slice(0, 300),
        ...(merge.matchWeight !== undefined ? { matchWeight: merge.matchWeight } : {}),
      },
    }),
  };
}

/** An accepted possible match merges two profiles: the same CustomersMerged the consumer sends for a link. */
export function reviewMergedEvent(
  item: { readonly recordKey: string; readonly evidence: { readonly total: number } },
  decision: { readonly survivorId: string; readonly mergedId: string },
  at: Date,
): OutgoingEvent<CustomersMergedDetail> {
  return customersMergedEvent(
    {
      eventId: eventId('merge', [decision.survivorId, decision.mergedId, item.recordKey, 'review']),
      survivorId: decision.survivorId,
      mergedIds: [decision.mergedId],
      recordKey: item.recordKey,
      matchWeight: item.evidence.total,
    },
    at,
  );
}

export function customerErasedEvent(customerId: string, at: Date): OutgoingEvent<CustomerErasedDetail> {
  return {
    source: InternalSource.identity,
    detailType: InternalEventType.CustomerErased,
    detail: CustomerErasedDetail.parse({
      schemaVersion: 1,
      eventId: eventId('erase', [customerId]),
      occurredAt: at.toISOString(),
      customerId,
    }),
  };
}
