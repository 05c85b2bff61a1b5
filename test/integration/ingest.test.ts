import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TesseraEvent } from '../../lambdas/core/contracts/envelope.js';
import { ChannelEventType, channelSource } from '../../lambdas/core/contracts/names.js';
import { DEFAULT_INGEST_LIMITS } from '../../lambdas/core/ingest/ingest-batch.js';
import type { RejectedEvent } from '../../lambdas/core/ingest/ports.js';
import { redriveRejected } from '../../lambdas/core/ingest/redrive.js';
import { SignatureHeader, signPayload } from '../../lambdas/core/ingest/request-signature.js';
import type { IngestSummary } from '../../lambdas/ingest-api/handler.js';
import type { Route } from '../../lib/shared/routing.js';
import { postEventBatch } from '../../local/channel-client.js';
import { type LocalRuntime, startLocalRuntime } from '../../local/runtime.js';
import { posOrder } from '../support/channel-events.js';

const received: TesseraEvent[] = [];
const orderRoute: Route = {
  name: 'test-orders',
  consumer: 'identity',
  description: 'test consumer of POS orders',
  pattern: { source: [channelSource('pos')], 'detail-type': [ChannelEventType.OrderPlaced] },
  retry: { maximumRetryAttempts: 2, maximumEventAgeSeconds: 60 },
};

let runtime: LocalRuntime;
const post = (events: Parameters<typeof postEventBatch>[3], sourceId = 'pos') =>
  postEventBatch(runtime.api.url, sourceId, runtime.sourceKeys[sourceId] as string, events);

async function rawPost(body: string, headers: Record<string, string>) {
  const response = await fetch(`${runtime.api.url}/events`, { method: 'POST', headers, body });
  return { status: response.status, body: (await response.json()) as { error?: string; message?: string } };
}

function signedHeaders(
  body: string,
  sourceId = 'pos',
  at = Math.floor(Date.now() / 1000),
): Record<string, string> {
  return {
    'content-type': 'application/json',
    [SignatureHeader.source]: sourceId,
    [SignatureHeader.timestamp]: String(at),
    [SignatureHeader.signature]: signPayload(runtime.sourceKeys[sourceId] as string, at, body),
  };
}

beforeAll(async () => {
  runtime = await startLocalRuntime({ bus: { retryBaseDelayMs: 1 } });
  runtime.bus.subscribe(orderRoute, async (event) => {
    received.push(event);
  });
});
afterAll(async () => runtime.stop());

