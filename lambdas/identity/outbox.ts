/**
 * The identity pass's outbox, kept on the profile item it writes anyway. Events the pass must announce
 * (CustomersMerged, CustomerRiskChanged) are written into the profile in the same conditional write that
 * applies the change, published after it, and removed once the bus has them. A publish that fails leaves them
 * on the item: the redelivery of the same event, or the next event of the same customer, reads the profile
 * (it always does) and publishes them again. No transaction and no extra read per ordinary event: the only
 * extra request is the write that clears the outbox, and only when there was something to publish.
 * Delivery stays at least once: events keep their detail's eventId, so a consumer recognises a second copy.
 */
import type { OutgoingEvent } from '../core/contracts/envelope.js';
import { type CustomerProfile, type ProfileStore, updateProfile } from '../core/identity/profile.js';
import type { EventPublisher } from '../core/ports.js';

/** A profile as stored, with the events still to publish (absent when none). */
export type ProfileWithOutbox = CustomerProfile & { readonly outbox?: readonly OutgoingEvent[] };

export const outboxOf = (profile: CustomerProfile | undefined): readonly OutgoingEvent[] =>
  (profile as ProfileWithOutbox | undefined)?.outbox ?? [];

/** One event's identity in the outbox: its type and the detail's own event id. */
export function outboxKey(event: OutgoingEvent): string {
  const id = (event.detail as { readonly eventId?: unknown } | undefined)?.eventId;
  if (typeof id !== 'string') {
    throw new Error(`${event.detailType} has no detail.eventId; an outbox entry needs one to be cleared`);
  }
  return `${event.detailType}:${id}`;
}

/** The profile with exactly these events in its outbox (each once, first kept), or without an outbox. */
export function withOutbox(profile: CustomerProfile, events: readonly OutgoingEvent[]): ProfileWithOutbox {
  const { outbox: _old, ...rest } = profile as ProfileWithOutbox;
  const seen = new Set<string>();
  const unique = events.filter((e) => {
    const key = outboxKey(e);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.length > 0 ? { ...rest, outbox: unique } : rest;
}

/**
 * Publishes the outbox read or written by the pass, then removes what the bus accepted from the stored
 * profile (a conditional write; entries added meanwhile by another pass stay). Throws when any failed, so
 * the event is retried and its redelivery publishes them again.
 */
export async function publishOutbox(
  deps: { readonly profiles: ProfileStore; readonly publisher: EventPublisher },
  customerId: string,
  events: readonly OutgoingEvent[],
  context: string,
): Promise<void> {
  if (events.length === 0) return;
  const outcomes = await deps.publisher.publish(events);
  const published = new Set(events.filter((_, i) => outcomes[i]?.ok === true).map(outboxKey));
  if (published.size > 0) {
    await updateProfile(deps.profiles, customerId, (current) => {
      if (current === undefined) return undefined;
      const box = outboxOf(current);
      const rest = box.filter((e) => !published.has(outboxKey(e)));
      return rest.length === box.length
        ? undefined
        : withOutbox({ ...current, version: current.version + 1 }, rest);
    });
  }
  const failed = events.length - published.size;
  if (failed > 0) {
    throw new Error(
      `could not publish ${failed} of ${events.length} events after ${context}; they stay in the outbox of profile ${customerId} for the retry`,
    );
  }
}
