import { ODOO_LINE_FIELDS, type OdooInboundOptions, odooInboundNeeds } from './inbound.js';
import type { OdooGateway } from './ports.js';

const PARTNER_FIELDS = [
  'name',
  'email',
  'phone',
  'mobile',
  'street',
  'street2',
  'city',
  'zip',
  'country_code',
  'type',
];

/**
 * Reads what an outgoing webhook leaves out (its many2one and one2many fields are bare ids): the order or
 * refund lines, the customer's partner record and the currency code, so `mapOdooWebhook` can build a
 * complete event. Only fields this database has are asked for (sale_margin's purchase_price, for one).
 *
 * Odoo waits one second for a webhook answer and never retries, so a caller that enriches inside the
 * webhook request should answer first or keep the timeout short.
 */
export async function readOdooWebhookContext(
  payload: unknown,
  odoo: OdooGateway,
  base: OdooInboundOptions = {},
): Promise<OdooInboundOptions> {
  const needs = odooInboundNeeds(payload);
  const [lines, partner, currency] = await Promise.all([
    needs.lineModel && needs.lineIds.length > 0
      ? readExisting(odoo, needs.lineModel, needs.lineIds, ODOO_LINE_FIELDS)
      : undefined,
    needs.partnerId !== undefined
      ? readExisting(odoo, 'res.partner', [needs.partnerId], PARTNER_FIELDS)
      : undefined,
    needs.currencyId !== undefined ? odoo.read('res.currency', [needs.currencyId], ['name']) : undefined,
  ]);
  const code = currency?.[0]?.name;
  return {
    ...base,
    ...(lines ? { lines } : {}),
    ...(partner?.[0] ? { partner: partner[0] } : {}),
    ...(needs.currencyId !== undefined && typeof code === 'string'
      ? { currencyById: { ...base.currencyById, [needs.currencyId]: code } }
      : {}),
  };
}

async function readExisting(
  odoo: OdooGateway,
  model: string,
  ids: readonly number[],
  wanted: readonly string[],
) {
  const fields = await odoo.fieldsGet(model, ['type']);
  return odoo.read(
    model,
    ids,
    wanted.filter((f) => f in fields),
  );
}
