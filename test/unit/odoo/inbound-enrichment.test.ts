import { afterEach, describe, expect, it } from 'vitest';
import { createOdooGateway } from '../../../lambdas/adapters/odoo/odoo-gateway.js';
import { ChannelEventType } from '../../../lambdas/core/contracts/index.js';
import { mapOdooWebhook, ODOO_WEBHOOK_FIELDS } from '../../../lambdas/core/odoo/inbound.js';
import { readOdooWebhookContext } from '../../../lambdas/core/odoo/inbound-enrichment.js';
import { OdooStandIn, STAND_IN_ADMIN } from '../../../local/odoo-stand-in/stand-in.js';
import { instantRetries } from '../../contract/odoo/scripted-fetch.js';

let standIn: OdooStandIn | undefined;
afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

async function shopWithOneOrder(version: 17 | 19) {
  standIn = await OdooStandIn.start({ version, modules: ['sale'] });
  const s = standIn.store;
  const eur = s.create('res.currency', { name: 'EUR' }, 2);
  const partner = s.create(
    'res.partner',
    { name: 'Jane Retail', email: 'jane@example.com', phone: '+32 470 12 34 56' },
    2,
  );
  const desk = s.create('product.product', { name: 'Customizable Desk', default_code: 'FURN_0096' }, 2);
  const order = s.create(
    'sale.order',
    {
      name: 'S00042',
      partner_id: partner,
      state: 'sale',
      date_order: '2026-11-20 10:15:00',
      currency_id: eur,
      amount_total: 108.9,
      amount_tax: 18.9,
      order_line: [
        [0, 0, { product_id: desk, name: 'Desk', product_uom_qty: 2, price_unit: 50, discount: 10 }],
        [0, 0, { name: 'Deliver to the back door', display_type: 'line_note' }],
      ],
    },
    2,
  );
  const gateway = createOdooGateway({
    url: standIn.url,
    database: standIn.database,
    login: 'admin',
    apiKey: STAND_IN_ADMIN.apiKey,
    retryEnvironment: instantRetries(),
  });
  return {
    gateway,
    payload: standIn.webhookNotification('sale.order', order, ODOO_WEBHOOK_FIELDS['sale.order']),
  };
}

describe.each([17, 19] as const)(
  'inbound orders from Odoo %i: reading what the webhook leaves out',
  (version) => {
    it('reads the lines, partner and currency so the bare-id webhook becomes a complete OrderPlaced', async () => {
      // Prepare
      const { gateway, payload } = await shopWithOneOrder(version);
      // Act
      const bare = mapOdooWebhook(payload);
      const context = await readOdooWebhookContext(payload, gateway);
      const result = mapOdooWebhook(payload, context);
      // Assess
      expect(payload).toMatchObject({
        _model: 'sale.order',
        partner_id: expect.any(Number),
        order_line: [1, 2],
      });
      expect(bare.ok).toBe(false);
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.detailType).toBe(ChannelEventType.OrderPlaced);
      expect(result.detail).toMatchObject({
        orderId: 'S00042',
        currency: 'EUR',
        total: 108.9,
        customer: {
          sourceSystem: 'odoo',
          fullName: 'Jane Retail',
          email: 'jane@example.com',
          phone: '+32 470 12 34 56',
        },
        lines: [{ sku: 'FURN_0096', quantity: 2, unitPrice: 50, discount: 10 }],
      });
    });
  },
);
