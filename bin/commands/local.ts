import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { isReadMethod } from '../../lambdas/adapters/odoo/odoo-gateway.js';
import { MAX_DROPOUT_CONCENTRATION } from '../../lambdas/core/analytics/bgnbd.js';
import { CHANNEL_SOURCE_PREFIX, InternalSource } from '../../lambdas/core/contracts/names.js';
import { costPerMillionEvents, IDENTITY_CONSUMER_LAMBDA } from '../../lambdas/core/identity/pricing.js';
import type { ChannelEventLine } from '../../local/channel-client.js';
import { type DemoStream, demoEventStream } from '../../local/demo.js';
import { fitModelsNow, writeLocalReport } from '../../local/demo-analytics.js';
import { type DocumentsDemoSummary, runDocumentsDemo } from '../../local/documents/documents-demo.js';
import { readEventFile, type StreamTotals, sendEventStream } from '../../local/event-stream.js';
import type { OdooCliOptions } from '../../local/odoo-stand-in/connect.js';
import { ProgressBar } from '../../local/progress.js';
import { type LocalRuntime, startLocalRuntime } from '../../local/runtime.js';
import { type SettleResult, settle } from '../../local/settle.js';
import { resetLocalState } from '../../local/state.js';
import { wholeNumber } from './options.js';

interface LocalOptions {
  once: boolean;
  events?: string;
  customers: number;
  seed: number;
  port: number;
  stateDir: string;
  fresh: boolean;
  inMemory: boolean;
  verbose: boolean;
  autoApprove: boolean;
  documents: number;
  odooUrl?: string;
  odooDatabase?: string;
  odooLogin?: string;
  odooApiKeyEnv: string;
}

/**
 * The default demo: 2,000 customers finish in 140 s on an idle 2-core machine (1,500 take 109 s, 1,000 take
 * 77 s). Local DynamoDB bounds it: dynalite serves about 2,000 simple requests a second there and a Query
 * in half that (bench/local-dynamodb.bench.ts). The handlers leave the cores partly idle: more consumer
 * workers or more events in flight do not go faster.
 */
const DEFAULT_DEMO_CUSTOMERS = 2000;

export function registerLocalCommands(program: Command): void {
  program
    .command('local')
    .description(
      'run the whole pipeline on this machine: local DynamoDB, event bus and API, fed by the demo retailer',
    )
    .option(
      '--once',
      'exit when the stream is processed (non-zero on any failure) instead of serving on',
      false,
    )
    .option(
      '--events <file>',
      'send your own channel events (JSONL: {"source", "detail-type", "detail"} per line)',
    )
    .option(
      '--customers <n>',
      'size of the demo retailer',
      wholeNumber('--customers'),
      DEFAULT_DEMO_CUSTOMERS,
    )
    .option('--seed <n>', 'seed of the demo retailer', wholeNumber('--seed'), 42)
    .option('--port <n>', 'port of the local API (0 picks a free one)', wholeNumber('--port'), 4010)
    .option('--state-dir <dir>', 'where local state is kept', '.tessera')
    .option('--fresh', 'start from empty state (deletes the state folder first)', false)
    .option('--in-memory', 'keep nothing on disk', false)
    .option('--verbose', 'log every handler at INFO', false)
    .option('--auto-approve', 'decide pending approvals through the approval page, unattended', false)
    .option('--odoo-url <url>', 'sync to this real Odoo instead of the Odoo stand-in (default: $ODOO_URL)')
    .option(
      '--odoo-database <name>',
      'with --odoo-url: database (JSON-RPC, Odoo 16-18; default: $ODOO_DATABASE)',
    )
    .option('--odoo-login <login>', "with --odoo-url: the API key's user (JSON-RPC; default: $ODOO_LOGIN)")
    .option(
      '--odoo-api-key-env <var>',
      'with --odoo-url: environment variable holding the API key',
      'ODOO_API_KEY',
    )
    .option(
      '--documents <n>',
      'return forms and claim letters of the demo to read (each as PDF and PNG)',
      wholeNumber('--documents'),
      2,
    )
    .action(async (options: LocalOptions) => {
      const failed = await runLocal(options);
      if (options.once) process.exit(failed ? 1 : 0);
    });
}

