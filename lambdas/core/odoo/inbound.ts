import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Channel, ReasonCode, SourceCustomer } from '../contracts/common.js';
import { ChannelEventType } from '../contracts/names.js';
import { describeIssues, validateDetail } from '../contracts/registry.js';
import {
  type Many2One,
  odooBool,
  odooDateTimeToIso,
  odooMany2One,
  odooNumber,
  odooText,
} from './odoo-values.js';

/**
 * Inbound mapping of Odoo's outgoing webhooks ("Send Webhook Notification") onto the channel contracts.
 *
 * What Odoo sends (see ../shared/data/odoo-wire/outgoing*.jsonl): a JSON POST with no signature, body
 * `{_action: "Name(#id)", _id, _model, id, ...the fields the admin selected}`, fields read with `load=None`
 * (a many2one is a bare id). It does not retry, and one change can fire several identical POSTs, so the
 * delivery key is (`_model`, `_id`, `write_date`); admins should select `write_date` (and `create_date`).
 */

export const ODOO_INBOUND_MODELS = ['res.partner', 'sale.order', 'account.move', 'helpdesk.ticket'] as const;
export type OdooInboundModel = (typeof ODOO_INBOUND_MODELS)[number];

/** Fields the webhook of each model should select; the setup guide and `tessera odoo check` print these. */
export const ODOO_WEBHOOK_FIELDS: Readonly<Record<OdooInboundModel, readonly string[]>> = {
  'res.partner': [
    'name',
    'email',
    'phone',
    'street',
    'street2',
    'city',
    'zip',
    'country_code',
    'type',
    'create_date',
    'write_date',
  ],
  'sale.order': [
    'name',
    'partner_id',
    'state',
    'date_order',
    'currency_id',
    'amount_total',
    'amount_tax',
    'order_line',
    'website_id',
    'write_date',
  ],
  'account.move': [
    'name',
    'partner_id',
    'move_type',
    'state',
    'invoice_origin',
    'ref',
    'currency_id',
    'amount_total',
    'invoice_line_ids',
    'write_date',
  ],
  'helpdesk.ticket': [
    'name',
    'partner_id',
    'partner_name',
    'partner_email',
    'partner_phone',
    'priority',
    'ticket_type_id',
    'close_date',
    'create_date',
    'write_date',
  ],
};

/** Fields to read from `sale.order.line` / `account.move.line` when a webhook carries only line ids. */
export const ODOO_LINE_FIELDS = [
  'product_id',
  'name',
  'display_type',
  'product_uom_qty',
  'quantity',
  'price_unit',
  'discount',
  'purchase_price',
  'price_total',
] as const;

const OdooId = z.union([
  z.number().int().positive(),
  z
    .string()
    .regex(/^\d+$/)
    .transform((s) => Number(s)),
]);

/** The envelope every outgoing webhook has. Extra fields are the admin's selection. */
export const OdooWebhookPayload = z.looseObject({
  _model: z.string().min(1, 'must name the Odoo model'),
  _id: OdooId,
  _action: z.string().optional(),
  id: OdooId.optional(),
  write_date: odooText,
  create_date: odooText,
});
export type OdooWebhookPayload = z.infer<typeof OdooWebhookPayload>;

export const OdooPartnerPayload = z.looseObject({
  name: odooText,
  email: odooText,
  phone: odooText,
  mobile: odooText,
  street: odooText,
  street2: odooText,
  city: odooText,
  zip: odooText,
  state_id: odooMany2One,
  country_id: odooMany2One,
  country_code: odooText,
  type: odooText,
  is_company: odooBool,
});
export type OdooPartnerPayload = z.infer<typeof OdooPartnerPayload>;

