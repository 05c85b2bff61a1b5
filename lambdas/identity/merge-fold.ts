import type { OutgoingEvent } from '../core/contracts/envelope.js';
import { type CustomerProfile, mergeProfiles, RECENT_EVENTS } from '../core/identity/profile.js';
import type { SurvivorshipConfig } from '../core/identity/survivorship.js';
import { outboxOf, type ProfileWithOutbox, withOutbox } from './outbox.js';

export interface FoldOptions {
  readonly survivorship: SurvivorshipConfig;
  /** Folds analytics aggregates (the analytics hook's merge); absent: the survivor's stay. */
  readonly mergeAggregates?: (survivor: unknown, absorbed: unknown) => unknown;
}

/**
 * The survivor's profile with a merged-away profile folded in, for one `updateProfile` write: once only (a
 * `merge:<mergedId>` marker among its recent events guards a repeat), with the absorbed profile's unpublished
 * events and `announce` kept in the survivor's outbox in that same write. When the absorbed profile is gone,
 * the survivor still gets the marker and the announcement. Undefined: nothing to write (folded before, or
 * neither profile exists). Shared by the identity consumer and the review API, so both fold alike.
 */
export function foldMergedProfile(
  survivor: CustomerProfile | undefined,
  merge: {
    readonly survivorId: string;
    readonly mergedId: string;
    readonly absorbed: CustomerProfile | undefined;
    readonly announce: readonly OutgoingEvent[];
  },
  options: FoldOptions,
): ProfileWithOutbox | undefined {
  const marker = `merge:${merge.mergedId}`;
  if (survivor?.recentEvents.includes(marker)) return undefined;
  const { absorbed } = merge;
  let folded: CustomerProfile;
  if (absorbed !== undefined) {
    const aggregates = options.mergeAggregates
      ? options.mergeAggregates(survivor?.aggregates, absorbed.aggregates)
      : survivor?.aggregates;
    folded = mergeProfiles(
      survivor,
      absorbed,
      merge.survivorId,
      options.survivorship,
      aggregates as Record<string, unknown> | undefined,
    );
  } else if (survivor !== undefined) {
    folded = { ...survivor, version: survivor.version + 1 };
  } else {
    return undefined;
  }
  return withOutbox({ ...folded, recentEvents: [...folded.recentEvents, marker].slice(-RECENT_EVENTS) }, [
    ...outboxOf(survivor),
    ...outboxOf(absorbed),
    ...merge.announce,
  ]);
}
