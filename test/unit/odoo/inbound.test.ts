import { describe, expect, it } from 'vitest';
import { ChannelEventType, validateDetail } from '../../../lambdas/core/contracts/index.js';
import { mapOdooWebhook, odooInboundNeeds } from '../../../lambdas/core/odoo/inbound.js';
import { readOutgoingCaptures, readWire } from '../../contract/odoo/recorded-wire.js';

/** Bodies of outgoing webhooks a real Odoo 19 sent (capture) and Odoo 17 sent (probes). */
const captured19 = readOutgoingCaptures('outgoing_webhook_capture.jsonl').map((c) => c.body);
const triggerBodies = readWire<{ outgoing_with_trigger_fields_bodies: string[] }>(
  'webhook_probe3_results.json',
).outgoing_with_trigger_fields_bodies.map((b) => JSON.parse(b) as Record<string, unknown>);
const samplePayload = JSON.parse(
  readWire<{ outgoing_sample_payload: { webhook_sample_payload: string }[] }>('webhook_probe_results.json')
    .outgoing_sample_payload[0]!.webhook_sample_payload,
);

const receivedAt = '2026-11-27T15:20:00.000Z';

describe('Odoo outgoing webhooks: partners', () => {
  it('maps the recorded Odoo 19 partner webhook to a profile update from Odoo', () => {
    // Act
    const result = mapOdooWebhook(captured19[0], { receivedAt });
    // Assess
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.detailType).toBe(ChannelEventType.CustomerProfileUpdated);
    expect(result.detail.customer).toEqual({
      sourceSystem: 'odoo',
      sourceCustomerId: '7',
      fullName: 'J2 Partner 1795792688',
      email: 'changed-1795792688@example.com',
    });
    expect(result.detail.occurredAt).toBe(receivedAt);
    expect(validateDetail(result.detailType, result.detail).ok).toBe(true);
  });

  it('gives identical POSTs of one change the same dedup key and distinct changes different keys', () => {
    // Prepare
    const [first, second] = triggerBodies;
    // Act
    const a = mapOdooWebhook(first, { receivedAt });
    const again = mapOdooWebhook(structuredClone(first), { receivedAt: '2026-11-27T15:20:01Z' });
    const b = mapOdooWebhook(second, { receivedAt });
    // Assess
    expect(a.ok && again.ok && b.ok).toBe(true);
    if (!a.ok || !again.ok || !b.ok) return;
    expect(again.dedupKey).toBe(a.dedupKey);
    expect(b.dedupKey).not.toBe(a.dedupKey);
    expect(a.dedupKey).toMatch(/^res\.partner:49:/);
  });

  it('keys on (_model, _id, write_date) and dates the event from write_date when the payload has it', () => {
    // Act
    const result = mapOdooWebhook({ ...samplePayload, _id: samplePayload.id });
    // Assess
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.dedupKey).toBe('res.partner:14:2026-11-27 15:13:11.628688');
    expect(result.detail.occurredAt).toBe('2026-11-27T15:13:11.628Z');
    expect(result.detail.eventId).toBe('odoo:res.partner:14:2026-11-27T15:13:11.628688');
  });

  it('treats a partner whose create_date equals write_date as a new profile', () => {
    // Act
    const result = mapOdooWebhook({
      _action: 'Send Webhook Notification(#392)',
      _id: 50,
      _model: 'res.partner',
      id: 50,
      name: 'Ana Lima',
      email: 'ana@example.com',
      phone: false,
      country_code: 'PT',
      create_date: '2026-11-27 09:00:00',
      write_date: '2026-11-27 09:00:00.123456',
    });
    // Assess
    expect(result.ok && result.detailType).toBe(ChannelEventType.CustomerProfileCreated);
    if (result.ok) expect(result.detail.customer).toMatchObject({ address: { country: 'PT' } });
  });

  it('says what to select in Odoo when the payload has no write_date and no arrival time is known', () => {
    // Act
    const result = mapOdooWebhook(captured19[0]);
    // Assess
    expect(result).toMatchObject({ ok: false, ignored: false });
    if (!result.ok) expect(result.reason).toMatch(/res\.partner #7: no 'write_date'.*select it/);
  });

  it('skips delivery addresses, which are not customers, and says so', () => {
    // Act
    const result = mapOdooWebhook(
      { _model: 'res.partner', _id: 3, type: 'delivery', name: 'Dock 4' },
      { receivedAt },
    );
    // Assess
    expect(result).toMatchObject({ ok: false, ignored: true });
  });
});