async function runLocal(options: LocalOptions): Promise<boolean> {
  const stateDir = resolve(options.stateDir);
  if (options.fresh && !options.inMemory) await resetLocalState(stateDir);
  const runtime = await startLocalRuntime({
    ...(options.inMemory ? {} : { stateDir }),
    port: options.port,
    logLevel: options.verbose ? 'INFO' : 'ERROR',
    odoo: odooOptions(options),
    consumersInWorker: true,
  });
  console.log(
    `Tessera local runtime: API on ${runtime.api.url}, state in ${options.inMemory ? 'memory' : stateDir}`,
  );

  const started = Date.now();
  let events: AsyncIterable<ChannelEventLine> | Iterable<ChannelEventLine>;
  let total: number | undefined;
  let demo: DemoStream | undefined;
  if (options.events) {
    events = readEventFile(resolve(options.events));
    console.log(`Sending your events from ${options.events}`);
  } else {
    demo = demoEventStream({ customers: options.customers, seed: options.seed });
    events = demo.events;
    total = demo.total;
    console.log(`Demo retailer: ${demo.description}`);
  }

  const progress = new ProgressBar('ingest', total);
  let totals: StreamTotals;
  try {
    totals = await sendEventStream(events, {
      apiUrl: runtime.api.url,
      sourceKeys: runtime.sourceKeys,
      batchSize: 25,
      concurrency: 4,
      maxResends: 3,
      onProgress: (sent) => progress.update(sent),
    });
  } catch (error) {
    await runtime.stop();
    throw error;
  }
  progress.finish(totals.sent);
  let settled = await withDeliveryProgress(runtime, () =>
    settle(runtime, { autoApprove: options.autoApprove }),
  );
  let documents: DocumentsDemoSummary | undefined;
  if (demo && options.documents > 0) {
    // The demo's customers send return forms and claim letters too: read them, link them, publish them.
    const truth = demo.truth();
    let documentsBar: ProgressBar | undefined;
    documents = await runDocumentsDemo(runtime, truth.documents, {
      perKind: options.documents,
      retailerName: truth.meta.retailer,
      onProgress: (done, all) => {
        documentsBar ??= new ProgressBar('documents', all);
        documentsBar.update(done);
      },
    });
    documentsBar?.finish(documents.submitted);
    settled = await settle(runtime, { autoApprove: options.autoApprove });
  }
  // What the nightly analytics schedule does in the cloud: fit, store, rescore; then the business report.
  const asOf = new Date();
  const fit = await fitModelsNow(runtime, asOf).catch((error: unknown) => error as Error);
  if (!(fit instanceof Error)) settled = await settle(runtime, { autoApprove: options.autoApprove });
  // --in-memory promises nothing in the state folder: its report goes to a temporary folder instead.
  const reportDir = options.inMemory ? await mkdtemp(join(tmpdir(), 'tessera-report-')) : stateDir;
  const report = await writeLocalReport(runtime, asOf, join(reportDir, 'report.html'));
  const failed = printSummary(runtime, totals, settled, documents, (Date.now() - started) / 1000);
  if (fit instanceof Error) console.log(`  analytics fit      failed: ${fit.message}`);
  else {
    const { r, alpha, a, b } = fit.bgnbd;
    // At the cap, a and b only say that every customer shares one dropout probability: print that instead.
    const dropout =
      a + b >= MAX_DROPOUT_CONCENTRATION * 0.999
        ? `dropout p=${(a / (a + b)).toFixed(3)} after each purchase, the same for all`
        : `a=${a.toFixed(3)} b=${b.toFixed(3)}`;
    console.log(
      `  analytics fit      ${fit.customers} customers; BG/NBD r=${r.toFixed(3)} alpha=${alpha.toFixed(2)} ${dropout}; ${fit.rescore?.written ?? 0} profiles rescored`,
    );
  }
  console.log(`\nReport: ${report}`);

  if (options.once) {
    await runtime.stop();
    return failed || fit instanceof Error;
  }
  console.log(
    `\nServing on ${runtime.api.url} (POST /events, POST /odoo/webhook/{secret}, /approvals/{id}); Ctrl-C to stop.`,
  );
  await new Promise<void>((resolveStop) => process.once('SIGINT', () => resolveStop()));
  await runtime.stop();
  return failed;
}

