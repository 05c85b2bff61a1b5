import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { EventBridgePublisher } from '../../../lambdas/adapters/eventbridge/event-publisher.js';
import type { OutgoingEvent } from '../../../lambdas/core/contracts/envelope.js';
import { ChannelEventType } from '../../../lambdas/core/contracts/names.js';

const eventBridge = mockClient(EventBridgeClient);
const event = (n: number, padding = 0): OutgoingEvent => ({
  source: 'tessera.channel.pos',
  detailType: ChannelEventType.OrderPlaced,
  detail: { eventId: `e-${n}`, padding: 'x'.repeat(padding) },
});
const noSleep = async () => undefined;

beforeEach(() => eventBridge.reset());

describe('EventBridgePublisher', () => {
  it('sends at most 10 entries per PutEvents request, in order', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
      FailedEntryCount: 0,
      Entries: input.Entries.map((_, i) => ({ EventId: `id-${i}` })),
    }));
    const publisher = new EventBridgePublisher(new EventBridgeClient({}), 'bus', { sleep: noSleep });
    // Act
    const outcomes = await publisher.publish(Array.from({ length: 23 }, (_, n) => event(n)));
    // Assess
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls.map((c) => c.args[0].input.Entries?.length)).toEqual([10, 10, 3]);
    expect(calls[0]?.args[0].input.Entries?.[0]).toMatchObject({
      EventBusName: 'bus',
      DetailType: 'OrderPlaced',
    });
    expect(outcomes.every((o) => o.ok)).toBe(true);
  });

  it('keeps each request under 256 KB', async () => {
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
      FailedEntryCount: 0,
      Entries: input.Entries.map(() => ({ EventId: 'id' })),
    }));
    const publisher = new EventBridgePublisher(new EventBridgeClient({}), 'bus', { sleep: noSleep });
    await publisher.publish([event(1, 100_000), event(2, 100_000), event(3, 100_000)]);
    expect(eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries?.length)).toEqual([
      2, 1,
    ]);
  });

  it('re-sends only the entries EventBridge failed, and reports those that never succeed', async () => {
    // Prepare: the second entry is throttled once, the third fails for good with a non-retryable error.
    let call = 0;
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: { Detail: string }[] }) => {
      call += 1;
      return {
        FailedEntryCount: input.Entries.length - 1,
        Entries: input.Entries.map((entry) => {
          const id = JSON.parse(entry.Detail).eventId as string;
          if (id === 'e-2' && call === 1)
            return { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' };
          if (id === 'e-3') return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
          return { EventId: `bus-${id}` };
        }),
      };
    });
    const publisher = new EventBridgePublisher(new EventBridgeClient({}), 'bus', { sleep: noSleep });
    // Act
    const outcomes = await publisher.publish([event(1), event(2), event(3)]);
    // Assess
    expect(outcomes).toEqual([
      { ok: true, busEventId: 'bus-e-1' },
      { ok: true, busEventId: 'bus-e-2' },
      { ok: false, errorCode: 'MalformedDetail', errorMessage: 'Detail is malformed.' },
    ]);
    const resent = eventBridge.commandCalls(PutEventsCommand)[1]?.args[0].input.Entries ?? [];
    expect(resent.map((e) => JSON.parse(e.Detail as string).eventId)).toEqual(['e-2']);
  });

  it('gives up on throttled entries after the configured attempts', async () => {
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }],
    });
    const publisher = new EventBridgePublisher(new EventBridgeClient({}), 'bus', {
      sleep: noSleep,
      maxAttempts: 3,
    });
    const [outcome] = await publisher.publish([event(1)]);
    expect(outcome).toMatchObject({ ok: false, errorCode: 'ThrottlingException' });
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(3);
  });

  it('refuses an entry larger than 256 KB without calling EventBridge', async () => {
    const publisher = new EventBridgePublisher(new EventBridgeClient({}), 'bus', { sleep: noSleep });
    const [outcome] = await publisher.publish([event(1, 300_000)]);
    expect(outcome).toMatchObject({ ok: false, errorCode: 'EntryTooLarge' });
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });
});
