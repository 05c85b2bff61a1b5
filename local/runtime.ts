import './polyfills.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { type CapacityMeter, DynamoIdentityStore } from '../lambdas/adapters/dynamodb/identity-store.js';
import { DynamoEventLedger, DynamoRejectedEventStore } from '../lambdas/adapters/dynamodb/ingest-store.js';
import { EventBridgePublisher } from '../lambdas/adapters/eventbridge/event-publisher.js';
import { StaticSourceKeys } from '../lambdas/adapters/secrets/source-keys.js';
import { DEFAULT_INGEST_LIMITS } from '../lambdas/core/ingest/ingest-batch.js';
import { type Clock, systemClock } from '../lambdas/core/ports.js';
import { createDocumentReviewApiHandler } from '../lambdas/documents-review-api/handler.js';
import { createIngestApiHandler } from '../lambdas/ingest-api/handler.js';
import { ProfileContactReader } from '../lambdas/odoo-sync/profile-contacts.js';
import { createOdooWebhookHandler } from '../lambdas/odoo-webhook/handler.js';
import { ROUTES } from '../lib/shared/routing.js';
import { createLocalConsumers, createLocalIdentityReviewApi, lambdaTarget } from './composition.js';
import { startConsumerWorker } from './consumer-worker.js';
import { type LocalDocumentIntake, startLocalDocumentIntake } from './documents/local-intake.js';
import { createRuntimeDocumentWorkflow, type LocalDocumentWorkflow } from './documents/local-workflow.js';
import { type LocalDynamo, startLocalDynamo } from './dynamodb.js';
import { type LocalBusOptions, LocalEventBus } from './event-bus/bus.js';
import {
  type ApiHandler,
  functionRoutes,
  identityReviewRoutes,
  type LocalApiRoute,
  type LocalApiServer,
  startApiServer,
} from './http/api-server.js';
import type { OdooConnection } from './odoo-stand-in/connect.js';
import { createLocalOdooSync, type OdooCliOptions } from './odoo-stand-in/connect.js';
import {
  acquireStateLock,
  ephemeralSecrets,
  type LocalStatePaths,
  loadOrCreateSecrets,
  localStatePaths,
} from './state.js';
import { createLocalInterventions, type LocalInterventions } from './stepfunctions/interventions.js';

export const LOCAL_BUS_NAME = 'tessera-local';

export interface LocalRuntimeOptions {
  /** State folder (DynamoDB on disk, bus archive, secrets). In memory when omitted. */
  readonly stateDir?: string;
  readonly port?: number;
  readonly bus?: Partial<LocalBusOptions>;
  readonly logLevel?: LogLevel;
  readonly clock?: Clock;
  readonly maxClockSkewSeconds?: number;
  /** How long an approval waits for a person locally (the configured hours when omitted). */
  readonly approvalTimeoutMs?: number;
  /** A real Odoo to sync to; without a URL the Odoo stand-in receives the updates. */
  readonly odoo?: OdooCliOptions;
  /**
   * Run the consumers built from local adapters alone (identity) in a worker thread, as their own Lambda runs
   * apart from the ingest API, so that a long stream uses both cores. They then use the system clock.
   */
  readonly consumersInWorker?: boolean;
}

export interface LocalRuntime {
  readonly dynamo: LocalDynamo;
  readonly bus: LocalEventBus;
  readonly api: LocalApiServer;
  readonly publisher: EventBridgePublisher;
  readonly ledger: DynamoEventLedger;
  readonly rejected: DynamoRejectedEventStore;
  readonly sourceKeys: Readonly<Record<string, string>>;
  readonly odooWebhookSecret: string;
  readonly paths?: LocalStatePaths;
  readonly interventions: LocalInterventions;
  readonly documents: LocalDocumentWorkflow;
  /** `POST /documents` and the local S3 endpoint its upload URLs point at. */
  readonly documentIntake: LocalDocumentIntake;
  /** Where the Odoo sync writes: a real Odoo, or the stand-in (its label says which). */
  readonly odoo: OdooConnection;
  /** Routes of the routing table that have no local consumer yet. */
  readonly unconsumedRoutes: readonly string[];
  /** DynamoDB request units the identity consumer used: what the same stream would cost on AWS. */
  readonly identityCapacity: CapacityMeter;
  stop(): Promise<void>;
}

/**
 * Composition root of the local environment: the same handlers, routing table and table layouts as the
 * cloud, wired to dynalite, the local bus and a localhost HTTP server instead of the managed services.
 */
