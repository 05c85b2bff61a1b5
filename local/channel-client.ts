import { CHANNEL_SOURCE_PREFIX } from '../lambdas/core/contracts/names.js';
import { SignatureHeader, signPayload } from '../lambdas/core/ingest/request-signature.js';
import type { IngestSummary } from '../lambdas/ingest-api/handler.js';

/** One event as a channel system sends it (and as `tessera simulate` and `--events FILE` write it). */
export interface ChannelEventLine {
  /** `tessera.channel.<sourceId>` or the bare source id; defaults to the customer's source system. */
  readonly source?: string;
  readonly detailType: string;
  readonly detail: unknown;
}

/** Reads a JSONL line in either spelling of the detail-type key. */
export function parseEventLine(line: string, lineNumber: number): ChannelEventLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new Error(
      `line ${lineNumber}: not JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (typeof value !== 'object' || value === null) throw new Error(`line ${lineNumber}: not a JSON object`);
  const record = value as Record<string, unknown>;
  const detailType = record.detailType ?? record['detail-type'];
  if (typeof detailType !== 'string') throw new Error(`line ${lineNumber}: "detail-type" is missing`);
  return {
    ...(typeof record.source === 'string' ? { source: record.source } : {}),
    detailType,
    detail: record.detail,
  };
}

export function sourceIdOf(event: ChannelEventLine): string {
  if (event.source) {
    return event.source.startsWith(CHANNEL_SOURCE_PREFIX)
      ? event.source.slice(CHANNEL_SOURCE_PREFIX.length)
      : event.source;
  }
  const customer = (event.detail as { customer?: { sourceSystem?: unknown } } | undefined)?.customer;
  if (typeof customer?.sourceSystem === 'string') return customer.sourceSystem;
  throw new Error('cannot tell which source sends this event: give "source"');
}

/** Sends one signed batch to the ingest API, the way a channel system integrates with Tessera. */
export async function postEventBatch(
  apiUrl: string,
  sourceId: string,
  key: string,
  events: readonly ChannelEventLine[],
  now: () => Date = () => new Date(),
): Promise<{ status: number; body: IngestSummary | { error: string; message: string } }> {
  const body = JSON.stringify({
    events: events.map((e) => ({ 'detail-type': e.detailType, detail: e.detail })),
  });
  const timestamp = Math.floor(now().getTime() / 1000);
  const response = await fetch(`${apiUrl}/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [SignatureHeader.source]: sourceId,
      [SignatureHeader.timestamp]: String(timestamp),
      [SignatureHeader.signature]: signPayload(key, timestamp, body),
    },
    body,
  });
  return { status: response.status, body: (await response.json()) as IngestSummary };
}
