import {
  PutEventsCommand,
  type PutEventsRequestEntry,
  type PutEventsResponse,
} from '@aws-sdk/client-eventbridge';
import {
  MAX_EVENT_BYTES,
  MAX_PUT_EVENTS_ENTRIES,
  type OutgoingEvent,
  serialisedEntrySize,
} from '../../core/contracts/envelope.js';
import type { EventPublisher, PublishOutcome } from '../../core/ports.js';

/** The one call we need from an EventBridge client; the local bus implements it too. */
export interface PutEventsClient {
  send(command: PutEventsCommand): Promise<PutEventsResponse>;
}

export interface PublisherOptions {
  /** Attempts per entry, counting the first (EventBridge fails entries individually under throttling). */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const RETRYABLE = new Set([
  'ThrottlingException',
  'InternalFailure',
  'InternalException',
  'ServiceUnavailable',
]);

/**
 * Publishes with PutEvents in requests of at most 10 entries and 256 KB, and re-sends the entries that
 * EventBridge reports as failed (`FailedEntryCount`) with exponential backoff and full jitter.
 */
export class EventBridgePublisher implements EventPublisher {
  private readonly options: Required<PublisherOptions>;

  constructor(
    private readonly client: PutEventsClient,
    private readonly eventBusName: string,
    options: Partial<PublisherOptions> = {},
  ) {
    this.options = {
      maxAttempts: options.maxAttempts ?? 4,
      baseDelayMs: options.baseDelayMs ?? 50,
      sleep: options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    };
  }

  async publish(events: readonly OutgoingEvent[]): Promise<readonly PublishOutcome[]> {
    const outcomes: PublishOutcome[] = new Array(events.length);
    // Serialised once: the size checks, the chunking and every retry reuse the same entry.
    let pending: Prepared[] = [];
    events.forEach((event, index) => {
      const entry = this.toEntry(event);
      const size = serialisedEntrySize(entry);
      if (size > MAX_EVENT_BYTES) {
        outcomes[index] = {
          ok: false,
          errorCode: 'EntryTooLarge',
          errorMessage: `larger than ${MAX_EVENT_BYTES} bytes`,
        };
      } else pending.push({ index, entry, size });
    });

    for (let attempt = 1; pending.length > 0; attempt += 1) {
      const retry: Prepared[] = [];
      for (const chunk of chunkEntries(pending)) {
        const response = await this.client.send(
          new PutEventsCommand({ Entries: chunk.map((item) => item.entry) }),
        );
        chunk.forEach((item, i) => {
          const entry = response.Entries?.[i];
          if (entry?.EventId) {
            outcomes[item.index] = { ok: true, busEventId: entry.EventId };
            return;
          }
          const errorCode = entry?.ErrorCode ?? 'Unknown';
          outcomes[item.index] = {
            ok: false,
            errorCode,
            errorMessage: entry?.ErrorMessage ?? 'no entry result',
          };
          if (RETRYABLE.has(errorCode) || errorCode === 'Unknown') retry.push(item);
        });
      }
      if (retry.length === 0 || attempt >= this.options.maxAttempts) break;
      await this.options.sleep(Math.random() * this.options.baseDelayMs * 2 ** attempt);
      pending = retry;
    }
    return outcomes;
  }

  private toEntry(event: OutgoingEvent): PutEventsRequestEntry {
    return {
      EventBusName: this.eventBusName,
      Source: event.source,
      DetailType: event.detailType,
      Detail: JSON.stringify(event.detail),
      ...(event.time ? { Time: new Date(event.time) } : {}),
      ...(event.resources ? { Resources: [...event.resources] } : {}),
    };
  }
}

interface Prepared {
  readonly index: number;
  readonly entry: PutEventsRequestEntry;
  readonly size: number;
}

/** Splits entries into PutEvents requests within both of EventBridge's limits (10 entries, 256 KB). */
function chunkEntries(items: readonly Prepared[]): Prepared[][] {
  const chunks: Prepared[][] = [];
  let current: Prepared[] = [];
  let bytes = 0;
  for (const item of items) {
    if (
      current.length === MAX_PUT_EVENTS_ENTRIES ||
      (current.length > 0 && bytes + item.size > MAX_EVENT_BYTES)
    ) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += item.size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