/** An order or invoice line: inline objects (custom automations) or records read for the ids. */
export const OdooLineRecord = z.looseObject({
  id: z.number().int().optional(),
  product_id: odooMany2One,
  name: odooText,
  display_type: odooText,
  product_uom_qty: odooNumber,
  quantity: odooNumber,
  price_unit: odooNumber,
  discount: odooNumber,
  purchase_price: odooNumber,
  price_total: odooNumber,
  default_code: odooText,
});
export type OdooLineRecord = z.infer<typeof OdooLineRecord>;

/** Line ids or inline line objects; parsed once, in resolveLines. */
const OdooLines = z.union([z.array(z.unknown()), z.literal(false), z.null()]).optional();

export const OdooSaleOrderPayload = z.looseObject({
  name: odooText,
  partner_id: odooMany2One,
  state: odooText,
  date_order: odooText,
  currency_id: odooMany2One,
  amount_total: odooNumber,
  amount_tax: odooNumber,
  order_line: OdooLines,
  website_id: odooMany2One,
  campaign_id: odooMany2One,
});

export const OdooAccountMovePayload = z.looseObject({
  name: odooText,
  partner_id: odooMany2One,
  move_type: odooText,
  state: odooText,
  invoice_origin: odooText,
  invoice_date: odooText,
  ref: odooText,
  currency_id: odooMany2One,
  amount_total: odooNumber,
  invoice_line_ids: OdooLines,
});

export const OdooHelpdeskTicketPayload = z.looseObject({
  name: odooText,
  partner_id: odooMany2One,
  partner_name: odooText,
  partner_email: odooText,
  partner_phone: odooText,
  priority: odooText,
  ticket_type_id: odooMany2One,
  sale_order_id: odooMany2One,
  close_date: odooText,
  kanban_state: odooText,
});

/** What the caller may add to a payload (read through the gateway), since webhooks carry bare ids. */
export interface OdooInboundOptions {
  /** When the request arrived: the event time when the payload has no `write_date`. */
  readonly receivedAt?: Date | string;
  /** ISO currency code per `res.currency` id; a webhook's `currency_id` is a bare id. */
  readonly currencyById?: Readonly<Record<number, string>>;
  /** Used when neither the payload nor `currencyById` names the currency. */
  readonly defaultCurrency?: string;
  /** `sale.order.line` / `account.move.line` records for the line ids in the payload. */
  readonly lines?: readonly unknown[];
  /** The `res.partner` record (as read) of the order, refund or ticket, for the customer's details. */
  readonly partner?: unknown;
  /** Channel of sales orders entered without a website; back-office orders are usually phone orders. */
  readonly orderChannel?: Channel;
}

export type OdooInboundDetailType =
  | typeof ChannelEventType.CustomerProfileCreated
  | typeof ChannelEventType.CustomerProfileUpdated
  | typeof ChannelEventType.OrderPlaced
  | typeof ChannelEventType.OrderReturned
  | typeof ChannelEventType.TicketOpened
  | typeof ChannelEventType.TicketUpdated
  | typeof ChannelEventType.TicketResolved;

export type OdooInboundResult =
  | {
      readonly ok: true;
      readonly detailType: OdooInboundDetailType;
      readonly detail: Record<string, unknown>;
      /**
       * Deduplication key: `_model:_id:write_date` (a content hash stands in for a missing write_date). For
       * facts that happen once per record (an order placed, a refund posted, a ticket opened) it is that fact,
       * `sale.order:12:placed`, so later writes that fire the webhook again are duplicates too.
       */
      readonly dedupKey: string;
    }
  | {
      readonly ok: false;
      readonly reason: string;
      /** true: a valid payload that is no channel event (a quotation, a draft refund): nothing to emit. */
      readonly ignored: boolean;
    };

/** Extra data a payload needs before it can be mapped, so the caller can read it through the gateway. */
export interface OdooInboundNeeds {
  readonly lineModel?: 'sale.order.line' | 'account.move.line';
  readonly lineIds: readonly number[];
  readonly partnerId?: number;
  readonly currencyId?: number;
}