describe('HTTP ingest to the local bus', () => {
  it('publishes a valid signed batch to the consumers whose pattern matches', async () => {
    // Prepare
    const order = posOrder();
    // Act
    const response = await post([order]);
    await runtime.bus.drain();
    // Assess
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ accepted: 1, duplicates: 0, rejected: 0, failed: 0 });
    const delivered = received.filter(
      (e) => (e.detail as { eventId: string }).eventId === (order.detail as { eventId: string }).eventId,
    );
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({
      source: 'tessera.channel.pos',
      'detail-type': 'OrderPlaced',
      time: '2026-03-01T10:15:00Z',
    });
    expect(delivered[0]?.detail).toMatchObject({ promotionCodes: [], shipping: 0 });
  });

  it('publishes an event delivered twice only once', async () => {
    // Prepare
    const order = posOrder();
    const before = received.length;
    // Act
    const first = await post([order, order]);
    const second = await post([order]);
    await runtime.bus.drain();
    // Assess
    expect(first.body).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(second.body).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(received.length - before).toBe(1);
  });

  it('rejects bad events with a reason naming the field, keeps them, and still publishes the good ones', async () => {
    // Prepare
    const good = posOrder();
    const missingOrderId = posOrder({ orderId: undefined });
    const future = posOrder({ occurredAt: new Date(Date.now() + 3_600_000).toISOString() });
    const oversize = posOrder({
      lines: [{ sku: 'S', quantity: 1, unitPrice: 1, productName: 'x'.repeat(400) }],
      region: 'r',
    });
    (oversize.detail as Record<string, unknown>).lines = Array.from({ length: 500 }, () => ({
      sku: 'S',
      quantity: 1,
      unitPrice: 1,
      productName: 'x'.repeat(500),
    }));
    const unknownType = { ...posOrder(), detailType: 'OrderTeleported' };
    // Act
    const response = await post([missingOrderId, good, future, unknownType, oversize]);
    await runtime.bus.drain();
    // Assess
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ accepted: 1, rejected: 4 });
    const results = (response.body as IngestSummary).results as readonly {
      status: string;
      reasons?: string[];
      rejectionId?: string;
    }[];
    expect(results.map((r) => r.status)).toEqual([
      'rejected',
      'accepted',
      'rejected',
      'rejected',
      'rejected',
    ]);
    expect(results[0]?.reasons?.join()).toMatch(/^orderId: /);
    expect(results[2]?.reasons?.join()).toMatch(/occurredAt: \d+s in the future/);
    expect(results[3]?.reasons).toEqual(["detail-type: unknown detail-type 'OrderTeleported'"]);
    expect(results[4]?.reasons?.join()).toMatch(/EventBridge accepts at most 262144/);
    const stored = await runtime.rejected.get(results[0]?.rejectionId as string);
    expect(stored).toMatchObject({
      sourceId: 'pos',
      detailType: 'OrderPlaced',
      reasons: results[0]?.reasons,
    });
    expect(JSON.parse(stored?.rawEvent as string)).toMatchObject({ 'detail-type': 'OrderPlaced' });
    const listed = await runtime.rejected.list({ limit: 50, since: new Date(Date.now() - 86_400_000) });
    expect(listed.items.map((i) => i.rejectionId)).toEqual(
      expect.arrayContaining(results.filter((r) => r.rejectionId).map((r) => r.rejectionId)),
    );
  });

  it.each([
    [
      'a missing signature',
      (body: string) => ({ ...signedHeaders(body), [SignatureHeader.signature]: '' }),
      401,
      /signature/,
    ],
    [
      'a wrong signature',
      (body: string) => ({ ...signedHeaders(body), [SignatureHeader.signature]: `v1=${'0'.repeat(64)}` }),
      401,
      /signature does not match/,
    ],
    [
      'an unknown source',
      (body: string) => ({ ...signedHeaders(body), [SignatureHeader.source]: 'intruder' }),
      401,
      /unknown source/,
    ],
    [
      'a stale timestamp',
      (body: string) => signedHeaders(body, 'pos', Math.floor(Date.now() / 1000) - 3600),
      401,
      /old; at most 300s/,
    ],
    [
      'a wrong content type',
      (body: string) => ({ ...signedHeaders(body), 'content-type': 'text/plain' }),
      415,
      /application\/json/,
    ],
  ])('refuses a request with %s', async (_name, headers, status, message) => {
    // Prepare
    const body = JSON.stringify({ events: [{ 'detail-type': 'OrderPlaced', detail: posOrder().detail }] });
    // Act
    const response = await rawPost(body, headers(body));
    // Assess
    expect(response.status).toBe(status);
    expect(response.body.message).toMatch(message);
  });

  it('refuses malformed JSON and a body that is not a batch, naming the problem', async () => {
    const malformed = '{"events": [';
    const notBatch = JSON.stringify([{ 'detail-type': 'OrderPlaced' }]);
    const empty = JSON.stringify({ events: [] });
    expect(await rawPost(malformed, signedHeaders(malformed))).toMatchObject({
      status: 400,
      body: { error: 'MalformedJson' },
    });
    expect(await rawPost(notBatch, signedHeaders(notBatch))).toMatchObject({
      status: 400,
      body: { error: 'InvalidBatch' },
    });
    expect((await rawPost(empty, signedHeaders(empty))).body.message).toBe(
      'events: at least one event is required',
    );
  });

  it('refuses an oversize body before looking at its events', async () => {
    const body = JSON.stringify({
      events: [{ 'detail-type': 'OrderPlaced', detail: { pad: 'x'.repeat(7 * 1024 * 1024) } }],
    });
    const response = await rawPost(body, signedHeaders(body));
    expect(response.status).toBe(413);
  });
});

describe('delivery from the local bus', () => {
  it('retries a failing consumer and dead-letters the event after the route allows no more', async () => {
    // Prepare
    let attempts = 0;
    runtime.bus.subscribe({ ...orderRoute, name: 'always-failing' }, async () => {
      attempts += 1;
      throw new Error('profile table unavailable');
    });
    const order = posOrder();
    // Act
    await post([order]);
    await runtime.bus.drain();
    // Assess
    expect(attempts).toBe(3);
    const letter = runtime.bus.deadLettered().find((l) => l.route === 'always-failing');
    expect(letter).toMatchObject({ attempts: 3, error: 'Error: profile table unavailable' });
    expect(letter?.event.detail).toMatchObject({ eventId: (order.detail as { eventId: string }).eventId });
    expect(runtime.bus.stats()['always-failing']).toMatchObject({
      retried: 2,
      deadLettered: 1,
      delivered: 0,
    });
  });
});

