import type { Node } from 'constructs';
import { z } from 'zod';
import { SIGNING_CHANNEL_SOURCES } from '../lambdas/core/contracts/common.js';
// The survivorship setting's schema is shared with the functions, which read the same JSON at cold start.
import { SurvivorshipSettingSchema } from '../lambdas/core/identity/survivorship.js';

/**
 * Deployment configuration, read from CDK context and validated at synth time so a typo fails `cdk synth`
 * with the key named, rather than a deploy half an hour later.
 *
 * Set values in `cdk.json` under `context.tessera` (an object), or per run with `-c tessera:<key>=<value>`
 * (which wins over cdk.json). Command-line values arrive as strings, so numbers and lists are coerced.
 */

/** Log retention periods CloudWatch Logs accepts (anything else is rejected by the service at deploy time). */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const sourceId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'source ids are lower-case letters, digits and dashes');

/** A list from cdk.json (array) or from the command line (comma-separated string). */
const idList = z.preprocess(
  (value) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0)
      : value,
  z.array(sourceId).refine((ids) => new Set(ids).size === ids.length, 'source ids must be unique'),
);

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** An object from cdk.json, or its JSON text from the command line. */
const jsonText = (value: unknown) => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
};

export const TesseraConfigSchema = z.strictObject({
  stage: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,15}$/, 'a lower-case name of at most 16 characters, such as dev or prod')
    .default('dev')
    .describe(
      'Environment name; prefixes stack, bus and alarm names. `prod` keeps data on stack deletion and turns on table deletion protection.',
    ),
  alarmEmail: z
    .email()
    .optional()
    .describe(
      'Address subscribed to the alarm topic (SNS sends a confirmation mail first). None: alarms only go to the topic.',
    ),
  archiveRetentionDays: int(1, 3650)
    .default(365)
    .describe('Days the event bus archive keeps every event for replay.'),
  logRetentionDays: z.coerce
    .number()
    .refine((n) => (LOG_RETENTION_DAYS as readonly number[]).includes(n), {
      message: `must be one of the periods CloudWatch Logs accepts: ${LOG_RETENTION_DAYS.join(', ')}`,
    })
    .default(30)
    .describe('Days CloudWatch keeps function and API access logs.'),
  maxClockSkewSeconds: int(1, 900)
    .default(300)
    .describe('How far a signed ingest request timestamp may be from the server clock (replay window).'),
  ingestSourceIds: idList
    .default([...SIGNING_CHANNEL_SOURCES])
    .describe(
      'Channel systems allowed to sign ingest requests; each needs a key in the source keys secret (listed in the stack outputs).',
    ),
  documentRetentionDays: int(1, 3650)
    .default(730)
    .describe('Days a return or claim document stays in the documents bucket before it expires.'),
  apiRateLimit: int(1, 10000)
    .default(100)
    .describe('Steady-state requests per second the ingest API accepts before throttling (429).'),
  apiBurstLimit: int(1, 5000)
    .default(200)
    .describe('Burst of concurrent requests the ingest API accepts before throttling (429).'),
  analyticsFitSchedule: z
    .string()
    .regex(
      /^(cron|rate)\(.+\)$/,
      'an EventBridge Scheduler expression such as cron(0 3 * * ? *) or rate(1 day)',
    )
    .default('cron(0 3 * * ? *)')
    .describe(
      'When the analytics job refits the models and rescores every profile (EventBridge Scheduler expression).',
    ),
  analyticsFitTimeZone: z
    .string()
    .regex(/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/, 'an IANA time zone such as Europe/Paris')
    .default('UTC')
    .describe('Time zone of the analytics schedule (IANA name), so a nightly run stays at night.'),
  identityBackfillMaxConcurrency: int(1, 1000)
    .default(10)
    .describe(
      'Batches of 100 history lines the identity backfill resolves at once (Distributed Map MaxConcurrency). Modest so a new on-demand customers table is not throttled; raise it for a table that has served more.',
    ),
  identityBackfillToleratedFailurePercent: int(0, 100)
    .default(5)
    .describe(
      'Share of backfill lines, counted by their batches, that may fail before the run stops; failed batches are kept with their lines and reasons under backfill/results/ either way.',
    ),
  odooUrl: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe(
      "Base URL of the retailer's Odoo (https://...). None: the Odoo sync is not deployed (the synth says so) and its events wait in the bus archive for replay.",
    ),
  odooDatabase: z
    .string()
    .min(1)
    .optional()
    .describe('Odoo database name; needed for JSON-RPC (Odoo 16-18), sent as X-Odoo-Database on JSON-2.'),
  odooLogin: z
    .string()
    .min(1)
    .optional()
    .describe('Login of the Odoo integration user who owns the API key; needed for JSON-RPC (Odoo 16-18).'),
  odooApi: z
    .enum(['auto', 'jsonrpc', 'json2'])
    .default('auto')
    .describe(
      'Which Odoo API the sync speaks: jsonrpc (Odoo 16-18), json2 (Odoo 19+), or auto (asks the server version).',
    ),
  odooSyncMode: z
    .enum(['api', 'webhook', 'both'])
    .default('api')
    .describe(
      'How updates reach Odoo: api (the API key secret), webhook (an automation rule URL kept in the webhook URL secret), or both.',
    ),
  odooLoyaltyProgramId: int(1, 2_147_483_647)
    .optional()
    .describe(
      'Id of the Odoo loyalty programme whose cards receive points. None: the first loyalty-card programme.',
    ),
  approvalSenderAddress: z
    .email()
    .optional()
    .describe(
      'From address of approval emails, on a verified SES identity. None: the interventions workflow is not deployed (the synth says so).',
    ),
  sesIdentity: z
    .string()
    .regex(/^[^\s@]+@[^\s@]+$|^[a-z0-9.-]+\.[a-z]{2,}$/i, 'an email address or a domain name verified in SES')
    .optional()
    .describe(
      "The SES identity (domain or address) the approval emails are sent through; the only one the functions may send as. None: the sender address's domain.",
    ),
  approvalBaseUrl: z
    .url({ protocol: /^https$/ })
    .optional()
    .describe(
      "Base URL of approval links when the API has a custom domain. None: the API's own execute-api URL (/v1/approvals/...).",
    ),
  interventionConfig: z
    .record(z.string(), z.unknown())
    .optional()
    .describe(
      'Playbooks, policy thresholds, holdout share and approvers of the interventions (the shape of lambdas/core/interventions/config.ts), as an object; checked by the functions at cold start. None: the built-in defaults.',
    ),
  identitySurvivorship: z
    .preprocess(jsonText, SurvivorshipSettingSchema)
    .optional()
    .describe(
      'Which value of each attribute the golden record keeps, as an object: `{"attributes": {"email": "most-recent", "givenName": "most-frequent", "address": {"rule": "source-priority", "sources": ["crm", "ecommerce"]}}, "sourcePriority": [...], "default": "most-recent"}` (rules: most-recent, most-frequent, source-priority; a verified value always wins; the address parts survive together). None: the most recent value of every attribute, ties to the source priority crm, loyalty, ecommerce, odoo, pos, service, marketplace, campaigns, documents, backfill.',
    ),
});