class MappingError extends Error {
  constructor(
    message: string,
    readonly ignored = false,
  ) {
    super(message);
  }
}

function fail(message: string): never {
  throw new MappingError(message);
}
function ignore(message: string): never {
  throw new MappingError(message, true);
}

/** Maps one outgoing-webhook body to a channel event, or says precisely why it cannot. Pure. */
export function mapOdooWebhook(payload: unknown, options: OdooInboundOptions = {}): OdooInboundResult {
  const base = OdooWebhookPayload.safeParse(payload);
  if (!base.success) {
    return { ok: false, ignored: false, reason: `not an Odoo webhook payload: ${zodReason(base.error)}` };
  }
  const envelope = base.data;
  const label = `${envelope._model} #${envelope._id}`;
  try {
    const mapped = mapByModel(envelope, options);
    const dedupKey =
      mapped.onceKey ??
      `${envelope._model}:${envelope._id}:${envelope.write_date ?? `sha256-${contentHash(envelope)}`}`;
    const checked = validateDetail(mapped.detailType, mapped.detail);
    if (!checked.ok) {
      return {
        ok: false,
        ignored: false,
        reason: `${label}: mapped ${mapped.detailType} breaks its contract: ${describeIssues(checked.issues)}`,
      };
    }
    return {
      ok: true,
      detailType: mapped.detailType,
      detail: checked.detail as Record<string, unknown>,
      dedupKey,
    };
  } catch (error) {
    if (error instanceof MappingError)
      return { ok: false, ignored: error.ignored, reason: `${label}: ${error.message}` };
    throw error;
  }
}

/** What to read from Odoo before mapping this payload (lines, partner, currency); empty when nothing. */
export function odooInboundNeeds(payload: unknown): OdooInboundNeeds {
  const base = OdooWebhookPayload.safeParse(payload);
  if (!base.success) return { lineIds: [] };
  const p = base.data;
  const lines =
    p._model === 'sale.order'
      ? { field: 'order_line', model: 'sale.order.line' as const }
      : p._model === 'account.move'
        ? { field: 'invoice_line_ids', model: 'account.move.line' as const }
        : undefined;
  const rawLines = lines ? p[lines.field] : undefined;
  const lineIds = Array.isArray(rawLines) ? rawLines.filter((v): v is number => typeof v === 'number') : [];
  // A partner's own webhook carries its details; orders, refunds and tickets only point at the partner.
  const partner = p._model === 'res.partner' ? undefined : odooMany2One.safeParse(p.partner_id).data;
  const currency = odooMany2One.safeParse(p.currency_id).data;
  return {
    ...(lines && lineIds.length > 0 ? { lineModel: lines.model } : {}),
    lineIds,
    ...(partner ? { partnerId: partner.id } : {}),
    ...(currency && !currency.name ? { currencyId: currency.id } : {}),
  };
}

interface Mapped {
  readonly detailType: OdooInboundDetailType;
  readonly detail: Record<string, unknown>;
  /** Set for facts that happen once per record. */
  readonly onceKey?: string;
}

function mapByModel(envelope: OdooWebhookPayload, options: OdooInboundOptions): Mapped {
  switch (envelope._model) {
    case 'res.partner':
      return mapPartner(envelope, options);
    case 'sale.order':
      return mapSaleOrder(envelope, options);
    case 'account.move':
      return mapRefund(envelope, options);
    case 'helpdesk.ticket':
      return mapTicket(envelope, options);
    default:
      return fail(
        `unsupported Odoo model '${envelope._model}' (Tessera maps ${ODOO_INBOUND_MODELS.join(', ')})`,
      );
  }
}

function parseModel<T extends z.ZodType>(schema: T, envelope: OdooWebhookPayload): z.infer<T> {
  const parsed = schema.safeParse(envelope);
  if (!parsed.success) fail(`unexpected field values: ${zodReason(parsed.error)}`);
  return (parsed as { data: z.infer<T> }).data;
}