function printSummary(
  runtime: LocalRuntime,
  totals: StreamTotals,
  settled: SettleResult,
  documents: DocumentsDemoSummary | undefined,
  seconds: number,
): boolean {
  const deadLetters = runtime.bus.deadLettered();
  console.log('\nSummary');
  console.log(
    `  events sent        ${totals.sent.toLocaleString('en-US')} in ${seconds.toFixed(1)}s (${Math.round(totals.sent / seconds)}/s)`,
  );
  console.log(`  accepted           ${totals.accepted.toLocaleString('en-US')}`);
  console.log(`  duplicates dropped ${totals.duplicates.toLocaleString('en-US')}`);
  console.log(
    `  rejected           ${totals.rejected.toLocaleString('en-US')}${totals.rejected ? '  (tessera events rejected list)' : ''}`,
  );
  for (const r of totals.rejections) console.log(`    ${r.rejectionId}: ${r.reasons.join('; ')}`);
  console.log(`  failed             ${totals.failed.toLocaleString('en-US')}`);
  for (const [route, stats] of Object.entries(runtime.bus.stats())) {
    console.log(
      `  route ${route}: ${stats.delivered} delivered, ${stats.retried} retried, ${stats.deadLettered} dead-lettered, ${stats.duplicatesInjected} redelivered`,
    );
  }
  for (const route of runtime.unconsumedRoutes)
    console.log(`  route ${route}: no local consumer yet (events archived)`);
  for (const letter of deadLetters.slice(0, 5))
    console.log(`    dead letter (${letter.route}): ${letter.error}`);
  const executions = runtime.interventions.stepFunctions.listExecutions();
  const byStatus = Object.entries(countBy(executions.map((e) => e.status)));
  const statuses = byStatus.map(([status, n]) => `${n} ${status.toLowerCase()}`).join(', ');
  console.log(`  interventions      ${executions.length} started${statuses ? `: ${statuses}` : ''}`);
  if (settled.autoDecided > 0) {
    console.log(`    ${settled.autoDecided} decided through the approval page by --auto-approve`);
  }
  if (settled.waitingForPeople > 0) {
    const outbox = runtime.paths?.outbox ?? 'the outbox';
    console.log(
      `    ${settled.waitingForPeople} waiting for a person: npx tessera approvals list; emails in ${outbox}`,
    );
  }
  if (documents) {
    console.log(
      `  documents          ${documents.submitted} read: ${documents.processed} processed, ${documents.needsReview} for review, ${documents.failed} failed; ${documents.matchingIntent} as the customer meant`,
    );
  }
  if (totals.accepted > 0) {
    const read = runtime.identityCapacity.read / totals.accepted;
    const write = runtime.identityCapacity.write / totals.accepted;
    // Identity's own bus traffic: the channel events it resolves and what it announces (merges and the
    // like); the events of analytics, interventions and documents are theirs to account for.
    let identityBusEvents = 0;
    for (const [source, n] of runtime.bus.publishedBySource) {
      if (source.startsWith(CHANNEL_SOURCE_PREFIX) || source === InternalSource.identity)
        identityBusEvents += n;
    }
    const cost = costPerMillionEvents(
      { readPerEvent: read, writePerEvent: write },
      { ...IDENTITY_CONSUMER_LAMBDA, busEventsPerEvent: identityBusEvents / totals.accepted },
    );
    console.log(
      `  identity cost      ${read.toFixed(2)} read and ${write.toFixed(2)} write units per event (as DynamoDB reported them): $${cost.total.toFixed(2)} per million events on AWS on-demand prices`,
    );
  }
  const writes = runtime.odoo.standIn?.received.filter((r) => r.method && !isReadMethod(r.method)).length;
  console.log(
    `  odoo               ${runtime.odoo.label}${writes !== undefined ? `; ${writes} writes received` : ''}`,
  );
  const failedWorkflows = executions.filter((e) => e.status === 'FAILED').length;
  return totals.failed > 0 || deadLetters.length > 0 || failedWorkflows > 0 || (documents?.failed ?? 0) > 0;
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

/** While consumers catch up with what was ingested, show how far they are (deliveries done / matched). */
async function withDeliveryProgress<T>(runtime: LocalRuntime, run: () => Promise<T>): Promise<T> {
  const done = () => Object.values(runtime.bus.stats()).reduce((n, s) => n + s.delivered + s.deadLettered, 0);
  const matched = () =>
    Object.values(runtime.bus.stats()).reduce((n, s) => n + s.matched + s.duplicatesInjected, 0);
  const bar = new ProgressBar('process', matched());
  const timer = setInterval(() => bar.update(done()), 250);
  try {
    return await run();
  } finally {
    clearInterval(timer);
    bar.finish(done());
  }
}

/** A real Odoo when a URL is given (flags or the ODOO_* variables), else the stand-in. */
function odooOptions(options: LocalOptions): OdooCliOptions {
  const url = options.odooUrl ?? process.env.ODOO_URL;
  if (!url) return {};
  const apiKey = process.env[options.odooApiKeyEnv];
  if (!apiKey)
    throw new Error(`--odoo-url needs the API key in the environment variable ${options.odooApiKeyEnv}`);
  const database = options.odooDatabase ?? process.env.ODOO_DATABASE;
  const login = options.odooLogin ?? process.env.ODOO_LOGIN;
  return { odooUrl: url, apiKey, ...(database ? { database } : {}), ...(login ? { login } : {}) };
}
