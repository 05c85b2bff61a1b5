import { Logger } from '@aws-lambda-powertools/logger';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { OdooAutomationWebhook } from '../../lambdas/adapters/odoo/automation-webhook.js';
import { SqsFailedUpdateQueue } from '../../lambdas/adapters/odoo/sqs-failed-updates.js';
import { InternalEventType, InternalSource } from '../../lambdas/core/contracts/names.js';
import { type CheckReport, checkOdoo, formatCheckReport } from '../../lambdas/core/odoo/check.js';
import { OdooOperations } from '../../lambdas/core/odoo/operations.js';
import {
  type FailedUpdateQueue,
  type ReplayOutcome,
  replayFailedUpdates,
} from '../../lambdas/core/odoo/replay.js';
import { realRetryEnvironment } from '../../lambdas/core/odoo/retry.js';
import type { OdooSyncMode, SyncReport } from '../../lambdas/core/odoo/sync.js';
import { createOdooSyncHandler } from '../../lambdas/odoo-sync/handler.js';
import { connectOdoo, createLocalOdooSync, type OdooCliOptions } from '../../local/odoo-stand-in/connect.js';

export async function runOdooCheck(options: OdooCliOptions): Promise<{ report: CheckReport; text: string }> {
  const connection = await connectOdoo(options);
  try {
    const report = await checkOdoo(connection.gateway);
    return { report, text: formatCheckReport(report, connection.label) };
  } finally {
    await connection.close();
  }
}

export interface DemoResult {
  readonly text: string;
  readonly reports: SyncReport[];
  /** What an Odoo user sees on the partner afterwards, read back through the API. */
  readonly landed: { tags: string[]; notes: number; activities: number; points: number | undefined };
}

/**
 * Applies one sample approved intervention twice through the Odoo sync handler (the second time is what a
 * redelivered event does) and reads back what landed.
 */
export async function runOdooDemo(
  options: OdooCliOptions & { mode?: OdooSyncMode; customerId?: string },
): Promise<DemoResult> {
  const { handler, connection } = await createLocalOdooSync({
    ...options,
    mode: options.mode ?? 'api',
    contacts: {
      contact: async () => ({ name: 'Demo Customer (Tessera)', email: 'demo.customer@example.com' }),
    },
    logger: new Logger({ serviceName: 'tessera-odoo-demo', logLevel: 'SILENT' }),
  });
  try {
    const customerId = options.customerId ?? 'cus_0000000demo1';
    const now = new Date().toISOString();
    const event: EventBridgeEvent<string, unknown> = {
      version: '0',
      id: `demo-${customerId}`,
      'detail-type': InternalEventType.InterventionApproved,
      source: InternalSource.interventions,
      account: 'local',
      time: now,
      region: 'local',
      resources: [],
      detail: {
        schemaVersion: 1,
        eventId: `demo-${customerId}-approved`,
        occurredAt: now,
        interventionId: `DEMO-${customerId.slice(-6)}`,
        customerId,
        trigger: 'CustomerRiskChanged',
        actions: [
          { type: 'retention_offer', description: '10% off the next order', amount: 15, currency: 'EUR' },
          { type: 'loyalty_compensation', description: 'Compensation for a late delivery', amount: 500 },
        ],
        approvedBy: 'demo',
        autoApproved: true,
      },
    };
    const context = { functionName: 'tessera-odoo-demo', awsRequestId: 'demo' } as Context;
    const received = () => connection.standIn?.received ?? [];
    const WRITES = new Set(['create', 'write', 'unlink', 'message_post', 'activity_schedule']);
    const timed = async () => {
      const before = received().length;
      const started = performance.now();
      const report = await handler(event, context);
      const sent = received().slice(before);
      const writes = sent.filter((r) => WRITES.has(r.method ?? '')).length;
      return { report, ms: performance.now() - started, requests: sent.length, writes };
    };
    const runs = [await timed(), await timed()];
    const reports = runs.map((r) => r.report);
    const partnerId = reports[0]!.partnerId!;
    const g = connection.gateway;
    const [partner] = await g.read('res.partner', [partnerId], ['category_id']);
    const tagIds = Array.isArray(partner?.category_id) ? (partner.category_id as number[]) : [];
    const tags =
      tagIds.length > 0
        ? (await g.read('res.partner.category', tagIds, ['name'])).map((t) => String(t.name))
        : [];
    const notes = await g.searchRead(
      'mail.message',
      [
        ['model', '=', 'res.partner'],
        ['res_id', '=', partnerId],
        ['body', 'ilike', '[tessera:'],
      ],
      ['id'],
    );
    const activities = await g.searchRead(
      'mail.activity',
      [
        ['res_model', '=', 'res.partner'],
        ['res_id', '=', partnerId],
        ['note', 'ilike', '[tessera:'],
      ],
      ['id'],
    );
    const cards = await g
      .searchRead('loyalty.card', [['partner_id', '=', partnerId]], ['points'], { limit: 1 })
      .catch(() => []);
    const landed = {
      tags,
      notes: notes.length,
      activities: activities.length,
      points: cards[0] ? Number(cards[0].points) : undefined,
    };
    const text = [
      `Odoo demo against ${connection.label}`,
      `applied intervention ${String((event.detail as { interventionId: string }).interventionId)} twice to partner #${partnerId}`,
      ...runs.map(
        (run, i) =>
          `  ${i === 0 ? 'first: ' : 'second:'} ${run.ms.toFixed(0)} ms${connection.standIn ? `, ${run.requests} requests (${run.writes} writes)` : ''}: ${run.report.steps.map((s) => `${s.step}=${s.outcome}`).join(', ')}`,
      ),
      `landed once: tags [${tags.join(', ')}], ${landed.notes} note(s), ${landed.activities} activity(ies), loyalty points ${landed.points ?? 'n/a'}`,
      ...(connection.standIn
        ? [
            `the stand-in received ${connection.standIn.received.length} requests (a stand-in, not a real Odoo)`,
          ]
        : []),
    ].join('\n');
    return { text, reports, landed };
  } finally {
    await connection.close();
  }
}