export type TesseraConfig = z.infer<typeof TesseraConfigSchema>;

export const CONTEXT_KEY = 'tessera';

export interface SettingDoc {
  /** The key under `context.tessera` in cdk.json, also settable with `-c tessera:<key>=<value>`. */
  readonly key: string;
  /** The default as text ('none' when the setting is optional and unset). */
  readonly default: string;
  readonly description: string;
  readonly setIn: string;
}

const DEFAULTS = TesseraConfigSchema.parse({});

/** Every deployment setting with its default and meaning, for the README's configuration table. */
export const SETTINGS: readonly SettingDoc[] = Object.entries(TesseraConfigSchema.shape).map(
  ([key, field]) => {
    const value = (DEFAULTS as Record<string, unknown>)[key];
    return {
      key,
      default: value === undefined ? 'none' : Array.isArray(value) ? value.join(', ') : String(value),
      description: field.description ?? '',
      setIn: `cdk.json context.${CONTEXT_KEY}.${key}, or -c ${CONTEXT_KEY}:${key}=...`,
    };
  },
);

/** Validates raw settings (as merged from context); throws one error naming every bad key. */
export function parseConfig(raw: Record<string, unknown>): TesseraConfig {
  const parsed = TesseraConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        return `unknown setting ${issue.keys.map((k) => `${CONTEXT_KEY}:${k}`).join(', ')} (known: ${Object.keys(TesseraConfigSchema.shape).join(', ')})`;
      }
      return `${CONTEXT_KEY}:${issue.path.join('.')}: ${issue.message}`;
    });
    throw new Error(`Invalid Tessera configuration: ${problems.join('; ')}`);
  }
  const problems = crossFieldProblems(parsed.data);
  if (problems.length > 0) throw new Error(`Invalid Tessera configuration: ${problems.join('; ')}`);
  return parsed.data;
}