const order = (over: Record<string, unknown> = {}) => ({
  _action: 'Send Webhook Notification(#400)',
  _id: 12,
  _model: 'sale.order',
  id: 12,
  name: 'S00012',
  partner_id: 44,
  state: 'sale',
  date_order: '2026-11-20 10:15:00',
  currency_id: 1,
  amount_total: 171,
  amount_tax: 21,
  order_line: [101, 102, 103],
  website_id: false,
  write_date: '2026-11-20 10:15:02',
  ...over,
});
const orderLines = [
  {
    id: 101,
    product_id: [7, '[FURN_0096] Customizable Desk'],
    name: 'Desk',
    product_uom_qty: 2,
    price_unit: 50,
    discount: 10,
    purchase_price: 30,
    display_type: false,
  },
  { id: 102, product_id: false, name: 'Delivery notes', display_type: 'line_note' },
  {
    id: 103,
    product_id: 9,
    name: 'Chair',
    product_uom_qty: 1,
    price_unit: 60,
    discount: 0,
    display_type: false,
  },
];

describe('Odoo outgoing webhooks: sales orders and refunds', () => {
  it('maps a confirmed order with its lines read from Odoo to OrderPlaced, discounts as amounts', () => {
    // Act
    const result = mapOdooWebhook(order(), { lines: orderLines, currencyById: { 1: 'EUR' } });
    // Assess
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.detailType).toBe(ChannelEventType.OrderPlaced);
    expect(result.detail).toMatchObject({
      eventId: 'odoo:sale.order:12:placed',
      orderId: 'S00012',
      occurredAt: '2026-11-20T10:15:00Z',
      channel: 'phone',
      currency: 'EUR',
      total: 171,
      tax: 21,
      customer: { sourceSystem: 'odoo', sourceCustomerId: '44' },
      lines: [
        { sku: 'FURN_0096', quantity: 2, unitPrice: 50, discount: 10, unitCost: 30 },
        { sku: 'odoo-product-9', quantity: 1, unitPrice: 60, discount: 0 },
      ],
    });
  });

  it('emits one OrderPlaced per order however often later writes fire the webhook', () => {
    // Act
    const first = mapOdooWebhook(order(), { lines: orderLines, defaultCurrency: 'EUR' });
    const later = mapOdooWebhook(order({ write_date: '2026-11-21 08:00:00' }), {
      lines: orderLines,
      defaultCurrency: 'EUR',
    });
    // Assess
    expect(first.ok && later.ok).toBe(true);
    if (!first.ok || !later.ok) return;
    expect(later.detail.eventId).toBe(first.detail.eventId);
    expect(later.dedupKey).toBe('sale.order:12:placed');
    expect(first.dedupKey).toBe(later.dedupKey);
  });

  it('ignores quotations and says which lines must be read when the webhook carries line ids only', () => {
    // Act
    const quotation = mapOdooWebhook(order({ state: 'draft' }));
    const bare = mapOdooWebhook(order(), { defaultCurrency: 'EUR' });
    const needs = odooInboundNeeds(order());
    // Assess
    expect(quotation).toMatchObject({ ok: false, ignored: true });
    expect(bare).toMatchObject({ ok: false, ignored: false });
    if (!bare.ok) expect(bare.reason).toMatch(/order_line' holds line ids only \(101, 102, 103 not read\)/);
    expect(needs).toEqual({
      lineModel: 'sale.order.line',
      lineIds: [101, 102, 103],
      partnerId: 44,
      currencyId: 1,
    });
  });

  it('maps a posted customer refund to OrderReturned with the reason read from its reference', () => {
    // Act
    const result = mapOdooWebhook(
      {
        _id: 88,
        _model: 'account.move',
        name: 'RINV/2026/00004',
        partner_id: [44, 'Jane Retail'],
        move_type: 'out_refund',
        state: 'posted',
        invoice_origin: 'S00012',
        ref: 'Reversal of: INV/2026/00031, arrived damaged',
        currency_id: [1, 'EUR'],
        amount_total: 54,
        invoice_line_ids: [
          { product_id: [7, '[FURN_0096] Customizable Desk'], quantity: 1, price_total: 54 },
        ],
        write_date: '2026-11-25 16:00:00',
      },
      {},
    );
    // Assess
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.detailType).toBe(ChannelEventType.OrderReturned);
    expect(result.detail).toMatchObject({
      orderId: 'S00012',
      returnId: 'RINV/2026/00004',
      reason: 'damaged',
      refundAmount: 54,
      currency: 'EUR',
      customer: { sourceCustomerId: '44', fullName: 'Jane Retail' },
      lines: [{ sku: 'FURN_0096', quantity: 1, refundAmount: 54 }],
    });
  });

  it('ignores invoices and draft refunds', () => {
    // Act
    const invoice = mapOdooWebhook({
      _id: 1,
      _model: 'account.move',
      move_type: 'out_invoice',
      state: 'posted',
    });
    const draft = mapOdooWebhook({ _id: 2, _model: 'account.move', move_type: 'out_refund', state: 'draft' });
    // Assess
    expect(invoice).toMatchObject({ ok: false, ignored: true });
    expect(draft).toMatchObject({ ok: false, ignored: true });
  });
});