/**
 * Re-drives the Odoo sync's dead-lettered events into the configured (real) Odoo, removing each one that
 * now succeeds. With a webhook URL (ODOO_WEBHOOK_URL) the automation webhook is posted too.
 */
export async function runOdooReplay(
  queue: FailedUpdateQueue,
  options: OdooCliOptions & { max: number; dryRun?: boolean; webhookUrl?: string },
): Promise<{ outcomes: ReplayOutcome[]; text: string }> {
  if (!options.odooUrl)
    throw new Error('replay writes to the real Odoo: set --odoo-url or ODOO_URL (and the API key)');
  const connection = await connectOdoo(options);
  const handler = createOdooSyncHandler({
    mode: options.webhookUrl ? 'both' : 'api',
    operations: new OdooOperations(connection.gateway, { retryEnvironment: realRetryEnvironment }),
    ...(options.webhookUrl ? { webhook: new OdooAutomationWebhook({ url: options.webhookUrl }) } : {}),
    clock: { now: () => new Date() },
    retryEnvironment: realRetryEnvironment,
    logger: new Logger({ serviceName: 'tessera-odoo-replay', logLevel: 'SILENT' }),
  });
  const context = { functionName: 'tessera-odoo-replay', awsRequestId: 'replay' } as Context;
  const outcomes = await replayFailedUpdates(
    queue,
    (event) => handler(event as unknown as EventBridgeEvent<string, unknown>, context),
    options,
  );
  const count = (o: ReplayOutcome['outcome']) => outcomes.filter((x) => x.outcome === o).length;
  const text = [
    `Odoo replay into ${connection.label}: ${count('replayed')} replayed, ${count('failed')} failed (kept in the queue), ${count('skipped')} skipped`,
    ...outcomes
      .filter((o) => o.outcome !== 'replayed')
      .map((o) => `  ${o.outcome} ${o.messageId} ${o.detailType ?? ''}: ${o.reason ?? ''}`),
  ].join('\n');
  return { outcomes, text };
}

