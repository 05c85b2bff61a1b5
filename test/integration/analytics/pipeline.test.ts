import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnalyticsRuntime } from '../../../bin/commands/analytics-pipeline.js';
import { DynamoAnalyticsProfiles } from '../../../lambdas/adapters/dynamodb/analytics-profiles.js';
import { DynamoIdentityStore } from '../../../lambdas/adapters/dynamodb/identity-store.js';
import { DynamoFittedModelStore } from '../../../lambdas/adapters/dynamodb/model-store.js';
import { runAnalyticsFit } from '../../../lambdas/analytics-fit/handler.js';
import { cdnowLineToEvent } from '../../../lambdas/core/analytics/cdnow.js';
import { kpiConfig } from '../../../lambdas/core/analytics/kpi.js';
import type { ProfileAnalyticsState } from '../../../lambdas/core/analytics/profile-analytics.js';
import type { TesseraEvent } from '../../../lambdas/core/contracts/envelope.js';
import {
  ChannelEventType,
  InternalEventType,
  InternalSource,
} from '../../../lambdas/core/contracts/names.js';
import type { ChannelEventLine } from '../../../local/channel-client.js';
import { sendEventStream } from '../../../local/event-stream.js';
import type { LocalRuntime } from '../../../local/runtime.js';

const customer = {
  sourceSystem: 'ecommerce',
  sourceCustomerId: 'analytics-it-1',
  givenName: 'Avery',
  familyName: 'Quinlan',
  email: 'avery.quinlan@example.org',
};
const RECORD_KEY = 'ecommerce#ecommerce#analytics-it-1';

const order = (n: number, day: string, total: number): ChannelEventLine => ({
  detailType: ChannelEventType.OrderPlaced,
  detail: {
    schemaVersion: 1,
    eventId: `it-order-${n}`,
    occurredAt: `${day}T10:00:00Z`,
    customer,
    orderId: `it-order-${n}`,
    channel: 'web',
    currency: 'USD',
    lines: [{ sku: 'CD', quantity: 2, unitPrice: total / 2 }],
    total,
  },
});

