import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { dirname, resolve } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import type { Command } from 'commander';
import { DynamoIdentityStore } from '../../lambdas/adapters/dynamodb/identity-store.js';
import { DynamoIdentityReviewQueue, reviewIdOf } from '../../lambdas/adapters/dynamodb/review-queue.js';
import type { OutgoingEvent } from '../../lambdas/core/contracts/envelope.js';
import { ChannelEventType, channelSource } from '../../lambdas/core/contracts/names.js';
import { DEFAULT_IDENTITY_CONFIG, identityConfig } from '../../lambdas/core/identity/config.js';
import { parseCsvObjects } from '../../lambdas/core/identity/csv.js';
import {
  attributesFromRow,
  evaluateClusters,
  parseColumnMap,
} from '../../lambdas/core/identity/evaluation.js';
import { normaliseAttributes } from '../../lambdas/core/identity/normalise.js';
import { AWS_PRICES, costPerMillionEvents } from '../../lambdas/core/identity/pricing.js';
import { rootOf } from '../../lambdas/core/identity/resolve.js';
import {
  customerErasedEvent,
  customerSplitEvent,
  eraseCustomer,
  splitRecord,
} from '../../lambdas/core/identity/split.js';
import { ERASED_RECORD_KEY, IdentityReviewError } from '../../lambdas/core/identity/store.js';
import { parseModelParameters, trainModel } from '../../lambdas/core/identity/train.js';
import type { EventPublisher, PublishOutcome } from '../../lambdas/core/ports.js';
import { systemClock } from '../../lambdas/core/ports.js';
import { createIdentityHandler, identityRecord } from '../../lambdas/identity/handler.js';
import { createLocalIdentityReviewService } from '../../local/composition.js';
import { startLocalDynamo } from '../../local/dynamodb.js';
import type { LocalRuntime } from '../../local/runtime.js';
import { acquireStateLock, LocalStateInUseError, localStatePaths } from '../../local/state.js';
import { wholeNumber } from './options.js';

/** Lambda settings the cost figure assumes for the identity consumer (1 GB as in lib/constructs/identity.ts; printed with the result). */
const COST_ASSUMPTIONS = { lambdaMemoryGb: 1, lambdaMsPerEvent: 60 } as const;

const context = {
  functionName: 'tessera-identity-eval',
  awsRequestId: 'eval',
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;

class CountingPublisher implements EventPublisher {
  count = 0;
  async publish(events: readonly OutgoingEvent[]): Promise<readonly PublishOutcome[]> {
    this.count += events.length;
    return events.map((_, i) => ({ ok: true, busEventId: `local-${this.count}-${i}` }));
  }
}

const sourceIdSafe = (value: string) => value.replace(/[^\x21-\x7e]/g, '').slice(0, 128);

interface EvalOptions {
  readonly input: string;
  readonly idCol: string;
  readonly truthCol: string;
  readonly sourceCol?: string;
  readonly map: string;
  readonly json?: boolean;
  readonly concurrency: string;
  readonly dedupeWithinSources?: boolean;
  /** Parameters written by `tessera identity train`; the shipped defaults when absent. */
  readonly model?: string;
}

async function loadModel(file: string | undefined) {
  return file === undefined
    ? DEFAULT_IDENTITY_CONFIG.model
    : parseModelParameters(JSON.parse(await readFile(resolve(file), 'utf8')));
}

async function readRows(file: string, required: readonly string[]) {
  const { header, rows } = parseCsvObjects(await readFile(resolve(file), 'utf8'));
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new Error(
      `${file} has no column ${missing.map((c) => JSON.stringify(c)).join(', ')} (columns: ${header.join(', ')})`,
    );
  }
  return rows;
}

