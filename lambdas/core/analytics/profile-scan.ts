/**
 * The fitting job's view of the profile table: every live profile's analytics state, read in parallel
 * segments, and a conditional write of a rescored state.
 */
import type { ProfileAnalyticsState } from './profile-analytics.js';

export interface StoredProfileAnalytics {
  readonly customerId: string;
  readonly state: ProfileAnalyticsState;
  /** the profile item's version, for the conditional write back */
  readonly version: number;
}

export interface ProfileReader {
  /** One segment of a parallel scan (0 <= segment < totalSegments); profiles merged into another are skipped. */
  scanSegment(segment: number, totalSegments: number): AsyncIterable<StoredProfileAnalytics>;
}

export interface ProfileAnalyticsWriter {
  /** Writes a rescored state if the profile is still at `expectedVersion`; false when an event got there first. */
  saveAnalytics(customerId: string, state: ProfileAnalyticsState, expectedVersion: number): Promise<boolean>;
}

/** Reads whatever the identity consumer stored as `aggregates` and checks it is analytics state. */
export function asProfileAnalyticsState(value: unknown, where: string): ProfileAnalyticsState | undefined {
  if (value === undefined || value === null) return undefined;
  const state = value as Partial<ProfileAnalyticsState>;
  if (typeof value !== 'object' || state.aggregates?.v !== 1 || !Array.isArray(state.segments?.segments)) {
    throw new Error(`${where}: the stored analytics state is not {aggregates: {v: 1, ...}, segments: {...}}`);
  }
  return state as ProfileAnalyticsState;
}

/** Interleaves the segments of a parallel scan into one stream, reading all of them at once. */
export async function* scanAllSegments(
  reader: ProfileReader,
  totalSegments: number,
): AsyncIterable<StoredProfileAnalytics> {
  if (!Number.isInteger(totalSegments) || totalSegments < 1)
    throw new Error(`totalSegments must be a positive integer, got ${totalSegments}`);
  const iterators = Array.from({ length: totalSegments }, (_, s) =>
    reader.scanSegment(s, totalSegments)[Symbol.asyncIterator](),
  );
  const pending = new Map<number, Promise<{ s: number; r: IteratorResult<StoredProfileAnalytics> }>>();
  const pull = (s: number) => {
    pending.set(
      s,
      iterators[s]!.next().then((r) => ({ s, r })),
    );
  };
  for (let s = 0; s < totalSegments; s++) pull(s);
  while (pending.size > 0) {
    const { s, r } = await Promise.race(pending.values());
    if (r.done) {
      pending.delete(s);
      continue;
    }
    pull(s);
    yield r.value;
  }
}
