/**
 * The unified profile kept beside the identity graph: the golden record (one value per attribute chosen
 * by survivorship rules), consent per channel, the source records it is built from, and the activity
 * aggregates (issue 4) updated in the same pass.
 */
import type { Consent } from '../contracts/common.js';
import {
  ADDRESS_PARTS,
  addToTally,
  type Candidate,
  compareCandidates,
  DEFAULT_SOURCE_PRIORITY,
  DEFAULT_SURVIVORSHIP,
  ruleFor,
  type SurvivorshipConfig,
  type SurvivorshipRuleName,
  type SurvivorshipUnit,
  survivor,
} from './survivorship.js';

export interface GoldenValue {
  readonly value: string;
  readonly source: string;
  readonly observedAt: string;
  readonly verified: boolean;
  /** The survivorship rule that chose this value; absent: most-recent (the rule values had before rules were configurable). */
  readonly rule?: SurvivorshipRuleName;
  /** The source record the value came from: an index into `goldenRecords` (kept once, the item stays small). */
  readonly record?: number;
  /** Under most-frequent: how many observations carried the value. */
  readonly count?: number;
}

export type GoldenRecord = Readonly<Record<string, GoldenValue>>;

export interface CustomerProfile {
  readonly customerId: string;
  readonly golden: GoldenRecord;
  /** The source records the golden values came from (`GoldenValue.record` indexes it). */
  readonly goldenRecords?: readonly string[];
  /** Every value seen, counted, for the units whose rule is most-frequent (only those: the item stays small). */
  readonly tallies?: Readonly<Record<string, readonly Candidate[]>>;
  readonly consent: Readonly<
    Record<string, { readonly granted: boolean; readonly at: string; readonly source: string }>
  >;
  readonly eventCount: number;
  /** The latest events applied (sender#eventId), newest last: a redelivery of one of them changes nothing. */
  readonly recentEvents: readonly string[];
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
  /** Aggregates owned by analytics (lambdas/core/analytics), stored as they give them. */
  readonly aggregates?: Readonly<Record<string, unknown>>;
  readonly version: number;
}

export interface ProfileObservation {
  /** `sender#eventId`, remembered so that a redelivery is recognised. */
  readonly eventKey: string;
  readonly source: string;
  /** The source record the event speaks about: kept on each golden value it supplies. */
  readonly recordKey?: string;
  readonly observedAt: string;
  /** Display values as the source wrote them (trimmed), for the attributes it sent. */
  readonly values: Readonly<Record<string, string>>;
  /** Attributes (or `address`) the source says it verified. */
  readonly verified: readonly string[];
  readonly consent?: Consent;
}

export { DEFAULT_SOURCE_PRIORITY };

/**
 * The older pairwise form of most-recent survivorship (verified first, then the latest, then the source
 * priority), kept for callers that fold two values without a configuration.
 */
export function chooseGolden(
  current: GoldenValue | undefined,
  incoming: GoldenValue,
  priority = DEFAULT_SOURCE_PRIORITY,
): GoldenValue {
  if (current === undefined) return incoming;
  const config = { ...DEFAULT_SURVIVORSHIP, sourcePriority: priority };
  return compareCandidates(incoming, current, { rule: 'most-recent' }, config) > 0 ? incoming : current;
}

/** How many applied event keys a profile remembers for deduplication (bounded: the item stays small). */
export const RECENT_EVENTS = 10;

const ADDRESS = ADDRESS_PARTS as readonly string[];

/** A golden value with its source record written out (the form survivorship works on). */
type ExpandedValue = Omit<GoldenValue, 'record'> & { readonly recordKey?: string };
type ExpandedGolden = Record<string, ExpandedValue>;

function expand(profile: CustomerProfile | undefined): ExpandedGolden {
  const out: ExpandedGolden = {};
  for (const [attribute, { record, ...value }] of Object.entries(profile?.golden ?? {})) {
    const recordKey = record === undefined ? undefined : profile?.goldenRecords?.[record];
    out[attribute] = recordKey === undefined ? value : { ...value, recordKey };
  }
  return out;
}

/** Each source record once, in `goldenRecords`, and the golden values pointing at it. */
function compact(golden: ExpandedGolden): Pick<CustomerProfile, 'golden' | 'goldenRecords'> {
  const records: string[] = [];
  const out: Record<string, GoldenValue> = {};
  for (const [attribute, { recordKey, ...value }] of Object.entries(golden)) {
    if (recordKey === undefined) {
      out[attribute] = value;
      continue;
    }
    let index = records.indexOf(recordKey);
    if (index < 0) index = records.push(recordKey) - 1;
    out[attribute] = { ...value, record: index };
  }
  return { golden: out, ...(records.length > 0 ? { goldenRecords: records } : {}) };
}

