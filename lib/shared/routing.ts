import { CHANNEL_EVENT_TYPES, CHANNEL_SOURCE_PREFIX } from '../../lambdas/core/contracts/names.js';
import type { EventPattern } from './event-pattern.js';

/**
 * The routing table: which events go to which consumer. The CDK stateless stack turns each route into an
 * EventBridge rule and the local runtime subscribes the same consumer to the same pattern on the local bus,
 * so the two can never disagree.
 */
export type ConsumerId = 'identity';

export interface Route {
  /** Stable name; becomes the rule name suffix in the cloud. */
  readonly name: string;
  readonly consumer: ConsumerId;
  readonly description: string;
  readonly pattern: EventPattern;
  /** Retry policy of the target, as EventBridge applies it. */
  readonly retry: { readonly maximumRetryAttempts: number; readonly maximumEventAgeSeconds: number };
}

export const ROUTES: readonly Route[] = [
  {
    name: 'channel-events-to-identity',
    consumer: 'identity',
    description: 'Every channel event names a customer: resolve who it is and update the unified profile.',
    pattern: {
      source: [{ prefix: CHANNEL_SOURCE_PREFIX }],
      'detail-type': [...CHANNEL_EVENT_TYPES],
    },
    retry: { maximumRetryAttempts: 8, maximumEventAgeSeconds: 6 * 60 * 60 },
  },
];
