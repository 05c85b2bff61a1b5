/**
 * Request units and cost per event on a retail-like stream through the real identity consumer on local
 * DynamoDB (dynalite): each customer arrives once (a profile event, resolved against the graph) and then
 * comes back with four more events (orders and the like, the same source record: the fast path).
 *   npm run bench -- identity-cost
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { DynamoIdentityStore } from '../lambdas/adapters/dynamodb/identity-store.js';
import { ChannelEventType, channelSource } from '../lambdas/core/contracts/names.js';
import { identityConfig } from '../lambdas/core/identity/config.js';
import { parseCsvObjects } from '../lambdas/core/identity/csv.js';
import { costPerMillionEvents } from '../lambdas/core/identity/pricing.js';
import { systemClock } from '../lambdas/core/ports.js';
import { createIdentityHandler } from '../lambdas/identity/handler.js';
import { startLocalDynamo } from '../local/dynamodb.js';

const CUSTOMERS = 300;
const REPEATS = 4;

export async function main(): Promise<void> {
  const { rows } = parseCsvObjects(
    readFileSync(resolve(process.cwd(), '../shared/data/splink/splink_datasets_fake_1000.csv'), 'utf8'),
  );
  const dynamo = await startLocalDynamo();
  try {
    const store = new DynamoIdentityStore(dynamo.doc, dynamo.tables.customers);
    let published = 0;
    const handler = createIdentityHandler({
      identity: store,
      profiles: store,
      publisher: {
        publish: async (events) => {
          published += events.length;
          return events.map(() => ({ ok: true as const, busEventId: 'local' }));
        },
      },
      config: identityConfig(),
      clock: systemClock,
      logger: new Logger({ serviceName: 'bench', logLevel: 'SILENT' }),
    });
    const context = { functionName: 'bench', awsRequestId: 'bench' } as Context;
    const event = (row: Record<string, string>, n: number): EventBridgeEvent<string, unknown> => ({
      version: '0',
      id: `e-${row.unique_id}-${n}`,
      'detail-type': ChannelEventType.CustomerProfileUpdated,
      source: channelSource('crm'),
      account: '000000000000',
      time: '2025-01-01T00:00:00Z',
      region: 'local',
      resources: [],
      detail: {
        schemaVersion: 1,
        eventId: `e-${row.unique_id}-${n}`,
        occurredAt: new Date(Date.UTC(2025, 0, 1 + n)).toISOString(),
        customer: JSON.parse(
          JSON.stringify({
            sourceSystem: 'crm',
            sourceCustomerId: `C${row.unique_id}`,
            givenName: row.first_name || undefined,
            familyName: row.surname || undefined,
            birthDate: row.dob || undefined,
            email: row.email || undefined,
            address: row.city ? { city: row.city } : undefined,
          }),
        ),
      },
    });
    const phase = async (events: EventBridgeEvent<string, unknown>[]) => {
      const before = { read: store.capacity.read, write: store.capacity.write };
      for (const e of events) await handler(e, context);
      return {
        readPerEvent: (store.capacity.read - before.read) / events.length,
        writePerEvent: (store.capacity.write - before.write) / events.length,
      };
    };
    const customers = rows.slice(0, CUSTOMERS);
    const first = await phase(customers.map((r) => event(r, 0)));
    const repeats = await phase(
      Array.from({ length: REPEATS }, (_, n) => customers.map((r) => event(r, n + 1))).flat(),
    );
    const mix = {
      readPerEvent: (first.readPerEvent + REPEATS * repeats.readPerEvent) / (1 + REPEATS),
      writePerEvent: (first.writePerEvent + REPEATS * repeats.writePerEvent) / (1 + REPEATS),
    };
    const total = CUSTOMERS * (1 + REPEATS);
    const cost = costPerMillionEvents(mix, {
      lambdaMemoryGb: 1,
      lambdaMsPerEvent: 60,
      busEventsPerEvent: 1 + published / total,
    });
    const f = (x: number) => x.toFixed(2);
    console.log(`new record    RRU ${f(first.readPerEvent)}  WRU ${f(first.writePerEvent)} per event`);
    console.log(`known record  RRU ${f(repeats.readPerEvent)}  WRU ${f(repeats.writePerEvent)} per event`);
    console.log(
      `stream of ${total} events (1 new + ${REPEATS} repeats per customer): RRU ${f(mix.readPerEvent)} WRU ${f(mix.writePerEvent)}, $${cost.total} per million events (DynamoDB ${cost.dynamodb}, Lambda ${cost.lambda}, EventBridge ${cost.eventBridge})`,
    );
  } finally {
    await dynamo.close();
  }
}