/** Turns a CSV row into the channel event a source system would send for it. */
function rowEvent(
  row: Record<string, string>,
  index: number,
  sender: string,
  map: ReturnType<typeof parseColumnMap>,
) {
  const a = attributesFromRow(row, map);
  const address = {
    streetNumber: a.streetNumber,
    street: a.street,
    line2: a.addressLine2,
    city: a.city,
    postcode: a.postcode,
    state: a.state,
    country: a.country,
  };
  const hasAddress = Object.values(address).some((v) => v !== undefined);
  const customer = {
    sourceSystem: 'backfill',
    sourceCustomerId: a.sourceCustomerId ? sourceIdSafe(a.sourceCustomerId) || undefined : undefined,
    givenName: a.givenName,
    familyName: a.familyName,
    fullName: a.fullName,
    email: a.email,
    phone: a.phone,
    birthDate: a.birthDate,
    gender: a.gender,
    ...(hasAddress ? { address } : {}),
    loyaltyId: a.loyaltyId ? sourceIdSafe(a.loyaltyId) || undefined : undefined,
    nationalId: a.nationalId,
  };
  const event: EventBridgeEvent<string, unknown> = {
    version: '0',
    id: `eval-${index}`,
    'detail-type': ChannelEventType.CustomerProfileUpdated,
    source: channelSource(sender),
    account: '000000000000',
    time: new Date(Date.UTC(2025, 0, 1) + index * 1000).toISOString(),
    region: 'local',
    resources: [],
    detail: {
      schemaVersion: 1,
      eventId: `row-${index}`,
      occurredAt: new Date(Date.UTC(2025, 0, 1) + index * 1000).toISOString(),
      customer: JSON.parse(JSON.stringify(customer)),
    },
  };
  return event;
}

export async function evalIdentity(options: EvalOptions) {
  const map = parseColumnMap(options.map);
  const rows = await readRows(options.input, [
    options.idCol,
    options.truthCol,
    ...(options.sourceCol ? [options.sourceCol] : []),
    ...Object.values(map).map(String),
  ]);
  const senderOf = (row: Record<string, string>) =>
    options.sourceCol ? `eval-${sourceIdSafe(row[options.sourceCol] ?? '') || 'none'}` : 'eval';
  const senders = [...new Set(rows.map(senderOf))];
  // FEBRL 4 style linkage: each source lists a person at most once, so its records are never linked together.
  const config = identityConfig({
    duplicateFreeSources: options.sourceCol && !options.dedupeWithinSources ? senders : [],
    model: await loadModel(options.model),
  });
  // A fresh in-memory dynalite in its own process: the database gets the other core, so the evaluation
  // measures the resolver rather than the two sharing one event loop.
  const dynamo = await startLocalDynamo();
  try {
    const store = new DynamoIdentityStore(dynamo.doc, dynamo.tables.customers);
    const publisher = new CountingPublisher();
    const handler = createIdentityHandler({
      identity: store,
      profiles: store,
      publisher,
      config,
      clock: systemClock,
      logger: new Logger({ serviceName: 'tessera-identity-eval', logLevel: 'SILENT' }),
    });
    const events = rows.map((row, i) => rowEvent(row, i, senderOf(row), map));
    const concurrency = Math.max(1, Number(options.concurrency) || 1);
    let next = 0;
    const started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let i = next++; i < events.length; i = next++) await handler(events[i]!, context);
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const units = { read: store.capacity.read, write: store.capacity.write };

    // Read back in batches, each profile's root once: row by row, the read-out of 50,000 rows took minutes.
    const predicted = new Map<string, string>();
    const truth = new Map<string, string>();
    const roots = new Map<string, Promise<string>>();
    const rootOnce = (id: string) => {
      const known = roots.get(id);
      if (known !== undefined) return known;
      const root = rootOf(store, id).then((node) => node.customerId);
      roots.set(id, root);
      return root;
    };
    for (let start = 0; start < rows.length; start += 100) {
      const slice = events.slice(start, start + 100);
      const records = await store.getRecords(
        slice.map((event) => identityRecord(event.source, event.detail as never).recordKey),
      );
      for (const [j, record] of records.entries()) {
        const i = start + j;
        const key = `${i}:${rows[i]![options.idCol]}`;
        truth.set(key, rows[i]![options.truthCol] ?? '');
        predicted.set(key, record?.customerId ? await rootOnce(record.customerId) : `unresolved:${key}`);
      }
    }
    const scores = evaluateClusters(predicted, truth);
    const requestUnits = { readPerEvent: units.read / rows.length, writePerEvent: units.write / rows.length };
    const busEventsPerEvent = 1 + publisher.count / rows.length;
    const cost = costPerMillionEvents(requestUnits, { ...COST_ASSUMPTIONS, busEventsPerEvent });
    const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;
    const score = (s: { precision: number; recall: number; f1: number }) => ({
      precision: round(s.precision),
      recall: round(s.recall),
      f1: round(s.f1),
    });
    return {
      records: rows.length,
      clusters: scores.clusters,
      pairwise: score(scores.pairwise),
      bcubed: score(scores.bcubed),
      eventsPerSecond: round(rows.length / seconds, 1),
      requestUnits: {
        readPerEvent: round(requestUnits.readPerEvent, 2),
        writePerEvent: round(requestUnits.writePerEvent, 2),
      },
      costPerMillionEvents: cost.total,
      costBreakdown: {
        ...cost,
        assumptions: { ...COST_ASSUMPTIONS, busEventsPerEvent: round(busEventsPerEvent, 3) },
        prices: AWS_PRICES,
      },
    };
  } finally {
    await dynamo.close();
  }
}

