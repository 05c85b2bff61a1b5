import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoIdentityStore } from '../../../lambdas/adapters/dynamodb/identity-store.js';
import { ChannelEventType, channelSource } from '../../../lambdas/core/contracts/names.js';
import { identityConfig } from '../../../lambdas/core/identity/config.js';
import { parseCsvObjects } from '../../../lambdas/core/identity/csv.js';
import { attributesFromRow, parseColumnMap } from '../../../lambdas/core/identity/evaluation.js';
import { rootOf } from '../../../lambdas/core/identity/resolve.js';
import { systemClock } from '../../../lambdas/core/ports.js';
import { createIdentityHandler } from '../../../lambdas/identity/handler.js';
import {
  type BackfillBatch,
  type BackfillItem,
  createIdentityBackfillHandler,
} from '../../../lambdas/identity-backfill/handler.js';
import { type LocalDynamo, startLocalDynamo } from '../../../local/dynamodb.js';
import { CollectingPublisher } from '../../support/publisher.js';

const context = {
  functionName: 'tessera-identity-backfill',
  awsRequestId: 'map-run-1',
  getRemainingTimeInMillis: () => 120_000,
} as Context;
const silent = new Logger({ serviceName: 'tessera-identity-backfill', logLevel: 'SILENT' });

/** FEBRL dataset 1 (real reference data): originals and their corrupted duplicates, as CRM history lines. */
function febrlLines(pairs: number): { lines: unknown[]; recIds: string[] } {
  const csv = readFileSync(resolve(process.cwd(), '../shared/data/febrl/febrl_dataset1.csv'), 'utf8');
  const { rows } = parseCsvObjects(csv);
  const map = parseColumnMap(
    'givenName=given_name,familyName=surname,streetNumber=street_number,street=address_1,addressLine2=address_2,city=suburb,postcode=postcode,state=state,birthDate=date_of_birth',
  );
  const byId = new Map(rows.map((r) => [String(r.rec_id).trim(), r]));
  const originals = [...byId.keys()].filter(
    (id) => id.endsWith('-org') && byId.has(id.replace('-org', '-dup-0')),
  );
  const recIds = originals.slice(0, pairs).flatMap((org) => [org, org.replace('-org', '-dup-0')]);
  const lines = recIds.map((recId, i) => {
    const a = attributesFromRow(byId.get(recId) as Record<string, string>, map);
    return {
      detailType: ChannelEventType.CustomerProfileUpdated,
      detail: JSON.parse(
        JSON.stringify({
          schemaVersion: 1,
          eventId: `febrl-${recId}`,
          occurredAt: new Date(Date.UTC(2019, 0, 1) + i * 60_000).toISOString(),
          customer: {
            sourceSystem: 'crm',
            givenName: a.givenName,
            familyName: a.familyName,
            birthDate: a.birthDate,
            address: {
              streetNumber: a.streetNumber,
              street: a.street,
              line2: a.addressLine2,
              city: a.city,
              postcode: a.postcode,
              state: a.state,
            },
          },
        }),
      ),
    };
  });
  return { lines, recIds };
}

let dynamo: LocalDynamo;
let store: DynamoIdentityStore;
let publisher: CollectingPublisher;
let backfill: ReturnType<typeof createIdentityBackfillHandler>;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
  store = new DynamoIdentityStore(dynamo.doc, dynamo.tables.customers);
  publisher = new CollectingPublisher();
  backfill = createIdentityBackfillHandler({
    identity: createIdentityHandler({
      identity: store,
      profiles: store,
      publisher,
      config: identityConfig({ defaultRegion: 'AU' }),
      clock: systemClock,
      logger: silent,
    }),
    logger: silent,
  });
});
afterAll(async () => dynamo.close());

