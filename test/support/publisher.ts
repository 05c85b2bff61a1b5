import type { OutgoingEvent } from '../../lambdas/core/contracts/envelope.js';
import type { EventPublisher, PublishOutcome } from '../../lambdas/core/ports.js';

/** The bus as a test sees it: keeps what was published; `failing` makes every entry fail (a throttled PutEvents). */
export class CollectingPublisher implements EventPublisher {
  readonly events: OutgoingEvent[] = [];
  failing = false;

  async publish(events: readonly OutgoingEvent[]): Promise<readonly PublishOutcome[]> {
    if (this.failing) return events.map(() => ({ ok: false, errorCode: 'Throttled', errorMessage: 'test' }));
    this.events.push(...events);
    return events.map((_, i) => ({ ok: true, busEventId: `bus-${this.events.length + i}` }));
  }
}
