import { OdooError } from './errors.js';
import { TESSERA_PARTNER_FIELDS } from './operations.js';
import type { OdooFieldInfo, OdooGateway, OdooServerInfo } from './ports.js';

/**
 * `tessera odoo check`: what a retailer's Odoo offers Tessera, and what to install or configure where
 * something is missing. Read-only: it asks for versions, rights and field definitions, never writes.
 */

export type CheckStatus = 'ok' | 'missing' | 'warning' | 'error';

export interface CheckItem {
  readonly area: string;
  readonly status: CheckStatus;
  readonly detail: string;
  /** What to do about it, when not ok. */
  readonly fix?: string;
  /** Whether Tessera cannot work without it. */
  readonly required: boolean;
}

export interface CheckReport {
  readonly server?: OdooServerInfo;
  readonly uid?: number;
  readonly items: CheckItem[];
  /** False when a required item is not ok. */
  readonly ready: boolean;
}

type Operation = 'read' | 'write' | 'create';

interface ModelNeed {
  readonly model: string;
  readonly purpose: string;
  readonly operations: readonly Operation[];
  readonly fields: readonly string[];
  readonly required: boolean;
  readonly install: string;
}

const NEEDS: readonly ModelNeed[] = [
  {
    model: 'res.partner',
    purpose: 'customers (find or create partners, tags, Tessera fields)',
    operations: ['read', 'write', 'create'],
    fields: ['name', 'email', 'phone', 'ref', 'category_id', 'user_id'],
    required: true,
    install: 'Contacts (base) is always installed: grant the API user "Extra Rights / Contact Creation"',
  },
  {
    model: 'res.partner.category',
    purpose: "Tessera's partner tags",
    operations: ['read', 'create'],
    fields: ['name'],
    required: true,
    install: 'grant the API user "Extra Rights / Contact Creation" or Sales rights',
  },
  {
    model: 'mail.message',
    purpose: 'chatter notes (looked up by their marker)',
    operations: ['read'],
    fields: ['body', 'model', 'res_id'],
    required: true,
    install: 'Discuss (mail) is part of every database with Contacts',
  },
  {
    model: 'mail.activity',
    purpose: 'activities with a deadline for the responsible user',
    operations: ['read', 'create'],
    fields: ['res_model', 'res_id', 'summary', 'note', 'date_deadline', 'user_id'],
    required: true,
    install: 'Discuss (mail) is part of every database with Contacts',
  },
  {
    model: 'loyalty.card',
    purpose: 'loyalty points adjustments',
    operations: ['read', 'write', 'create'],
    fields: ['partner_id', 'program_id', 'points'],
    required: false,
    install: 'install the "Coupons & Loyalty" app (loyalty) and create a loyalty programme',
  },
  {
    model: 'crm.lead',
    purpose: 'win-back opportunities',
    operations: ['read', 'create'],
    fields: ['name', 'type', 'partner_id', 'description', 'tag_ids', 'expected_revenue', 'user_id'],
    required: false,
    install: 'install the CRM app and give the API user "Sales / User: All Documents"',
  },
  {
    model: 'crm.tag',
    purpose: 'the win-back tag on opportunities',
    operations: ['read', 'create'],
    fields: ['name'],
    required: false,
    install: 'install the CRM app',
  },
  {
    model: 'sale.order',
    purpose: 'inbound: confirmed orders become OrderPlaced (outgoing webhook)',
    operations: ['read'],
    fields: ['name', 'partner_id', 'state', 'order_line', 'amount_total'],
    required: false,
    install: 'install Sales to send orders to Tessera',
  },
  {
    model: 'account.move',
    purpose: 'inbound: posted customer refunds become OrderReturned (outgoing webhook)',
    operations: ['read'],
    fields: ['move_type', 'state', 'invoice_origin', 'amount_total'],
    required: false,
    install: 'install Invoicing to send refunds to Tessera',
  },
  {
    model: 'helpdesk.ticket',
    purpose: 'inbound: tickets become TicketOpened/Updated/Resolved (outgoing webhook)',
    operations: ['read'],
    fields: ['name', 'partner_id', 'priority', 'close_date'],
    required: false,
    install: 'install Helpdesk (Enterprise) to send tickets to Tessera',
  },
];