describe('Odoo outgoing webhooks: helpdesk tickets and bad input', () => {
  const ticket = (over: Record<string, unknown> = {}) => ({
    _id: 5,
    _model: 'helpdesk.ticket',
    name: 'Chair arrived broken',
    partner_id: 44,
    partner_email: 'jane@example.com',
    priority: '2',
    ticket_type_id: [3, 'Damaged goods'],
    close_date: false,
    create_date: '2026-11-26 08:00:00',
    write_date: '2026-11-26 08:00:00',
    ...over,
  });

  it('maps a new ticket to TicketOpened, a later change to TicketUpdated and a closed one to TicketResolved', () => {
    // Act
    const opened = mapOdooWebhook(ticket());
    const updated = mapOdooWebhook(ticket({ priority: '3', write_date: '2026-11-26 09:00:00' }));
    const resolved = mapOdooWebhook(
      ticket({ close_date: '2026-11-27 11:00:00', write_date: '2026-11-27 11:00:00' }),
    );
    // Assess
    expect(opened.ok && opened.detailType).toBe(ChannelEventType.TicketOpened);
    expect(updated.ok && updated.detailType).toBe(ChannelEventType.TicketUpdated);
    expect(resolved.ok && resolved.detailType).toBe(ChannelEventType.TicketResolved);
    if (opened.ok) {
      expect(opened.detail).toMatchObject({ priority: 'high', category: 'Damaged goods', escalated: false });
      expect(opened.detail.customer).toMatchObject({ sourceCustomerId: '44', email: 'jane@example.com' });
    }
    if (updated.ok) expect(updated.detail).toMatchObject({ status: 'escalated', escalated: true });
  });

  it('names the unsupported model, and rejects bodies that are not Odoo webhooks', () => {
    // Act
    const unknown = mapOdooWebhook({ _model: 'stock.picking', _id: 3, write_date: '2026-11-27 10:00:00' });
    const notOdoo = mapOdooWebhook({ hello: 'world' });
    const badId = mapOdooWebhook({ _model: 'res.partner', _id: 'abc' });
    // Assess
    expect(unknown).toMatchObject({ ok: false, ignored: false });
    if (!unknown.ok) expect(unknown.reason).toMatch(/unsupported Odoo model 'stock\.picking'/);
    if (!notOdoo.ok) expect(notOdoo.reason).toMatch(/_model/);
    if (!badId.ok) expect(badId.reason).toMatch(/_id/);
    expect(notOdoo.ok || badId.ok).toBe(false);
  });
});
