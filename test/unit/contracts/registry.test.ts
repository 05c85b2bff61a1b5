import { describe, expect, it } from 'vitest';
import {
  ChannelEventType,
  CONTRACTS,
  contractJsonSchema,
  describeIssues,
  validateDetail,
} from '../../../lambdas/core/contracts/index.js';

const order = () => ({
  schemaVersion: 1,
  eventId: 'pos-0001',
  occurredAt: '2026-03-01T10:15:00Z',
  customer: { sourceSystem: 'pos', sourceCustomerId: 'P-77', givenName: 'Ana', email: 'Ana@Example.com' },
  orderId: 'O-1',
  channel: 'store',
  currency: 'EUR',
  lines: [{ sku: 'SKU-1', quantity: 2, unitPrice: 20, discount: 5, unitCost: 8 }],
  total: 35,
});

describe('event contracts', () => {
  it('accepts a valid order and fills defaults', () => {
    // Act
    const result = validateDetail(ChannelEventType.OrderPlaced, order());
    // Assess
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.detail).toMatchObject({ promotionCodes: [], shipping: 0, tax: 0 });
  });

  it('names every offending field with its path', () => {
    // Prepare
    const detail = { ...order(), currency: 'euro', lines: [{ sku: 'SKU-1', quantity: 1.5, unitPrice: 'x' }] };
    // Act
    const result = validateDetail(ChannelEventType.OrderPlaced, detail);
    // Assess
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['currency', 'lines[0].quantity', 'lines[0].unitPrice']));
    expect(describeIssues(result.issues)).toContain('currency: must be an ISO 4217 currency code');
  });

  it('rejects unknown detail-types and unknown fields', () => {
    expect(validateDetail('OrderTeleported', order())).toEqual({
      ok: false,
      issues: [{ path: 'detail-type', message: "unknown detail-type 'OrderTeleported'" }],
    });
    const result = validateDetail(ChannelEventType.OrderPlaced, { ...order(), colour: 'red' });
    expect(result.ok).toBe(false);
  });

  it('rejects a timestamp without offset', () => {
    const result = validateDetail(ChannelEventType.OrderPlaced, {
      ...order(),
      occurredAt: '2026-03-01 10:15',
    });
    expect(result.ok ? [] : result.issues.map((i) => i.path)).toEqual(['occurredAt']);
  });

  it('exports every contract as a JSON Schema that names its detail-type and version', () => {
    for (const entry of Object.values(CONTRACTS)) {
      const schema = contractJsonSchema(entry);
      expect(schema.title).toBe(entry.detailType);
      expect(schema.$id).toContain(`/${entry.detailType}/v${entry.version}.json`);
      expect(schema.type).toBe('object');
      expect(schema.required).toEqual(expect.arrayContaining(['schemaVersion', 'eventId', 'occurredAt']));
    }
  });
});