export async function checkOdoo(
  gateway: OdooGateway,
  options: { referenceField?: string } = {},
): Promise<CheckReport> {
  const items: CheckItem[] = [];
  let server: OdooServerInfo | undefined;
  try {
    server = await gateway.serverInfo();
    const deprecated = server.api === 'jsonrpc' && server.major >= 19;
    items.push({
      area: 'server',
      status: deprecated ? 'warning' : 'ok',
      detail: `Odoo ${server.version} via ${server.api === 'json2' ? 'JSON-2 (/json/2)' : 'JSON-RPC (/jsonrpc)'}`,
      ...(deprecated ? { fix: '/jsonrpc is deprecated from Odoo 19: use api=json2 (or auto)' } : {}),
      required: true,
    });
  } catch (error) {
    items.push({
      area: 'server',
      status: 'error',
      detail: describe(error),
      fix: 'check the Odoo URL',
      required: true,
    });
    return { items, ready: false };
  }

  let uid: number | undefined;
  try {
    uid = (await gateway.authenticate()).uid;
    items.push({
      area: 'authentication',
      status: 'ok',
      detail: uid !== undefined ? `API key accepted (user id ${uid})` : 'API key accepted',
      required: true,
    });
  } catch (error) {
    items.push({
      area: 'authentication',
      status: 'error',
      detail: describe(error),
      fix: 'create an API key under Preferences > Account Security for the integration user; on Odoo 16-18 also give its login and the database name',
      required: true,
    });
    return { server, items, ready: false };
  }

  const referenceField = options.referenceField ?? 'ref';
  for (const need of NEEDS) {
    items.push(...(await checkModel(gateway, server, need, referenceField)));
  }
  items.push(...(await checkExtras(gateway, server)));
  return {
    server,
    ...(uid !== undefined ? { uid } : {}),
    items,
    ready: items.every((i) => !i.required || i.status === 'ok' || i.status === 'warning'),
  };
}

async function checkModel(
  gateway: OdooGateway,
  server: OdooServerInfo,
  need: ModelNeed,
  referenceField: string,
): Promise<CheckItem[]> {
  let fields: Record<string, OdooFieldInfo>;
  try {
    fields = await gateway.fieldsGet(need.model, ['type', 'readonly', 'string']);
  } catch (error) {
    const absent = error instanceof OdooError && error.kind === 'not_found';
    return [
      {
        area: need.model,
        status: absent ? 'missing' : 'error',
        detail: absent ? `not installed: ${need.purpose}` : describe(error),
        fix: need.install,
        required: need.required,
      },
    ];
  }
  const wanted = need.model === 'res.partner' ? [...new Set([...need.fields, referenceField])] : need.fields;
  const missingFields = wanted.filter((f) => !fields[f]);
  const readonlyFields = need.operations.includes('write') ? wanted.filter((f) => fields[f]?.readonly) : [];
  const denied: string[] = [];
  for (const operation of need.operations) {
    const allowed = await hasAccess(gateway, server, need.model, operation);
    if (allowed === false) denied.push(operation);
  }
  const problems = [
    ...(missingFields.length > 0 ? [`fields missing: ${missingFields.join(', ')}`] : []),
    ...(readonlyFields.length > 0 ? [`read-only fields: ${readonlyFields.join(', ')}`] : []),
    ...(denied.length > 0 ? [`the API user may not ${denied.join(', ')}`] : []),
  ];
  return [
    {
      area: need.model,
      status: problems.length === 0 ? 'ok' : need.required ? 'error' : 'warning',
      detail:
        problems.length === 0
          ? `${need.purpose}: ${need.operations.join('/')} allowed`
          : `${need.purpose}: ${problems.join('; ')}`,
      ...(problems.length > 0
        ? { fix: denied.length > 0 ? `grant the rights: ${need.install}` : need.install }
        : {}),
      required: need.required,
    },
  ];
}

