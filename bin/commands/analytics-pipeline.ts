/**
 * The local pipeline with analytics switched on: ingest API -> local bus -> identity consumer with the
 * analytics hook -> dynalite, built from the same pieces as `startLocalRuntime` (local/runtime.ts). It exists
 * until the local composition (local/composition.ts) passes `analytics` to the identity handler; then
 * `startLocalRuntime` gives the same and this file can go.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { DynamoAnalyticsProfiles } from '../../lambdas/adapters/dynamodb/analytics-profiles.js';
import { DynamoIdentityStore } from '../../lambdas/adapters/dynamodb/identity-store.js';
import { DynamoEventLedger, DynamoRejectedEventStore } from '../../lambdas/adapters/dynamodb/ingest-store.js';
import { DynamoFittedModelStore } from '../../lambdas/adapters/dynamodb/model-store.js';
import { EventBridgePublisher } from '../../lambdas/adapters/eventbridge/event-publisher.js';
import { StaticSourceKeys } from '../../lambdas/adapters/secrets/source-keys.js';
import type { ChannelEvent } from '../../lambdas/core/analytics/aggregates.js';
import { type KpiConfig, kpiConfig } from '../../lambdas/core/analytics/kpi.js';
import { FittedModelCache } from '../../lambdas/core/analytics/model-store.js';
import { scanAllSegments } from '../../lambdas/core/analytics/profile-scan.js';
import type { ProfileSink, SinkProfile } from '../../lambdas/core/analytics/profile-sink.js';
import type { TesseraEvent } from '../../lambdas/core/contracts/envelope.js';
import { InternalEventType, InternalSource } from '../../lambdas/core/contracts/names.js';
import { identityConfig } from '../../lambdas/core/identity/config.js';
import { DEFAULT_INGEST_LIMITS } from '../../lambdas/core/ingest/ingest-batch.js';
import { type Clock, systemClock } from '../../lambdas/core/ports.js';
import { createProfileAnalyticsHook } from '../../lambdas/identity/analytics-hook.js';
import { createIdentityHandler } from '../../lambdas/identity/handler.js';
import { createIngestApiHandler } from '../../lambdas/ingest-api/handler.js';
import { ROUTES } from '../../lib/shared/routing.js';
import type { ChannelEventLine } from '../../local/channel-client.js';
import { startLocalDynamo } from '../../local/dynamodb.js';
import { type LocalBusOptions, LocalEventBus } from '../../local/event-bus/bus.js';
import { type StreamTotals, sendEventStream } from '../../local/event-stream.js';
import { startApiServer } from '../../local/http/api-server.js';
import { localLambdaContext } from '../../local/lambda-context.js';
import { ephemeralSecrets } from '../../local/state.js';

export interface AnalyticsPipelineOptions {
  readonly clock?: Clock;
  readonly bus?: Partial<LocalBusOptions>;
  readonly kpi?: KpiConfig;
  /** how long the identity consumer keeps fitted parameters before reading them again */
  readonly modelMaxAgeMs?: number;
}

