import { ChannelEventType } from '../../lambdas/core/contracts/names.js';
import type { ChannelEventLine } from '../../local/channel-client.js';

let counter = 0;

/** A valid POS order; pass overrides to break it on purpose. */
export function posOrder(overrides: Record<string, unknown> = {}): ChannelEventLine {
  counter += 1;
  return {
    detailType: ChannelEventType.OrderPlaced,
    detail: {
      schemaVersion: 1,
      eventId: `pos-${Date.now()}-${counter}`,
      occurredAt: '2026-03-01T10:15:00Z',
      customer: { sourceSystem: 'pos', sourceCustomerId: 'P-77', givenName: 'Ana', familyName: 'Silva' },
      orderId: `O-${counter}`,
      channel: 'store',
      currency: 'EUR',
      lines: [{ sku: 'SKU-1', quantity: 1, unitPrice: 20, unitCost: 8 }],
      total: 20,
      ...overrides,
    },
  };
}
