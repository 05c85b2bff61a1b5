import { randomBytes } from 'node:crypto';
import {
  type DetailType,
  describeIssues,
  eventEntrySize,
  MAX_EVENT_BYTES,
  validateDetail,
} from '../contracts/index.js';
import type { EventPublisher } from '../ports.js';
import type { EventLedger, RejectedEvent, RejectedEventStore } from './ports.js';

/** What the sender learns about each event of its batch, in order. */
export type EventVerdict =
  | { readonly index: number; readonly status: 'accepted'; readonly eventId: string }
  | { readonly index: number; readonly status: 'duplicate'; readonly eventId: string }
  | {
      readonly index: number;
      readonly status: 'rejected';
      readonly eventId?: string;
      readonly rejectionId: string;
      readonly reasons: readonly string[];
    }
  | {
      readonly index: number;
      readonly status: 'failed';
      readonly eventId: string;
      readonly retryable: true;
      readonly reason: string;
    };

export interface IngestLimits {
  readonly maxEventsPerBatch: number;
  /** How far in the future an event's `occurredAt` may be: source clocks drift, but not by hours. */
  readonly maxFutureSkewSeconds: number;
}

export const DEFAULT_INGEST_LIMITS: IngestLimits = { maxEventsPerBatch: 100, maxFutureSkewSeconds: 300 };

export interface IngestDependencies {
  readonly ledger: EventLedger;
  readonly rejected: RejectedEventStore;
  readonly publisher: EventPublisher;
  readonly limits: IngestLimits;
}

/** A candidate event already unwrapped from its transport (HTTP batch, Odoo webhook, re-drive). */
export interface IncomingEvent {
  readonly raw: unknown;
  /** Set when the transport knows the type (Odoo mapping); otherwise read from `raw['detail-type']`. */
  readonly detailType?: string;
  readonly detail?: unknown;
  /** Deduplication key when it is not the detail's event id (Odoo: model, id, write_date). */
  readonly dedupKey?: string;
}

/** Largest raw event kept in the rejected store (DynamoDB items stop at 400 KB). */
export const MAX_KEPT_BYTES = 300 * 1024;

/** `rej_<yyyymmdd>T<hhmmssmmm>_<random>`: sorts by time within a day, and names its day partition. */
export const newRejectionId = (at: Date): string =>
  `rej_${at.toISOString().replace(/[-:.Z]/g, '')}_${randomBytes(6).toString('hex')}`;

interface Candidate {
  readonly index: number;
  readonly detailType: DetailType;
  readonly detail: { eventId: string } & Record<string, unknown>;
  readonly ledgerKey: string;
}

/**
 * Validates, deduplicates and publishes a batch of channel events for one authenticated source.
 * Invalid events are kept in the rejected store with their reasons; valid events in the same batch go on.
 */
export async function ingestEvents(
  sourceId: string,
  busSource: string,
  events: readonly IncomingEvent[],
  receivedAt: Date,
  deps: IngestDependencies,
  options: { readonly keepRejected: boolean } = { keepRejected: true },
): Promise<EventVerdict[]> {
  const verdicts: EventVerdict[] = new Array(events.length);
  const candidates: Candidate[] = [];
  const seenInBatch = new Set<string>();

  for (const [index, incoming] of events.entries()) {
    const checked = checkEvent(incoming, busSource, receivedAt, deps.limits);
    if (!checked.ok) {
      verdicts[index] = await reject(
        sourceId,
        index,
        incoming.raw,
        checked.reasons,
        receivedAt,
        options.keepRejected ? deps.rejected : undefined,
        checked,
      );
      continue;
    }
    const ledgerKey = `${sourceId}#${incoming.dedupKey ?? checked.detail.eventId}`;
    if (seenInBatch.has(ledgerKey)) {
      verdicts[index] = { index, status: 'duplicate', eventId: checked.detail.eventId };
      continue;
    }
    seenInBatch.add(ledgerKey);
    candidates.push({ index, detailType: checked.detailType, detail: checked.detail, ledgerKey });
  }

  const toPublish: Candidate[] = [];
  await Promise.all(
    candidates.map(async (candidate) => {
      const claim = await deps.ledger.claim(candidate.ledgerKey, receivedAt);
      if (claim === 'already-published') {
        verdicts[candidate.index] = {
          index: candidate.index,
          status: 'duplicate',
          eventId: candidate.detail.eventId,
        };
      } else {
        toPublish.push(candidate);
      }
    }),
  );
  toPublish.sort((a, b) => a.index - b.index);

  const outcomes = await deps.publisher.publish(
    toPublish.map((c) => ({
      source: busSource,
      detailType: c.detailType,
      detail: c.detail,
      time: String(c.detail.occurredAt),
    })),
  );
  const published: string[] = [];
  await Promise.all(
    toPublish.map(async (candidate, i) => {
      const outcome = outcomes[i];
      const eventId = candidate.detail.eventId;
      if (outcome?.ok) {
        published.push(candidate.ledgerKey);
        verdicts[candidate.index] = { index: candidate.index, status: 'accepted', eventId };
      } else {
        await deps.ledger.release(candidate.ledgerKey);
        const reason = outcome ? `${outcome.errorCode}: ${outcome.errorMessage}` : 'no outcome from the bus';
        verdicts[candidate.index] = {
          index: candidate.index,
          status: 'failed',
          eventId,
          retryable: true,
          reason,
        };
      }
    }),
  );
  // If this write fails the sender gets an error and re-sends: the claims are PENDING, so it publishes again.
  if (published.length > 0) await deps.ledger.markPublished(published, receivedAt);
  return verdicts;
}