function mapPartner(envelope: OdooWebhookPayload, options: OdooInboundOptions): Mapped {
  const partner = parseModel(OdooPartnerPayload, envelope);
  // Delivery and invoice addresses are child records of a customer, not customers themselves.
  if (partner.type && partner.type !== 'contact') {
    ignore(`a '${partner.type}' address record, not a customer contact`);
  }
  const customer = partnerCustomer(envelope._id, partner);
  if (!customer.fullName && !customer.email && !customer.phone) {
    fail('no name, email or phone in the payload: select them in the webhook fields');
  }
  const created = isCreation(envelope);
  const changedFields = Object.keys(envelope)
    .filter((k) => !k.startsWith('_') && k !== 'id' && k !== 'write_date' && k !== 'create_date')
    .sort();
  return {
    detailType: created ? ChannelEventType.CustomerProfileCreated : ChannelEventType.CustomerProfileUpdated,
    detail: {
      schemaVersion: 1,
      eventId: `odoo:res.partner:${envelope._id}:${stamp(envelope)}`,
      occurredAt: occurredAt(envelope, options),
      customer,
      changedFields,
    },
  };
}

function mapSaleOrder(envelope: OdooWebhookPayload, options: OdooInboundOptions): Mapped {
  const order = parseModel(OdooSaleOrderPayload, envelope);
  if (!order.state) fail("no 'state' in the payload: select it in the webhook fields");
  // Odoo 16 has 'done' (locked) orders; 17+ keeps 'sale' with a lock flag.
  if (order.state !== 'sale' && order.state !== 'done') {
    ignore(`order in state '${order.state}' is not a confirmed order`);
  }
  const partnerId = order.partner_id ?? fail("no 'partner_id': an order must name its customer");
  const orderName = order.name ?? fail("no 'name' (the order reference): select it in the webhook fields");
  if (order.amount_total === undefined) fail("no 'amount_total': select it in the webhook fields");
  const lines = resolveLines('order_line', order.order_line, options).map((line, i) => {
    const quantity = line.product_uom_qty ?? line.quantity ?? fail(`order line ${i}: no quantity`);
    const unitPrice = line.price_unit ?? fail(`order line ${i}: no price_unit`);
    const units = wholeUnits(quantity, `order line ${i}`);
    return {
      sku: lineSku(line, i),
      ...(line.name ? { productName: line.name.slice(0, 500) } : {}),
      quantity: units,
      unitPrice,
      // Odoo's discount is a percentage of the line; the contract wants the amount.
      discount: round2((units * unitPrice * (line.discount ?? 0)) / 100),
      ...(line.purchase_price !== undefined ? { unitCost: line.purchase_price } : {}),
    };
  });
  return {
    detailType: ChannelEventType.OrderPlaced,
    onceKey: `sale.order:${envelope._id}:placed`,
    detail: {
      schemaVersion: 1,
      // One OrderPlaced per order, however many later writes fire the webhook again.
      eventId: `odoo:sale.order:${envelope._id}:placed`,
      occurredAt: odooDateTimeToIso(order.date_order) ?? occurredAt(envelope, options),
      customer: relatedCustomer(partnerId, options.partner),
      orderId: orderName,
      channel: order.website_id ? 'web' : (options.orderChannel ?? 'phone'),
      currency: currencyOf(order.currency_id, options),
      lines,
      promotionCodes: [],
      ...(order.campaign_id ? { campaignId: `odoo-utm-${order.campaign_id.id}` } : {}),
      tax: order.amount_tax ?? 0,
      total: order.amount_total,
    },
  };
}