const version = (value: string): 17 | 18 | 19 => {
  if (value === '17' || value === '18' || value === '19') return Number(value) as 17 | 18 | 19;
  throw new InvalidArgumentError('the stand-in imitates Odoo 17, 18 or 19');
};

function connectionOptions(command: Command): Command {
  return command
    .option('--odoo-url <url>', 'a real Odoo (default: $ODOO_URL; without one, the Odoo stand-in)')
    .option('--database <name>', 'database name (default: $ODOO_DATABASE; required for JSON-RPC)')
    .option('--login <login>', "the API key's user (default: $ODOO_LOGIN; JSON-RPC only)")
    .option('--api-key-env <var>', 'environment variable holding the API key', 'ODOO_API_KEY')
    .addOption(
      new Option('--api <api>', 'which API to speak').choices(['auto', 'jsonrpc', 'json2']).default('auto'),
    )
    .option(
      '--stand-in-version <v>',
      'Odoo version the stand-in imitates when no URL is given',
      version,
      17 as const,
    );
}

function cliOptions(raw: Record<string, unknown>): OdooCliOptions {
  const env = process.env;
  const url = (raw.odooUrl as string | undefined) ?? env.ODOO_URL;
  const database = (raw.database as string | undefined) ?? env.ODOO_DATABASE;
  const login = (raw.login as string | undefined) ?? env.ODOO_LOGIN;
  const apiKey = env[String(raw.apiKeyEnv ?? 'ODOO_API_KEY')];
  return {
    ...(url ? { odooUrl: url } : {}),
    ...(database ? { database } : {}),
    ...(login ? { login } : {}),
    ...(apiKey ? { apiKey } : {}),
    api: raw.api as 'auto' | 'jsonrpc' | 'json2',
    standInVersion: raw.standInVersion as 17 | 18 | 19,
  };
}

export function registerOdooCommands(program: Command): void {
  const odoo = program
    .command('odoo')
    .description('the Odoo integration: check a server, run the sync demo, replay failed updates');
  connectionOptions(
    odoo
      .command('check')
      .description(
        'report the server version, whether authentication works, which models and fields Tessera needs are there and writable, and what to install',
      ),
  )
    .option('--json', 'print the report as JSON')
    .action(async (raw: Record<string, unknown>) => {
      const { report, text } = await runOdooCheck(cliOptions(raw));
      console.log(raw.json ? JSON.stringify(report, null, 2) : text);
      if (!report.ready) process.exitCode = 1;
    });
  connectionOptions(
    odoo
      .command('demo')
      .description(
        'apply a sample approved intervention twice and show that it landed once (stand-in unless --odoo-url)',
      ),
  )
    .addOption(
      new Option('--mode <mode>', 'API calls only, or also the automation webhook (stand-in only)')
        .choices(['api', 'both'])
        .default('api'),
    )
    .action(async (raw: Record<string, unknown>) => {
      const { text } = await runOdooDemo({ ...cliOptions(raw), mode: raw.mode as OdooSyncMode });
      console.log(text);
    });
  connectionOptions(
    odoo
      .command('replay')
      .description(
        "re-drive the Odoo sync's failed updates from its dead-letter queue into Odoo (safe to repeat)",
      ),
  )
    .requiredOption('--queue-url <url>', "the Odoo sync's dead-letter queue (SQS URL)")
    .option(
      '--max <n>',
      'replay at most this many updates',
      (v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('--max must be a positive integer');
        return n;
      },
      100,
    )
    .option('--dry-run', 'list what would be replayed without touching Odoo or the queue')
    .action(async (raw: Record<string, unknown>) => {
      const queue = new SqsFailedUpdateQueue(new SQSClient({}), String(raw.queueUrl));
      const webhookUrl = process.env.ODOO_WEBHOOK_URL;
      const { outcomes, text } = await runOdooReplay(queue, {
        ...cliOptions(raw),
        max: raw.max as number,
        dryRun: raw.dryRun === true,
        ...(webhookUrl ? { webhookUrl } : {}),
      });
      console.log(text);
      if (outcomes.some((o) => o.outcome === 'failed')) process.exitCode = 1;
    });
}

export { connectOdoo, type OdooCliOptions };
