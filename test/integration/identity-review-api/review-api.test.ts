import { Logger } from '@aws-lambda-powertools/logger';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoIdentityStore } from '../../../lambdas/adapters/dynamodb/identity-store.js';
import { DynamoIdentityReviewQueue } from '../../../lambdas/adapters/dynamodb/review-queue.js';
import { ChannelEventType, channelSource, InternalEventType } from '../../../lambdas/core/contracts/names.js';
import { identityConfig } from '../../../lambdas/core/identity/config.js';
import { rootOf } from '../../../lambdas/core/identity/resolve.js';
import { eraseCustomer } from '../../../lambdas/core/identity/split.js';
import { createIdentityHandler } from '../../../lambdas/identity/handler.js';
import { createIdentityReviewApiHandler } from '../../../lambdas/identity-review-api/handler.js';
import { createIdentityReviewService } from '../../../lambdas/identity-review-api/review-service.js';
import { TableLayouts } from '../../../lib/shared/tables.js';
import { createTable, type LocalDynamo, startLocalDynamo } from '../../../local/dynamodb.js';
import { identityReviewRoutes, type LocalApiServer, startApiServer } from '../../../local/http/api-server.js';
import { CollectingPublisher } from '../../support/publisher.js';

/** A bus that can be told to refuse events, to show a failed announcement is not lost. */
const clock = { now: () => new Date('2026-03-02T00:00:00Z') };
const silent = new Logger({ serviceName: 'test', logLevel: 'SILENT' });
const context = {
  functionName: 'identity',
  awsRequestId: 'r',
  getRemainingTimeInMillis: () => 30_000,
} as Context;
let n = 0;

function profileEvent(sender: string, customer: Record<string, unknown>): EventBridgeEvent<string, unknown> {
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
      occurredAt: `2026-03-01T10:${String(n % 60).padStart(2, '0')}:00Z`,
      customer,
    },
  };
}

/** Same person by name and email, but two loyalty cards: merge protection sends the pair to review. */
const PEOPLE = [
  { givenName: 'Margaret', familyName: 'Oyelaran', birthDate: '1961-07-14' },
  { givenName: 'Tobias', familyName: 'Lindqvist', birthDate: '1979-02-03' },
  { givenName: 'Ingrid', familyName: 'Castellano', birthDate: '1990-11-23' },
];
const person = (sender: string, i: number, loyaltyId: string, email: string) =>
  profileEvent(sender, {
    sourceSystem: sender,
    sourceCustomerId: `${sender.toUpperCase()}-${i}`,
    ...PEOPLE[i % PEOPLE.length],
    email,
    loyaltyId,
  });

let dynamo: LocalDynamo;
let tables = 0;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => dynamo.close());

async function setup(pairs = 1) {
  const table = await createTable(
    dynamo.client,
    TableLayouts.customers,
    `${TableLayouts.customers.name}-review-${++tables}`,
  );
  const store = new DynamoIdentityStore(dynamo.doc, table);
  const bus = new CollectingPublisher();
  const config = identityConfig();
  const resolve = createIdentityHandler({
    identity: store,
    profiles: store,
    publisher: bus,
    config,
    clock,
    logger: silent,
  });
  for (let i = 0; i < pairs; i++) {
    await resolve(person('crm', i, `LOY-A${i}`, `person.${i}@example.com`), context);
    await resolve(person('loyalty', i, `LOY-B${i}`, `person.${i}@example.com`), context);
  }
  bus.events.length = 0;
  const handler = createIdentityReviewApiHandler({
    review: createIdentityReviewService({
      queue: new DynamoIdentityReviewQueue(dynamo.doc, table),
      identity: store,
      profiles: store,
      publisher: bus,
      config,
      clock,
    }),
    logger: silent,
  });
  const api: LocalApiServer = await startApiServer(identityReviewRoutes(handler as never));
  const call = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
    const res = await fetch(`${api.url}${path}`, {
      method,
      ...(body !== undefined
        ? {
            body: typeof body === 'string' ? body : JSON.stringify(body),
            headers: { 'content-type': 'application/json' },
          }
        : {}),
    });
    const text = await res.text();
    // biome-ignore lint/suspicious/noExplicitAny: the assertions below read the answers' JSON freely
    return { status: res.status, text, json: JSON.parse(text) as Record<string, any> };
  };
  return {
    store,
    bus,
    api,
    call,
    resolve: (event: EventBridgeEvent<string, unknown>) => resolve(event, context),
    table,
  };
}