export async function startAnalyticsPipeline(options: AnalyticsPipelineOptions = {}) {
  const clock = options.clock ?? systemClock;
  const kpi = options.kpi ?? kpiConfig();
  const logger = (serviceName: string) =>
    new Logger({ serviceName, logLevel: 'ERROR', environment: 'local' });
  const secrets = ephemeralSecrets();
  const dynamo = await startLocalDynamo();
  // One delivery at a time by default: concurrent first events of one new source record currently resolve
  // to separate customers (identity resolver race, reported to the identity owner), which would split
  // the aggregates. Pass `bus: { concurrency }` to exercise it.
  const bus = new LocalEventBus('tessera-analytics-local', {
    retryBaseDelayMs: 5,
    concurrency: 1,
    ...options.bus,
  });
  const publisher = new EventBridgePublisher(bus, 'tessera-analytics-local');
  const customers = dynamo.tables.customers;
  const identityStore = new DynamoIdentityStore(dynamo.doc, customers);
  const modelStore = new DynamoFittedModelStore(dynamo.doc, customers);
  const modelCache = new FittedModelCache(modelStore, clock, {
    maxAgeMs: options.modelMaxAgeMs ?? 5 * 60_000,
  });
  const identity = createIdentityHandler({
    identity: identityStore,
    profiles: identityStore,
    publisher,
    config: identityConfig({ defaultRegion: 'GB' }),
    clock,
    logger: logger('tessera-identity'),
    analytics: createProfileAnalyticsHook({ models: () => modelCache.current(), kpi }),
  });
  const riskChanges: TesseraEvent[] = [];
  for (const route of ROUTES) {
    if (route.consumer !== 'identity') continue;
    bus.subscribe(route, async (event) => {
      await modelCache.refreshIfStale();
      await identity(
        event as unknown as EventBridgeEvent<string, unknown>,
        localLambdaContext('tessera-identity') as Context,
      );
    });
  }
  // What downstream consumers (interventions, Odoo sync) would receive.
  bus.subscribe(
    {
      name: 'risk-changes-observed',
      consumer: 'interventions',
      description: 'records CustomerRiskChanged for the caller',
      pattern: { source: [InternalSource.analytics], 'detail-type': [InternalEventType.CustomerRiskChanged] },
      retry: { maximumRetryAttempts: 0, maximumEventAgeSeconds: 60 },
    },
    async (event) => {
      riskChanges.push(event);
    },
  );
  const ingest = createIngestApiHandler({
    ledger: new DynamoEventLedger(dynamo.doc, dynamo.tables.ingest),
    rejected: new DynamoRejectedEventStore(dynamo.doc, dynamo.tables.ingest, () => systemClock.now()),
    publisher,
    sourceKeys: new StaticSourceKeys(secrets.sourceKeys),
    // Request signatures are checked against real time; `clock` is the business time scoring runs at.
    clock: systemClock,
    limits: DEFAULT_INGEST_LIMITS,
    maxClockSkewSeconds: 300,
    logger: logger('tessera-ingest'),
  });
  const api = await startApiServer([
    { method: 'POST', path: '/events', functionName: 'tessera-ingest', handler: ingest },
  ]);
  return {
    dynamo,
    bus,
    api,
    publisher,
    sourceKeys: secrets.sourceKeys,
    identityStore,
    modelStore,
    modelCache,
    profiles: new DynamoAnalyticsProfiles(dynamo.doc, customers),
    riskChanges,
    kpi,
    stop: async () => {
      await api.close();
      await bus.drain();
      await dynamo.close();
    },
  };
}

export type AnalyticsPipeline = Awaited<ReturnType<typeof startAnalyticsPipeline>>;

/** How the identity resolver grouped the source customers that an evaluation sent. */
export interface ResolutionCheck {
  readonly profiles: number;
  /** profiles holding records of more than one source customer (wrongly merged) */
  readonly mergedProfiles: number;
  /** source customers whose records ended up in more than one profile (wrongly split) */
  readonly splitCustomers: number;
}

/**
 * A ProfileSink (lambdas/core/analytics/profile-sink.ts) backed by the pipeline: events are sent as signed
 * batches to the ingest API as channel `source` would, and profiles are read back from DynamoDB with the
 * source records the resolver put in each.
 */
export class PipelineProfileSink implements ProfileSink {
  private readonly pending: ChannelEventLine[] = [];
  totals: StreamTotals | undefined;
  resolution: ResolutionCheck | undefined;

  constructor(
    private readonly pipeline: AnalyticsPipeline,
    private readonly source: string,
    private readonly totalSegments = 4,
  ) {}

  async accept(event: ChannelEvent): Promise<void> {
    this.pending.push({ source: this.source, detailType: event.detailType, detail: event.detail });
  }

  async *profiles(): AsyncIterable<SinkProfile> {
    this.totals = await sendEventStream(this.pending.splice(0), {
      apiUrl: this.pipeline.api.url,
      sourceKeys: this.pipeline.sourceKeys,
      batchSize: 100,
      concurrency: 2,
      maxResends: 3,
    });
    await this.pipeline.bus.drain();
    const lost = this.totals.rejected + this.totals.failed + this.pipeline.bus.deadLettered().length;
    if (lost > 0) {
      throw new Error(
        `${lost} events did not reach a profile (rejected ${this.totals.rejected}, failed ${this.totals.failed}, dead-lettered ${this.pipeline.bus.deadLettered().length}): ${JSON.stringify(this.totals.rejections)}`,
      );
    }
    const owners = new Map<string, number>();
    let profiles = 0;
    let mergedProfiles = 0;
    const out: SinkProfile[] = [];
    for await (const p of scanAllSegments(this.pipeline.profiles, this.totalSegments)) {
      // Record keys are `<sender>#<sourceSystem>#<sourceCustomerId>`: the resolver's grouping, read as stored.
      const members = await this.pipeline.identityStore.listMembers(p.customerId);
      const ids = [
        ...new Set(
          members.map((key) => key.split('#').slice(1).join(':')).filter((id) => !id.includes(':event:')),
        ),
      ];
      profiles += 1;
      if (ids.length > 1) mergedProfiles += 1;
      for (const id of ids) owners.set(id, (owners.get(id) ?? 0) + 1);
      out.push({ key: p.customerId, sourceCustomerIds: ids, aggregates: p.state.aggregates });
    }
    this.resolution = {
      profiles,
      mergedProfiles,
      splitCustomers: [...owners.values()].filter((n) => n > 1).length,
    };
    yield* out;
  }
}
