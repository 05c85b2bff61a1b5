/**
 * The Odoo models the stand-in keeps, with the fields Tessera reads and writes. Field types and
 * descriptions follow Odoo 17/18/19; only what Tessera and its tests touch is modelled.
 */

export interface FieldDef {
  readonly type:
    | 'char'
    | 'text'
    | 'html'
    | 'integer'
    | 'float'
    | 'monetary'
    | 'boolean'
    | 'date'
    | 'datetime'
    | 'selection'
    | 'many2one'
    | 'many2many'
    | 'one2many';
  readonly string: string;
  readonly required?: boolean;
  readonly readonly?: boolean;
  readonly relation?: string;
  /** one2many: the field on `relation` pointing back. */
  readonly inverse?: string;
  readonly selection?: readonly (readonly [string, string])[];
  readonly default?: unknown;
}

export interface ModelDef {
  readonly name: string;
  readonly description: string;
  readonly fields: Readonly<Record<string, FieldDef>>;
  /** Field used as display name in `[id, name]` pairs. */
  readonly recName?: string;
  /** Whether the model has mail.thread (message_post, activity_schedule). */
  readonly thread?: boolean;
}

const f = (type: FieldDef['type'], string: string, extra: Partial<FieldDef> = {}): FieldDef => ({
  type,
  string,
  ...extra,
});

const common = {
  create_date: f('datetime', 'Created on', { readonly: true }),
  write_date: f('datetime', 'Last Updated on', { readonly: true }),
};

export type OdooModule = 'crm' | 'loyalty' | 'helpdesk' | 'sale';

export interface ModelOptions {
  readonly major: number;
  readonly modules: readonly OdooModule[];
  /** Whether res.partner has Tessera's x_tessera_* fields (created with Studio). */
  readonly tesseraFields: boolean;
}

