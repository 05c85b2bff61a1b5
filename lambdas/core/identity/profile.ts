/**
 * The unified profile kept beside the identity graph: the golden record (one value per attribute chosen
 * by survivorship rules), consent per channel, the source records it is built from, and the activity
 * aggregates (issue 4) updated in the same pass.
 */
import type { Consent } from '../contracts/common.js';

export interface GoldenValue {
  readonly value: string;
  readonly source: string;
  readonly observedAt: string;
  readonly verified: boolean;
}

export type GoldenRecord = Readonly<Record<string, GoldenValue>>;

export interface CustomerProfile {
  readonly customerId: string;
  readonly golden: GoldenRecord;
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
  readonly observedAt: string;
  /** Display values as the source wrote them (trimmed), for the attributes it sent. */
  readonly values: Readonly<Record<string, string>>;
  readonly verified: readonly string[];
  readonly consent?: Consent;
}

/** Sources trusted more when two values are equally recent (configurable per deployment later). */
export const DEFAULT_SOURCE_PRIORITY: readonly string[] = [
  'crm',
  'loyalty',
  'ecommerce',
  'odoo',
  'pos',
  'service',
  'marketplace',
  'campaigns',
  'documents',
  'backfill',
];

/**
 * Survivorship: a verified value beats an unverified one; otherwise the most recent wins; on a tie the
 * source earlier in the priority list wins.
 */
export function chooseGolden(
  current: GoldenValue | undefined,
  incoming: GoldenValue,
  priority = DEFAULT_SOURCE_PRIORITY,
): GoldenValue {
  if (current === undefined) return incoming;
  if (current.verified !== incoming.verified) return current.verified ? current : incoming;
  if (incoming.observedAt !== current.observedAt)
    return incoming.observedAt > current.observedAt ? incoming : current;
  const rank = (s: string) => {
    const i = priority.indexOf(s);
    return i < 0 ? priority.length : i;
  };
  return rank(incoming.source) < rank(current.source) ? incoming : current;
}

/** How many applied event keys a profile remembers for deduplication (bounded: the item stays small). */
export const RECENT_EVENTS = 10;

export function applyObservation(
  profile: CustomerProfile | undefined,
  customerId: string,
  obs: ProfileObservation,
): CustomerProfile {
  const golden: Record<string, GoldenValue> = { ...(profile?.golden ?? {}) };
  for (const [attribute, value] of Object.entries(obs.values)) {
    golden[attribute] = chooseGolden(golden[attribute], {
      value,
      source: obs.source,
      observedAt: obs.observedAt,
      verified: obs.verified.includes(attribute),
    });
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
    golden,
    consent,
    eventCount: (profile?.eventCount ?? 0) + 1,
    recentEvents: [...(profile?.recentEvents ?? []), obs.eventKey].slice(-RECENT_EVENTS),
    firstSeenAt: profile && profile.firstSeenAt < obs.observedAt ? profile.firstSeenAt : obs.observedAt,
    lastSeenAt: profile && profile.lastSeenAt > obs.observedAt ? profile.lastSeenAt : obs.observedAt,
    ...(profile?.aggregates ? { aggregates: profile.aggregates } : {}),
    version: (profile?.version ?? 0) + 1,
  };
}

/** Where profiles live; the same table as the identity graph in DynamoDB. */
export interface ProfileStore {
  getProfile(customerId: string): Promise<CustomerProfile | undefined>;
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
    const current = await store.getProfile(customerId);
    const next = change(current);
    // undefined: nothing to change (the event was applied already)
    if (next === undefined) return undefined;
    if (await store.putProfile(next, current?.version ?? 0)) return next;
  }
  throw new Error(`profile ${customerId} changed under us 10 times in a row; giving up for a retry`);
}
