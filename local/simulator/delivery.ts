import { Prng } from './prng.js';

export interface DeliveryOptions {
  readonly seed: number;
  /** share of events delivered a second time, a few events later (at-least-once delivery) */
  readonly duplicateRate: number;
  /** share of events held back behind up to `window` later events */
  readonly outOfOrderRate: number;
  readonly window: number;
}

export interface DeliveryCounts {
  delivered: number;
  duplicatesInjected: number;
  outOfOrderInjected: number;
}

/**
 * Turns a time-ordered stream into what an ingest API really receives: some events late (a small local
 * shuffle) and some twice. Holds at most a window's worth of events, so it streams.
 */
export function* deliver<T>(
  events: Iterable<T>,
  options: DeliveryOptions,
  counts: DeliveryCounts,
): Generator<T> {
  const rng = Prng.derive(options.seed, 'delivery');
  // Held events with the position after which they are released; kept sorted by (release, order).
  const held: { release: number; order: number; event: T }[] = [];
  let position = 0;
  let order = 0;
  const hold = (event: T) => {
    const entry = { release: position + rng.int(1, options.window), order: order++, event };
    let i = held.length;
    while (i > 0 && (held[i - 1] as (typeof held)[number]).release > entry.release) i--;
    held.splice(i, 0, entry);
  };
  function* release(upTo: number): Generator<T> {
    while (held.length > 0 && (held[0] as (typeof held)[number]).release <= upTo) {
      counts.delivered++;
      yield (held.shift() as (typeof held)[number]).event;
    }
  }
  for (const event of events) {
    position++;
    yield* release(position - 1);
    if (rng.chance(options.outOfOrderRate)) {
      counts.outOfOrderInjected++;
      hold(event);
    } else {
      counts.delivered++;
      yield event;
    }
    if (rng.chance(options.duplicateRate)) {
      counts.duplicatesInjected++;
      // A copy, so a consumer that mutates one delivery does not change the other.
      hold(structuredClone(event));
    }
  }
  yield* release(Number.POSITIVE_INFINITY);
}
