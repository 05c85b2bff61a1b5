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
import { type DecisionSummary, ERASED_RECORD_KEY, type IdentityStore, type StoredRecord } from './store.js';

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
 * tombstone without personal data, the profiles are deleted (their nodes keep only Tessera ids), and so is
 * every possible match naming one of the records, waiting or decided, with its decision. Other people's records whose kept decision named one
 * of them (their best candidate) name ERASED_RECORD_KEY instead. A replayed event of one of those records is
 * rejected instead of recreating the person. Returns the erased record keys.
 *
 * Decisions are deleted, not kept as tombstones: their keys name the records, and with the item gone there
 * is nothing left to decide twice (deciding it again answers "no such review").
 */
export async function eraseCustomer(
  customerId: string,
  store: IdentityStore,
  profiles: ProfileStore,
  clock: Clock = systemClock,
  /** `settleMs`: how long to wait for a neighbour that a concurrent pass is still deciding (default 5 s). */
  options: { readonly settleMs?: number } = {},
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
  const records = new Map<string, StoredRecord>();
  for (const record of await store.getRecords(memberKeys))
    if (record !== undefined) records.set(record.recordKey, record);
  const blocksOf = (record: StoredRecord) => [
    ...blockingKeys(record.attributes),
    ...retiredBlockingKeys(record.attributes),
  ];
  const blocks = [...new Set([...records.values()].flatMap(blocksOf))];
  // Also before: the blocks are the only way to the other people's records compared with these (a record
  // is compared only with those sharing a key), and eraseRecord deletes them; a rerun after a half-way
  // stop would no longer find the neighbours of the members already erased.
  const erasing = new Set(memberKeys);
  const neighbours = await store.recordsInBlocks(blocks);
  await forgetErasedInDecisions(store, neighbours, erasing);
  const erasedAt = clock.now().toISOString();
  const recordKeys: string[] = [];
  for (const [id, keys] of members) {
    for (const key of keys) {
      // Read again: an event of the person may have changed the record's keys since the first read.
      const record = await store.getRecord(key);
      if (record === undefined) continue;
      const read = records.get(key);
      const recordBlocks = new Set([...blocksOf(record), ...(read ? blocksOf(read) : [])]);
      // A tombstone left by an erasure that stopped half-way no longer knows its profile: its membership does.
      await store.eraseRecord(
        { ...record, customerId: record.customerId ?? id },
        [...recordBlocks],
        erasedAt,
      );
      recordKeys.push(key);
    }
    await profiles.deleteProfile(id);
    await store.eraseCustomerNode(id, erasedAt);
  }
  // And after: a resolver pass that read a record before its tombstone may have queued a match since,
  // or assigned its own record with one of these as its best candidate. Such a pass wrote its own block
  // entries before reading the blocks, so it is in them now (and a pass still deciding is waited for).
  await store.removeReviewsOf(recordKeys);
  const late = await store.recordsInBlocks(blocks);
  await forgetErasedInDecisions(store, [...new Set([...neighbours, ...late])], erasing, {
    settleMs: options.settleMs ?? 5000,
  });
  return { customerId: root.customerId, recordKeys };
}

/** How often a neighbour's decision is read again when a concurrent pass changed it under the rewrite. */
const DECISION_REWRITE_ATTEMPTS = 5;

/**
 * Right to erasure, for the other people: a record's decision keeps the key of the record it was compared
 * with best, and that key (a source's customer id) is personal data of whoever it belongs to. Decisions
 * naming an erased record name ERASED_RECORD_KEY instead and keep the rest (outcome, threshold, time,
 * evidence levels and weights), so explain still shows why the record linked. A record that no pass has
 * assigned yet may be mid-decision: with `settleMs`, it is waited for, as the resolver waits for one.
 */
async function forgetErasedInDecisions(
  store: IdentityStore,
  recordKeys: readonly string[],
  erased: ReadonlySet<string>,
  options: { readonly settleMs?: number } = {},
): Promise<void> {
  const others = recordKeys.filter((key) => !erased.has(key));
  const names = (record: StoredRecord | undefined): record is StoredRecord & { decision: DecisionSummary } =>
    record?.erasedAt === undefined && erased.has(record?.decision?.best?.recordKey ?? '');
  let read = await store.getRecords(others);
  for (
    let waited = 0, step = 5, open = read.filter(unsettled);
    open.length > 0 && waited < (options.settleMs ?? 0);
    waited += step, step = Math.min(step * 2, 200)
  ) {
    await sleep(step);
    const again = await store.getRecords(open.map((r) => r.recordKey));
    const fresh = new Map(again.filter((r) => r !== undefined).map((r) => [r.recordKey, r]));
    read = read.map((r) => (r && fresh.get(r.recordKey)) ?? r);
    open = again.filter(unsettled);
  }
  for (let record of read.filter(names)) {
    for (let attempt = 1; ; attempt++) {
      const { best, ...rest } = record.decision;
      const next: DecisionSummary = { ...rest, best: { ...best!, recordKey: ERASED_RECORD_KEY } };
      if (await store.replaceDecision(record.recordKey, record.decision, next)) break;
      const current = await store.getRecord(record.recordKey);
      if (!names(current)) break;
      if (attempt >= DECISION_REWRITE_ATTEMPTS) {
        throw new Error(
          `the decision of record ${record.recordKey} still names an erased record after ${attempt} attempts (it changes concurrently); run the erasure again`,
        );
      }
      record = current;
    }
  }
}

const unsettled = (record: StoredRecord | undefined): record is StoredRecord =>
  record !== undefined && record.customerId === undefined && record.erasedAt === undefined;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
