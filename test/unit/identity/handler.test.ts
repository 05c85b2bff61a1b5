import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { ChannelEventType, channelSource, InternalEventType } from '../../../lambdas/core/contracts/names.js';
import { identityConfig } from '../../../lambdas/core/identity/config.js';
import { InMemoryIdentityStore, InMemoryProfileStore } from '../../../lambdas/core/identity/memory-store.js';
import { createIdentityHandler } from '../../../lambdas/identity/handler.js';
import { CollectingPublisher } from '../../support/publisher.js';

const context = {
  functionName: 'identity',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 30_000,
} as Context;
let n = 0;
function profileEvent(
  customer: Record<string, unknown>,
  sender = 'crm-eu',
): EventBridgeEvent<string, unknown> {
  n += 1;
  return {
    version: '0',
    id: `bus-${n}`,
    'detail-type': ChannelEventType.CustomerProfileUpdated,
    source: channelSource(sender),
    account: '000000000000',
    time: '2026-03-01T10:00:00Z',
    region: 'eu-west-1',
    resources: [],
    detail: {
      schemaVersion: 1,
      eventId: `evt-${n}`,
      occurredAt: `2026-03-01T10:00:${String(n % 60).padStart(2, '0')}Z`,
      customer,
    },
  };
}

function setup() {
  const identity = new InMemoryIdentityStore();
  const profiles = new InMemoryProfileStore();
  const publisher = new CollectingPublisher();
  const handler = createIdentityHandler({
    identity,
    profiles,
    publisher,
    config: identityConfig(),
    clock: { now: () => new Date('2026-03-02T00:00:00Z') },
    logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
  });
  return { identity, profiles, publisher, handler };
}

describe('the identity consumer', () => {
  it('resolves a channel event to a profile and keeps the golden record', async () => {
    // Prepare
    const { handler, profiles } = setup();
    const event = profileEvent({
      sourceSystem: 'crm',
      sourceCustomerId: 'C-1',
      givenName: 'Ana',
      familyName: 'Silva',
      email: 'ana.silva@example.com',
      consent: { email: true },
    });
    // Act
    const result = await handler(event, context);
    // Assess
    expect(result).toMatchObject({ status: 'resolved', outcome: 'new' });
    const id = result.status === 'resolved' ? result.customerId : '';
    const profile = await profiles.getProfile(id);
    expect(profile?.golden.email?.value).toBe('ana.silva@example.com');
    expect(profile?.consent.email?.granted).toBe(true);
  });

  it('ignores a duplicate delivery of the same event', async () => {
    const { handler, profiles } = setup();
    const event = profileEvent({
      sourceSystem: 'crm',
      sourceCustomerId: 'C-2',
      givenName: 'Bo',
      familyName: 'Ek',
      email: 'bo@example.com',
    });
    const first = await handler(event, context);
    const again = await handler(event, context);
    expect(again).toEqual({ status: 'duplicate' });
    expect((await profiles.getProfile(first.status === 'resolved' ? first.customerId : ''))?.eventCount).toBe(
      1,
    );
  });

  it('publishes CustomersMerged when an event joins two profiles, and folds the absorbed profile in', async () => {
    // Prepare
    const { handler, publisher, profiles } = setup();
    const a = await handler(
      profileEvent({
        sourceSystem: 'ecommerce',
        sourceCustomerId: 'W-9',
        givenName: 'Kofi',
        familyName: 'Mensah',
        email: 'kofi@example.org',
      }),
      context,
    );
    const b = await handler(
      profileEvent(
        {
          sourceSystem: 'pos',
          sourceCustomerId: 'P-3',
          givenName: 'Kofi',
          familyName: 'Mensah',
          phone: '+447700900456',
          birthDate: '1990-05-05',
        },
        'pos-uk',
      ),
      context,
    );
    // Act
    const bridge = await handler(
      profileEvent(
        {
          sourceSystem: 'loyalty',
          sourceCustomerId: 'L-5',
          givenName: 'Kofi',
          familyName: 'Mensah',
          email: 'kofi@example.org',
          phone: '07700 900456',
          birthDate: '05/05/1990',
        },
        'loyalty',
      ),
      context,
    );
    // Assess
    expect(bridge).toMatchObject({ status: 'resolved', outcome: 'merge' });
    const merged = publisher.events.find((e) => e.detailType === InternalEventType.CustomersMerged);
    const ids = [a, b].map((r) => (r.status === 'resolved' ? r.customerId : ''));
    expect(merged?.detail).toMatchObject({ survivorId: ids[0], mergedIds: [ids[1]] });
    expect((await profiles.getProfile(ids[0]!))?.golden.phone?.value).toBeDefined();
  });

  it('rejects an event that breaks its contract, naming the field', async () => {
    const { handler } = setup();
    const event = profileEvent({ sourceSystem: 'crm', givenName: 'Ann' });
    (event.detail as Record<string, unknown>).occurredAt = 'yesterday';
    await expect(handler(event, context)).rejects.toThrow(/occurredAt/);
  });
});