function mapRefund(envelope: OdooWebhookPayload, options: OdooInboundOptions): Mapped {
  const move = parseModel(OdooAccountMovePayload, envelope);
  if (!move.move_type) fail("no 'move_type': select it in the webhook fields");
  if (move.move_type !== 'out_refund')
    ignore(`journal entry of type '${move.move_type}' is not a customer refund`);
  if (!move.state) fail("no 'state': select it in the webhook fields");
  if (move.state !== 'posted') ignore(`refund in state '${move.state}' is not posted yet`);
  const partnerId = move.partner_id ?? fail("no 'partner_id': a refund must name its customer");
  // invoice_origin holds the sales order reference(s), "S00012" or "S00012, S00013".
  const orderId =
    move.invoice_origin?.split(',')[0]?.trim() ||
    fail("no 'invoice_origin': the refund cannot be linked to its order");
  if (move.amount_total === undefined) fail("no 'amount_total': select it in the webhook fields");
  const reason = reasonFromText(move.ref);
  const lines = resolveLines('invoice_line_ids', move.invoice_line_ids, options).map((line, i) => ({
    sku: lineSku(line, i),
    quantity: Math.abs(
      wholeUnits(line.quantity ?? line.product_uom_qty ?? fail(`refund line ${i}: no quantity`), `line ${i}`),
    ),
    ...(line.price_total !== undefined ? { refundAmount: Math.abs(line.price_total) } : {}),
  }));
  return {
    detailType: ChannelEventType.OrderReturned,
    onceKey: `account.move:${envelope._id}:posted`,
    detail: {
      schemaVersion: 1,
      eventId: `odoo:account.move:${envelope._id}:posted`,
      occurredAt:
        odooDateTimeToIso(envelope.write_date) ??
        odooDateTimeToIso(move.invoice_date) ??
        occurredAt(envelope, options),
      customer: relatedCustomer(partnerId, options.partner),
      orderId,
      returnId: move.name ?? `odoo-refund-${envelope._id}`,
      lines,
      reason,
      ...(move.ref ? { reasonText: move.ref.slice(0, 2000) } : {}),
      currency: currencyOf(move.currency_id, options),
      refundAmount: Math.abs(move.amount_total),
    },
  };
}

function mapTicket(envelope: OdooWebhookPayload, options: OdooInboundOptions): Mapped {
  const ticket = parseModel(OdooHelpdeskTicketPayload, envelope);
  const customer: SourceCustomer = ticket.partner_id
    ? relatedCustomer(ticket.partner_id, options.partner)
    : { sourceSystem: 'odoo' };
  const withTicketContact: SourceCustomer = {
    ...customer,
    ...(ticket.partner_name && !customer.fullName ? { fullName: ticket.partner_name } : {}),
    ...(ticket.partner_email && !customer.email ? { email: ticket.partner_email } : {}),
    ...(ticket.partner_phone && !customer.phone ? { phone: ticket.partner_phone } : {}),
  };
  if (!withTicketContact.sourceCustomerId && !withTicketContact.email && !withTicketContact.phone) {
    fail("no 'partner_id', 'partner_email' or 'partner_phone': the ticket names no customer");
  }
  // Odoo helpdesk priority: '0' low, '1' medium, '2' high, '3' urgent.
  const priority = (['low', 'normal', 'high', 'urgent'] as const)[Number(ticket.priority ?? '1')] ?? 'normal';
  const escalated = priority === 'urgent';
  const fields = {
    schemaVersion: 1,
    customer: withTicketContact,
    ticketId: `odoo-ticket-${envelope._id}`,
    // Odoo tickets arrive by mail alias or portal; Odoo 17 keeps no channel field.
    channel: 'email',
    priority,
    category:
      ticket.ticket_type_id?.name ?? (ticket.ticket_type_id ? `type-${ticket.ticket_type_id.id}` : 'general'),
    ...(ticket.name ? { subject: ticket.name.slice(0, 500) } : {}),
    ...(ticket.sale_order_id?.name ? { orderId: ticket.sale_order_id.name } : {}),
    escalated,
  };
  const closedAt = odooDateTimeToIso(ticket.close_date);
  if (closedAt) {
    return {
      detailType: ChannelEventType.TicketResolved,
      detail: {
        ...fields,
        eventId: `odoo:helpdesk.ticket:${envelope._id}:resolved:${ticket.close_date?.replace(' ', 'T')}`,
        occurredAt: closedAt,
        resolution: 'solved',
      },
    };
  }
  if (isCreation(envelope)) {
    return {
      detailType: ChannelEventType.TicketOpened,
      onceKey: `helpdesk.ticket:${envelope._id}:opened`,
      detail: {
        ...fields,
        eventId: `odoo:helpdesk.ticket:${envelope._id}:opened`,
        occurredAt: occurredAt(envelope, options),
      },
    };
  }
  return {
    detailType: ChannelEventType.TicketUpdated,
    detail: {
      ...fields,
      eventId: `odoo:helpdesk.ticket:${envelope._id}:${stamp(envelope)}`,
      occurredAt: occurredAt(envelope, options),
      status: escalated ? 'escalated' : ticket.kanban_state === 'blocked' ? 'pending' : 'open',
    },
  };
}

