import type { OutgoingEvent } from './contracts/envelope.js';

/** Outcome of publishing one event, in the order the events were given. */
export type PublishOutcome =
  | { readonly ok: true; readonly busEventId: string }
  | { readonly ok: false; readonly errorCode: string; readonly errorMessage: string };

/** Puts events on the bus (EventBridge in the cloud, the local bus on this machine). */
export interface EventPublisher {
  publish(events: readonly OutgoingEvent[]): Promise<readonly PublishOutcome[]>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
