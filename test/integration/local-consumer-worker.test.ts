import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TesseraEvent } from '../../lambdas/core/contracts/envelope.js';
import {
  ChannelEventType,
  channelSource,
  InternalEventType,
  InternalSource,
} from '../../lambdas/core/contracts/names.js';
import { postEventBatch } from '../../local/channel-client.js';
import { demoEventStream } from '../../local/demo.js';
import { sendEventStream } from '../../local/event-stream.js';
import { LOCAL_BUS_NAME, type LocalRuntime, startLocalRuntime } from '../../local/runtime.js';
import { settle } from '../../local/settle.js';
import { posOrder } from '../support/channel-events.js';

const IDENTITY_ROUTE = 'channel-events-to-identity';

let runtime: LocalRuntime;
const merges: TesseraEvent[] = [];

beforeAll(async () => {
  runtime = await startLocalRuntime({ consumersInWorker: true, bus: { retryBaseDelayMs: 1 } });
  runtime.bus.subscribe(
    {
      name: 'test-merges',
      consumer: 'odoo-sync',
      description: 'what the identity consumer announces',
      pattern: { source: [InternalSource.identity], 'detail-type': [InternalEventType.CustomersMerged] },
      retry: { maximumRetryAttempts: 0, maximumEventAgeSeconds: 60 },
    },
    async (event) => {
      merges.push(event);
    },
  );
});
afterAll(async () => runtime.stop());

describe('the local runtime with its consumers in a worker thread', () => {
  it('resolves a demo stream there: every event delivered and its costs counted', async () => {
    // Prepare
    const demo = demoEventStream({ customers: 15, seed: 7 });
    // Act
    const totals = await sendEventStream(demo.events, {
      apiUrl: runtime.api.url,
      sourceKeys: runtime.sourceKeys,
      batchSize: 25,
      concurrency: 4,
      maxResends: 3,
    });
    await settle(runtime, { autoApprove: true });
    // Assess
    expect(totals.failed).toBe(0);
    expect(totals.accepted).toBeGreaterThan(0);
    expect(runtime.bus.stats()[IDENTITY_ROUTE]).toMatchObject({
      delivered: totals.accepted,
      deadLettered: 0,
    });
    expect(runtime.identityCapacity.read).toBeGreaterThan(0);
    expect(runtime.identityCapacity.write).toBeGreaterThan(0);
    expect(runtime.bus.deadLettered()).toEqual([]);
  });

  it('puts what the consumer publishes there on the bus: the merge of two profiles of one person', async () => {
    // Prepare: the web shop knows his email, the till his phone; the loyalty card has both.
    merges.length = 0;
    const names = { givenName: 'Kofi', familyName: 'Mensah' };
    const email = 'kofi.mensah@example.org';
    const customers = {
      ecommerce: { sourceSystem: 'ecommerce', sourceCustomerId: 'W-1', ...names, email },
      pos: { sourceSystem: 'pos', sourceCustomerId: 'P-1', ...names, phone: '+447700900451' },
      loyalty: {
        sourceSystem: 'loyalty',
        sourceCustomerId: 'L-1',
        ...names,
        email,
        phone: '07700 900451',
      },
    };
    // Act: one at a time, so the bridging record comes last.
    for (const [sourceId, customer] of Object.entries(customers)) {
      const order = posOrder({ customer, orderId: `worker-merge-${sourceId}` });
      const response = await postEventBatch(
        runtime.api.url,
        sourceId,
        runtime.sourceKeys[sourceId] as string,
        [order],
      );
      expect(response.body).toMatchObject({ accepted: 1 });
      await runtime.bus.drain();
    }
    // Assess
    expect(merges).toHaveLength(1);
    expect(merges[0]?.detail).toMatchObject({ mergedIds: [expect.any(String)] });
  });

  it('hands a failing delivery back to the bus, which retries it and keeps the consumer error in the dead letter', async () => {
    // Prepare
    const broken = {
      Source: channelSource('pos'),
      DetailType: ChannelEventType.OrderPlaced,
      Detail: JSON.stringify({ eventId: 'broken-order' }),
      EventBusName: LOCAL_BUS_NAME,
    };
    // Act
    await runtime.bus.send(new PutEventsCommand({ Entries: [broken] }));
    await runtime.bus.drain();
    // Assess
    const letters = runtime.bus.deadLettered().filter((l) => l.route === IDENTITY_ROUTE);
    expect(letters).toHaveLength(1);
    expect(letters[0]?.error).toMatch(/^Error: OrderPlaced .* breaks its contract/);
    expect(letters[0]?.attempts).toBe(9);
  });
});