/** The local state's customers table, locked like `tessera local` locks it: a second LevelDB opener crashes. */
async function openLocalStore(stateDir: string) {
  const paths = localStatePaths(resolve(stateDir));
  const release = await acquireStateLock(paths.root);
  try {
    const local = await startLocalDynamo({ path: paths.dynamodb });
    const dynamo = {
      close: async () => {
        await local.close();
        await release();
      },
    };
    return {
      dynamo,
      store: new DynamoIdentityStore(local.doc, local.tables.customers),
      reviews: new DynamoIdentityReviewQueue(local.doc, local.tables.customers),
    };
  } catch (error) {
    await release();
    throw error;
  }
}

/**
 * For the commands that change the identity graph (split, decide, erase): the local state opened with its
 * runtime, the same bus and consumers as `tessera local`, so the change is announced on the local bus as
 * the cloud would announce it, and the consumers (Odoo sync, ...) have received it when the command returns.
 */
async function withLocalIdentity<T>(
  stateDir: string,
  command: string,
  run: (local: {
    readonly runtime: LocalRuntime;
    readonly store: DynamoIdentityStore;
    readonly announce: (change: string, events: readonly OutgoingEvent[]) => Promise<void>;
  }) => Promise<T>,
): Promise<T> {
  // Loaded here, not at the top: eval-identity and train should not pay for the whole runtime.
  const { withLocalRuntime } = await import('../local-session.js');
  try {
    return await withLocalRuntime(resolve(stateDir), async (runtime) => {
      const result = await run({
        runtime,
        store: new DynamoIdentityStore(runtime.dynamo.doc, runtime.dynamo.tables.customers),
        announce: async (change, events) => {
          const outcomes = await runtime.publisher.publish(events);
          const failed = outcomes.flatMap((o, i) =>
            o.ok ? [] : [`${events[i]?.detailType}: ${o.errorMessage}`],
          );
          if (failed.length > 0) {
            throw new Error(
              `${change} was made in ${stateDir}, but the local bus refused ${failed.join('; ')}; consumers have not heard of it`,
            );
          }
        },
      });
      // Delivered before the runtime stops: its stop closes the consumers' connections (the Odoo stand-in)
      // before it drains the bus, which would send what is still in flight to the dead letters.
      await runtime.bus.drain();
      for (const letter of runtime.bus.deadLettered()) {
        console.error(
          `${letter.event['detail-type']} was not delivered to ${letter.route} (${letter.error}); it is kept in ${runtime.paths?.deadLetters ?? 'the dead letters'}`,
        );
      }
      return result;
    });
  } catch (error) {
    if (error instanceof LocalStateInUseError) {
      throw new Error(
        `\`tessera identity ${command}\` changes the local state in ${error.root}, which a running \`tessera local\` (process ${error.owner}) holds: ` +
          'stop it (Ctrl-C in its terminal), run this command again, then start `tessera local` again. Nothing was changed.',
      );
    }
    throw error;
  }
}

/** Loggers for what the CLI composes: it prints its own results, the use cases' logs would only repeat them. */
const silentLogger = (serviceName: string) => new Logger({ serviceName, logLevel: 'SILENT' });

