import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countStep, DynamoIdentityStore } from '../../../lambdas/adapters/dynamodb/identity-store.js';
import type { OutgoingEvent } from '../../../lambdas/core/contracts/envelope.js';
import { ChannelEventType, channelSource, InternalEventType } from '../../../lambdas/core/contracts/names.js';
import { blockingKeys } from '../../../lambdas/core/identity/blocking.js';
import { identityConfig } from '../../../lambdas/core/identity/config.js';
import { parseCsvObjects } from '../../../lambdas/core/identity/csv.js';
import { attributesFromRow, parseColumnMap } from '../../../lambdas/core/identity/evaluation.js';
import { normaliseAttributes } from '../../../lambdas/core/identity/normalise.js';
import {
  fingerprint,
  type IdentityRecordInput,
  resolveIdentity,
} from '../../../lambdas/core/identity/resolve.js';
import { eraseCustomer } from '../../../lambdas/core/identity/split.js';
import { ERASED_RECORD_KEY, type IdentityStore } from '../../../lambdas/core/identity/store.js';
import { createIdentityHandler } from '../../../lambdas/identity/handler.js';
import { TableLayouts } from '../../../lib/shared/tables.js';
import { createTable, type LocalDynamo, startLocalDynamo } from '../../../local/dynamodb.js';
import { possibleMatch } from '../../support/review-items.js';

const layout = TableLayouts.customers;
let dynamo: LocalDynamo;
let client: DynamoDBClient;
let doc: DynamoDBDocumentClient;
let tables = 0;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  ({ client, doc } = dynamo);
});
afterAll(async () => dynamo.close());

/** A fresh table with the customers layout. */
async function freshTable(): Promise<string> {
  return createTable(client, layout, `${layout.name}-${++tables}`);
}

async function scan(table: string): Promise<string[]> {
  const items: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(
      new ScanCommand({ TableName: table, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    for (const i of out.Items ?? [])
      items.push(JSON.stringify(i, (_k, v) => (v instanceof Set ? [...v].sort() : v)));
    start = out.LastEvaluatedKey;
  } while (start);
  return items.sort();
}

/** The clusters as sets of record keys, following redirects: independent of which ids were minted. */
async function clusters(store: IdentityStore, keys: readonly string[]): Promise<string[]> {
  const byRoot = new Map<string, string[]>();
  for (const key of keys) {
    let id = (await store.getRecord(key))!.customerId!;
    for (let node = await store.getCustomer(id); node?.mergedInto; node = await store.getCustomer(id))
      id = node.mergedInto;
    byRoot.set(id, [...(byRoot.get(id) ?? []), key]);
  }
  return [...byRoot.values()].map((c) => c.sort().join(' ')).sort();
}

// FEBRL 1 people who have duplicates, ordered so that each person's records arrive together: the
// concurrent workers then resolve records of the same person at the same moment.
function overlappingRecords(limit: number): IdentityRecordInput[] {
  const { rows } = parseCsvObjects(
    readFileSync(resolve(process.cwd(), '../shared/data/febrl/febrl_dataset1.csv'), 'utf8'),
  );
  const map = parseColumnMap(
    'givenName=given_name,familyName=surname,streetNumber=street_number,street=address_1,addressLine2=address_2,city=suburb,postcode=postcode,state=state,birthDate=date_of_birth,nationalId=soc_sec_id',
  );
  const person = (id: string) => id.split('-')[1]!;
  const withDuplicates = new Set(rows.filter((r) => r.rec_id!.includes('dup')).map((r) => person(r.rec_id!)));
  return rows
    .filter((r) => withDuplicates.has(person(r.rec_id!)))
    .sort((a, b) => Number(person(a.rec_id!)) - Number(person(b.rec_id!)))
    .slice(0, limit)
    .map((row) => ({
      recordKey: `crm#${row.rec_id}`,
      source: 'crm',
      observedAt: '2025-01-01T00:00:00Z',
      attributes: attributesFromRow(row, map),
    }));
}

describe('the DynamoDB identity store under concurrency', () => {
  const config = identityConfig();

  it('ends with the same clusters from 8 concurrent resolvers as from one serial resolver', async () => {
    // Prepare
    const records = overlappingRecords(100);
    const serial = new DynamoIdentityStore(doc, await freshTable());
    for (const r of records) await resolveIdentity(r, serial, config);
    const concurrent = new DynamoIdentityStore(doc, await freshTable());
    const queue = [...records];
    // Act: 8 workers take the next record as soon as they are free
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let r = queue.shift(); r; r = queue.shift()) await resolveIdentity(r, concurrent, config);
      }),
    );
    // Assess
    const keys = records.map((r) => r.recordKey);
    const expected = await clusters(serial, keys);
    expect(expected.length).toBeLessThan(records.length * 0.6); // the data really has duplicates to merge
    expect(await clusters(concurrent, keys)).toEqual(expected);
  }, 240_000);

  it('changes nothing when records are delivered again, even concurrently', async () => {
    // Prepare
    const records = overlappingRecords(40);
    const table = await freshTable();
    const store = new DynamoIdentityStore(doc, table);
    for (const r of records) await resolveIdentity(r, store, config);
    const before = await scan(table);
    // Act
    const again = await Promise.all([...records, ...records].map((r) => resolveIdentity(r, store, config)));
    // Assess
    expect(new Set(again.map((r) => r.outcome))).toEqual(new Set(['known']));
    expect(await scan(table)).toEqual(before);
  }, 120_000);
});