/** Why each golden value is what it is: the rule, the source and source record, when, verified, how often. */
export function explainGolden(
  profile: CustomerProfile,
): Record<string, ExpandedValue & { readonly rule: SurvivorshipRuleName }> {
  return Object.fromEntries(
    Object.entries(expand(profile)).map(([attribute, v]) => [
      attribute,
      { ...v, rule: v.rule ?? 'most-recent' },
    ]),
  );
}

/** The unit's value in a golden record as a candidate (the address parts as one JSON object). */
function goldenCandidate(golden: ExpandedGolden, unit: SurvivorshipUnit): Candidate | undefined {
  if (unit !== 'address') return golden[unit];
  const parts = ADDRESS.filter((p) => golden[p] !== undefined);
  const first = parts[0] === undefined ? undefined : golden[parts[0]];
  if (first === undefined) return undefined;
  const value = JSON.stringify(Object.fromEntries(parts.map((p) => [p, golden[p]?.value])));
  const { value: _v, ...meta } = first;
  return { ...meta, value };
}

function setGolden(
  golden: ExpandedGolden,
  unit: SurvivorshipUnit,
  winner: Candidate,
  rule: SurvivorshipRuleName,
): void {
  const { count, ...meta } = winner;
  const { rule: _previous, ...provenance } = meta as Candidate & { rule?: unknown };
  const base = {
    ...provenance,
    ...(rule === 'most-recent' ? {} : { rule }),
    ...(rule === 'most-frequent' ? { count: count ?? 1 } : {}),
  };
  if (unit !== 'address') {
    golden[unit] = base;
    return;
  }
  for (const p of ADDRESS) delete golden[p];
  for (const [part, value] of Object.entries(JSON.parse(winner.value) as Record<string, string>)) {
    golden[part] = { ...base, value };
  }
}

/** The observation's values grouped by survivorship unit (attributes outside the golden record are kept per attribute). */
function unitsOf(values: Readonly<Record<string, string>>): Map<string, string> {
  const units = new Map<string, string>();
  const address: Record<string, string> = {};
  for (const [attribute, value] of Object.entries(values)) {
    if (ADDRESS.includes(attribute)) address[attribute] = value;
    else units.set(attribute, value);
  }
  const parts = ADDRESS.filter((p) => address[p] !== undefined);
  if (parts.length > 0)
    units.set('address', JSON.stringify(Object.fromEntries(parts.map((p) => [p, address[p]]))));
  return units;
}

/** Chooses the unit's golden value among the current one and an incoming candidate (or tally). */
function survive(
  golden: ExpandedGolden,
  tallies: Record<string, readonly Candidate[]>,
  unit: SurvivorshipUnit,
  incoming: readonly Candidate[],
  config: SurvivorshipConfig,
): void {
  const rule = ruleFor(config, unit);
  const current = goldenCandidate(golden, unit);
  let winner: Candidate | undefined;
  if (rule.rule === 'most-frequent') {
    // A profile from before the rule was chosen starts its tally from its golden value.
    let tally: readonly Candidate[] = tallies[unit] ?? (current ? [current] : []);
    for (const c of incoming) tally = addToTally(tally, c);
    tallies[unit] = tally;
    winner = survivor(tally, rule, config);
  } else {
    delete tallies[unit];
    winner = survivor(current ? [current, ...incoming] : incoming, rule, config);
  }
  if (winner !== undefined) setGolden(golden, unit, winner, rule.rule);
}

export function applyObservation(
  profile: CustomerProfile | undefined,
  customerId: string,
  obs: ProfileObservation,
  survivorship: SurvivorshipConfig = DEFAULT_SURVIVORSHIP,
): CustomerProfile {
  const golden = expand(profile);
  const tallies: Record<string, readonly Candidate[]> = { ...(profile?.tallies ?? {}) };
  for (const [unit, value] of unitsOf(obs.values)) {
    const incoming: Candidate = {
      value,
      source: obs.source,
      ...(obs.recordKey ? { recordKey: obs.recordKey } : {}),
      observedAt: obs.observedAt,
      verified: obs.verified.includes(unit),
    };
    survive(golden, tallies, unit as SurvivorshipUnit, [incoming], survivorship);
  }
  const consent: Record<string, { granted: boolean; at: string; source: string }> = {
    ...(profile?.consent ?? {}),
  };
  for (const [channel, granted] of Object.entries(obs.consent ?? {})) {
    if (granted === undefined) continue;
    const prev = consent[channel];
    // The latest statement of consent wins, whatever the source.
    if (prev === undefined || obs.observedAt >= prev.at)
      consent[channel] = { granted, at: obs.observedAt, source: obs.source };
  }
  return {
    customerId,
    ...compact(golden),
    ...(Object.keys(tallies).length > 0 ? { tallies } : {}),
    consent,
    eventCount: (profile?.eventCount ?? 0) + 1,
    recentEvents: [...(profile?.recentEvents ?? []), obs.eventKey].slice(-RECENT_EVENTS),
    firstSeenAt: profile && profile.firstSeenAt < obs.observedAt ? profile.firstSeenAt : obs.observedAt,
    lastSeenAt: profile && profile.lastSeenAt > obs.observedAt ? profile.lastSeenAt : obs.observedAt,
    ...(profile?.aggregates ? { aggregates: profile.aggregates } : {}),
    version: (profile?.version ?? 0) + 1,
  };
}

