import { z } from 'zod';
import { Channel, CurrencyCode, channelEnvelope, Money, ReasonCode, SourceId, Timestamp } from './common.js';

export const CustomerProfileChangedDetail = z
  .object({ ...channelEnvelope, changedFields: z.array(z.string().max(100)).max(100).optional() })
  .strict();
export type CustomerProfileChangedDetail = z.infer<typeof CustomerProfileChangedDetail>;

export const OrderLine = z
  .object({
    sku: SourceId,
    productName: z.string().max(500).optional(),
    category: z.string().max(200).optional(),
    quantity: z.number().int().describe('units; negative quantities are counted and excluded by analytics'),
    unitPrice: Money.describe('list price per unit before discount, in the order currency'),
    discount: Money.min(0).default(0).describe('total discount on this line'),
    unitCost: Money.min(0).optional().describe('cost of goods per unit, so margin is known'),
  })
  .strict();
export type OrderLine = z.infer<typeof OrderLine>;

export const Fulfilment = z
  .object({
    method: z.enum(['in_store', 'ship_to_home', 'click_and_collect', 'marketplace', 'ship_from_store']),
    promisedBy: Timestamp.optional(),
    carrier: z.string().max(100).optional(),
  })
  .strict();

export const OrderPlacedDetail = z
  .object({
    ...channelEnvelope,
    orderId: SourceId,
    channel: Channel,
    storeId: SourceId.optional(),
    region: z.string().max(100).optional(),
    marketplace: z.string().max(100).optional(),
    currency: CurrencyCode,
    lines: z.array(OrderLine).min(1).max(500),
    promotionCodes: z.array(SourceId).max(20).default([]),
    campaignId: SourceId.optional(),
    shipping: Money.min(0).default(0),
    tax: Money.min(0).default(0),
    total: Money.describe('amount paid, after discounts, including tax and shipping'),
    fulfilment: Fulfilment.optional(),
  })
  .strict();
export type OrderPlacedDetail = z.infer<typeof OrderPlacedDetail>;

export const ReturnLine = z
  .object({
    sku: SourceId,
    quantity: z.number().int().positive(),
    refundAmount: Money.min(0).optional(),
    reason: ReasonCode.optional(),
  })
  .strict();

const returnFields = {
  orderId: SourceId,
  returnId: SourceId,
  lines: z.array(ReturnLine).min(1).max(500),
  reason: ReasonCode,
  reasonText: z.string().max(2000).optional(),
  currency: CurrencyCode,
  refundAmount: Money.min(0),
  channel: Channel.optional(),
};
export const ReturnRequestedDetail = z.object({ ...channelEnvelope, ...returnFields }).strict();
export type ReturnRequestedDetail = z.infer<typeof ReturnRequestedDetail>;
export const OrderReturnedDetail = z.object({ ...channelEnvelope, ...returnFields }).strict();
export type OrderReturnedDetail = z.infer<typeof OrderReturnedDetail>;

export const OrderFulfilledDetail = z
  .object({
    ...channelEnvelope,
    orderId: SourceId,
    fulfilledAt: Timestamp,
    promisedBy: Timestamp.optional(),
    carrier: z.string().max(100).optional(),
  })
  .strict();
export type OrderFulfilledDetail = z.infer<typeof OrderFulfilledDetail>;

export const DeliveryDelayedDetail = z
  .object({
    ...channelEnvelope,
    orderId: SourceId,
    promisedBy: Timestamp,
    expectedBy: Timestamp.optional(),
    delayDays: z.number().min(0).max(365),
    reason: z.string().max(500).optional(),
  })
  .strict();
export type DeliveryDelayedDetail = z.infer<typeof DeliveryDelayedDetail>;

export const LoyaltyEnrolledDetail = z
  .object({
    ...channelEnvelope,
    loyaltyId: SourceId,
    programme: z.string().max(100).optional(),
    tier: z.string().max(50).optional(),
  })
  .strict();
export type LoyaltyEnrolledDetail = z.infer<typeof LoyaltyEnrolledDetail>;

export const LoyaltyPointsChangedDetail = z
  .object({
    ...channelEnvelope,
    loyaltyId: SourceId,
    delta: z.number().int(),
    balance: z.number().int(),
    reason: z.enum(['purchase', 'redemption', 'compensation', 'expiry', 'adjustment', 'return']),
    orderId: SourceId.optional(),
  })
  .strict();
export type LoyaltyPointsChangedDetail = z.infer<typeof LoyaltyPointsChangedDetail>;

export const LoyaltyTierChangedDetail = z
  .object({
    ...channelEnvelope,
    loyaltyId: SourceId,
    fromTier: z.string().max(50).optional(),
    toTier: z.string().max(50),
  })
  .strict();
export type LoyaltyTierChangedDetail = z.infer<typeof LoyaltyTierChangedDetail>;

export const TicketPriority = z.enum(['low', 'normal', 'high', 'urgent']);
const ticketFields = {
  ticketId: SourceId,
  channel: Channel,
  priority: TicketPriority,
  category: z.string().max(100),
  subject: z.string().max(500).optional(),
  orderId: SourceId.optional(),
  sentiment: z
    .number()
    .min(-1)
    .max(1)
    .optional()
    .describe('-1 very negative .. 1 very positive, where the source has it'),
  escalated: z.boolean().default(false),
};
export const TicketOpenedDetail = z.object({ ...channelEnvelope, ...ticketFields }).strict();
export type TicketOpenedDetail = z.infer<typeof TicketOpenedDetail>;
export const TicketUpdatedDetail = z
  .object({ ...channelEnvelope, ...ticketFields, status: z.enum(['open', 'pending', 'escalated']) })
  .strict();
export type TicketUpdatedDetail = z.infer<typeof TicketUpdatedDetail>;
export const TicketResolvedDetail = z
  .object({
    ...channelEnvelope,
    ...ticketFields,
    resolution: z.enum(['solved', 'unsolved', 'duplicate']).default('solved'),
  })
  .strict();
export type TicketResolvedDetail = z.infer<typeof TicketResolvedDetail>;

export const CampaignInteractionRecordedDetail = z
  .object({
    ...channelEnvelope,
    campaignId: SourceId,
    interaction: z.enum(['sent', 'opened', 'clicked', 'redeemed']),
    channel: z.enum(['email', 'sms', 'push', 'social', 'store', 'web']),
    promotionCode: SourceId.optional(),
    orderId: SourceId.optional(),
  })
  .strict();
export type CampaignInteractionRecordedDetail = z.infer<typeof CampaignInteractionRecordedDetail>;