describe('the identity consumer on DynamoDB', () => {
  it('merges profiles, announces it once, and ignores a redelivered event', async () => {
    // Prepare
    const table = await freshTable();
    const store = new DynamoIdentityStore(doc, table);
    const published: OutgoingEvent[] = [];
    const handler = createIdentityHandler({
      identity: store,
      profiles: store,
      publisher: {
        publish: async (events) => {
          published.push(...events);
          return events.map(() => ({ ok: true as const, busEventId: 'local' }));
        },
      },
      config: identityConfig(),
      clock: { now: () => new Date('2026-03-02T00:00:00Z') },
      logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
    });
    const context = { functionName: 'identity', awsRequestId: 'r' } as Context;
    const event = (id: string, sender: string, customer: Record<string, unknown>) => ({
      version: '0',
      id,
      'detail-type': ChannelEventType.CustomerProfileUpdated,
      source: channelSource(sender),
      account: '000000000000',
      time: '2026-03-01T10:00:00Z',
      region: 'eu-west-1',
      resources: [],
      detail: { schemaVersion: 1, eventId: id, occurredAt: '2026-03-01T10:00:00Z', customer },
    });
    const kofi = { givenName: 'Kofi', familyName: 'Mensah' };
    await handler(
      event('e1', 'web', {
        sourceSystem: 'ecommerce',
        sourceCustomerId: 'W-1',
        ...kofi,
        email: 'kofi@example.org',
      }),
      context,
    );
    await handler(
      event('e2', 'pos', {
        sourceSystem: 'pos',
        sourceCustomerId: 'P-1',
        ...kofi,
        phone: '+447700900456',
        birthDate: '1990-05-05',
      }),
      context,
    );
    const bridge = event('e3', 'loyalty', {
      sourceSystem: 'loyalty',
      sourceCustomerId: 'L-1',
      ...kofi,
      email: 'kofi@example.org',
      phone: '07700 900456',
      birthDate: '1990-05-05',
    });
    // Act
    const first = await handler(bridge, context);
    const before = await scan(table);
    const again = await handler(bridge, context);
    // Assess
    expect(first).toMatchObject({ status: 'resolved', outcome: 'merge' });
    expect(again).toEqual({ status: 'duplicate' });
    expect(await scan(table)).toEqual(before);
    expect(published.filter((e) => e.detailType === InternalEventType.CustomersMerged)).toHaveLength(1);
    const profile = await store.getProfile(first.status === 'resolved' ? first.customerId : '');
    expect(profile?.eventCount).toBe(3);
    expect(profile?.golden.email?.value).toBe('kofi@example.org');
  });
});