export function buildModels(options: ModelOptions): Map<string, ModelDef> {
  const models: ModelDef[] = [
    {
      name: 'res.partner',
      description: 'Contact',
      recName: 'name',
      thread: true,
      fields: {
        name: f('char', 'Name'),
        email: f('char', 'Email'),
        phone: f('char', 'Phone'),
        ref: f('char', 'Reference'),
        comment: f('html', 'Notes'),
        type: f('selection', 'Address Type', {
          selection: [
            ['contact', 'Contact'],
            ['invoice', 'Invoice Address'],
            ['delivery', 'Delivery Address'],
            ['other', 'Other Address'],
          ],
          default: 'contact',
        }),
        active: f('boolean', 'Active', { default: true }),
        category_id: f('many2many', 'Tags', { relation: 'res.partner.category' }),
        user_id: f('many2one', 'Salesperson', { relation: 'res.users' }),
        ...(options.tesseraFields
          ? {
              x_tessera_customer_id: f('char', 'Tessera customer id'),
              x_tessera_churn_risk: f('float', 'Tessera churn risk'),
              x_tessera_clv: f('float', 'Tessera customer lifetime value'),
              x_tessera_segments: f('char', 'Tessera segments'),
              x_tessera_scored_at: f('datetime', 'Tessera scored at'),
            }
          : {}),
        ...common,
      },
    },
    {
      name: 'res.partner.category',
      description: 'Partner Tags',
      recName: 'name',
      fields: {
        name: f('char', 'Tag Name', { required: true }),
        active: f('boolean', 'Active', { default: true }),
      },
    },
    {
      name: 'res.users',
      description: 'User',
      recName: 'name',
      fields: { name: f('char', 'Name'), login: f('char', 'Login', { required: true }) },
    },
    {
      name: 'mail.message',
      description: 'Message',
      fields: {
        model: f('char', 'Related Document Model'),
        res_id: f('integer', 'Related Document ID'),
        body: f('html', 'Contents'),
        message_type: f('selection', 'Type', {
          selection: [
            ['comment', 'Comment'],
            ['notification', 'System notification'],
          ],
        }),
        subtype_id: f('many2one', 'Subtype', { relation: 'mail.message.subtype' }),
        author_id: f('many2one', 'Author', { relation: 'res.partner' }),
        ...common,
      },
    },
    {
      name: 'mail.message.subtype',
      description: 'Message subtypes',
      recName: 'name',
      fields: { name: f('char', 'Message Type', { required: true }) },
    },
    {
      name: 'mail.activity.type',
      description: 'Activity Type',
      recName: 'name',
      fields: { name: f('char', 'Name', { required: true }) },
    },
    {
      name: 'mail.activity',
      description: 'Activity',
      recName: 'summary',
      fields: {
        res_model: f('char', 'Related Document Model'),
        res_model_id: f('many2one', 'Document Model', { relation: 'ir.model', required: true }),
        res_id: f('integer', 'Related Document ID'),
        res_name: f('char', 'Document Name', { readonly: true }),
        activity_type_id: f('many2one', 'Activity Type', { relation: 'mail.activity.type' }),
        summary: f('char', 'Summary'),
        note: f('html', 'Note'),
        date_deadline: f('date', 'Due Date', { required: true }),
        user_id: f('many2one', 'Assigned to', { relation: 'res.users' }),
        state: f('selection', 'State', {
          selection: [
            ['overdue', 'Overdue'],
            ['today', 'Today'],
            ['planned', 'Planned'],
            ['done', 'Done'],
          ],
          readonly: true,
          default: 'planned',
        }),
        // Odoo 18 keeps done activities archived; 17 deletes them.
        ...(options.major >= 18 ? { active: f('boolean', 'Active', { default: true }) } : {}),
        ...common,
      },
    },
    {
      name: 'ir.model',
      description: 'Models',
      recName: 'model',
      fields: { model: f('char', 'Model', { required: true }), name: f('char', 'Model Description') },
    },
  ];
  if (options.modules.includes('crm')) {
    models.push(
      {
        name: 'crm.lead',
        description: 'Lead/Opportunity',
        recName: 'name',
        thread: true,
        fields: {
          name: f('char', 'Opportunity', { required: true }),
          type: f('selection', 'Type', {
            selection: [
              ['lead', 'Lead'],
              ['opportunity', 'Opportunity'],
            ],
            default: 'lead',
          }),
          partner_id: f('many2one', 'Customer', { relation: 'res.partner' }),
          email_from: f('char', 'Email'),
          description: f('html', 'Notes'),
          priority: f('selection', 'Priority', {
            selection: [
              ['0', 'Low'],
              ['1', 'Medium'],
              ['2', 'High'],
              ['3', 'Very High'],
            ],
            default: '0',
          }),
          tag_ids: f('many2many', 'Tags', { relation: 'crm.tag' }),
          expected_revenue: f('monetary', 'Expected Revenue'),
          user_id: f('many2one', 'Salesperson', { relation: 'res.users' }),
          stage_id: f('many2one', 'Stage', { relation: 'crm.stage' }),
          active: f('boolean', 'Active', { default: true }),
          ...common,
        },
      },
      {
        name: 'crm.tag',
        description: 'CRM Tag',
        recName: 'name',
        fields: { name: f('char', 'Tag Name', { required: true }) },
      },
      {
        name: 'crm.stage',
        description: 'CRM Stages',
        recName: 'name',
        fields: { name: f('char', 'Stage Name', { required: true }) },
      },
    );
  }
  if (options.modules.includes('loyalty')) {
    models.push(
      {
        name: 'loyalty.program',
        description: 'Loyalty Program',
        recName: 'name',
        fields: {
          name: f('char', 'Program Name', { required: true }),
          program_type: f('selection', 'Program Type', {
            selection: [
              ['coupons', 'Coupons'],
              ['loyalty', 'Loyalty Cards'],
              ['promotion', 'Promotions'],
            ],
            default: 'promotion',
          }),
          active: f('boolean', 'Active', { default: true }),
        },
      },
      {
        name: 'loyalty.card',
        description: 'Loyalty Coupon',
        recName: 'code',
        fields: {
          code: f('char', 'Code'),
          program_id: f('many2one', 'Program', { relation: 'loyalty.program', required: true }),
          partner_id: f('many2one', 'Partner', { relation: 'res.partner' }),
          points: f('float', 'Balance', { default: 0 }),
          expiration_date: f('date', 'Expiration Date'),
          ...(options.major >= 18
            ? {
                history_ids: f('one2many', 'History Lines', {
                  relation: 'loyalty.history',
                  inverse: 'card_id',
                }),
              }
            : {}),
        },
      },
    );
    if (options.major >= 18) {
      models.push({
        name: 'loyalty.history',
        description: 'History for Loyalty cards and Ewallets',
        fields: {
          card_id: f('many2one', 'Card', { relation: 'loyalty.card', required: true }),
          description: f('text', 'Description', { required: true }),
          issued: f('float', 'Issued'),
          used: f('float', 'Used'),
          ...common,
        },
      });
    }
  }
  if (options.modules.includes('sale')) {
    const money = { currency_id: f('many2one', 'Currency', { relation: 'res.currency' }) };
    models.push(
      {
        name: 'res.currency',
        description: 'Currency',
        recName: 'name',
        fields: { name: f('char', 'Currency', { required: true }) },
      },
      {
        name: 'product.product',
        description: 'Product Variant',
        recName: 'name',
        fields: {
          name: f('char', 'Name', { required: true }),
          default_code: f('char', 'Internal Reference'),
        },
      },
      {
        name: 'sale.order',
        description: 'Sales Order',
        recName: 'name',
        thread: true,
        fields: {
          name: f('char', 'Order Reference', { required: true }),
          partner_id: f('many2one', 'Customer', { relation: 'res.partner', required: true }),
          state: f('selection', 'Status', {
            selection: [
              ['draft', 'Quotation'],
              ['sent', 'Quotation Sent'],
              ['sale', 'Sales Order'],
              ['cancel', 'Cancelled'],
            ],
            default: 'draft',
          }),
          date_order: f('datetime', 'Order Date'),
          amount_total: f('monetary', 'Total'),
          amount_tax: f('monetary', 'Taxes'),
          order_line: f('one2many', 'Order Lines', { relation: 'sale.order.line', inverse: 'order_id' }),
          website_id: f('many2one', 'Website', { relation: 'website' }),
          ...money,
          ...common,
        },
      },
      {
        name: 'sale.order.line',
        description: 'Sales Order Line',
        recName: 'name',
        fields: {
          order_id: f('many2one', 'Order Reference', { relation: 'sale.order', required: true }),
          product_id: f('many2one', 'Product', { relation: 'product.product' }),
          name: f('text', 'Description'),
          display_type: f('selection', 'Display Type', {
            selection: [
              ['line_section', 'Section'],
              ['line_note', 'Note'],
            ],
          }),
          product_uom_qty: f('float', 'Quantity'),
          price_unit: f('float', 'Unit Price'),
          discount: f('float', 'Discount (%)'),
          price_total: f('monetary', 'Total'),
        },
      },
      {
        name: 'account.move',
        description: 'Journal Entry',
        recName: 'name',
        thread: true,
        fields: {
          name: f('char', 'Number'),
          partner_id: f('many2one', 'Partner', { relation: 'res.partner' }),
          move_type: f('selection', 'Type', {
            selection: [
              ['entry', 'Journal Entry'],
              ['out_invoice', 'Customer Invoice'],
              ['out_refund', 'Customer Credit Note'],
            ],
            default: 'entry',
          }),
          state: f('selection', 'Status', {
            selection: [
              ['draft', 'Draft'],
              ['posted', 'Posted'],
              ['cancel', 'Cancelled'],
            ],
            default: 'draft',
          }),
          invoice_origin: f('char', 'Origin'),
          ref: f('char', 'Reference'),
          amount_total: f('monetary', 'Total'),
          invoice_line_ids: f('one2many', 'Invoice lines', {
            relation: 'account.move.line',
            inverse: 'move_id',
          }),
          ...money,
          ...common,
        },
      },
      {
        name: 'account.move.line',
        description: 'Journal Item',
        fields: {
          move_id: f('many2one', 'Journal Entry', { relation: 'account.move', required: true }),
          product_id: f('many2one', 'Product', { relation: 'product.product' }),
          name: f('char', 'Label'),
          display_type: f('selection', 'Display Type', {
            selection: [
              ['product', 'Product'],
              ['tax', 'Tax'],
              ['line_section', 'Section'],
              ['line_note', 'Note'],
            ],
            default: 'product',
          }),
          quantity: f('float', 'Quantity'),
          price_unit: f('float', 'Unit Price'),
          price_total: f('monetary', 'Total'),
        },
      },
    );
  }
  if (options.modules.includes('helpdesk')) {
    models.push({
      name: 'helpdesk.ticket',
      description: 'Helpdesk Ticket',
      recName: 'name',
      thread: true,
      fields: {
        name: f('char', 'Subject', { required: true }),
        partner_id: f('many2one', 'Customer', { relation: 'res.partner' }),
        priority: f('selection', 'Priority', {
          selection: [
            ['0', 'Low priority'],
            ['1', 'Medium priority'],
            ['2', 'High priority'],
            ['3', 'Urgent'],
          ],
        }),
        ...common,
      },
    });
  }
  return new Map(models.map((m) => [m.name, m]));
}
