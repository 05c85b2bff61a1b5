import { channelSource } from '../contracts/names.js';
import { mapOdooWebhook } from '../odoo/inbound.js';
import {
  type EventVerdict,
  type IncomingEvent,
  type IngestDependencies,
  ingestEvents,
} from './ingest-batch.js';
import type { RejectedEvent } from './ports.js';

export const ODOO_SOURCE_ID = 'odoo';

export type RedriveResult =
  | { readonly ok: true; readonly verdict: EventVerdict }
  | { readonly ok: false; readonly reasons: readonly string[] };

/**
 * Sends a rejected event through ingestion again: as it was (the contract or a sender's key may have been
 * fixed since) or as corrected by an operator. It passes the same validation and deduplication as any
 * event; on success the rejection is marked re-driven, on failure nothing changes.
 */
export async function redriveRejected(
  rejection: RejectedEvent,
  corrected: string | undefined,
  now: Date,
  deps: IngestDependencies,
): Promise<RedriveResult> {
  if (rejection.redrivenAt) return { ok: false, reasons: [`already re-driven at ${rejection.redrivenAt}`] };
  if (rejection.truncated && corrected === undefined) {
    return { ok: false, reasons: ['the stored event was truncated; re-drive it with a corrected copy'] };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(corrected ?? rejection.rawEvent);
  } catch (error) {
    return { ok: false, reasons: [`not JSON: ${error instanceof Error ? error.message : String(error)}`] };
  }
  const incoming = toIncoming(rejection.sourceId, raw);
  if (!incoming.ok) return { ok: false, reasons: [incoming.reason] };
  const [verdict] = await ingestEvents(
    rejection.sourceId,
    channelSource(rejection.sourceId),
    [incoming.event],
    now,
    deps,
    {
      keepRejected: false,
    },
  );
  if (!verdict) return { ok: false, reasons: ['no verdict'] };
  if (verdict.status === 'rejected') return { ok: false, reasons: verdict.reasons };
  if (verdict.status === 'failed') return { ok: false, reasons: [verdict.reason] };
  await deps.rejected.markRedriven(rejection.rejectionId, now);
  return { ok: true, verdict };
}

function toIncoming(
  sourceId: string,
  raw: unknown,
): { ok: true; event: IncomingEvent } | { ok: false; reason: string } {
  if (sourceId !== ODOO_SOURCE_ID) return { ok: true, event: { raw } };
  const mapped = mapOdooWebhook(raw);
  if (!mapped.ok) return { ok: false, reason: mapped.reason };
  return {
    ok: true,
    event: { raw, detailType: mapped.detailType, detail: mapped.detail, dedupKey: mapped.dedupKey },
  };
}
