/**
 * Time from a CustomerRiskChanged event to the applied action (InterventionApproved on the bus) on the
 * auto-approve path, through the local runtime pieces: local bus with the routing table, trigger handler,
 * the local Step Functions runner on stepfunctions/intervention.asl.json, dynalite for the audit log.
 *   npx tsx bench/run.ts interventions
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { EventBridgePublisher } from '../lambdas/adapters/eventbridge/event-publisher.js';
import type { CustomerRiskChangedDetail } from '../lambdas/core/contracts/internal-events.js';
import { InternalEventType, InternalSource } from '../lambdas/core/contracts/names.js';
import { DEFAULT_INTERVENTION_CONFIG } from '../lambdas/core/interventions/config.js';
import { staticCustomerDirectory } from '../lambdas/core/interventions/identity-directory.js';
import { systemClock } from '../lambdas/core/ports.js';
import { ROUTES } from '../lib/shared/routing.js';
import { startLocalDynamo } from '../local/dynamodb.js';
import { LocalEventBus } from '../local/event-bus/bus.js';
import { createLocalInterventions } from '../local/stepfunctions/interventions.js';

const EVENTS = 200;
const CONCURRENT = 50;

export async function main(): Promise<void> {
  const dynamo = await startLocalDynamo();
  const bus = new LocalEventBus('bench', { retryBaseDelayMs: 50, concurrency: 8 });
  const outboxDir = await mkdtemp(join(tmpdir(), 'tessera-bench-outbox-'));
  const customers = Object.fromEntries(
    Array.from({ length: EVENTS + CONCURRENT }, (_, i) => [
      `cus_${String(i).padStart(10, '0')}`,
      { name: 'Bench Customer', email: 'bench@example.com', clv: 300 },
    ]),
  );
  const interventions = createLocalInterventions({
    dynamo,
    publisher: new EventBridgePublisher(bus, 'bench'),
    clock: systemClock,
    logger: (serviceName) => new Logger({ serviceName, logLevel: 'ERROR' }),
    outboxDir,
    // Holdout off: every event should end in an applied action.
    config: { ...DEFAULT_INTERVENTION_CONFIG, holdout: { share: 0, salt: 'bench' } },
    directory: staticCustomerDirectory(customers),
  });
  for (const route of ROUTES.filter((r) => r.consumer === 'interventions'))
    bus.subscribe(route, interventions.consumer);
  const applied = new Map<string, () => void>();
  bus.subscribe(
    {
      name: 'bench-applied',
      consumer: 'interventions',
      description: 'waits for the applied action',
      pattern: {
        source: [InternalSource.interventions],
        'detail-type': [InternalEventType.InterventionApproved],
      },
      retry: { maximumRetryAttempts: 0, maximumEventAgeSeconds: 60 },
    },
    async (event) => {
      applied.get((event.detail as { customerId: string }).customerId)?.();
    },
  );

  const riskEvent = async (index: number): Promise<number> => {
    const customerId = `cus_${String(index).padStart(10, '0')}`;
    const detail: CustomerRiskChangedDetail = {
      schemaVersion: 1,
      eventId: `bench-${index}`,
      occurredAt: new Date().toISOString(),
      customerId,
      entered: ['service-friction'],
      left: [],
      segments: ['service-friction'],
      scores: { serviceFriction: 0.9 },
      reasons: ['two delayed deliveries and an open ticket'],
    };
    const done = new Promise<void>((resolve) => applied.set(customerId, resolve));
    const started = performance.now();
    await bus.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: 'bench',
            Source: InternalSource.analytics,
            DetailType: InternalEventType.CustomerRiskChanged,
            Detail: JSON.stringify(detail),
          },
        ],
      }),
    );
    await done;
    return performance.now() - started;
  };

  const sequential: number[] = [];
  for (let i = 0; i < EVENTS; i += 1) sequential.push(await riskEvent(i));
  const startedAll = performance.now();
  await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => riskEvent(EVENTS + i)));
  const concurrentSeconds = (performance.now() - startedAll) / 1000;
  await interventions.stepFunctions.drain();
  await bus.drain();

  sequential.sort((a, b) => a - b);
  const pct = (p: number) =>
    sequential[Math.min(sequential.length - 1, Math.floor(p * sequential.length))] ?? 0;
  const failed = interventions.stepFunctions.listExecutions().filter((e) => e.status !== 'SUCCEEDED').length;
  console.log(`risk event -> applied action (auto-approve path), ${EVENTS} events one at a time:`);
  console.log(
    `  median ${pct(0.5).toFixed(1)} ms, p95 ${pct(0.95).toFixed(1)} ms, max ${pct(1).toFixed(1)} ms`,
  );
  console.log(
    `  ${CONCURRENT} at once: ${(CONCURRENT / concurrentSeconds).toFixed(0)} interventions per second; executions not succeeded: ${failed}`,
  );
  await interventions.stepFunctions.stop();
  await dynamo.close();
  await rm(outboxDir, { recursive: true, force: true });
}