describe('name counts on DynamoDB', () => {
  it('counts a common name by sampling: near the true count, with a fraction of the writes', async () => {
    // Prepare: a repeatable random source, and 600 new records of one family name.
    const table = await freshTable();
    let seed = 7;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    let smithWrites = 0;
    const counting = {
      send: (command: { input: { Key?: { pk?: string }; UpdateExpression?: string } }) => {
        if (command.input.Key?.pk === 'TF#f#smith' && command.input.UpdateExpression) smithWrites++;
        return doc.send(command as never);
      },
    } as unknown as DynamoDBDocumentClient;
    const store = new DynamoIdentityStore(counting, table, random);
    const config = identityConfig();
    // Act
    for (let i = 0; i < 600; i++) {
      await resolveIdentity(
        {
          recordKey: `crm#${i}`,
          source: 'crm',
          observedAt: '2026-01-01T00:00:00Z',
          attributes: { givenName: `Given${String.fromCharCode(97 + (i % 26))}${i}`, familyName: 'Smith' },
        },
        store,
        config,
      );
    }
    // Assess: the stored count is within 25% of 600, and far fewer than 600 count writes were made.
    const tf = await new DynamoIdentityStore(doc, table).termFrequencies({ family: 'smith' });
    expect(tf.count('family', 'smith')).toBeGreaterThan(450);
    expect(tf.count('family', 'smith')).toBeLessThan(750);
    expect(smithWrites).toBeLessThan(200);
    const rare = await new DynamoIdentityStore(doc, table).termFrequencies({ given: 'givenb1' });
    expect(rare.count('given', 'givenb1')).toBe(1);
  });

  it('counts a person once, however many records they have, and forgets them on erasure', async () => {
    // Prepare
    const table = await freshTable();
    const store = new DynamoIdentityStore(doc, table);
    const config = identityConfig();
    const ines = { givenName: 'Ines', familyName: 'Quarshie', email: 'ines.q@example.org' };
    // Act: three records of Ines (a repeat delivery among them), and one of another Quarshie
    let inesId = '';
    for (const [key, attributes] of [
      ['crm#1', ines],
      ['web#2', { ...ines, phone: '07700 900123' }],
      ['web#2', { ...ines, phone: '07700 900123' }],
      ['pos#3', ines],
      ['crm#4', { givenName: 'Kwame', familyName: 'Quarshie', email: 'kwame@example.org' }],
    ] as const) {
      const r = await resolveIdentity(
        { recordKey: key, source: key.split('#')[0]!, observedAt: '2026-01-01T00:00:00Z', attributes },
        store,
        config,
      );
      if (key === 'crm#1') inesId = r.customerId!;
    }
    const counted = await new DynamoIdentityStore(doc, table).termFrequencies({ family: 'quarshie' });
    await eraseCustomer(inesId, store, store);
    const afterErasure = await new DynamoIdentityStore(doc, table).termFrequencies({ family: 'quarshie' });
    // Assess
    expect(counted.count('family', 'quarshie')).toBe(2);
    expect(afterErasure.count('family', 'quarshie')).toBe(1);
  });

  it('keeps a name exactly while it is rare', () => {
    expect(countStep(undefined)).toBe(1);
    expect(countStep(63)).toBe(1);
    expect(countStep(64)).toBe(2);
    expect(countStep(1000)).toBe(16);
  });
});

describe('erasure on DynamoDB', () => {
  it('removes the possible matches naming the erased records, and keeps the others', async () => {
    // Prepare
    const table = await freshTable();
    const store = new DynamoIdentityStore(doc, table);
    await store.addReview(possibleMatch('crm#1', 'web#2'));
    await store.addReview(possibleMatch('web#3', 'crm#1'));
    await store.addReview(possibleMatch('web#8', 'web#9'));
    // Act
    await store.removeReviewsOf(['crm#1']);
    // Assess
    const left = (await scan(table)).filter((item) => item.includes('"pk":"REVIEW"'));
    expect(left).toEqual([expect.stringContaining('web#8#web#9')]);
  });
});

describe('a record that gains attributes, on DynamoDB', () => {
  it('writes block entries only for the keys it gained', async () => {
    // Prepare
    const table = await freshTable();
    const written: string[] = [];
    const counting = {
      send: (command: {
        input: { RequestItems?: Record<string, { PutRequest?: { Item: { pk: string } } }[]> };
      }) => {
        for (const requests of Object.values(command.input.RequestItems ?? {}))
          for (const r of Array.isArray(requests) ? requests : [])
            if (r.PutRequest?.Item.pk.startsWith('BLK#')) written.push(r.PutRequest.Item.pk);
        return doc.send(command as never);
      },
    } as unknown as DynamoDBDocumentClient;
    const store = new DynamoIdentityStore(counting, table);
    const kofi = { givenName: 'Kofi', familyName: 'Boateng', email: 'kofi.b@example.org' };
    const at = (observedAt: string, attributes: IdentityRecordInput['attributes']) => ({
      recordKey: 'pos#1',
      source: 'pos',
      observedAt,
      attributes,
    });
    await resolveIdentity(at('2026-01-01T00:00:00Z', kofi), store, identityConfig());
    written.length = 0;
    // Act: his next receipt adds a phone
    await resolveIdentity(
      at('2026-01-02T00:00:00Z', { ...kofi, phone: '07700 900777' }),
      store,
      identityConfig(),
    );
    // Assess
    expect(written).toEqual(['BLK#p:+447700900777']);
  });
});

