import type { Clock } from '../ports.js';
import { systemClock } from '../ports.js';
import { blockingKeys } from './blocking.js';
import type { IdentityConfig } from './config.js';
import {
  type AttributeFlag,
  hasIdentifier,
  type IdentityAttributes,
  type NormalisedAttributes,
  normaliseAttributes,
} from './normalise.js';
import { isVetoed, type PairEvidence, scorePair } from './score.js';
import { accumulateAttributes, latestOf } from './source-record.js';
import type {
  BlockEntry,
  ClusterSummary,
  CustomerNode,
  DecisionSummary,
  IdentityStore,
  ReviewItem,
  StoredRecord,
} from './store.js';

/** One source record to resolve, as a channel event carried it. */
export interface IdentityRecordInput {
  readonly recordKey: string;
  readonly source: string;
  readonly observedAt: string;
  readonly attributes: IdentityAttributes;
}

export type ResolutionOutcome = 'known' | 'new' | 'link' | 'merge' | 'anonymous' | 'rejected';

export interface Resolution {
  readonly outcome: ResolutionOutcome;
  /** The surviving profile the record belongs to (absent only when rejected). */
  readonly customerId?: string;
  /** Profiles that this record caused to merge into `customerId`. */
  readonly mergedIds: readonly string[];
  readonly reviews: readonly ReviewItem[];
  readonly flags: readonly AttributeFlag[];
  readonly decision?: DecisionSummary;
  readonly candidatesCompared: number;
  readonly reason?: string;
}

export interface ResolverDeps {
  readonly clock?: Clock;
  readonly newCustomerId?: () => string;
  /** How long to wait for a concurrently resolving candidate to be assigned before failing for a retry. */
  readonly pendingWaitMs?: number;
  /** The caller reads the resolved profile next (see IdentityStore.getCustomer). */
  readonly profileNext?: boolean;
}

let lastIdMs = 0;

/**
 * Customer ids sort by creation time, so "the oldest profile survives" is a comparison of strings. Within
 * one process the time part never repeats (a clock that stands still still yields increasing ids).
 */
export function newCustomerId(now: number = Date.now()): string {
  lastIdMs = Math.max(now, lastIdMs + 1);
  const time = lastIdMs.toString(36).padStart(9, '0');
  let random = '';
  for (let i = 0; i < 10; i++) random += Math.floor(Math.random() * 36).toString(36);
  return `cus_${time}${random}`;
}

