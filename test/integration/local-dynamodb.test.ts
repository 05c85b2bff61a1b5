import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DeleteTableCommand,
  ResourceNotFoundException,
  waitUntilTableExists,
  waitUntilTableNotExists,
} from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '../../local/dynamodb.js';

/** Resident memory of a process in MB, from Linux's /proc (CI and this machine run Linux). */
async function residentMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(kb) / 1024;
}

describe('local DynamoDB (dynalite)', () => {
  let dynamo: LocalDynamo;
  let folder: string;
  const partitions = 10;

  beforeAll(async () => {
    // On disk, as `tessera local` keeps it: LevelDB's iterators are what held the memory.
    folder = await mkdtemp(join(tmpdir(), 'tessera-local-dynamo-'));
    dynamo = await startLocalDynamo({ path: folder });
    const TableName = dynamo.tables.customers;
    for (let p = 0; p < partitions; p++) {
      for (let i = 0; i < 50; i++) {
        await dynamo.doc.send(
          new PutCommand({ TableName, Item: { pk: `BLOCK#${p}`, sk: `REC#${i}`, payload: 'x'.repeat(200) } }),
        );
      }
    }
  });
  afterAll(async () => {
    await dynamo?.close();
    await rm(folder, { recursive: true, force: true });
  });

  const query = (i: number, limit?: number) =>
    dynamo.doc.send(
      new QueryCommand({
        TableName: dynamo.tables.customers,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `BLOCK#${i % partitions}` },
        ConsistentRead: true,
        Limit: limit,
      }),
    );

  // Each query used to leave its LevelDB iterator (and its snapshot) open: 20 to 45 KB per query, so 4,000
  // queries grew the process by well over 100 MB and a long run without bound.
  it('closes the iterator of every query, whether it ends or a Limit stops it', async () => {
    const pid = dynamo.processId;
    if (pid === undefined) throw new Error('local DynamoDB has no process id');
    const run = async (count: number) => {
      await Promise.all(
        Array.from({ length: 4 }, async (_, worker) => {
          for (let i = worker; i < count; i += 4) {
            const page = await query(i, i % 2 === 0 ? 10 : undefined);
            expect(page.Items?.length).toBe(i % 2 === 0 ? 10 : 50);
          }
        }),
      );
    };
    await run(1_000); // warm-up: the heap and LevelDB's caches settle first
    const before = await residentMb(pid);
    await run(4_000);
    const grown = (await residentMb(pid)) - before;
    expect(grown).toBeLessThan(60);
  }, 120_000);

  // The server keeps table descriptions in memory (dynalite-server.mjs): a table changed under the same name
  // must be served as it is now, not as first read.
  it('serves a table deleted and created again under its new key schema', async () => {
    // Prepare: a table keyed by pk alone, read once so that its description is held
    const TableName = 'tessera-scratch-schema';
    const waiter = { client: dynamo.client, maxWaitTime: 30, minDelay: 0.05, maxDelay: 0.2 };
    const create = async (keys: readonly string[]) => {
      await dynamo.client.send(
        new CreateTableCommand({
          TableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: keys.map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
          KeySchema: keys.map((AttributeName, i) => ({ AttributeName, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
        }),
      );
      await waitUntilTableExists(waiter, { TableName });
    };
    await create(['pk']);
    await dynamo.doc.send(new PutCommand({ TableName, Item: { pk: 'a' } }));
    await dynamo.doc.send(new GetCommand({ TableName, Key: { pk: 'a' } }));
    // Act
    await dynamo.client.send(new DeleteTableCommand({ TableName }));
    await waitUntilTableNotExists(waiter, { TableName });
    const afterDelete = dynamo.doc.send(new GetCommand({ TableName, Key: { pk: 'a' } }));
    await expect(afterDelete).rejects.toBeInstanceOf(ResourceNotFoundException);
    await create(['pk', 'sk']);
    // Assess: the new schema asks for the sort key
    await expect(dynamo.doc.send(new PutCommand({ TableName, Item: { pk: 'a' } }))).rejects.toThrow(
      /missing the key sk/i,
    );
    await dynamo.doc.send(new PutCommand({ TableName, Item: { pk: 'a', sk: 'b' } }));
    const read = await dynamo.doc.send(new GetCommand({ TableName, Key: { pk: 'a', sk: 'b' } }));
    expect(read.Item).toEqual({ pk: 'a', sk: 'b' });
  });
});
