/** The identity consumer on the local DynamoDB, as the local runtime composes it, with a publisher under test control. */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { DynamoIdentityStore } from '../../../lambdas/adapters/dynamodb/identity-store.js';
import { kpiConfig } from '../../../lambdas/core/analytics/kpi.js';
import type { ProfileAnalyticsState } from '../../../lambdas/core/analytics/profile-analytics.js';
import type { OutgoingEvent } from '../../../lambdas/core/contracts/envelope.js';
import { ChannelEventType, channelSource, InternalSource } from '../../../lambdas/core/contracts/names.js';
import { identityConfig } from '../../../lambdas/core/identity/config.js';
import type { ProfileStore } from '../../../lambdas/core/identity/profile.js';
import type { EventPublisher, PublishOutcome } from '../../../lambdas/core/ports.js';
import { createProfileAnalyticsHook } from '../../../lambdas/identity/analytics-hook.js';
import { createIdentityHandler } from '../../../lambdas/identity/handler.js';
import type { LocalDynamo } from '../../../local/dynamodb.js';

/** Records what reaches the bus; `failNext` makes the next publish call fail for every entry (a throttled PutEvents). */
export class ControlledPublisher implements EventPublisher {
  readonly published: OutgoingEvent[] = [];
  failNext = 0;
  async publish(events: readonly OutgoingEvent[]): Promise<readonly PublishOutcome[]> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      return events.map(() => ({
        ok: false,
        errorCode: 'ThrottlingException',
        errorMessage: 'Rate exceeded',
      }));
    }
    this.published.push(...events);
    return events.map((_, i) => ({ ok: true, busEventId: `bus-${this.published.length + i}` }));
  }
}

export const context = {
  functionName: 'tessera-identity',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 30_000,
} as Context;

/** `profiles` wraps the profile store, e.g. to make a write fail as a crashed Lambda would. */
export function identityConsumer(
  dynamo: LocalDynamo,
  profiles: (store: DynamoIdentityStore) => ProfileStore = (store) => store,
) {
  const store = new DynamoIdentityStore(dynamo.doc, dynamo.tables.customers);
  const publisher = new ControlledPublisher();
  const logger = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
  const handler = createIdentityHandler({
    identity: store,
    profiles: profiles(store),
    publisher,
    config: identityConfig({ defaultRegion: 'GB' }),
    clock: { now: () => new Date('2026-03-02T00:00:00Z') },
    logger,
    analytics: createProfileAnalyticsHook({ models: () => undefined, kpi: kpiConfig() }),
  });
  const aggregatesOf = async (customerId: string) =>
    ((await store.getProfile(customerId))?.aggregates as ProfileAnalyticsState | undefined)?.aggregates;
  return { store, publisher, handler, aggregatesOf };
}

let n = 0;
function envelope(source: string, detailType: string, detail: unknown): EventBridgeEvent<string, unknown> {
  n += 1;
  return {
    version: '0',
    id: `bus-in-${n}`,
    'detail-type': detailType,
    source,
    account: '000000000000',
    time: '2026-03-01T10:00:00Z',
    region: 'eu-west-1',
    resources: [],
    detail,
  };
}

export function orderPlaced(
  sender: string,
  customer: Record<string, unknown>,
  orderId: string,
  at: string,
): EventBridgeEvent<string, unknown> {
  return envelope(channelSource(sender), ChannelEventType.OrderPlaced, {
    schemaVersion: 1,
    eventId: `evt-${orderId}`,
    occurredAt: at,
    customer,
    orderId,
    channel: 'web',
    currency: 'GBP',
    lines: [{ sku: 'SKU-1', quantity: 1, unitPrice: 80, unitCost: 30 }],
    total: 80,
  });
}

export function processedDocument(
  detailType: string,
  detail: Record<string, unknown>,
): EventBridgeEvent<string, unknown> {
  return envelope(InternalSource.documents, detailType, {
    schemaVersion: 1,
    occurredAt: '2026-03-01T12:00:00Z',
    reviewed: false,
    ...detail,
  });
}

/**
 * One person as three systems know them: the loyalty record carries the email of the first and the phone and
 * birth date of the second, so its event bridges their two profiles (a merge). `n` keeps people apart.
 */
export function personAcrossSystems(n: number) {
  const names = {
    givenName: 'Kofi',
    familyName: n === 0 ? 'Mensah' : `Mensah-${String.fromCharCode(96 + n)}`,
  };
  const email = `kofi.${n}@example.org`;
  const digits = String(450 + n).padStart(3, '0');
  return {
    web: { sourceSystem: 'ecommerce', sourceCustomerId: `W-${n}`, ...names, email },
    pos: {
      sourceSystem: 'pos',
      sourceCustomerId: `P-${n}`,
      ...names,
      phone: `+447700900${digits}`,
      birthDate: '1990-05-05',
    },
    loyalty: {
      sourceSystem: 'loyalty',
      sourceCustomerId: `L-${n}`,
      ...names,
      email,
      phone: `07700 900${digits}`,
      birthDate: '05/05/1990',
    },
  };
}