/** Settings that are valid alone but not together. */
function crossFieldProblems(config: TesseraConfig): string[] {
  const problems: string[] = [];
  if (config.odooUrl && config.odooApi === 'jsonrpc') {
    for (const key of ['odooDatabase', 'odooLogin'] as const) {
      if (!config[key]) problems.push(`${CONTEXT_KEY}:${key}: required when odooApi is jsonrpc`);
    }
  }
  const sender = config.approvalSenderAddress?.toLowerCase();
  const identity = config.sesIdentity?.toLowerCase();
  if (identity && !sender) {
    problems.push(`${CONTEXT_KEY}:approvalSenderAddress: required when sesIdentity is set`);
  }
  if (sender && identity) {
    const domain = sender.slice(sender.lastIndexOf('@') + 1);
    const covered = identity.includes('@')
      ? sender === identity
      : domain === identity || domain.endsWith(`.${identity}`);
    if (!covered) {
      problems.push(
        `${CONTEXT_KEY}:approvalSenderAddress: ${sender} is not covered by the SES identity ${identity}`,
      );
    }
  }
  return problems;
}

/** The SES identity approval emails go through: the configured one, else the sender address's domain. */
export function sesIdentityOf(config: TesseraConfig): string | undefined {
  if (config.sesIdentity) return config.sesIdentity;
  const sender = config.approvalSenderAddress;
  return sender ? sender.slice(sender.lastIndexOf('@') + 1) : undefined;
}

/**
 * Reads the configuration from a construct tree's context: the `tessera` object (from cdk.json, or a JSON
 * string from the command line) overlaid with any `tessera:<key>` entries.
 */
export function readConfig(node: Node): TesseraConfig {
  const all = node.getAllContext() as Record<string, unknown>;
  let base = all[CONTEXT_KEY] ?? {};
  if (typeof base === 'string') {
    try {
      base = JSON.parse(base);
    } catch {
      throw new Error(
        `Invalid Tessera configuration: context '${CONTEXT_KEY}' must be an object or a JSON object string`,
      );
    }
  }
  if (typeof base !== 'object' || base === null || Array.isArray(base)) {
    throw new Error(`Invalid Tessera configuration: context '${CONTEXT_KEY}' must be an object`);
  }
  const overrides = Object.fromEntries(
    Object.entries(all)
      .filter(([key]) => key.startsWith(`${CONTEXT_KEY}:`))
      .map(([key, value]) => [key.slice(CONTEXT_KEY.length + 1), value]),
  );
  return parseConfig({ ...(base as Record<string, unknown>), ...overrides });
}

/** Production keeps its data when a stack is deleted; other stages clean up after themselves. */
export const isProduction = (config: TesseraConfig): boolean => config.stage === 'prod';

/** The settings as a Markdown table (for the README), generated so documentation and code cannot differ. */
export function settingsMarkdownTable(): string {
  const cell = (text: string) => text.replaceAll('|', '\\|');
  return [
    '| setting | default | what it does |',
    '|---|---|---|',
    ...SETTINGS.map((s) => `| \`${s.key}\` | ${cell(s.default)} | ${cell(s.description)} |`),
  ].join('\n');
}