/** Access rights without writing: check_access_rights (16-17), has_access (18+); unknown when neither is callable. */
async function hasAccess(
  gateway: OdooGateway,
  server: OdooServerInfo,
  model: string,
  operation: Operation,
): Promise<boolean | undefined> {
  const attempts: [string, Record<string, unknown>][] =
    server.major >= 18
      ? [
          ['has_access', { operation }],
          ['check_access_rights', { operation, raise_exception: false }],
        ]
      : [['check_access_rights', { operation, raise_exception: false }]];
  for (const [method, kwargs] of attempts) {
    try {
      const answer = await gateway.callOnModel(model, method, kwargs);
      if (typeof answer === 'boolean') return answer;
    } catch (error) {
      if (error instanceof OdooError && error.kind === 'access') return false;
      if (!(error instanceof OdooError && (error.kind === 'not_found' || error.kind === 'invalid')))
        throw error;
    }
  }
  return undefined;
}

async function checkExtras(gateway: OdooGateway, server: OdooServerInfo): Promise<CheckItem[]> {
  const items: CheckItem[] = [];
  const partnerFields = await gateway
    .fieldsGet('res.partner', ['type', 'readonly'])
    .catch(() => ({}) as Record<string, OdooFieldInfo>);
  const absent = Object.keys(TESSERA_PARTNER_FIELDS).filter((f) => !(f in partnerFields));
  items.push({
    area: 'Tessera fields',
    status: absent.length === 0 ? 'ok' : 'warning',
    detail:
      absent.length === 0
        ? 'all x_tessera_* fields present on res.partner'
        : `not on res.partner (scores go to tags and notes only): ${absent.join(', ')}`,
    ...(absent.length > 0
      ? {
          fix: `create them with Studio or Settings > Technical > Fields: ${absent.map((f) => `${f} (${TESSERA_PARTNER_FIELDS[f as keyof typeof TESSERA_PARTNER_FIELDS].type})`).join(', ')}`,
        }
      : {}),
    required: false,
  });
  try {
    const programs = await gateway.searchRead(
      'loyalty.program',
      [['program_type', '=', 'loyalty']],
      ['id', 'name'],
      { limit: 5 },
    );
    const cardFields = await gateway.fieldsGet('loyalty.card', ['type']);
    const history = 'history_ids' in cardFields;
    items.push({
      area: 'loyalty programme',
      status: programs.length > 0 ? 'ok' : 'warning',
      detail:
        programs.length > 0
          ? `${programs.length} loyalty programme(s), first #${programs[0]!.id}; points changes ${history ? 'get a history line (Odoo 18+)' : `are noted in the chatter (no loyalty.history on Odoo ${server.major})`}`
          : 'no loyalty programme: points adjustments will fail',
      ...(programs.length > 0
        ? {}
        : { fix: 'create a programme of type "Loyalty Cards" in Sales > Products > Loyalty' }),
      required: false,
    });
  } catch (error) {
    if (!(error instanceof OdooError && error.kind === 'not_found')) {
      items.push({ area: 'loyalty programme', status: 'error', detail: describe(error), required: false });
    }
  }
  return items;
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Plain-text rendering for the command line. */
export function formatCheckReport(report: CheckReport, label: string): string {
  const mark: Record<CheckStatus, string> = {
    ok: 'ok     ',
    missing: 'MISSING',
    warning: 'warning',
    error: 'ERROR  ',
  };
  const lines = [`Odoo check: ${label}`];
  for (const item of report.items) {
    lines.push(`  ${mark[item.status]} ${item.area.padEnd(22)} ${item.detail}`);
    if (item.fix) lines.push(`          ${''.padEnd(22)} -> ${item.fix}`);
  }
  lines.push(
    report.ready ? 'Ready: Tessera can sync to this Odoo.' : 'Not ready: fix the ERROR lines above.',
  );
  return lines.join('\n');
}