describe('a pass that stopped half way, on DynamoDB', () => {
  it('is finished by the redelivery, blocks included', async () => {
    // Prepare: the record was written, then the pass stopped before its blocks and its assignment
    const table = await freshTable();
    const store = new DynamoIdentityStore(doc, table);
    const config = identityConfig();
    const input = {
      recordKey: 'pos#9',
      source: 'pos',
      observedAt: '2026-01-01T00:00:00Z',
      attributes: { givenName: 'Yaw', familyName: 'Mensah', email: 'yaw.mensah@example.org' },
    };
    const attributes = normaliseAttributes(input.attributes, config, new Date()).attributes;
    await store.putRecord(
      {
        recordKey: 'pos#9',
        source: 'pos',
        attributes,
        fingerprint: fingerprint(attributes),
        observedAt: input.observedAt,
      },
      [],
    );
    // Act
    const redelivered = await resolveIdentity(input, store, config, { pendingWaitMs: 0 });
    // Assess
    expect(redelivered.customerId).toBeDefined();
    const blocks = (await scan(table)).filter((item) => item.includes('"pk":"BLK#'));
    expect(blocks.length).toBe(blockingKeys(attributes).length);
  });
});

describe("erasure and other people's decisions, on DynamoDB", () => {
  it('leaves no item naming an erased record, while the neighbours still explain their decisions', async () => {
    // Prepare: a household at one address. Chidi shares Amara's landline and is compared with her records
    // (a new person); Amarah, a near-namesake with another loyalty card, is queued for review against her.
    const table = await freshTable();
    const store = new DynamoIdentityStore(doc, table);
    const config = identityConfig();
    const home = { streetNumber: '14', street: 'Larkspur Road', city: 'Leeds', postcode: 'LS6 2AB' };
    const amara = { givenName: 'Amara', familyName: 'Okonkwo', birthDate: '1984-05-12', ...home };
    const chidi = {
      givenName: 'Chidi',
      familyName: 'Okonkwo',
      birthDate: '1982-11-03',
      phone: '0113 496 0000',
    };
    const records: [string, IdentityRecordInput['attributes']][] = [
      ['crm#crm#CRM-0', { ...amara, email: 'amara.okonkwo@example.com', phone: '0113 496 0000' }],
      ['web#web#W-0', { ...amara, email: 'amara.okonkwo@example.com' }],
      ['shop#shop#S-7', { ...amara, birthDate: '1984-05-21', loyaltyId: 'L-12', street: undefined }],
      ['pos#pos#POS-0', { ...chidi, ...home }],
      ['loyalty#loyalty#L-5', { ...chidi, loyaltyId: 'L-5' }],
      ['crm#crm#CRM-1', { ...amara, givenName: 'Amarah', loyaltyId: 'L-99' }],
    ];
    const input = ([recordKey, attributes]: (typeof records)[number]): IdentityRecordInput => ({
      recordKey,
      source: recordKey.split('#')[0]!,
      observedAt: '2026-03-01T10:00:00Z',
      attributes,
    });
    const ids: string[] = [];
    for (const r of records) ids.push((await resolveIdentity(input(r), store, config)).customerId!);
    const erasedKeys = records.slice(0, 3).map(([key]) => key);
    const neighbours = ['pos#pos#POS-0', 'crm#crm#CRM-1'];
    const before = await store.getRecords(neighbours);
    for (const record of before) expect(erasedKeys).toContain(record?.decision?.best?.recordKey);
    expect(new Set(ids.slice(0, 3)).size).toBe(1);
    expect(ids.slice(3)).not.toContain(ids[0]);
    const cards = (await store.getCustomer(ids[0]!))!.summary.loyaltyIds;
    expect(cards).toHaveLength(1);

    // Act
    const erased = await eraseCustomer(ids[0]!, store, store);
    const replay = await resolveIdentity(input(records[1]!), store, config);

    // Assess: no item names an erased record key, the tombstones apart from their own key.
    expect([...erased.recordKeys].sort()).toEqual([...erasedKeys].sort());
    const leaks = (await scan(table)).flatMap((text) => {
      const { pk, ...rest } = JSON.parse(text) as { pk: string };
      const seen = erasedKeys.includes(pk.slice('REC#'.length)) ? JSON.stringify(rest) : text;
      return erasedKeys.filter((key) => seen.includes(key)).map((key) => `${pk} names ${key}`);
    });
    expect(leaks).toEqual([]);
    // Her loyalty card number is gone from her profile node too, which keeps only Tessera ids.
    expect((await scan(table)).filter((text) => cards.some((card) => text.includes(card)))).toEqual([]);
    expect(await store.getCustomer(ids[0]!)).toMatchObject({ summary: { size: 0, loyaltyIds: [] } });
    const after = await store.getRecords(neighbours);
    after.forEach((record, i) => {
      const was = before[i]!.decision!;
      expect(record?.decision).toEqual({ ...was, best: { ...was.best!, recordKey: ERASED_RECORD_KEY } });
      expect(record?.decision?.best?.evidence.comparisons).toContainEqual(
        expect.objectContaining({ level: expect.any(String), weight: expect.any(Number) }),
      );
    });
    const card = (await store.getRecord('loyalty#loyalty#L-5'))!.decision!;
    expect(card.best?.recordKey).toBe('pos#pos#POS-0');
    expect(replay.outcome).toBe('rejected');
    // The rewrite is conditional: one made from a stale read of a decision changes nothing.
    const stale = { ...card, decidedAt: '2026-03-01T00:00:00.000Z' };
    const blank = { ...card, best: { ...card.best!, recordKey: ERASED_RECORD_KEY } };
    expect(await store.replaceDecision('loyalty#loyalty#L-5', stale, blank)).toBe(false);
    expect((await store.getRecord('loyalty#loyalty#L-5'))?.decision).toEqual(card);
  });
  it('finishes an erasure that stopped before deleting the blocks when it is run again', async () => {
    // Prepare: one person with two records; the first erasure fails on its first block deletion.
    const table = await freshTable();
    const store = new DynamoIdentityStore(doc, table);
    const config = identityConfig();
    const person = { givenName: 'Rhiannon', familyName: 'Pryce', birthDate: '1979-08-14', city: 'Cardiff' };
    const keys = ['crm#crm#CRM-42', 'web#web#W-42'];
    let customerId = '';
    for (const [i, recordKey] of keys.entries()) {
      const attributes = {
        ...person,
        email: 'rhiannon.pryce@example.com',
        ...(i ? {} : { phone: '029 2018 0000' }),
      };
      const input = {
        recordKey,
        source: recordKey.split('#')[0]!,
        observedAt: '2026-04-01T09:00:00Z',
        attributes,
      };
      customerId = (await resolveIdentity(input, store, config)).customerId!;
    }
    let failures = 1;
    const flaky = {
      send: (command: unknown) => {
        if (
          command instanceof BatchWriteCommand &&
          JSON.stringify(command.input).includes('DeleteRequest') &&
          failures-- > 0
        )
          return Promise.reject(new Error('connection reset'));
        return doc.send(command as never);
      },
    } as unknown as DynamoDBDocumentClient;
    const blockEntries = async () =>
      (await scan(table))
        .map((text) => JSON.parse(text) as { pk: string; sk: string })
        .filter((item) => item.pk.startsWith('BLK#') && keys.includes(item.sk));
    expect(await blockEntries()).not.toEqual([]);

    // Act
    const first = await eraseCustomer(customerId, new DynamoIdentityStore(flaky, table), store).catch(
      (e: Error) => e,
    );
    const second = await eraseCustomer(customerId, store, store);

    // Assess: the first stopped after a tombstone; the second deleted what it had left, blocks and membership.
    expect(first).toBeInstanceOf(Error);
    expect([...second.recordKeys].sort()).toEqual([...keys].sort());
    expect(await blockEntries()).toEqual([]);
    expect(await store.listMembers(customerId)).toEqual([]);
    for (const key of keys)
      expect(await store.getRecord(key)).toMatchObject({ erasedAt: expect.any(String) });
    expect((await scan(table)).filter((text) => text.includes('pendingBlocks'))).toEqual([]);
  });
});