/** Every item of the table, as JSON (sets as sorted arrays). */
async function scan(table: string): Promise<{ pk: string; text: string }[]> {
  const items: { pk: string; text: string }[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await dynamo.doc.send(
      new ScanCommand({ TableName: table, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    for (const i of out.Items ?? [])
      items.push({ pk: i.pk as string, text: JSON.stringify(i, (_k, v) => (v instanceof Set ? [...v] : v)) });
    start = out.LastEvaluatedKey;
  } while (start !== undefined);
  return items;
}

describe('identity review API on the local DynamoDB', () => {
  it('lists possible matches page by page, without names or contact details', async () => {
    // Prepare
    const { api, call } = await setup(3);

    // Act
    const first = await call('GET', '/identity/reviews?limit=2');
    const second = await call('GET', `/identity/reviews?limit=2&cursor=${first.json.nextCursor}`);
    const bad = await call('GET', '/identity/reviews?limit=0');
    await api.close();

    // Assess
    expect(first.status).toBe(200);
    expect(first.json.reviews).toHaveLength(2);
    expect(second.json.reviews).toHaveLength(1);
    expect(second.json.nextCursor).toBeUndefined();
    const ids = [...first.json.reviews, ...second.json.reviews].map((r: { reviewId: string }) => r.reviewId);
    expect(new Set(ids).size).toBe(3);
    expect(first.json.reviews[0]).toMatchObject({ reason: expect.stringContaining('different loyalty ids') });
    expect(first.text + second.text).not.toMatch(
      /margaret|oyelaran|tobias|lindqvist|ingrid|castellano|example\.com|1961|1979|1990/i,
    );
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/^limit:/);
  });

  it('shows the evidence and the two records side by side', async () => {
    // Prepare
    const { api, call } = await setup();
    const [item] = (await call('GET', '/identity/reviews')).json.reviews;

    // Act
    const detail = await call('GET', `/identity/reviews/${item.reviewId}`);
    await api.close();

    // Assess
    expect(detail.status).toBe(200);
    expect(detail.json.evidence.protections).toContainEqual({ rule: 'different loyalty ids', veto: true });
    expect(detail.json.evidence.comparisons.length).toBeGreaterThan(3);
    expect(detail.json.threshold).toEqual({ link: 12, review: 6 });
    const sources = detail.json.records.map((r: { source: string }) => r.source).sort();
    expect(sources).toEqual(['crm', 'loyalty']);
    expect(detail.json.records[0].attributes.family).toBe('oyelaran');
  });

  it('merges on accept, announces CustomersMerged once, and answers 409 to a second decision', async () => {
    // Prepare
    const { store, bus, api, call } = await setup();
    const [item] = (await call('GET', '/identity/reviews')).json.reviews;

    // Act
    const accepted = await call('POST', `/identity/reviews/${item.reviewId}/decision`, {
      verdict: 'accept',
      reviewer: 'Sam from customer care',
    });
    const again = await call('POST', `/identity/reviews/${item.reviewId}/decision`, {
      verdict: 'reject',
      reviewer: 'someone else',
    });
    const remaining = await call('GET', '/identity/reviews');
    await api.close();

    // Assess
    expect(accepted.status).toBe(200);
    const { survivorId, mergedId } = accepted.json;
    expect([survivorId, mergedId].sort()).toEqual([item.customerId, item.candidateCustomerId].sort());
    expect((await rootOf(store, mergedId)).customerId).toBe(survivorId);
    expect(bus.events.map((e) => e.detailType)).toEqual([InternalEventType.CustomersMerged]);
    expect(bus.events[0]?.detail).toMatchObject({ survivorId, mergedIds: [mergedId] });
    const profile = await store.getProfile(survivorId);
    expect(profile?.eventCount).toBe(2);
    expect(profile?.recentEvents).toContain(`merge:${mergedId}`);
    expect((profile as { outbox?: unknown } | undefined)?.outbox).toBeUndefined();
    expect(again.status).toBe(409);
    expect(again.json.message).toMatch(/already decided: accept by Sam from customer care/);
    expect(remaining.json.reviews).toEqual([]);
  });

  it('lets exactly one of two simultaneous decisions through', async () => {
    // Prepare
    const { bus, api, call } = await setup();
    const [item] = (await call('GET', '/identity/reviews')).json.reviews;
    const path = `/identity/reviews/${item.reviewId}/decision`;

    // Act
    const answers = await Promise.all([
      call('POST', path, { verdict: 'accept', reviewer: 'Sam' }),
      call('POST', path, { verdict: 'reject', reviewer: 'Alex' }),
    ]);
    await api.close();

    // Assess
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const winner = answers.find((a) => a.status === 200)!;
    expect(bus.events).toHaveLength(winner.json.verdict === 'accept' ? 1 : 0);
  });

  it('keeps two profiles apart for good on reject', async () => {
    // Prepare
    const { store, bus, api, call } = await setup();
    const [item] = (await call('GET', '/identity/reviews')).json.reviews;

    // Act
    const rejected = await call('POST', `/identity/reviews/${item.reviewId}/decision`, {
      verdict: 'reject',
      reviewer: 'Sam',
    });
    await api.close();

    // Assess
    expect(rejected.status).toBe(200);
    expect(rejected.json.mergedId).toBeUndefined();
    expect((await store.getCustomer(item.customerId))?.summary.apart).toContain(item.candidateCustomerId);
    expect(bus.events).toEqual([]);
  });

  it('answers 404 for an unknown review and 400 naming the field for a bad body or query', async () => {
    // Prepare
    const { api, call } = await setup();
    const [item] = (await call('GET', '/identity/reviews')).json.reviews;
    const decide = (body: unknown) => call('POST', `/identity/reviews/${item.reviewId}/decision`, body);

    // Act
    const unknown = await call('POST', '/identity/reviews/bm8tc3VjaC1yZXZpZXc/decision', {
      verdict: 'accept',
      reviewer: 'Sam',
    });
    const unknownShow = await call('GET', '/identity/reviews/not*an*id');
    const badVerdict = await decide({ verdict: 'merge', reviewer: 'Sam' });
    const noReviewer = await decide({ verdict: 'accept' });
    const notJson = await decide('{verdict');
    const unknownQuery = await call('GET', '/identity/reviews?colour=red');
    const stillThere = await call('GET', `/identity/reviews/${item.reviewId}`);
    await api.close();

    // Assess
    expect(unknown.status).toBe(404);
    expect(unknownShow.status).toBe(404);
    expect(badVerdict.status).toBe(400);
    expect(badVerdict.json.message).toMatch(/^verdict:/);
    expect(noReviewer.json.message).toMatch(/^reviewer:/);
    expect(notJson.json.message).toBe('the body is not JSON');
    expect(unknownQuery.status).toBe(400);
    expect(unknownQuery.json.message).toMatch(/^\(query\): .*colour/);
    expect(stillThere.status).toBe(200);
  });

  it('finishes an accept whose announcement failed when the reviewer tries again, merging once', async () => {
    // Prepare
    const { store, bus, api, call } = await setup();
    const [item] = (await call('GET', '/identity/reviews')).json.reviews;
    const decision = { verdict: 'accept', reviewer: 'Sam' };
    bus.failing = true;

    // Act
    const failed = await call('POST', `/identity/reviews/${item.reviewId}/decision`, decision);
    bus.failing = false;
    const otherVerdict = await call('POST', `/identity/reviews/${item.reviewId}/decision`, {
      verdict: 'reject',
      reviewer: 'Sam',
    });
    const retried = await call('POST', `/identity/reviews/${item.reviewId}/decision`, decision);
    await api.close();

    // Assess
    expect(failed.status).toBe(500);
    expect(otherVerdict.status).toBe(409);
    expect(retried.status).toBe(200);
    expect(bus.events).toHaveLength(1);
    expect(bus.events[0]?.detail).toMatchObject({ survivorId: retried.json.survivorId });
    expect((await store.getProfile(retried.json.survivorId))?.eventCount).toBe(2);
  });

  it('erasing a person removes their waiting and decided reviews with the decisions, and keeps the others', async () => {
    // Prepare: Margaret's two cards are merged by a reviewer, Tobias's kept apart; then a third card like
    // Margaret's arrives and waits in the queue against her records.
    const { store, api, call, resolve, table } = await setup(2);
    const queue = new DynamoIdentityReviewQueue(dynamo.doc, table);
    const naming = (text: string) => /CRM-0|LOYALTY-0/.test(text);
    const reviewOf = async (pattern: RegExp) => {
      const found = (await queue.list(100)).items.find((i) =>
        pattern.test(`${i.recordKey} ${i.candidateRecordKey}`),
      );
      if (found === undefined) throw new Error(`no possible match for ${pattern}`);
      return found.reviewId;
    };
    const margaretReviewId = await reviewOf(/CRM-0/);
    const tobiasReviewId = await reviewOf(/CRM-1/);
    const accepted = await call('POST', `/identity/reviews/${margaretReviewId}/decision`, {
      verdict: 'accept',
      reviewer: 'Sam from customer care',
    });
    const rejected = await call('POST', `/identity/reviews/${tobiasReviewId}/decision`, {
      verdict: 'reject',
      reviewer: 'Alex',
    });
    await resolve(person('pos', 0, 'LOY-C0', 'person.0@example.com'));
    const waiting = (await queue.list(100)).items;
    expect(accepted.status).toBe(200);
    expect(rejected.status).toBe(200);
    expect(waiting.filter((i) => naming(`${i.recordKey} ${i.candidateRecordKey}`))).not.toEqual([]);

    // Act
    const erased = await eraseCustomer(accepted.json.survivorId, store, store);
    const replay = await resolve(person('loyalty', 0, 'LOY-B0', 'person.0@example.com'));
    const decideAgain = await call('POST', `/identity/reviews/${margaretReviewId}/decision`, {
      verdict: 'reject',
      reviewer: 'Sam',
    });
    const queueAfter = await call('GET', '/identity/reviews');
    await api.close();

    // Assess: no review item, decision or index entry names the erased records any more; their own items
    // are tombstones, which must keep the key to turn replays away.
    expect([...erased.recordKeys].sort()).toEqual(['crm#crm#CRM-0', 'loyalty#loyalty#LOYALTY-0']);
    const left = (await scan(table)).filter((i) => naming(i.text));
    expect(left.filter((i) => i.pk.startsWith('REVIEW'))).toEqual([]);
    const tombstones = left.filter((i) => erased.recordKeys.some((k) => i.pk === `REC#${k}`));
    expect(tombstones).toHaveLength(2);
    expect(tombstones.map((i) => i.text).join()).not.toMatch(/oyelaran|example\.com|LOY-|attrs/i);
    expect(await queue.getDecision(margaretReviewId)).toBeUndefined();
    expect(replay).toMatchObject({ status: 'rejected', reason: expect.stringMatching(/erasure/) });
    expect(decideAgain.status).toBe(404);
    expect(queueAfter.json.reviews).toEqual([]);
    // Tobias's decided pair is untouched.
    expect(await queue.getDecision(tobiasReviewId)).toMatchObject({
      verdict: 'reject',
      reviewer: 'Alex',
      status: 'done',
    });
  });
});