/**
 * Folds a profile that merged into the survivor: each unit survives by its rule over both profiles'
 * values (tallies add up), consent keeps the latest statement per channel. Aggregates belong to
 * analytics: the caller passes the merged ones. recentEvents stay the survivor's.
 */
export function mergeProfiles(
  survivorProfile: CustomerProfile | undefined,
  absorbed: CustomerProfile,
  customerId: string,
  survivorship: SurvivorshipConfig = DEFAULT_SURVIVORSHIP,
  aggregates?: Readonly<Record<string, unknown>>,
): CustomerProfile {
  const golden = expand(survivorProfile);
  const tallies: Record<string, readonly Candidate[]> = { ...(survivorProfile?.tallies ?? {}) };
  const units = new Set<string>();
  for (const attribute of Object.keys(absorbed.golden))
    units.add(ADDRESS.includes(attribute) ? 'address' : attribute);
  const absorbedGolden = expand(absorbed);
  for (const unit of units) {
    const u = unit as SurvivorshipUnit;
    const theirs =
      absorbed.tallies?.[u] ?? [goldenCandidate(absorbedGolden, u)].filter((c) => c !== undefined);
    survive(golden, tallies, u, theirs, survivorship);
  }
  const consent = { ...absorbed.consent, ...(survivorProfile?.consent ?? {}) };
  for (const [k, v] of Object.entries(absorbed.consent))
    if (!consent[k] || v.at > consent[k].at) consent[k] = v;
  const s = survivorProfile;
  return {
    customerId,
    ...compact(golden),
    ...(Object.keys(tallies).length > 0 ? { tallies } : {}),
    consent,
    eventCount: (s?.eventCount ?? 0) + absorbed.eventCount,
    recentEvents: s?.recentEvents ?? [],
    firstSeenAt: s && s.firstSeenAt < absorbed.firstSeenAt ? s.firstSeenAt : absorbed.firstSeenAt,
    lastSeenAt: s && s.lastSeenAt > absorbed.lastSeenAt ? s.lastSeenAt : absorbed.lastSeenAt,
    ...(aggregates !== undefined ? { aggregates } : {}),
    version: (s?.version ?? 0) + 1,
  };
}

/** Where profiles live; the same table as the identity graph in DynamoDB. */
export interface ProfileStore {
  /**
   * The profile; strongly consistent unless `eventually` is asked for (half the read cost on DynamoDB, and
   * possibly a moment stale: only for a read whose write is conditional on the version it saw).
   */
  getProfile(
    customerId: string,
    options?: { readonly eventually?: boolean },
  ): Promise<CustomerProfile | undefined>;
  /** Deletes a profile (right to erasure). */
  deleteProfile(customerId: string): Promise<void>;
  /** Writes the profile if its version is still `expectedVersion` (0 = absent); false when someone was first. */
  putProfile(profile: CustomerProfile, expectedVersion: number): Promise<boolean>;
}

/** Read-modify-write with optimistic concurrency: retried when another event updated the profile first. */
export async function updateProfile(
  store: ProfileStore,
  customerId: string,
  change: (current: CustomerProfile | undefined) => CustomerProfile | undefined,
): Promise<CustomerProfile | undefined> {
  for (let attempt = 0; attempt < 10; attempt++) {
    // The write is conditional on the version read, so a stale first read costs a retry, never a lost
    // update; retries read strongly consistent so that they converge.
    const current = await store.getProfile(customerId, { eventually: attempt === 0 });
    const next = change(current);
    // undefined: nothing to change (the event was applied already)
    if (next === undefined) return undefined;
    if (await store.putProfile(next, current?.version ?? 0)) return next;
  }
  throw new Error(`profile ${customerId} changed under us 10 times in a row; giving up for a retry`);
}
