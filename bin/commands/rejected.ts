import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { DEFAULT_INGEST_LIMITS } from '../../lambdas/core/ingest/ingest-batch.js';
import type { EventLedger, RejectedEvent, RejectedEventStore } from '../../lambdas/core/ingest/ports.js';
import { redriveRejected } from '../../lambdas/core/ingest/redrive.js';
import type { EventPublisher } from '../../lambdas/core/ports.js';
import { withLocalRuntime } from '../local-session.js';

interface StateOption {
  stateDir: string;
  aws?: boolean;
  table?: string;
  bus?: string;
}

/** Where the rejected events are: the local state, or the deployed ingest table and bus. */
interface IngestSession {
  readonly rejected: RejectedEventStore;
  readonly ledger: EventLedger;
  readonly publisher: EventPublisher;
  /** Lets what a re-drive published be delivered (locally), before the session closes. */
  settle(): Promise<void>;
}

async function withIngestSession<T>(
  options: StateOption,
  run: (session: IngestSession) => Promise<T>,
): Promise<T> {
  if (!options.aws) {
    return withLocalRuntime(resolve(options.stateDir), (runtime) =>
      run({ ...runtime, settle: () => runtime.bus.drain() }),
    );
  }
  const table = options.table ?? process.env.TESSERA_INGEST_TABLE;
  const bus = options.bus ?? process.env.TESSERA_EVENT_BUS;
  if (!table || !bus) {
    throw new Error(
      '--aws needs --table (stack output IngestTableName) and --bus (EventBusName), or TESSERA_INGEST_TABLE and TESSERA_EVENT_BUS',
    );
  }
  // Credentials and region come from the usual AWS chain (profile, environment, SSO).
  const [
    { DynamoDBClient },
    { DynamoDBDocumentClient },
    { EventBridgeClient },
    stores,
    { EventBridgePublisher },
  ] = await Promise.all([
    import('@aws-sdk/client-dynamodb'),
    import('@aws-sdk/lib-dynamodb'),
    import('@aws-sdk/client-eventbridge'),
    import('../../lambdas/adapters/dynamodb/ingest-store.js'),
    import('../../lambdas/adapters/eventbridge/event-publisher.js'),
  ]);
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return run({
    rejected: new stores.DynamoRejectedEventStore(doc, table),
    ledger: new stores.DynamoEventLedger(doc, table),
    publisher: new EventBridgePublisher(new EventBridgeClient({}), bus),
    settle: async () => undefined,
  });
}

const awsOptions = (command: Command) =>
  command
    .option('--aws', 'work on the deployed stack instead of the local state', false)
    .option('--table <name>', 'with --aws: the ingest table (stack output IngestTableName)')
    .option('--bus <name>', 'with --aws: the event bus (stack output EventBusName)');

const days = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 90) throw new InvalidArgumentError('must be 1..90 days');
  return n;
};

/** `tessera events rejected ...`: what ingestion refused, why, and a way to send it again. */
export function registerRejectedCommands(program: Command): void {
  const events = program.commands.find((c) => c.name() === 'events') ?? program.command('events');
  const rejected = events
    .command('rejected')
    .description('events that ingestion refused, kept with their reasons');

  awsOptions(rejected.command('list'))
    .description('list rejected events, newest first')
    .option('--days <n>', 'how many days back', days, 14)
    .option('--limit <n>', 'at most this many', (v) => Number(v), 50)
    .option('--json', 'one JSON object per line', false)
    .option('--state-dir <dir>', 'local state folder', '.tessera')
    .action(async (options: StateOption & { days: number; limit: number; json: boolean }) => {
      await withIngestSession(options, async (runtime) => {
        const since = new Date(Date.now() - options.days * 86_400_000);
        const page = await runtime.rejected.list({ limit: options.limit, since });
        if (options.json) {
          for (const item of page.items) console.log(JSON.stringify(item));
          return;
        }
        if (page.items.length === 0) console.log(`no rejected events in the last ${options.days} days`);
        for (const item of page.items) console.log(describe(item));
      });
    });

  awsOptions(rejected.command('show'))
    .description('print one rejected event as it was received, with its reasons')
    .argument('<rejection-id>')
    .option('--state-dir <dir>', 'local state folder', '.tessera')
    .action(async (id: string, options: StateOption) => {
      await withIngestSession(options, async (runtime) => {
        const item = await runtime.rejected.get(id);
        if (!item) throw new Error(`no rejected event ${id}`);
        console.log(JSON.stringify({ ...item, rawEvent: tryParse(item.rawEvent) }, null, 2));
      });
    });

  awsOptions(rejected.command('redrive'))
    .description('send a rejected event through ingestion again, as stored or corrected from a file')
    .argument('<rejection-id>')
    .option('--corrected <file>', 'a corrected copy of the event (JSON) to send instead')
    .option('--state-dir <dir>', 'local state folder', '.tessera')
    .action(async (id: string, options: StateOption & { corrected?: string }) => {
      const corrected = options.corrected ? await readFile(resolve(options.corrected), 'utf8') : undefined;
      const ok = await withIngestSession(options, async (runtime) => {
        const item = await runtime.rejected.get(id);
        if (!item) throw new Error(`no rejected event ${id}`);
        const result = await redriveRejected(item, corrected, new Date(), {
          ledger: runtime.ledger,
          rejected: runtime.rejected,
          publisher: runtime.publisher,
          limits: DEFAULT_INGEST_LIMITS,
        });
        await runtime.settle();
        if (result.ok) console.log(`${id}: re-driven (${result.verdict.status})`);
        else console.error(`${id}: still refused: ${result.reasons.join('; ')}`);
        return result.ok;
      });
      if (!ok) process.exitCode = 1;
    });
}

function describe(item: RejectedEvent): string {
  const what = [item.detailType, item.eventId].filter(Boolean).join(' ');
  const state = item.redrivenAt ? ` [re-driven ${item.redrivenAt}]` : '';
  return `${item.rejectionId}  ${item.sourceId}  ${what || '(unreadable)'}${state}\n    ${item.reasons.join('\n    ')}`;
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
