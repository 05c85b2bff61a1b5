import { z } from 'zod';
import { CurrencyCode, Money, ReasonCode, SourceId, Timestamp } from './common.js';

/** Tessera's own customer id: stable, opaque, never derived from PII. */
export const CustomerId = z
  .string()
  .regex(/^cus_[0-9a-z]{10,40}$/, 'must be a Tessera customer id (cus_...)');

const internalEnvelope = { schemaVersion: z.literal(1), eventId: SourceId, occurredAt: Timestamp };

export const CustomersMergedDetail = z
  .object({
    ...internalEnvelope,
    survivorId: CustomerId,
    mergedIds: z.array(CustomerId).min(1),
    trigger: z.object({ recordKey: z.string().max(300), matchWeight: z.number().optional() }).strict(),
  })
  .strict();
export type CustomersMergedDetail = z.infer<typeof CustomersMergedDetail>;

export const CustomerSplitDetail = z
  .object({
    ...internalEnvelope,
    fromCustomerId: CustomerId,
    newCustomerId: CustomerId,
    recordKeys: z.array(z.string()),
  })
  .strict();
export type CustomerSplitDetail = z.infer<typeof CustomerSplitDetail>;

export const CustomerErasedDetail = z.object({ ...internalEnvelope, customerId: CustomerId }).strict();
export type CustomerErasedDetail = z.infer<typeof CustomerErasedDetail>;

export const RiskScores = z
  .object({
    churnProbability: z.number().min(0).max(1).optional(),
    probabilityAlive: z.number().min(0).max(1).optional(),
    clv: z.number().optional(),
    valuePercentile: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe("rank in the fitted base of the customer's value at stake (CLV if still active)"),
    returnPropensity: z.number().min(0).max(1).optional(),
    discountDependency: z.number().min(0).max(1).optional(),
    marginContribution: z.number().optional(),
    serviceFriction: z.number().min(0).max(1).optional(),
  })
  .strict();
export type RiskScores = z.infer<typeof RiskScores>;

export const CustomerRiskChangedDetail = z
  .object({
    ...internalEnvelope,
    customerId: CustomerId,
    entered: z.array(z.string().max(100)),
    left: z.array(z.string().max(100)),
    segments: z.array(z.string().max(100)),
    scores: RiskScores,
    reasons: z.array(z.string().max(500)).max(50),
  })
  .strict();
export type CustomerRiskChangedDetail = z.infer<typeof CustomerRiskChangedDetail>;

export const DocumentKind = z.enum(['return', 'claim', 'receipt', 'invoice']);
export type DocumentKind = z.infer<typeof DocumentKind>;

export const DocumentUploadedDetail = z
  .object({
    ...internalEnvelope,
    documentId: SourceId,
    kind: DocumentKind,
    bucket: z.string().max(255),
    key: z.string().max(1024),
    contentType: z.string().max(100),
    orderId: SourceId.optional(),
    customerHint: z.string().max(300).optional(),
  })
  .strict();
export type DocumentUploadedDetail = z.infer<typeof DocumentUploadedDetail>;

const documentProcessedFields = {
  ...internalEnvelope,
  documentId: SourceId,
  customerId: CustomerId.optional(),
  orderId: SourceId.optional(),
  reason: ReasonCode.optional(),
  amount: Money.optional(),
  currency: CurrencyCode.optional(),
  documentDate: z.string().max(30).optional(),
  reviewed: z.boolean().describe('true when a person confirmed or corrected the fields'),
};
export const ReturnDocumentProcessedDetail = z.object(documentProcessedFields).strict();
export type ReturnDocumentProcessedDetail = z.infer<typeof ReturnDocumentProcessedDetail>;
export const ClaimDocumentProcessedDetail = z.object(documentProcessedFields).strict();
export type ClaimDocumentProcessedDetail = z.infer<typeof ClaimDocumentProcessedDetail>;

export const DocumentProcessingFailedDetail = z
  .object({ ...internalEnvelope, documentId: SourceId, error: z.string().max(2000) })
  .strict();
export type DocumentProcessingFailedDetail = z.infer<typeof DocumentProcessingFailedDetail>;

export const InterventionActionType = z.enum([
  'retention_offer',
  'loyalty_compensation',
  'service_priority_upgrade',
  'pricing_review',
  'crm_follow_up',
]);
export type InterventionActionType = z.infer<typeof InterventionActionType>;

export const InterventionAction = z
  .object({
    type: InterventionActionType,
    description: z.string().max(1000),
    amount: Money.optional().describe('offer value, points, or expected cost, in the currency or points'),
    currency: CurrencyCode.optional(),
  })
  .strict();
export type InterventionAction = z.infer<typeof InterventionAction>;

const interventionFields = {
  ...internalEnvelope,
  interventionId: SourceId,
  customerId: CustomerId,
  trigger: z.string().max(100),
  actions: z.array(InterventionAction).min(1),
};
export const InterventionProposedDetail = z
  .object({
    ...interventionFields,
    expectedValue: Money,
    expectedCost: Money,
    confidence: z.number().min(0).max(1),
  })
  .strict();
export type InterventionProposedDetail = z.infer<typeof InterventionProposedDetail>;
export const InterventionApprovedDetail = z
  .object({ ...interventionFields, approvedBy: z.string().max(300), autoApproved: z.boolean() })
  .strict();
export type InterventionApprovedDetail = z.infer<typeof InterventionApprovedDetail>;
export const InterventionRejectedDetail = z
  .object({ ...interventionFields, rejectedBy: z.string().max(300), reason: z.string().max(1000) })
  .strict();
export type InterventionRejectedDetail = z.infer<typeof InterventionRejectedDetail>;
export const InterventionCompletedDetail = z
  .object({
    ...interventionFields,
    outcome: z.enum(['applied', 'rejected', 'timed_out', 'holdout', 'failed']),
    holdout: z.boolean(),
  })
  .strict();
export type InterventionCompletedDetail = z.infer<typeof InterventionCompletedDetail>;