export function fingerprint(attributes: NormalisedAttributes): string {
  // FNV-1a over a canonical JSON: cheap, stable, and not reversible to the PII at a glance.
  const text = JSON.stringify(attributes, Object.keys(attributes).sort());
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

export function summaryOf(
  record: { source: string; attributes: NormalisedAttributes },
  config: IdentityConfig,
): ClusterSummary {
  const a = record.attributes;
  return {
    size: 1,
    loyaltyIds: a.loyaltyId ? [a.loyaltyId] : [],
    sources: config.duplicateFreeSources.includes(record.source) ? [record.source] : [],
    ids: [],
    apart: [],
  };
}

export function combineSummaries(a: ClusterSummary, b: ClusterSummary): ClusterSummary {
  const union = (x: readonly string[], y: readonly string[]) => [...new Set([...x, ...y])].sort();
  return {
    size: a.size + b.size,
    loyaltyIds: union(a.loyaltyIds, b.loyaltyIds),
    sources: union(a.sources, b.sources),
    ids: union(a.ids, b.ids),
    apart: union(a.apart, b.apart),
  };
}

/**
 * Why two profiles must not become one, or undefined when they may. Birth dates are checked pairwise
 * (score.ts), where another strong identifier can outweigh a mistyped date; here only what no evidence
 * can outweigh: size, duplicate-free sources, and different loyalty ids.
 */
export function clusterConflict(
  a: ClusterSummary,
  b: ClusterSummary,
  config: IdentityConfig,
): string | undefined {
  if (a.apart.some((id) => b.ids.includes(id)) || b.apart.some((id) => a.ids.includes(id))) {
    return 'a person split these profiles apart';
  }
  if (a.size + b.size > config.maxClusterSize) return `profile would exceed ${config.maxClusterSize} records`;
  if (a.sources.some((s) => b.sources.includes(s)))
    return 'both hold a record of the same duplicate-free source';
  if (!config.allowConflictingStrongIds) {
    if (
      a.loyaltyIds.length > 0 &&
      b.loyaltyIds.length > 0 &&
      !a.loyaltyIds.some((l) => b.loyaltyIds.includes(l))
    ) {
      return 'different loyalty ids';
    }
  }
  return undefined;
}

/** Possible matches queued for review per record: the strongest few are what a person can act on. */
const MAX_REVIEWS_PER_RECORD = 3;

class PendingCandidateError extends Error {
  constructor(recordKey: string) {
    super(`candidate record ${recordKey} is still being resolved by another worker; retry later`);
    this.name = 'PendingCandidateError';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Profile nodes read during one pass, so that candidates in the same profile cost one read. Dropped on any
 * write that changes a node; never used for the concurrency checks, which must read fresh.
 */
class PassCache {
  private readonly nodes = new Map<string, Promise<CustomerNode | undefined>>();
  constructor(private readonly store: IdentityStore) {}
  getCustomer(id: string): Promise<CustomerNode | undefined> {
    let node = this.nodes.get(id);
    if (node === undefined) {
      node = this.store.getCustomer(id);
      this.nodes.set(id, node);
    }
    return node;
  }
  clear(): void {
    this.nodes.clear();
  }
}

export async function rootOf(
  store: Pick<IdentityStore, 'getCustomer'>,
  customerId: string,
  options?: { readonly profileNext?: boolean },
): Promise<CustomerNode> {
  let id = customerId;
  for (let hops = 0; hops < 64; hops++) {
    const node = await store.getCustomer(id, options);
    if (node === undefined) throw new Error(`profile ${id} is referenced but does not exist`);
    if (node.mergedInto === undefined) return node;
    id = node.mergedInto;
  }
  throw new Error(`profile ${customerId} redirects more than 64 times`);
}

/**
 * The stored record, once no other pass is in the middle of resolving it. Events of one customer arrive
 * close together and are delivered concurrently: a record written but not yet assigned is almost always
 * being resolved right now, and waiting a few milliseconds for that pass is far cheaper than a second full
 * resolution. A record still unassigned after the wait was left by a pass that failed: this pass takes it
 * over (every step is idempotent, and the record claim is conditional).
 */
async function settledRecord(
  store: IdentityStore,
  recordKey: string,
  waitMs: number,
): Promise<StoredRecord | undefined> {
  let record = await store.getRecord(recordKey);
  for (
    let waited = 0, step = 5;
    record !== undefined &&
    record.customerId === undefined &&
    record.erasedAt === undefined &&
    waited < waitMs;
    waited += step, step = Math.min(step * 2, 200)
  ) {
    await sleep(step);
    record = await store.getRecord(recordKey);
  }
  return record;
}

/** One entry per record: the newest copy of its attributes among the blocks that hold it. */
function newestCopies(entries: readonly BlockEntry[]): BlockEntry[] {
  const newest = new Map<string, BlockEntry>();
  for (const entry of entries) {
    const held = newest.get(entry.recordKey);
    if (held === undefined || (entry.observedAt ?? '') > (held.observedAt ?? ''))
      newest.set(entry.recordKey, entry);
  }
  return [...newest.values()];
}

interface Link {
  readonly entry: BlockEntry;
  readonly evidence: PairEvidence;
}

/**
 * Resolves one record online against the stored identity graph: normalise, block, score the candidates,
 * then link to one profile, merge several, or start a new one. Each store call is idempotent, so the
 * whole pass may be repeated after a failure; concurrent passes converge (see verifyPending).
 */
export async function resolveIdentity(
  input: IdentityRecordInput,
  store: IdentityStore,
  config: IdentityConfig,
  deps: ResolverDeps = {},
): Promise<Resolution> {
  const clock = deps.clock ?? systemClock;
  const makeId = deps.newCustomerId ?? (() => newCustomerId(clock.now().getTime()));
  const now = clock.now();
  const normalised = normaliseAttributes(input.attributes, config, now);
  const flags = normalised.flags;
  const waitMs = deps.pendingWaitMs ?? 5000;
  const existing = await settledRecord(store, input.recordKey, waitMs);
  const live = existing?.erasedAt === undefined ? existing : undefined;
  const attributes = live
    ? accumulateAttributes(live, normalised.attributes, input.observedAt)
    : normalised.attributes;
  const observedAt = live ? latestOf(live.observedAt, input.observedAt) : input.observedAt;
  const print = fingerprint(attributes);

  if (existing?.erasedAt !== undefined) {
    return {
      outcome: 'rejected',
      mergedIds: [],
      reviews: [],
      flags,
      candidatesCompared: 0,
      reason: `the person behind this record asked for erasure on ${existing.erasedAt}; it is not recreated`,
    };
  }
  const unchanged = existing?.fingerprint === print;
  // A person split this record out: its later events update it but never link it again.
  const splitOut = existing?.decision?.outcome === 'split';
  if (existing?.customerId !== undefined && (unchanged || splitOut)) {
    if (!unchanged) {
      await store.updateRecord(
        { ...existing, attributes, fingerprint: print, observedAt },
        blockingKeys(attributes),
        { record: existing, blockKeys: blockingKeys(existing.attributes) },
      );
    }
    // The path most events take: the profile read that follows can share this read of the node.
    const root = await rootOf(store, existing.customerId, { profileNext: deps.profileNext === true });
    return {
      outcome: 'known',
      customerId: root.customerId,
      // Merges an earlier pass of this record made but whose handover was never confirmed (it stopped).
      mergedIds: existing.pendingMerges ?? [],
      reviews: [],
      flags,
      candidatesCompared: 0,
    };
  }

  const anonymous = !hasIdentifier(attributes);
  if (anonymous && existing === undefined && config.noIdentifier === 'reject') {
    return {
      outcome: 'rejected',
      mergedIds: [],
      reviews: [],
      flags,
      candidatesCompared: 0,
      reason: 'the record has no usable identifier (name with a date or address, email, phone or an id)',
    };
  }
  const keys = anonymous ? [] : blockingKeys(attributes);
  const record: StoredRecord = {
    recordKey: input.recordKey,
    source: input.source,
    attributes,
    fingerprint: print,
    observedAt,
    ...(existing?.customerId ? { customerId: existing.customerId } : {}),
  };
  if (existing === undefined) {
    if ((await store.putRecord(record, keys)) === 'exists') {
      // Another delivery of the same record won the race; resolve again against what it wrote.
      return resolveIdentity(input, store, config, deps);
    }
  } else if (existing.fingerprint !== print || existing.customerId === undefined) {
    await store.updateRecord(record, keys, {
      record: existing,
      blockKeys: blockingKeys(existing.attributes),
      // An earlier pass that stopped before assigning the record may have stopped before its blocks too:
      // write them all again (puts are idempotent).
      rewriteAll: existing.customerId === undefined,
    });
  }

  // Score candidates from the blocks.
  const entries = keys.length === 0 ? [] : await store.queryBlocks(keys, config.maxBlockSize);
  const seen = new Set<string>([input.recordKey]);
  const tf = entries.length > 0 ? await store.termFrequencies(attributes) : undefined;
  const links: Link[] = [];
  const reviews: ReviewItem[] = [];
  /** Candidate profiles offered to review in this pass, whether the store queued the item or had one. */
  const reviewedProfiles = new Set<string>();
  const reviewCandidates: Link[] = [];
  let best: Link | undefined;
  const dedupFree = config.duplicateFreeSources.includes(input.source);
  for (const entry of newestCopies(entries)) {
    if (seen.has(entry.recordKey)) continue;
    seen.add(entry.recordKey);
    if (dedupFree && entry.source === input.source) continue;
    const evidence = scorePair(attributes, entry.attributes, config, tf);
    const link = { entry, evidence };
    if (best === undefined || evidence.total > best.evidence.total) best = link;
    if (evidence.total >= config.linkThreshold && !isVetoed(evidence)) links.push(link);
    else if (evidence.total >= config.reviewThreshold) reviewCandidates.push(link);
  }
  links.sort((x, y) => y.evidence.total - x.evidence.total);

  // The profiles of the linked candidates, strongest evidence first.
  const cache = new PassCache(store);
  const clusters = new Map<string, { node: CustomerNode; link: Link }>();
  const pending: Link[] = [];
  const linkedRecords = await store.getRecords(links.map((link) => link.entry.recordKey));
  const linkedRoots = await Promise.all(
    linkedRecords.map((r) => (r?.customerId === undefined ? undefined : rootOf(cache, r.customerId))),
  );
  links.forEach((link, i) => {
    const root = linkedRoots[i];
    if (root === undefined) pending.push(link);
    else if (!clusters.has(root.customerId)) clusters.set(root.customerId, { node: root, link });
  });

  const own = summaryOf(record, config);
  let home: CustomerNode | undefined = existing?.customerId
    ? await rootOf(cache, existing.customerId)
    : undefined;
  let homeLink: Link | undefined;
  if (home === undefined) {
    for (const { node, link } of clusters.values()) {
      if (clusterConflict(node.summary, own, config) === undefined) {
        home = node;
        homeLink = link;
        break;
      }
    }
  }
  const created = home === undefined;
  if (home === undefined) {
    // A new profile starts with this record's summary, which saves a second write to the node.
    const id = makeId();
    home = { customerId: id, createdAt: now.toISOString(), summary: { ...own, ids: [id] } };
    await store.createCustomer(home);
  }
  const decision: DecisionSummary = {
    outcome: created ? 'new' : 'link',
    threshold: config.linkThreshold,
    ...(best
      ? { best: { recordKey: (homeLink ?? best).entry.recordKey, evidence: (homeLink ?? best).evidence } }
      : {}),
    decidedAt: now.toISOString(),
  };
  if (existing?.customerId === undefined) {
    // Claim the record first: when two first deliveries of it race, one claim wins and the other pass
    // starts again and finds the record known, instead of leaving the person split over two profiles.
    const assignment = { onlyIfUnassigned: true, ...(created ? { countNames: attributes } : {}) };
    if (!(await store.assignRecord(input.recordKey, home.customerId, decision, assignment))) {
      return resolveIdentity(input, store, config, deps);
    }
    await store.addMember(home.customerId, record.recordKey, created ? undefined : own);
  }
  // Merge the other linked profiles into the oldest, unless protection forbids it.
  const mergedIds: string[] = [];
  const mergeWith = async (node: CustomerNode, link: Link): Promise<void> => {
    let other = node;
    for (let attempt = 0; attempt < 16; attempt++) {
      const current = await rootOf(cache, home!.customerId);
      if (other.customerId === current.customerId) return;
      const conflict = clusterConflict(current.summary, other.summary, config);
      if (conflict !== undefined) {
        const item: ReviewItem = {
          recordKey: input.recordKey,
          candidateRecordKey: link.entry.recordKey,
          customerId: current.customerId,
          candidateCustomerId: other.customerId,
          reason: `not merged: ${conflict}`,
          evidence: link.evidence,
          createdAt: now.toISOString(),
        };
        reviewedProfiles.add(other.customerId);
        if (await store.addReview(item)) reviews.push(item);
        return;
      }
      const [survivor, absorbed] =
        current.customerId < other.customerId ? [current, other] : [other, current];
      const result = await store.redirectCustomer(absorbed.customerId, survivor.customerId, absorbed.summary);
      cache.clear();
      if (result.ok) {
        // Noted at once: if this pass stops now, the redelivery still hands the merge over (see 'known').
        await store.notePendingMerge(input.recordKey, absorbed.customerId);
        mergedIds.push(absorbed.customerId);
        return;
      }
      // Someone merged it elsewhere first: merge the roots instead.
      other = await rootOf(cache, result.mergedInto);
    }
    throw new Error(`merging profiles for record ${input.recordKey} did not settle after 16 attempts`);
  };
  for (const { node, link } of clusters.values()) {
    if (node.customerId === home.customerId) continue;
    await mergeWith(await rootOf(cache, node.customerId), link);
  }

  // Candidates that another worker was resolving at the same time: once assigned, join their profiles.
  // Both workers wrote their record before reading, so at least one of them sees the other's assignment.
  for (const link of pending) {
    let candidate = await store.getRecord(link.entry.recordKey);
    for (
      let waited = 0, step = 5;
      candidate?.customerId === undefined;
      waited += step, step = Math.min(step * 2, 200)
    ) {
      if (waited >= waitMs) throw new PendingCandidateError(link.entry.recordKey);
      await sleep(step);
      candidate = await store.getRecord(link.entry.recordKey);
    }
    cache.clear();
    await mergeWith(await rootOf(cache, candidate.customerId), link);
  }

  // The strongest few possible matches go to review, unless they already share the profile. A person
  // decides whether two profiles are one: a profile is offered once per pass (its strongest candidate),
  // and the store keeps one item per pair of profiles across passes.
  reviewCandidates.sort((x, y) => y.evidence.total - x.evidence.total);
  const toReview = reviewCandidates.slice(0, MAX_REVIEWS_PER_RECORD);
  const reviewRecords = await store.getRecords(toReview.map((link) => link.entry.recordKey));
  const mine = await rootOf(cache, home.customerId);
  for (const [i, link] of toReview.entries()) {
    const candidateId = reviewRecords[i]?.customerId;
    if (candidateId === undefined) continue;
    const root = await rootOf(cache, candidateId);
    if (root.customerId === mine.customerId) continue;
    if (reviewedProfiles.has(root.customerId)) continue;
    reviewedProfiles.add(root.customerId);
    const item: ReviewItem = {
      recordKey: input.recordKey,
      candidateRecordKey: link.entry.recordKey,
      customerId: mine.customerId,
      candidateCustomerId: root.customerId,
      reason: isVetoed(link.evidence)
        ? `possible match blocked by ${link.evidence.protections
            .filter((p) => p.veto)
            .map((p) => p.rule)
            .join(', ')}`
        : 'possible match: weight between the review and link thresholds',
      evidence: link.evidence,
      createdAt: now.toISOString(),
    };
    if (await store.addReview(item)) reviews.push(item);
  }

  const final = mine;
  return {
    outcome: anonymous && created ? 'anonymous' : mergedIds.length > 0 ? 'merge' : created ? 'new' : 'link',
    customerId: final.customerId,
    mergedIds,
    reviews,
    flags,
    decision,
    candidatesCompared: seen.size - 1,
  };
}
