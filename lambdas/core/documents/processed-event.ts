/**
 * An extracted (and, where needed, reviewed) return form or claim letter as the event that updates the
 * profile. Receipts and invoices are evidence attached to a return or claim, not events of their own.
 * A document that still needs review produces no event: nothing unconfirmed reaches the profile.
 */
import { SourceId } from '../contracts/common.js';
import { ClaimDocumentProcessedDetail, ReturnDocumentProcessedDetail } from '../contracts/internal-events.js';
import { InternalEventType } from '../contracts/names.js';
import type { DocumentExtraction } from './field-extraction.js';

export interface ProcessedDocumentMeta {
  readonly documentId: string;
  readonly eventId: string;
  readonly occurredAt: string;
  readonly customerId?: string;
  /** The order id given at upload; used when the document's own order number is unreadable. */
  readonly orderIdHint?: string;
}

export type ProcessedDocumentEvent =
  | {
      readonly detailType: typeof InternalEventType.ReturnDocumentProcessed;
      readonly detail: ReturnDocumentProcessedDetail;
    }
  | {
      readonly detailType: typeof InternalEventType.ClaimDocumentProcessed;
      readonly detail: ClaimDocumentProcessedDetail;
    };

export function processedDocumentEvent(
  extraction: DocumentExtraction,
  meta: ProcessedDocumentMeta,
): ProcessedDocumentEvent | undefined {
  const kind = extraction.kind.value;
  if (extraction.review.needed || (kind !== 'return' && kind !== 'claim')) return undefined;
  const { fields } = extraction;
  const printed = fields.orderNumber?.value;
  const orderId = printed && SourceId.safeParse(printed).success ? printed : meta.orderIdHint;
  const reviewed = [extraction.kind, ...Object.values(fields)].some((f) => f?.source === 'review');
  const detail = {
    schemaVersion: 1 as const,
    eventId: meta.eventId,
    occurredAt: meta.occurredAt,
    documentId: meta.documentId,
    ...(meta.customerId ? { customerId: meta.customerId } : {}),
    ...(orderId ? { orderId } : {}),
    ...(fields.reason ? { reason: fields.reason.value.code } : {}),
    ...(fields.total ? { amount: fields.total.value.amount, currency: fields.total.value.currency } : {}),
    ...(fields.documentDate ? { documentDate: fields.documentDate.value } : {}),
    reviewed,
  };
  // Parsed against the published contract so a mapping mistake fails here, not in a consumer.
  return parseProcessedDocumentEvent(kind, detail);
}

/** The processed-document event of a return form or claim letter, its detail parsed against the contract. */
export function parseProcessedDocumentEvent(
  kind: 'return' | 'claim',
  detail: unknown,
): ProcessedDocumentEvent {
  return kind === 'return'
    ? {
        detailType: InternalEventType.ReturnDocumentProcessed,
        detail: ReturnDocumentProcessedDetail.parse(detail),
      }
    : {
        detailType: InternalEventType.ClaimDocumentProcessed,
        detail: ClaimDocumentProcessedDetail.parse(detail),
      };
}