/** Every item of the customers table, as stored: a rerun that changed anything would show here. */
async function tableItems() {
  const out = await dynamo.doc.send(
    new ScanCommand({ TableName: dynamo.tables.customers, ConsistentRead: true }),
  );
  return (out.Items ?? []).sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`));
}

describe('identity backfill item processor on the local DynamoDB', () => {
  const { lines, recIds } = febrlLines(12);
  // Two bad lines in the middle of the file: a contract breach and a line that is not an object.
  const file: unknown[] = [
    ...lines.slice(0, 10),
    { detailType: ChannelEventType.OrderPlaced, detail: { schemaVersion: 1, eventId: 'o-1' } },
    42,
    ...lines.slice(10),
  ];
  const items: BackfillItem[] = file.map((event, index) => ({ index, event }));
  const batches: BackfillBatch[] = [
    { Items: items.slice(0, 13), BatchInput: { source: 'crm-history', key: 'backfill/input/febrl.jsonl' } },
    { Items: items.slice(13), BatchInput: { source: 'crm-history', key: 'backfill/input/febrl.jsonl' } },
  ];

  it('resolves every valid line of each batch, linking FEBRL duplicates to their originals', async () => {
    // Act
    const results = [];
    for (const batch of batches) results.push(await backfill(batch, context));

    // Assess
    const verdicts = results.flatMap((r) => r.verdicts);
    expect(verdicts).toHaveLength(file.length);
    const good = verdicts.filter((v) => v.index !== 10 && v.index !== 11);
    expect(good.every((v) => v.status === 'resolved')).toBe(true);
    // Each original and its duplicate end in one profile; different people in different profiles.
    const customerOf = new Map<string, string>();
    for (const v of good) {
      const line = v.index > 11 ? v.index - 2 : v.index;
      if (v.status === 'resolved')
        customerOf.set(recIds[line] as string, (await rootOf(store, v.customerId)).customerId);
    }
    const people = [...new Set(recIds.map((id) => id.replace(/-(org|dup-0)$/, '')))];
    for (const person of people) {
      expect(customerOf.get(`${person}-dup-0`), person).toBe(customerOf.get(`${person}-org`));
    }
    expect(new Set(customerOf.values()).size).toBe(people.length);
  });

  it('reports a bad line with its line number and reason, in the batch that holds it', async () => {
    // Act: the first batch again (idempotent, see below) to read its report.
    const result = await backfill(batches[0] as BackfillBatch, context);

    // Assess
    expect(result.failed).toBe(2);
    expect(result.failures).toEqual([
      { line: 11, reason: expect.stringMatching(/^OrderPlaced breaks its contract: .*occurredAt/) },
      { line: 12, reason: 'the line is not a JSON object' },
    ]);
    expect(result.verdicts.find((v) => v.index === 10)).toMatchObject({ status: 'invalid' });
    expect(result.key).toBe('backfill/input/febrl.jsonl');
  });

  it('changes nothing when a batch is run again (a retried or redriven batch)', async () => {
    // Prepare: batch 2 holds file lines 14 on, which are FEBRL records 12 on.
    const key = `crm-history#event#febrl-${recIds[11]}`;
    const before = await store.getRecord(key);
    const itemsBefore = await tableItems();
    const announced = publisher.events.length;

    // Act
    const again = await backfill(batches[1] as BackfillBatch, context);

    // Assess
    expect(again.counts).toEqual({ duplicate: batches[1]?.Items.length });
    expect(again.failed).toBe(0);
    expect(before?.customerId).toEqual(expect.any(String));
    expect(await store.getRecord(key)).toEqual(before);
    expect(await tableItems()).toEqual(itemsBefore);
    expect(publisher.events.length).toBe(announced);
  });

  it('attributes lines without an envelope source to the execution source, and keeps an envelope source', async () => {
    // Prepare
    const [first] = lines as [{ detailType: string; detail: Record<string, unknown> }];
    const envelope = {
      'detail-type': first.detailType,
      source: channelSource('pos'),
      id: 'archived-1',
      detail: { ...first.detail, eventId: 'pos-archived-1' },
    };

    // Act
    const result = await backfill(
      { Items: [{ index: 0, event: envelope }], BatchInput: { source: 'crm-history' } },
      context,
    );

    // Assess
    expect(result.verdicts[0]).toMatchObject({ status: 'resolved' });
    expect(await store.getRecord('pos#event#pos-archived-1')).toBeDefined();
    expect(await store.getRecord(`crm-history#event#febrl-${recIds[0]}`)).toBeDefined();
  });

  it('fails the whole batch (for Step Functions to retry) when the store fails, instead of a verdict', async () => {
    // Prepare
    const failing = createIdentityBackfillHandler({
      identity: async () => {
        throw new Error('ProvisionedThroughputExceededException: throughput exceeded');
      },
      logger: silent,
    });

    // Act / Assess
    await expect(failing(batches[1] as BackfillBatch, context)).rejects.toThrow(
      /ProvisionedThroughputExceeded/,
    );
  });
});