export function registerIdentityCommands(program: Command): void {
  program
    .command('eval-identity')
    .description(
      'Stream a labelled CSV of people through the identity consumer on a fresh local DynamoDB and score it',
    )
    .requiredOption('--input <file>', 'CSV file with a header row')
    .requiredOption('--id-col <column>', 'record id column')
    .requiredOption('--truth-col <column>', 'true cluster (person) column')
    .option('--source-col <column>', 'source column; each source is taken as duplicate-free (linkage)')
    .option('--dedupe-within-sources', 'with --source-col, still link records of the same source')
    .requiredOption(
      '--map <pairs>',
      'canonical=column pairs, e.g. givenName=first_name,familyName=surname,birthDate=dob',
    )
    .option('--concurrency <n>', 'events handled at once (the resolver is safe under concurrency)', '4')
    .option('--model <file>', 'm/u parameters from `tessera identity train` (default: the shipped ones)')
    .option('--json', 'print only the JSON result')
    .action(async (options: EvalOptions) => {
      const result = await evalIdentity(options);
      if (options.json) console.log(JSON.stringify(result));
      else console.log(JSON.stringify(result, null, 2));
    });

  const identity = program.command('identity').description('Identity resolution: train, explain, review');

  identity
    .command('train')
    .description('Fit the m and u probabilities by EM on a CSV of people (no labels needed) and store them')
    .requiredOption('--input <file>', 'CSV file with a header row')
    .requiredOption('--map <pairs>', 'canonical=column pairs, as for eval-identity')
    .option('--out <file>', 'where to write the model', '.tessera/identity-model.json')
    .option('--aws', 'also store it in the deployed customers table, for the identity functions to load')
    .option('--table <name>', 'with --aws: the CustomersTableName stack output')
    .option('--region <region>', 'with --aws: the stack region (default: the AWS SDK configuration)')
    .action(
      async (options: {
        input: string;
        map: string;
        out: string;
        aws?: boolean;
        table?: string;
        region?: string;
      }) => {
        if (options.aws && !options.table)
          throw new Error('--aws needs --table <CustomersTableName stack output>');
        const map = parseColumnMap(options.map);
        const rows = await readRows(options.input, Object.values(map).map(String));
        const records = rows.map(
          (row) => normaliseAttributes(attributesFromRow(row, map), DEFAULT_IDENTITY_CONFIG).attributes,
        );
        const result = trainModel(records, DEFAULT_IDENTITY_CONFIG.model);
        parseModelParameters(result.model);
        await mkdir(dirname(resolve(options.out)), { recursive: true });
        await writeFile(resolve(options.out), `${JSON.stringify(result.model, null, 2)}\n`);
        console.log(
          `trained on ${records.length} records: ${result.candidatePairs} candidate pairs, ${result.randomPairs} random pairs, ` +
            `${result.iterations} EM iterations, estimated match share ${result.matchShare.toFixed(4)}; wrote ${options.out}`,
        );
        if (options.aws && options.table) {
          const [{ DynamoDBClient }, { DynamoDBDocumentClient }, { pushIdentityModel }] = await Promise.all([
            import('@aws-sdk/client-dynamodb'),
            import('@aws-sdk/lib-dynamodb'),
            import('./identity-aws.js'),
          ]);
          const doc = DynamoDBDocumentClient.from(
            new DynamoDBClient(options.region ? { region: options.region } : {}),
          );
          await pushIdentityModel({
            doc,
            table: options.table,
            model: result.model,
            records: records.length,
            now: new Date(),
          });
          console.log(`stored in ${options.table}: the identity functions use it from their next cold start`);
        }
      },
    );

  identity
    .command('explain')
    .description('Show, for each record of a profile, the evidence it was linked on')
    .argument('<customerId>', 'a Tessera customer id (cus_...)')
    .option('--state-dir <dir>', 'local state directory', '.tessera')
    .action(async (customerId: string, options: { stateDir: string }) => {
      const { dynamo, store } = await openLocalStore(options.stateDir);
      try {
        if (!(await store.getCustomer(customerId)))
          throw new Error(`no profile ${customerId} in ${options.stateDir}`);
        const root = (await rootOf(store, customerId)).customerId;
        const ids = [root];
        for (let i = 0; i < ids.length; i++) ids.push(...(await store.listAbsorbed(ids[i]!)));
        console.log(`profile ${root}${root !== customerId ? ` (${customerId} redirects here)` : ''}`);
        for (const id of ids) {
          for (const key of await store.listMembers(id)) {
            const record = await store.getRecord(key);
            const d = record?.decision;
            console.log(`\n  record ${key}  (profile ${id})  decision: ${d?.outcome ?? 'unknown'}`);
            if (!d?.best) continue;
            console.log(
              `    compared with ${d.best.recordKey === ERASED_RECORD_KEY ? 'a record erased since (right to erasure)' : d.best.recordKey}: total ${d.best.evidence.total} (link threshold ${d.threshold})`,
            );
            for (const c of d.best.evidence.comparisons) {
              console.log(
                `      ${c.comparison.padEnd(13)} ${c.level.padEnd(11)} ${c.weight.toFixed(2).padStart(7)}${c.note ? `  ${c.note}` : ''}`,
              );
            }
            for (const p of d.best.evidence.protections)
              console.log(`      protection: ${p.rule}${p.veto ? ' (veto)' : ''}`);
          }
        }
      } finally {
        await dynamo.close();
      }
    });

  identity
    .command('split')
    .description(
      'Move a wrongly linked source record into a profile of its own; later events do not merge it back',
    )
    .argument('<recordKey>', 'the record key shown by explain')
    .option('--state-dir <dir>', 'local state directory', '.tessera')
    .action(async (recordKey: string, options: { stateDir: string }) => {
      await withLocalIdentity(options.stateDir, 'split', async ({ store, announce }) => {
        const result = await splitRecord(recordKey, store, DEFAULT_IDENTITY_CONFIG);
        await announce(`the split of ${recordKey}`, [customerSplitEvent(result, systemClock.now())]);
        console.log(JSON.stringify(result));
      });
    });

  identity
    .command('backfill')
    .description(
      'Load history: stream a JSONL file of channel events through the identity consumer on the local DynamoDB',
    )
    .argument('<file>', 'one event per line: {"detailType": ..., "detail": {...}} or an EventBridge envelope')
    .option('--source <id>', 'the sender the events are attributed to', 'backfill')
    .option('--state-dir <dir>', 'local state directory', '.tessera')
    .option('--concurrency <n>', 'events handled at once', '4')
    .option('--aws', 'upload the file and run it on the deployed Distributed Map instead of locally')
    .option('--state-machine <arn>', 'with --aws: the IdentityBackfillStateMachineArn stack output')
    .option('--bucket <name>', 'with --aws: the DocumentsBucketName stack output')
    .action(
      async (
        file: string,
        options: {
          source: string;
          stateDir: string;
          concurrency: string;
          aws?: boolean;
          stateMachine?: string;
          bucket?: string;
        },
      ) => {
        if (options.aws) {
          if (!options.stateMachine || !options.bucket) {
            throw new Error(
              '--aws needs --state-machine <IdentityBackfillStateMachineArn> and --bucket <DocumentsBucketName>',
            );
          }
          const [{ S3Client }, { SFNClient }, { regionOfArn, startAwsBackfill }] = await Promise.all([
            import('@aws-sdk/client-s3'),
            import('@aws-sdk/client-sfn'),
            import('./identity-aws.js'),
          ]);
          const region = regionOfArn(options.stateMachine);
          const started = await startAwsBackfill({
            text: await readFile(resolve(file), 'utf8'),
            fileName: file,
            stateMachineArn: options.stateMachine,
            bucket: options.bucket,
            source: options.source,
            s3: new S3Client({ region }),
            sfn: new SFNClient({ region }),
            now: new Date(),
          });
          console.log(
            JSON.stringify({ file, ...started, results: `s3://${options.bucket}/backfill/results/` }),
          );
          return;
        }
        const lines = (await readFile(resolve(file), 'utf8')).split('\n');
        const { dynamo, store } = await openLocalStore(options.stateDir);
        try {
          const handler = createIdentityHandler({
            identity: store,
            profiles: store,
            publisher: new CountingPublisher(),
            config: DEFAULT_IDENTITY_CONFIG,
            clock: systemClock,
            logger: new Logger({ serviceName: 'tessera-identity-backfill', logLevel: 'WARN' }),
          });
          const counts: Record<string, number> = {};
          const failures: string[] = [];
          let next = 0;
          await Promise.all(
            Array.from({ length: Math.max(1, Number(options.concurrency) || 1) }, async () => {
              for (let i = next++; i < lines.length; i = next++) {
                const line = lines[i]!.trim();
                if (line === '') continue;
                try {
                  const raw = JSON.parse(line) as Record<string, unknown>;
                  const event = {
                    version: '0',
                    id: `backfill-${i + 1}`,
                    'detail-type': String(raw['detail-type'] ?? raw.detailType),
                    source: typeof raw.source === 'string' ? raw.source : channelSource(options.source),
                    account: '000000000000',
                    time: new Date().toISOString(),
                    region: 'local',
                    resources: [],
                    detail: raw.detail,
                  };
                  const result = await handler(event, context);
                  const key = result.status === 'resolved' ? result.outcome : result.status;
                  counts[key] = (counts[key] ?? 0) + 1;
                } catch (error) {
                  counts.failed = (counts.failed ?? 0) + 1;
                  failures.push(`line ${i + 1}: ${error instanceof Error ? error.message : String(error)}`);
                }
              }
            }),
          );
          console.log(JSON.stringify({ file, ...counts }));
          for (const f of failures.slice(0, 20)) console.error(f);
          if (failures.length > 0) process.exitCode = 1;
        } finally {
          await dynamo.close();
        }
      },
    );

  identity
    .command('erase')
    .description(
      "Right to erasure: remove a person's data everywhere, leaving tombstones so replays do not bring it back",
    )
    .argument('<customerId>', 'a Tessera customer id (cus_...)')
    .option('--state-dir <dir>', 'local state directory', '.tessera')
    .action(async (customerId: string, options: { stateDir: string }) => {
      await withLocalIdentity(options.stateDir, 'erase', async ({ store, announce }) => {
        const result = await eraseCustomer(customerId, store, store);
        await announce(`the erasure of ${result.customerId}`, [
          customerErasedEvent(result.customerId, systemClock.now()),
        ]);
        console.log(JSON.stringify(result));
      });
    });

  identity
    .command('decide')
    .description('Accept (merge) or reject (keep apart for good) a possible match from the review queue')
    .argument('<reviewId>', 'the id shown by review')
    .argument('<verdict>', 'accept or reject')
    .option('--reviewer <name>', 'who decided (kept with the decision)', userInfo().username)
    .option('--state-dir <dir>', 'local state directory', '.tessera')
    .action(async (reviewId: string, verdict: string, options: { stateDir: string; reviewer: string }) => {
      if (verdict !== 'accept' && verdict !== 'reject')
        throw new Error(`verdict must be accept or reject, not ${verdict}`);
      await withLocalIdentity(options.stateDir, 'decide', async ({ runtime }) => {
        // The review API's use case, composed as the local API composes it, so that the CLI decides as the
        // API does: exactly once, audited, the absorbed profile folded into the survivor and CustomersMerged
        // kept in its outbox until published.
        const review = createLocalIdentityReviewService(
          { dynamo: runtime.dynamo, publisher: runtime.publisher, clock: systemClock, logger: silentLogger },
          silentLogger('tessera-identity-review'),
        );
        // `identity review` shows the queue's item keys; the API shows them base64url-encoded.
        const id = reviewId.includes('#') ? reviewIdOf(reviewId) : reviewId;
        try {
          console.log(JSON.stringify(await review.decide(id, verdict, options.reviewer)));
        } catch (error) {
          if (error instanceof IdentityReviewError)
            throw new Error(`${error.message} (in ${options.stateDir})`);
          throw error;
        }
      });
    });

  identity
    .command('review')
    .description('List possible matches waiting for a person')
    .option('--state-dir <dir>', 'local state directory', '.tessera')
    .option('--limit <n>', 'how many', wholeNumber('--limit', 1), 50)
    .action(async (options: { stateDir: string; limit: number }) => {
      const { dynamo, reviews } = await openLocalStore(options.stateDir);
      try {
        const page = await reviews.list(options.limit);
        if (page.items.length === 0) console.log('No possible matches are waiting for a person.');
        for (const item of page.items) {
          console.log(
            `${item.reviewId}\n    ${item.recordKey} ~ ${item.candidateRecordKey}  ${item.customerId} / ${item.candidateCustomerId}  weight ${item.evidence.total}  ${item.reason}`,
          );
        }
        if (page.nextCursor !== undefined) {
          console.log(`(the oldest ${page.items.length}; more may be waiting: raise --limit)`);
        }
      } finally {
        await dynamo.close();
      }
    });
}