export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  if (options.consumersInWorker && options.clock) {
    throw new Error('consumersInWorker runs the consumers on the system clock: give no clock, or no worker');
  }
  const paths = options.stateDir ? localStatePaths(options.stateDir) : undefined;
  const releaseLock = paths ? await acquireStateLock(paths.root) : async () => undefined;
  // Files a run writes (the mail outbox, uploaded documents) live in the state folder, or in a scratch
  // folder of this run that is removed when it stops.
  const scratch = paths ? undefined : await mkdtemp(join(tmpdir(), 'tessera-run-'));
  const stateRoot = paths?.root ?? (scratch as string);
  const secrets = paths ? await loadOrCreateSecrets(paths) : ephemeralSecrets();
  const clock = options.clock ?? systemClock;
  const logger = (serviceName: string) =>
    new Logger({ serviceName, logLevel: options.logLevel ?? 'ERROR', environment: 'local' });

  const dynamo = await startLocalDynamo(paths ? { path: paths.dynamodb } : {});
  const bus = new LocalEventBus(LOCAL_BUS_NAME, {
    ...(paths ? { archiveFile: paths.archive, deadLetterFile: paths.deadLetters } : {}),
    ...options.bus,
  });
  const publisher = new EventBridgePublisher(bus, LOCAL_BUS_NAME);
  // Started now so that it loads its modules while this thread builds the rest.
  const consumerWorker = options.consumersInWorker
    ? startConsumerWorker(
        { dynamoEndpoint: dynamo.endpoint, busName: LOCAL_BUS_NAME, logLevel: options.logLevel ?? 'ERROR' },
        bus,
      )
    : undefined;
  // A start that fails below must not leave the worker's rejection unhandled; the await below reports it.
  consumerWorker?.catch(() => undefined);
  const ledger = new DynamoEventLedger(dynamo.doc, dynamo.tables.ingest);
  const rejected = new DynamoRejectedEventStore(dynamo.doc, dynamo.tables.ingest, () => clock.now());

  const interventions = createLocalInterventions({
    dynamo,
    publisher,
    clock,
    logger,
    outboxDir: paths?.outbox ?? join(stateRoot, 'outbox'),
    signingKey: secrets.approvalSigningKey,
    ...(options.approvalTimeoutMs ? { callbackTimeoutMs: options.approvalTimeoutMs } : {}),
  });
  const documents = await createRuntimeDocumentWorkflow(
    { dynamo, publisher, paths: { root: stateRoot } },
    { clock },
  );
  const documentIntake = await startLocalDocumentIntake({
    workflow: documents,
    events: bus,
    clock,
    logger: logger('tessera-documents-intake'),
  });
  const odooSync = await createLocalOdooSync({
    ...options.odoo,
    logger: logger('tessera-odoo-sync'),
    contacts: new ProfileContactReader(new DynamoIdentityStore(dynamo.doc, dynamo.tables.customers)),
  });
  const local = consumerWorker
    ? await consumerWorker
    : { ...createLocalConsumers({ dynamo, publisher, clock, logger }), close: async () => undefined };
  const consumers = {
    ...local.consumers,
    interventions: interventions.consumer,
    documents: documents.busTarget,
    'odoo-sync': lambdaTarget('tessera-odoo-sync', odooSync.handler as never),
  };
  // Like a route declared `notYetDeployed` in the cloud: no target yet, the archive keeps its events.
  const unconsumedRoutes: string[] = [];
  for (const route of ROUTES) {
    const target = consumers[route.consumer];
    if (target) bus.subscribe(route, target);
    else unconsumedRoutes.push(route.name);
  }

  const maxClockSkewSeconds = options.maxClockSkewSeconds ?? 300;
  const ingest = createIngestApiHandler({
    ledger,
    rejected,
    publisher,
    sourceKeys: new StaticSourceKeys(secrets.sourceKeys),
    clock,
    limits: { ...DEFAULT_INGEST_LIMITS, maxFutureSkewSeconds: maxClockSkewSeconds },
    maxClockSkewSeconds,
    logger: logger('tessera-ingest'),
  });
  const odooWebhook = createOdooWebhookHandler({
    ledger,
    rejected,
    publisher,
    webhookSecret: { read: async () => secrets.odooWebhookSecret },
    clock,
    limits: DEFAULT_INGEST_LIMITS,
    logger: logger('tessera-odoo-webhook'),
  });
  const api = await startApiServer(
    [
      { method: 'POST', path: '/events', functionName: 'tessera-ingest', handler: ingest },
      {
        method: 'POST',
        path: '/odoo/webhook/{secret}',
        functionName: 'tessera-odoo-webhook',
        handler: odooWebhook,
      },
      ...interventions.routes,
      documentIntake.route,
      ...documentReviewRoutes(
        createDocumentReviewApiHandler({
          review: documents.review,
          logger: logger('tessera-documents-review'),
        }),
      ),
      ...identityReviewRoutes(createLocalIdentityReviewApi({ dynamo, publisher, clock, logger })),
    ],
    options.port ?? 0,
  );
  interventions.setApprovalBaseUrl(api.url);

  return {
    dynamo,
    bus,
    identityCapacity: local.identityCapacity,
    api,
    publisher,
    ledger,
    rejected,
    sourceKeys: secrets.sourceKeys,
    odooWebhookSecret: secrets.odooWebhookSecret,
    ...(paths ? { paths } : {}),
    interventions,
    documents,
    documentIntake,
    odoo: odooSync.connection,
    unconsumedRoutes,
    stop: async () => {
      // No new events in, then deliver what is on the bus while every consumer can still take it.
      await api.close();
      await documentIntake.s3.close();
      await bus.drain();
      await interventions.stepFunctions.stop();
      await documents.close();
      await local.close();
      await odooSync.connection.close();
      await dynamo.close();
      if (scratch) await rm(scratch, { recursive: true, force: true });
      await releaseLock();
    },
  };
}

/** The document review API, most specific paths first as API Gateway matches them. */
const documentReviewRoutes = (handler: ApiHandler): LocalApiRoute[] =>
  functionRoutes('tessera-documents-review', handler, [
    'GET /documents/review',
    'GET /documents/failed',
    'GET /documents/{documentId}',
    'POST /documents/{documentId}/review',
  ]);
