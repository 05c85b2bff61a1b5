import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import type { TesseraEvent } from '../../../lambdas/core/contracts/envelope.js';
import type { Route } from '../../../lib/shared/routing.js';
import { LocalEventBus } from '../../../local/event-bus/bus.js';

const route = (name: string, pattern: Record<string, unknown>): Route => ({
  name,
  consumer: 'identity',
  description: name,
  pattern,
  retry: { maximumRetryAttempts: 1, maximumEventAgeSeconds: 60 },
});
const put = (bus: LocalEventBus, entries: { Source: string; DetailType: string; Detail: string }[]) =>
  bus.send(new PutEventsCommand({ Entries: entries.map((e) => ({ EventBusName: 'bus', ...e })) }));

describe('LocalEventBus', () => {
  it('delivers each event to the routes whose pattern matches, in the EventBridge envelope', async () => {
    // Prepare
    const bus = new LocalEventBus('bus', { retryBaseDelayMs: 1 });
    const orders: TesseraEvent[] = [];
    const merges: TesseraEvent[] = [];
    bus.subscribe(
      route('orders', { 'detail-type': ['OrderPlaced'], detail: { total: [{ numeric: ['>', 100] }] } }),
      async (e) => {
        orders.push(e);
      },
    );
    bus.subscribe(route('merges', { source: [{ prefix: 'tessera.identity' }] }), async (e) => {
      merges.push(e);
    });
    // Act
    const response = await put(bus, [
      { Source: 'tessera.channel.pos', DetailType: 'OrderPlaced', Detail: '{"total":150}' },
      { Source: 'tessera.channel.pos', DetailType: 'OrderPlaced', Detail: '{"total":50}' },
      { Source: 'tessera.identity', DetailType: 'CustomersMerged', Detail: '{}' },
    ]);
    await bus.drain();
    // Assess
    expect(response.FailedEntryCount).toBe(0);
    expect(orders.map((e) => e.detail)).toEqual([{ total: 150 }]);
    expect(orders[0]).toMatchObject({
      version: '0',
      source: 'tessera.channel.pos',
      account: '000000000000',
      resources: [],
    });
    expect(merges).toHaveLength(1);
  });

  it('fails malformed entries one by one, like PutEvents', async () => {
    const bus = new LocalEventBus('bus');
    const response = await put(bus, [
      { Source: 'a', DetailType: 'X', Detail: 'not json' },
      { Source: 'a', DetailType: 'X', Detail: '[1]' },
      { Source: 'a', DetailType: 'X', Detail: '{}' },
    ]);
    expect(response.FailedEntryCount).toBe(2);
    expect(response.Entries?.map((e) => e.ErrorCode ?? 'ok')).toEqual([
      'MalformedDetail',
      'MalformedDetail',
      'ok',
    ]);
  });

  it('delivers some events twice when asked to imitate at-least-once delivery', async () => {
    const bus = new LocalEventBus('bus', { duplicateDeliveryRate: 1 });
    let deliveries = 0;
    bus.subscribe(route('all', { source: [{ exists: true }] }), async () => {
      deliveries += 1;
    });
    await put(bus, [{ Source: 'a', DetailType: 'X', Detail: '{}' }]);
    await bus.drain();
    expect(deliveries).toBe(2);
    expect(bus.stats().all).toMatchObject({ duplicatesInjected: 1, delivered: 2 });
  });

  it('recovers when a target fails once, without dead-lettering', async () => {
    const bus = new LocalEventBus('bus', { retryBaseDelayMs: 1 });
    let calls = 0;
    bus.subscribe(route('flaky', { source: ['a'] }), async () => {
      calls += 1;
      if (calls === 1) throw new Error('throttled');
    });
    await put(bus, [{ Source: 'a', DetailType: 'X', Detail: '{}' }]);
    await bus.drain();
    expect(bus.stats().flaky).toMatchObject({ delivered: 1, retried: 1, deadLettered: 0 });
    expect(bus.deadLettered()).toEqual([]);
  });
});
