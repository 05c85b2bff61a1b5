import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { TicketOpenedDetail, TicketUpdatedDetail } from '../contracts/channel-events.js';
import { CurrencyCode, Money, SourceId, Timestamp } from '../contracts/common.js';
import {
  type ClaimDocumentProcessedDetail,
  CustomerId,
  type CustomerRiskChangedDetail,
  RiskScores,
} from '../contracts/internal-events.js';
import { TriggerKind } from './config.js';

/** The fact that started an intervention, as the workflow carries it (no PII: ids, scores and reasons). */
export const InterventionTrigger = z
  .object({
    kind: TriggerKind,
    /** The event that caused it; with the kind, it names the intervention so a redelivery starts nothing new. */
    eventId: SourceId,
    customerId: CustomerId,
    occurredAt: Timestamp,
    segments: z.array(z.string().max(100)).default([]),
    scores: RiskScores.default({}),
    reasons: z.array(z.string().max(500)).max(50).default([]),
    claim: z
      .object({
        documentId: SourceId,
        amount: Money,
        currency: CurrencyCode.optional(),
        reason: z.string().max(100).optional(),
        reviewed: z.boolean(),
      })
      .strict()
      .optional(),
    ticket: z
      .object({ ticketId: SourceId, priority: z.string().max(20), category: z.string().max(100) })
      .strict()
      .optional(),
  })
  .strict();
export type InterventionTrigger = z.infer<typeof InterventionTrigger>;

export type TriggerResult = { ok: true; trigger: InterventionTrigger } | { ok: false; reason: string };

/** A risk change starts an intervention only when the customer entered a segment; leaving one needs no action. */
export function triggerFromRiskChanged(detail: CustomerRiskChangedDetail): TriggerResult {
  if (detail.entered.length === 0) return { ok: false, reason: 'no segment entered' };
  return {
    ok: true,
    trigger: {
      kind: 'risk_changed',
      eventId: detail.eventId,
      customerId: detail.customerId,
      occurredAt: detail.occurredAt,
      segments: [...detail.entered],
      scores: detail.scores,
      reasons: [...detail.reasons],
    },
  };
}

/** Claims at or above the threshold, linked to a customer, start an intervention. */
export function triggerFromClaim(detail: ClaimDocumentProcessedDetail, threshold: number): TriggerResult {
  if (!detail.customerId) return { ok: false, reason: 'claim is not linked to a customer' };
  if (detail.amount === undefined) return { ok: false, reason: 'claim has no amount' };
  if (detail.amount < threshold) return { ok: false, reason: `claim amount below ${threshold}` };
  return {
    ok: true,
    trigger: {
      kind: 'large_claim',
      eventId: detail.eventId,
      customerId: detail.customerId,
      occurredAt: detail.occurredAt,
      segments: [],
      scores: {},
      reasons: [`claim of ${detail.amount}${detail.currency ? ` ${detail.currency}` : ''}`],
      claim: {
        documentId: detail.documentId,
        amount: detail.amount,
        ...(detail.currency ? { currency: detail.currency } : {}),
        ...(detail.reason ? { reason: detail.reason } : {}),
        reviewed: detail.reviewed,
      },
    },
  };
}

/**
 * An escalated ticket starts an intervention. Tickets name the customer as the source saw them, so the
 * caller resolves the Tessera id first (through the identity graph) and passes it in.
 */
export function triggerFromTicket(
  detail: TicketOpenedDetail | TicketUpdatedDetail,
  customerId: string | undefined,
): TriggerResult {
  const escalated = detail.escalated || ('status' in detail && detail.status === 'escalated');
  if (!escalated) return { ok: false, reason: 'ticket is not escalated' };
  if (!customerId)
    return { ok: false, reason: 'ticket customer is not (yet) resolved to a Tessera customer' };
  return {
    ok: true,
    trigger: {
      kind: 'escalated_ticket',
      eventId: detail.eventId,
      customerId,
      occurredAt: detail.occurredAt,
      segments: [],
      scores: {},
      reasons: [`${detail.priority} ${detail.category} ticket escalated`],
      ticket: { ticketId: detail.ticketId, priority: detail.priority, category: detail.category },
    },
  };
}

/**
 * The intervention id, derived from what caused it so a redelivered event maps to the same execution
 * (Step Functions refuses a second execution with the same name). Within the 80-character name limit.
 */
export function interventionIdFor(
  trigger: Pick<InterventionTrigger, 'kind' | 'eventId' | 'customerId'>,
): string {
  const digest = createHash('sha256')
    .update(`${trigger.kind}|${trigger.eventId}|${trigger.customerId}`)
    .digest('hex');
  return `iv_${digest.slice(0, 32)}`;
}
