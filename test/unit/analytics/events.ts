/** Builders of valid channel events for the analytics tests (parsed through the real contracts). */
import type { ChannelEvent } from '../../../lambdas/core/analytics/aggregates.js';
import {
  CampaignInteractionRecordedDetail,
  DeliveryDelayedDetail,
  LoyaltyPointsChangedDetail,
  LoyaltyTierChangedDetail,
  OrderPlacedDetail,
  OrderReturnedDetail,
  ReturnRequestedDetail,
  TicketOpenedDetail,
  TicketResolvedDetail,
} from '../../../lambdas/core/contracts/channel-events.js';
import { ChannelEventType } from '../../../lambdas/core/contracts/names.js';

const customer = { sourceSystem: 'ecommerce', sourceCustomerId: 'c-1' } as const;
let n = 0;
const nextId = (prefix: string) => `${prefix}-${++n}`;

export interface OrderSpec {
  orderId?: string;
  at: string;
  lines?: { quantity: number; unitPrice: number; discount?: number; unitCost?: number }[];
  total?: number;
  currency?: string;
  promotionCodes?: string[];
  campaignId?: string;
  eventId?: string;
}

export function orderPlaced(spec: OrderSpec): ChannelEvent {
  const lines = spec.lines ?? [{ quantity: 1, unitPrice: 50, unitCost: 20 }];
  const total = spec.total ?? lines.reduce((s, l) => s + l.quantity * l.unitPrice - (l.discount ?? 0), 0);
  return {
    detailType: ChannelEventType.OrderPlaced,
    detail: OrderPlacedDetail.parse({
      schemaVersion: 1,
      eventId: spec.eventId ?? nextId('evt'),
      occurredAt: spec.at,
      customer,
      orderId: spec.orderId ?? nextId('ord'),
      channel: 'web',
      currency: spec.currency ?? 'EUR',
      lines: lines.map((l, i) => ({ sku: `SKU${i}`, ...l })),
      promotionCodes: spec.promotionCodes ?? [],
      ...(spec.campaignId ? { campaignId: spec.campaignId } : {}),
      total,
    }),
  };
}

export function orderReturned(spec: {
  orderId: string;
  at: string;
  refund: number;
  returnId?: string;
  currency?: string;
  requested?: boolean;
}): ChannelEvent {
  const detail = {
    schemaVersion: 1,
    eventId: nextId('evt'),
    occurredAt: spec.at,
    customer,
    orderId: spec.orderId,
    returnId: spec.returnId ?? nextId('ret'),
    lines: [{ sku: 'SKU0', quantity: 1 }],
    reason: 'size_or_fit',
    currency: spec.currency ?? 'EUR',
    refundAmount: spec.refund,
  };
  return spec.requested
    ? { detailType: ChannelEventType.ReturnRequested, detail: ReturnRequestedDetail.parse(detail) }
    : { detailType: ChannelEventType.OrderReturned, detail: OrderReturnedDetail.parse(detail) };
}

export function deliveryDelayed(orderId: string, at: string, delayDays: number): ChannelEvent {
  return {
    detailType: ChannelEventType.DeliveryDelayed,
    detail: DeliveryDelayedDetail.parse({
      schemaVersion: 1,
      eventId: nextId('evt'),
      occurredAt: at,
      customer,
      orderId,
      promisedBy: at,
      delayDays,
    }),
  };
}

export function ticket(
  kind: 'opened' | 'resolved',
  spec: { ticketId: string; at: string; sentiment?: number; resolution?: 'solved' | 'unsolved' },
): ChannelEvent {
  const base = {
    schemaVersion: 1,
    eventId: nextId('evt'),
    occurredAt: spec.at,
    customer,
    ticketId: spec.ticketId,
    channel: 'chat',
    priority: 'high',
    category: 'delivery',
    ...(spec.sentiment !== undefined ? { sentiment: spec.sentiment } : {}),
  };
  return kind === 'opened'
    ? { detailType: ChannelEventType.TicketOpened, detail: TicketOpenedDetail.parse(base) }
    : {
        detailType: ChannelEventType.TicketResolved,
        detail: TicketResolvedDetail.parse({ ...base, resolution: spec.resolution ?? 'solved' }),
      };
}

export function tierChanged(at: string, toTier: string): ChannelEvent {
  return {
    detailType: ChannelEventType.LoyaltyTierChanged,
    detail: LoyaltyTierChangedDetail.parse({
      schemaVersion: 1,
      eventId: nextId('evt'),
      occurredAt: at,
      customer,
      loyaltyId: 'L1',
      toTier,
    }),
  };
}

export function pointsChanged(at: string, delta: number, balance: number): ChannelEvent {
  return {
    detailType: ChannelEventType.LoyaltyPointsChanged,
    detail: LoyaltyPointsChangedDetail.parse({
      schemaVersion: 1,
      eventId: nextId('evt'),
      occurredAt: at,
      customer,
      loyaltyId: 'L1',
      delta,
      balance,
      reason: 'purchase',
    }),
  };
}

export function campaign(
  at: string,
  interaction: 'sent' | 'opened' | 'clicked' | 'redeemed',
  extra: { code?: string; orderId?: string } = {},
): ChannelEvent {
  return {
    detailType: ChannelEventType.CampaignInteractionRecorded,
    detail: CampaignInteractionRecordedDetail.parse({
      schemaVersion: 1,
      eventId: nextId('evt'),
      occurredAt: at,
      customer,
      campaignId: 'spring',
      interaction,
      channel: 'email',
      ...(extra.code ? { promotionCode: extra.code } : {}),
      ...(extra.orderId ? { orderId: extra.orderId } : {}),
    }),
  };
}