describe('Odoo outgoing webhooks', () => {
  const partner = {
    _action: 'Tessera sync(#12)',
    _id: 7,
    _model: 'res.partner',
    id: 7,
    name: 'Joana Reis',
    email: 'joana@example.com',
    write_date: '2026-03-01 10:00:00',
  };
  const postWebhook = (secret: string, body: unknown) =>
    fetch(`${runtime.api.url}/odoo/webhook/${secret}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('refuses a wrong path secret', async () => {
    expect((await postWebhook('not-the-secret', partner)).status).toBe(403);
  });

  it('maps a partner change to a contract event, once per (model, id, write_date)', async () => {
    // Act
    const first = await postWebhook(runtime.odooWebhookSecret, partner);
    const repeat = await postWebhook(runtime.odooWebhookSecret, partner);
    const changed = await postWebhook(runtime.odooWebhookSecret, {
      ...partner,
      write_date: '2026-03-01 10:05:00',
    });
    // Assess
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ status: 'accepted' });
    expect(await repeat.json()).toMatchObject({ status: 'duplicate' });
    expect(await changed.json()).toMatchObject({ status: 'accepted' });
  });

  it('accepts the partner change a real Odoo 19 sent (no write_date selected)', async () => {
    // Prepare: the body exactly as captured in ../shared/data/odoo-wire/outgoing_webhook_capture.jsonl
    const [line] = (
      await readFile(resolve('../shared/data/odoo-wire/outgoing_webhook_capture.jsonl'), 'utf8')
    ).split('\n');
    const recorded = JSON.parse(JSON.parse(line as string).body as string);
    // Act
    const response = await postWebhook(runtime.odooWebhookSecret, recorded);
    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'accepted' });
  });

  it('answers a quotation, which is no channel event, as ignored without keeping it', async () => {
    const quotation = {
      _action: 'Tessera sync(#12)',
      _id: 5,
      _model: 'sale.order',
      id: 5,
      name: 'S00005',
      state: 'draft',
      partner_id: 7,
    };
    const response = await postWebhook(runtime.odooWebhookSecret, quotation);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ignored' });
  });

  it('keeps a record it cannot map in the rejected store', async () => {
    const response = await postWebhook(runtime.odooWebhookSecret, { _id: 1, _model: 'stock.picking', id: 1 });
    const body = (await response.json()) as { rejectionId: string; reasons: string[] };
    expect(response.status).toBe(422);
    expect(body.reasons.join()).toMatch(/stock\.picking/);
    expect(await runtime.rejected.get(body.rejectionId)).toMatchObject({ sourceId: 'odoo' });
  });
});

describe('re-driving rejected events', () => {
  it('sends a corrected event through ingestion once, and refuses an uncorrected one', async () => {
    // Prepare
    const bad = posOrder({ currency: 'eur' });
    const response = await post([bad]);
    const [verdict] = (response.body as IngestSummary).results;
    const rejection = await runtime.rejected.get((verdict as { rejectionId: string }).rejectionId);
    const deps = {
      ledger: runtime.ledger,
      rejected: runtime.rejected,
      publisher: runtime.publisher,
      limits: DEFAULT_INGEST_LIMITS,
    };
    const corrected = JSON.stringify({
      'detail-type': bad.detailType,
      detail: { ...(bad.detail as object), currency: 'EUR' },
    });
    const before = received.length;
    // Act
    const asStored = await redriveRejected(rejection as RejectedEvent, undefined, new Date(), deps);
    const fixed = await redriveRejected(rejection as RejectedEvent, corrected, new Date(), deps);
    const again = await redriveRejected(
      (await runtime.rejected.get(rejection?.rejectionId as string)) as RejectedEvent,
      corrected,
      new Date(),
      deps,
    );
    await runtime.bus.drain();
    // Assess
    expect(asStored).toEqual({
      ok: false,
      reasons: ['currency: must be an ISO 4217 currency code such as EUR'],
    });
    expect(fixed).toMatchObject({ ok: true, verdict: { status: 'accepted' } });
    expect(again).toMatchObject({ ok: false, reasons: [expect.stringMatching(/^already re-driven at /)] });
    expect(received.length - before).toBe(1);
  });
});
