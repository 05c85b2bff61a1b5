import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { EventVerdict } from '../lambdas/core/ingest/ingest-batch.js';
import { type ChannelEventLine, parseEventLine, postEventBatch, sourceIdOf } from './channel-client.js';

export interface StreamTotals {
  sent: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  failed: number;
  /** The first few rejection reasons, to show the operator what to fix. */
  readonly rejections: { rejectionId: string; reasons: readonly string[] }[];
}

export interface StreamOptions {
  readonly apiUrl: string;
  readonly sourceKeys: Readonly<Record<string, string>>;
  readonly batchSize: number;
  /** Requests in flight at once; the ingest API is one handler on one event loop locally. */
  readonly concurrency: number;
  /** How often a sender re-sends events the API reported as failed (retryable), like a real channel would. */
  readonly maxResends: number;
  readonly onProgress?: (sent: number) => void;
}

/** Reads a JSONL file of channel events (`{"source", "detail-type" | "detailType", "detail"}` per line). */
export async function* readEventFile(path: string): AsyncGenerator<ChannelEventLine> {
  const lines = createInterface({
    input: createReadStream(path, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber += 1;
    if (line.trim() === '') continue;
    yield parseEventLine(line, lineNumber);
  }
}

/**
 * Sends a stream of channel events to the ingest API as their channel systems would: signed batches per
 * source, a few requests in flight, and re-sends of events the API reports as failed.
 */
export async function sendEventStream(
  events: AsyncIterable<ChannelEventLine> | Iterable<ChannelEventLine>,
  options: StreamOptions,
): Promise<StreamTotals> {
  const totals: StreamTotals = {
    sent: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    failed: 0,
    rejections: [],
  };
  const buffers = new Map<string, ChannelEventLine[]>();
  const inFlight = new Set<Promise<void>>();

  const dispatch = async (sourceId: string, batch: ChannelEventLine[]): Promise<void> => {
    const key = options.sourceKeys[sourceId];
    if (!key)
      throw new Error(
        `no signing key for source '${sourceId}' (known: ${Object.keys(options.sourceKeys).join(', ')})`,
      );
    let pending = batch;
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      const response = await postEventBatch(options.apiUrl, sourceId, key, pending);
      if (response.status !== 200 || !('results' in response.body)) {
        throw new Error(`ingest API answered ${response.status}: ${JSON.stringify(response.body)}`);
      }
      const retry: ChannelEventLine[] = [];
      for (const verdict of response.body.results as EventVerdict[]) {
        if (verdict.status === 'failed' && attempt < options.maxResends) {
          retry.push(pending[verdict.index] as ChannelEventLine);
          continue;
        }
        count(totals, verdict);
      }
      pending = retry;
      if (retry.length > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
    }
    totals.sent += batch.length;
    options.onProgress?.(totals.sent);
  };

  const schedule = async (sourceId: string, batch: ChannelEventLine[]) => {
    while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
    const job = dispatch(sourceId, batch).finally(() => inFlight.delete(job));
    inFlight.add(job);
  };

  for await (const event of events) {
    const sourceId = sourceIdOf(event);
    const buffer = buffers.get(sourceId) ?? [];
    buffer.push(event);
    buffers.set(sourceId, buffer);
    if (buffer.length >= options.batchSize) {
      buffers.set(sourceId, []);
      await schedule(sourceId, buffer);
    }
  }
  for (const [sourceId, buffer] of buffers) if (buffer.length > 0) await schedule(sourceId, buffer);
  await Promise.all(inFlight);
  return totals;
}

function count(totals: StreamTotals, verdict: EventVerdict): void {
  switch (verdict.status) {
    case 'accepted':
      totals.accepted += 1;
      break;
    case 'duplicate':
      totals.duplicates += 1;
      break;
    case 'rejected':
      totals.rejected += 1;
      if (totals.rejections.length < 5)
        totals.rejections.push({ rejectionId: verdict.rejectionId, reasons: verdict.reasons });
      break;
    case 'failed':
      totals.failed += 1;
      break;
  }
}