describe('analytics through the local pipeline (ingest, bus, identity consumer, DynamoDB)', () => {
  let runtime: LocalRuntime;
  let identityStore: DynamoIdentityStore;
  let modelStore: DynamoFittedModelStore;
  // What downstream consumers (interventions, Odoo sync) receive.
  const riskChanges: TesseraEvent[] = [];
  let nowMs = Date.parse('1997-09-30T00:00:00Z');
  const send = async (events: ChannelEventLine[]) => {
    const totals = await sendEventStream(events, {
      apiUrl: runtime.api.url,
      sourceKeys: runtime.sourceKeys,
      batchSize: 50,
      concurrency: 2,
      maxResends: 2,
    });
    await runtime.bus.drain();
    return totals;
  };
  const profileItem = async () => {
    const record = await identityStore.getRecord(RECORD_KEY);
    if (!record?.customerId) throw new Error('the test customer was not resolved');
    const profile = await identityStore.getProfile(record.customerId);
    return {
      customerId: record.customerId,
      profile,
      state: profile?.aggregates as unknown as ProfileAnalyticsState,
    };
  };

  beforeAll(async () => {
    runtime = await startAnalyticsRuntime({
      clock: { now: () => new Date(nowMs) },
      // The business clock is in 1997 while requests are signed with today's time.
      maxClockSkewSeconds: 40 * 365 * 86_400,
    });
    identityStore = new DynamoIdentityStore(runtime.dynamo.doc, runtime.dynamo.tables.customers);
    modelStore = new DynamoFittedModelStore(runtime.dynamo.doc, runtime.dynamo.tables.customers);
    runtime.bus.subscribe(
      {
        name: 'risk-changes-observed',
        consumer: 'interventions',
        description: 'records CustomerRiskChanged for the test',
        pattern: {
          source: [InternalSource.analytics],
          'detail-type': [InternalEventType.CustomerRiskChanged],
        },
        retry: { maximumRetryAttempts: 0, maximumEventAgeSeconds: 60 },
      },
      async (event) => {
        riskChanges.push(event);
      },
    );
    // A customer base to fit on: the first 200 CDNOW customers' orders, as web orders.
    const lines = readFileSync(resolve(process.cwd(), '../shared/data/cdnow/CDNOW_sample.txt'), 'utf8').split(
      '\n',
    );
    const base: ChannelEventLine[] = [];
    lines.forEach((line, i) => {
      const event = cdnowLineToEvent(line, i + 1);
      if (event && Number(line.trim().split(/\s+/)[1]) <= 200) base.push({ source: 'ecommerce', ...event });
    });
    await send(base);
  }, 240_000);

  afterAll(async () => {
    await runtime?.stop();
  });

  it('keeps the aggregates of one customer on the profile item', async () => {
    // Prepare
    const events = [order(1, '1997-01-10', 40), order(2, '1997-03-02', 25), order(3, '1997-06-20', 35)];
    // Act
    const totals = await send(events);
    // Assess
    expect(totals.accepted).toBe(3);
    const { state } = await profileItem();
    expect(Object.keys(state.aggregates.orders).sort()).toEqual(['it-order-1', 'it-order-2', 'it-order-3']);
    expect(state.aggregates.currency).toBe('USD');
    expect(state.scores).toBeUndefined();
  });

  it('scores later events with the fitted parameters and announces a segment entered', async () => {
    // Prepare: the scheduled job fits over every profile, then the consumer's cache goes stale
    const fit = await runAnalyticsFit(
      {
        profiles: new DynamoAnalyticsProfiles(runtime.dynamo.doc, runtime.dynamo.tables.customers),
        models: modelStore,
        publisher: runtime.publisher,
        clock: { now: () => new Date(nowMs) },
        kpi: kpiConfig(),
        totalSegments: 3,
      },
      { asOf: '1997-09-30T00:00:00Z' },
    );
    await runtime.bus.drain();
    nowMs = Date.parse('1997-10-20T00:00:00Z');
    const { customerId } = await profileItem();
    // Act: a new order is delayed and the customer opens an escalated ticket about it
    await send([
      order(4, '1997-10-05', 30),
      {
        detailType: ChannelEventType.DeliveryDelayed,
        detail: {
          schemaVersion: 1,
          eventId: 'it-delay-4',
          occurredAt: '1997-10-12T09:00:00Z',
          customer,
          orderId: 'it-order-4',
          promisedBy: '1997-10-08T00:00:00Z',
          delayDays: 6,
        },
      },
    ]);
    await send([
      {
        detailType: ChannelEventType.TicketOpened,
        detail: {
          schemaVersion: 1,
          eventId: 'it-ticket-1',
          occurredAt: '1997-10-13T09:00:00Z',
          customer,
          ticketId: 'it-ticket-1',
          channel: 'web',
          priority: 'high',
          category: 'delivery',
          orderId: 'it-order-4',
          escalated: true,
        },
      },
    ]);
    // Assess
    expect(fit.customers).toBeGreaterThan(150);
    expect(fit.rescore?.profiles).toBe(fit.profilesRead);
    const { state } = await profileItem();
    expect(state.scores?.probabilityAlive).toBeGreaterThan(0);
    expect(state.segments.segments).toContain('service-friction');
    const mine = riskChanges.filter((e) => (e.detail as { customerId: string }).customerId === customerId);
    expect(mine.flatMap((e) => (e.detail as { entered: string[] }).entered)).toContain('service-friction');
    expect((await modelStore.latest())?.fittedAt).toBe(fit.fittedAt);
  }, 120_000);

  it('changes nothing when the bus delivers an event again', async () => {
    // Prepare
    const before = await profileItem();
    const announced = riskChanges.length;
    // Act: the same channel event, straight onto the bus (past the ingest dedup ledger), as a redelivery would
    await runtime.publisher.publish([
      {
        source: 'tessera.channel.ecommerce',
        detailType: ChannelEventType.OrderPlaced,
        detail: order(4, '1997-10-05', 30).detail,
      },
    ]);
    await runtime.bus.drain();
    // Assess
    const after = await profileItem();
    expect(after.profile?.version).toBe(before.profile?.version);
    expect(after.state).toEqual(before.state);
    expect(riskChanges.length).toBe(announced);
  });
});