type CheckedEvent =
  | { ok: true; detailType: DetailType; detail: { eventId: string } & Record<string, unknown> }
  | { ok: false; reasons: string[]; detailType?: string; eventId?: string };

function checkEvent(
  incoming: IncomingEvent,
  busSource: string,
  receivedAt: Date,
  limits: IngestLimits,
): CheckedEvent {
  const raw = incoming.raw;
  let detailType = incoming.detailType;
  let detail = incoming.detail;
  if (detailType === undefined) {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      return { ok: false, reasons: ['event must be a JSON object with "detail-type" and "detail"'] };
    }
    const record = raw as Record<string, unknown>;
    const extra = Object.keys(record).filter((k) => k !== 'detail-type' && k !== 'detail');
    if (typeof record['detail-type'] !== 'string')
      return { ok: false, reasons: ['detail-type: required string'] };
    detailType = record['detail-type'];
    detail = record.detail;
    if (detail === undefined) return { ok: false, reasons: ['detail: required'], detailType };
    if (extra.length > 0)
      return { ok: false, reasons: [`unexpected field(s): ${extra.join(', ')}`], detailType };
  }
  const eventId = readEventId(detail);
  const result = validateDetail(detailType, detail);
  if (!result.ok) {
    return {
      ok: false,
      reasons: result.issues.map((i) => describeIssues([i])),
      detailType,
      ...(eventId ? { eventId } : {}),
    };
  }
  const valid = result.detail as { eventId: string; occurredAt: string } & Record<string, unknown>;
  const aheadSeconds = (Date.parse(valid.occurredAt) - receivedAt.getTime()) / 1000;
  if (aheadSeconds > limits.maxFutureSkewSeconds) {
    return {
      ok: false,
      reasons: [
        `occurredAt: ${Math.round(aheadSeconds)}s in the future; at most ${limits.maxFutureSkewSeconds}s allowed`,
      ],
      detailType,
      eventId: valid.eventId,
    };
  }
  // Measured as it will be published (defaults filled in, with its source and time), once.
  const bytes = eventEntrySize({
    source: busSource,
    detailType: detailType as DetailType,
    detail: valid,
    time: valid.occurredAt,
  });
  if (bytes > MAX_EVENT_BYTES) {
    return {
      ok: false,
      reasons: [`event is ${bytes} bytes; EventBridge accepts at most ${MAX_EVENT_BYTES}`],
      detailType,
      eventId: valid.eventId,
    };
  }
  return { ok: true, detailType: detailType as DetailType, detail: valid };
}

function readEventId(detail: unknown): string | undefined {
  if (typeof detail !== 'object' || detail === null) return undefined;
  const id = (detail as Record<string, unknown>).eventId;
  return typeof id === 'string' && id.length <= 128 ? id : undefined;
}

async function reject(
  sourceId: string,
  index: number,
  raw: unknown,
  reasons: readonly string[],
  receivedAt: Date,
  store: RejectedEventStore | undefined,
  found: { detailType?: string; eventId?: string },
): Promise<EventVerdict> {
  const rejection = buildRejection(sourceId, raw, reasons, receivedAt, found);
  await store?.save(rejection);
  return {
    index,
    status: 'rejected',
    rejectionId: rejection.rejectionId,
    reasons,
    ...(found.eventId ? { eventId: found.eventId } : {}),
  };
}

export function buildRejection(
  sourceId: string,
  raw: unknown,
  reasons: readonly string[],
  receivedAt: Date,
  found: { detailType?: string; eventId?: string } = {},
): RejectedEvent {
  const text = typeof raw === 'string' ? raw : (JSON.stringify(raw) ?? 'undefined');
  const truncated = Buffer.byteLength(text) > MAX_KEPT_BYTES;
  return {
    rejectionId: newRejectionId(receivedAt),
    sourceId,
    receivedAt: receivedAt.toISOString(),
    reasons,
    rawEvent: truncated ? Buffer.from(text).subarray(0, MAX_KEPT_BYTES).toString() : text,
    truncated,
    ...(found.detailType && found.detailType.length <= 100 ? { detailType: found.detailType } : {}),
    ...(found.eventId ? { eventId: found.eventId } : {}),
  };
}