function partnerCustomer(id: number, partner: OdooPartnerPayload): SourceCustomer {
  const address = {
    ...(partner.street ? { line1: partner.street } : {}),
    ...(partner.street2 ? { line2: partner.street2 } : {}),
    ...(partner.city ? { city: partner.city } : {}),
    ...(partner.zip ? { postcode: partner.zip } : {}),
    ...(partner.state_id?.name ? { state: partner.state_id.name } : {}),
    ...(partner.country_code
      ? { country: partner.country_code }
      : partner.country_id?.name
        ? { country: partner.country_id.name }
        : {}),
  };
  const phone = partner.phone ?? partner.mobile;
  return {
    sourceSystem: 'odoo',
    sourceCustomerId: String(id),
    ...(partner.name ? { fullName: partner.name } : {}),
    ...(partner.email ? { email: partner.email } : {}),
    ...(phone ? { phone } : {}),
    ...(Object.keys(address).length > 0 ? { address } : {}),
  };
}

/** The customer of an order, refund or ticket: the partner id, with details when the partner was read. */
function relatedCustomer(partnerRef: Many2One, partnerRecord: unknown): SourceCustomer {
  const record = OdooPartnerPayload.extend({ id: z.number().int().optional() }).safeParse(
    partnerRecord ?? {},
  );
  if (partnerRecord !== undefined && record.success && record.data.id === partnerRef.id) {
    return partnerCustomer(partnerRef.id, record.data);
  }
  return {
    sourceSystem: 'odoo',
    sourceCustomerId: String(partnerRef.id),
    ...(partnerRef.name ? { fullName: partnerRef.name } : {}),
  };
}

function resolveLines(
  field: string,
  raw: readonly unknown[] | false | null | undefined,
  options: OdooInboundOptions,
): OdooLineRecord[] {
  const provided = z.array(OdooLineRecord).safeParse(options.lines ?? []);
  if (!provided.success) fail(`lines given with the payload are malformed: ${zodReason(provided.error)}`);
  const records = provided.data ?? [];
  let lines: OdooLineRecord[];
  if (Array.isArray(raw) && raw.length > 0 && raw.every((v) => typeof v === 'number')) {
    const byId = new Map(records.map((r) => [r.id, r]));
    const missing = (raw as number[]).filter((id) => !byId.has(id));
    if (missing.length > 0) {
      fail(
        `'${field}' holds line ids only (${missing.join(', ')} not read): read them with search_read ` +
          `(fields ${ODOO_LINE_FIELDS.join(', ')}) and pass them as options.lines`,
      );
    }
    lines = (raw as number[]).map((id) => byId.get(id)!);
  } else if (Array.isArray(raw) && raw.length > 0) {
    const inline = z.array(OdooLineRecord).safeParse(raw);
    if (!inline.success) fail(`'${field}' is malformed: ${zodReason(inline.error)}`);
    lines = inline.data ?? [];
  } else {
    lines = records;
  }
  // Sections, notes, tax and payment-term lines are layout or accounting, not goods.
  const goods = lines.filter(
    (l) => (l.display_type === undefined || l.display_type === 'product') && (l.product_id || l.default_code),
  );
  if (goods.length === 0) fail(`no product lines: select '${field}' in the webhook fields`);
  return goods;
}

