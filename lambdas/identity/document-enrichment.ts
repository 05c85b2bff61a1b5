/**
 * Issue 5, enrichment: a processed return form or claim letter (ReturnDocumentProcessed /
 * ClaimDocumentProcessed, route `processed-documents-to-identity`) updates the profile of the customer the
 * documents workflow linked it to. It runs in the identity consumer because that consumer owns the profile
 * item, its analytics hook and its outbox: the document lands in the same aggregates, with the same
 * optimistic write and the same rescoring, as the channel events.
 *
 * Rules:
 * - The customer id may name a profile that has since merged: the redirects are followed to the survivor.
 * - Idempotent per document id (see lambdas/core/analytics/document-aggregates.ts): a redelivery or a replay
 *   changes nothing and writes nothing.
 * - documentWithoutCustomer: the workflow could not link the document to anyone. Nothing to enrich: the
 *   event is acknowledged (not an error, so no retry and no dead letter) and logged with its ids only.
 * - documentForErasedCustomer: the profile is gone and the customer has no records left (erased). The
 *   document must not bring a profile back: acknowledged and logged the same way.
 */
import type { EventBridgeEvent } from 'aws-lambda';
import type { OutgoingEvent } from '../core/contracts/envelope.js';
import type { ReturnDocumentProcessedDetail } from '../core/contracts/internal-events.js';
import type { DetailType } from '../core/contracts/names.js';
import { describeIssues, validateDetail } from '../core/contracts/registry.js';
import { type CustomerProfile, updateProfile } from '../core/identity/profile.js';
import { rootOf } from '../core/identity/resolve.js';
import { documentRecordKey } from '../core/identity/source-record.js';
import { handOverMerges, type IdentityHandlerDependencies, type IdentityHandlerResult } from './handler.js';
import { outboxOf, publishOutbox, withOutbox } from './outbox.js';

/** The explicit rules for a document that enriches no profile; each is logged under this name. */
export const DocumentEnrichmentRule = {
  documentWithoutCustomer: 'documentWithoutCustomer',
  documentForErasedCustomer: 'documentForErasedCustomer',
} as const;

export async function enrichFromDocument(
  event: EventBridgeEvent<string, unknown>,
  deps: IdentityHandlerDependencies,
): Promise<IdentityHandlerResult> {
  const detailType = event['detail-type'] as DetailType;
  const checked = validateDetail(detailType, event.detail);
  if (!checked.ok) {
    throw new Error(`${detailType} ${event.id} breaks its contract: ${describeIssues(checked.issues)}`);
  }
  // Both document events share one shape.
  const detail = checked.detail as ReturnDocumentProcessedDetail;
  const ids = { eventId: detail.eventId, documentId: detail.documentId, detailType };
  if (detail.customerId === undefined) {
    const rule = DocumentEnrichmentRule.documentWithoutCustomer;
    deps.logger.info('document not linked to a customer: nothing to enrich', { ...ids, rule });
    return { status: 'unlinked', reason: rule };
  }
  const analytics = deps.analytics;
  if (analytics === undefined) {
    // A configuration mistake, not bad input: fail so the event is retried and kept in the DLQ.
    throw new Error(`${detailType} reached the identity consumer, which has no analytics hook to apply it`);
  }
  const customerId = (await rootOf(deps.identity, detail.customerId)).customerId;
  // Documents are rare next to channel events, so this pass affords one read before the update's own: an
  // absent profile is either not written yet or erased, and only the identity graph can tell which.
  if (
    (await deps.profiles.getProfile(customerId)) === undefined &&
    (await deps.identity.listMembers(customerId)).length === 0
  ) {
    const rule = DocumentEnrichmentRule.documentForErasedCustomer;
    deps.logger.info('document for a customer with no records left: nothing to enrich', { ...ids, rule });
    return { status: 'unlinked', reason: rule };
  }
  // Resolving the document's details may have merged two profiles: hand that merge over here.
  const recordKey = documentRecordKey(detail.documentId);
  const mergedIds = (await deps.identity.getRecord(recordKey))?.pendingMerges ?? [];
  const merges =
    mergedIds.length > 0
      ? await handOverMerges(deps, {
          survivorId: customerId,
          mergedIds,
          recordKey,
          eventKey: `documents#${detail.eventId}`,
        })
      : [];
  const now = deps.clock.now();
  let pending: readonly OutgoingEvent[] = [];
  const written = await updateProfile(deps.profiles, customerId, (current) => {
    pending = [...outboxOf(current), ...merges];
    const applied = analytics.apply({
      state: current?.aggregates,
      customerId,
      detailType,
      detail,
      now,
    });
    if (applied.outcome === 'duplicate')
      return merges.length > 0 && current ? withOutbox(current, pending) : undefined;
    const base: CustomerProfile = current ?? {
      // The workflow linked the document through the resolver before any channel event of this customer
      // reached its profile: the profile starts here, and the channel events fill in the rest.
      customerId,
      golden: {},
      consent: {},
      eventCount: 0,
      recentEvents: [],
      firstSeenAt: detail.occurredAt,
      lastSeenAt: detail.occurredAt,
      version: 0,
    };
    return withOutbox(
      { ...base, aggregates: applied.state as Record<string, unknown>, version: base.version + 1 },
      [...pending, ...applied.events],
    );
  });
  await deps.identity.clearPendingMerges(recordKey, mergedIds);
  await publishOutbox(
    deps,
    customerId,
    written ? outboxOf(written) : pending,
    `document ${detail.documentId}`,
  );
  if (written === undefined) {
    deps.logger.info('document applied before; nothing changed', { ...ids, customerId });
    return { status: 'duplicate' };
  }
  deps.logger.info('profile enriched from document', {
    ...ids,
    customerId,
    ...(customerId !== detail.customerId ? { linkedTo: detail.customerId } : {}),
  });
  return { status: 'enriched', customerId, documentId: detail.documentId };
}
