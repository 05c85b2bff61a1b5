import '../../../local/polyfills.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { EventBridgePublisher } from '../../../lambdas/adapters/eventbridge/event-publisher.js';
import type { TesseraEvent } from '../../../lambdas/core/contracts/envelope.js';
import type { CustomerRiskChangedDetail } from '../../../lambdas/core/contracts/internal-events.js';
import { InternalEventType, InternalSource } from '../../../lambdas/core/contracts/names.js';
import type { InterventionConfigInput } from '../../../lambdas/core/interventions/config.js';
import { DEFAULT_INTERVENTION_CONFIG } from '../../../lambdas/core/interventions/config.js';
import { staticCustomerDirectory } from '../../../lambdas/core/interventions/identity-directory.js';
import { interventionIdFor, triggerFromRiskChanged } from '../../../lambdas/core/interventions/trigger.js';
import { systemClock } from '../../../lambdas/core/ports.js';
import { ROUTES } from '../../../lib/shared/routing.js';
import { type LocalDynamo, startLocalDynamo } from '../../../local/dynamodb.js';
import { LocalEventBus } from '../../../local/event-bus/bus.js';
import { type LocalApiServer, startApiServer } from '../../../local/http/api-server.js';
import { approvalLinkFromEml, listOutbox } from '../../../local/mail/outbox.js';
import {
  createLocalInterventions,
  type LocalInterventions,
  type LocalInterventionsOptions,
} from '../../../local/stepfunctions/interventions.js';

export const CUSTOMERS = {
  cus_0000000001: { name: 'Jane Smith', email: 'jane.smith@example.com', clv: 900 },
  cus_0000000002: { name: 'Old Profile', mergedInto: 'cus_0000000003' },
  cus_0000000003: { name: 'Ravi Patel', email: 'ravi@example.org', clv: 400 },
  cus_0000000004: { name: 'Gone Person', erased: true },
};

export interface Harness {
  readonly interventions: LocalInterventions;
  readonly api: LocalApiServer;
  readonly bus: LocalEventBus;
  readonly dynamo: LocalDynamo;
  readonly outboxDir: string;
  /** Every event the interventions published, in order. */
  readonly published: TesseraEvent[];
  stop(): Promise<void>;
}

/** Holdout off so every test customer is treated; tests of the holdout set their own share. */
export const TEST_CONFIG: InterventionConfigInput = {
  ...DEFAULT_INTERVENTION_CONFIG,
  holdout: { share: 0, salt: 'test' },
};

/**
 * The interventions on the local runtime pieces: dynalite, the local bus with the routing table, the local
 * Step Functions runner on the real ASL, the local API server serving the approval page, the .eml outbox.
 */
export async function startHarness(options: Partial<LocalInterventionsOptions> = {}): Promise<Harness> {
  const dynamo = await startLocalDynamo();
  const bus = new LocalEventBus('tessera-test', { retryBaseDelayMs: 5, concurrency: 2 });
  const publisher = new EventBridgePublisher(bus, 'tessera-test');
  const outboxDir = await mkdtemp(join(tmpdir(), 'tessera-outbox-'));
  const interventions = createLocalInterventions({
    dynamo,
    publisher,
    clock: systemClock,
    logger: (serviceName) => new Logger({ serviceName, logLevel: 'ERROR' }),
    outboxDir,
    config: TEST_CONFIG,
    directory: staticCustomerDirectory(CUSTOMERS),
    callbackTimeoutMs: 1500,
    retryIntervalMs: 5,
    ...options,
  });
  for (const route of ROUTES.filter((r) => r.consumer === 'interventions'))
    bus.subscribe(route, interventions.consumer);
  const published: TesseraEvent[] = [];
  bus.subscribe(
    {
      name: 'test-recorder',
      consumer: 'interventions',
      description: 'records what the interventions publish',
      pattern: { source: [InternalSource.interventions] },
      retry: { maximumRetryAttempts: 0, maximumEventAgeSeconds: 60 },
    },
    async (event) => {
      published.push(event);
    },
  );
  const api = await startApiServer(interventions.routes);
  interventions.setApprovalBaseUrl(api.url);
  return {
    interventions,
    api,
    bus,
    dynamo,
    outboxDir,
    published,
    stop: async () => {
      await interventions.stepFunctions.stop();
      await api.close();
      await bus.drain();
      await dynamo.close();
      await rm(outboxDir, { recursive: true, force: true });
    },
  };
}

let sequence = 0;
export function riskChanged(overrides: Partial<CustomerRiskChangedDetail> = {}): CustomerRiskChangedDetail {
  sequence += 1;
  return {
    schemaVersion: 1,
    eventId: `risk-${Date.now()}-${sequence}`,
    occurredAt: new Date().toISOString(),
    customerId: 'cus_0000000001',
    entered: ['high-value-churn-risk'],
    left: [],
    segments: ['high-value-churn-risk'],
    scores: { churnProbability: 0.8, clv: 900 },
    reasons: ['churn probability rose to 80%'],
    ...overrides,
  };
}

/** Publishes the risk change on the bus, as analytics does, and returns the execution it starts. */
export async function publishRiskChange(h: Harness, detail: CustomerRiskChangedDetail) {
  await h.bus.send(
    new (await import('@aws-sdk/client-eventbridge')).PutEventsCommand({
      Entries: [
        {
          EventBusName: 'tessera-test',
          Source: InternalSource.analytics,
          DetailType: InternalEventType.CustomerRiskChanged,
          Detail: JSON.stringify(detail),
        },
      ],
    }),
  );
  await h.bus.drain();
  const trigger = triggerFromRiskChanged(detail);
  if (!trigger.ok) throw new Error(trigger.reason);
  const name = interventionIdFor(trigger.trigger);
  const execution = h.interventions.stepFunctions.execution(name);
  if (!execution) throw new Error(`no execution ${name} was started`);
  return execution;
}

/** Waits until an approval email for this intervention level is in the outbox and returns its link. */
export async function waitForApprovalLink(h: Harness, count: number): Promise<string> {
  for (let i = 0; i < 200; i += 1) {
    const files = (await listOutbox(h.outboxDir)).filter((f) => f.endsWith('-request.eml'));
    const file = files[count - 1];
    if (file) return approvalLinkFromEml(file);
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no approval email number ${count} arrived`);
}

export interface OpenedForm {
  readonly html: string;
  readonly status: number;
  readonly csrf?: string;
  readonly cookie?: string;
}

/** Opens the link as a browser without JavaScript would: the page, its hidden CSRF field and cookie. */
export async function openLink(link: string): Promise<OpenedForm> {
  const response = await fetch(link);
  const html = await response.text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  const cookie = response.headers.get('set-cookie')?.split(';')[0];
  return { html, status: response.status, ...(csrf ? { csrf } : {}), ...(cookie ? { cookie } : {}) };
}

export async function postDecision(
  link: string,
  form: OpenedForm,
  fields: Record<string, string>,
): Promise<{ status: number; html: string }> {
  const response = await fetch(link, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(form.cookie ? { cookie: form.cookie } : {}),
    },
    body: new URLSearchParams({ ...(form.csrf ? { csrf: form.csrf } : {}), ...fields }).toString(),
  });
  return { status: response.status, html: await response.text() };
}

export const eventTypes = (h: Harness) => h.published.map((e) => e['detail-type']);