/** SKU from the product's internal reference: "[FURN_0096] Desk" reads as FURN_0096. */
function lineSku(line: OdooLineRecord, index: number): string {
  if (line.default_code) return line.default_code.replace(/\s+/g, '_').slice(0, 128);
  const product = line.product_id ?? fail(`line ${index}: no product`);
  const code = product.name ? /^\[([^\]]+)\]/.exec(product.name)?.[1] : undefined;
  return code ? code.replace(/\s+/g, '_').slice(0, 128) : `odoo-product-${product.id}`;
}

function wholeUnits(quantity: number, where: string): number {
  if (!Number.isInteger(quantity)) fail(`${where}: quantity ${quantity} is not a whole number of units`);
  return quantity;
}

function currencyOf(ref: Many2One | undefined, options: OdooInboundOptions): string {
  if (ref?.name && /^[A-Z]{3}$/.test(ref.name)) return ref.name;
  const byId = ref ? options.currencyById?.[ref.id] : undefined;
  return (
    byId ??
    options.defaultCurrency ??
    fail(
      ref
        ? `currency_id ${ref.id} is a bare id: pass currencyById or defaultCurrency`
        : "no 'currency_id' and no defaultCurrency",
    )
  );
}

const REASON_KEYWORDS: readonly (readonly [ReasonCode, RegExp])[] = [
  ['damaged', /damag|broken|defect|faulty|scratch/i],
  ['wrong_item', /wrong (item|product|article)|incorrect item|not what i ordered/i],
  ['size_or_fit', /\bsize\b|\bfit\b|too (small|large|big|tight|loose)/i],
  ['not_as_described', /not as described|different from|description/i],
  ['late_delivery', /late|delay/i],
  ['changed_mind', /changed (my )?mind|no longer|not needed|unwanted/i],
];

/** Odoo's reversal wizard keeps the reason as free text in `ref` ("Reversal of: INV/2026/0003, damaged"). */
export function reasonFromText(text: string | undefined): ReasonCode {
  if (!text) return 'other';
  for (const [code, pattern] of REASON_KEYWORDS) if (pattern.test(text)) return code;
  return 'other';
}

function isCreation(envelope: OdooWebhookPayload): boolean {
  // A record's first write stamps create_date and write_date in the same transaction.
  return (
    !!envelope.create_date &&
    !!envelope.write_date &&
    envelope.create_date.slice(0, 19) === envelope.write_date.slice(0, 19)
  );
}

function stamp(envelope: OdooWebhookPayload): string {
  return envelope.write_date ? envelope.write_date.replace(' ', 'T') : `sha256-${contentHash(envelope)}`;
}

function occurredAt(envelope: OdooWebhookPayload, options: OdooInboundOptions): string {
  const fromOdoo = odooDateTimeToIso(envelope.write_date);
  if (fromOdoo) return fromOdoo;
  if (options.receivedAt !== undefined) return new Date(options.receivedAt).toISOString();
  return fail("no 'write_date' in the payload (select it in the webhook fields) and no receivedAt given");
}

/** Identical POSTs of one change hash equally; `_action` is left out because it names the rule, not the data. */
function contentHash(envelope: OdooWebhookPayload): string {
  const { _action: _ignored, ...rest } = envelope;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex').slice(0, 32);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

const zodReason = (error: z.ZodError): string => describeIssues(error.issues, '(body)');
