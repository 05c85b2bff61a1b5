/**
 * How many requests a second local DynamoDB (dynalite on disk, as `tessera local` runs it) serves on this
 * machine, per kind of request the identity consumer makes. This is what bounds the local demo: its
 * processing phase runs at about this rate.
 *
 *   npm run bench -- local-dynamodb
 *
 * The load comes from two worker threads, 8 requests in flight each, so that the client's own cost (the
 * SDK's, per request) does not hide the server's limit; the server's CPU is read from /proc (Linux).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread, Worker, workerData } from 'node:worker_threads';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { connectLocalDynamo, startLocalDynamo } from '../local/dynamodb.js';

type Operation = 'get' | 'put' | 'query';

interface Load {
  readonly endpoint: string;
  readonly table: string;
  readonly operation: Operation;
  readonly requests: number;
  readonly inFlight: number;
  readonly offset: number;
}

const PARTITIONS = 100;
const ITEMS_PER_PARTITION = 40;
const THREADS = 2;
const IN_FLIGHT = 8;
const REQUESTS = 4000;

/** Items shaped like the identity graph's: a profile-sized item, and a block of entries per partition. */
async function runLoad(load: Load): Promise<void> {
  const { doc } = connectLocalDynamo(load.endpoint);
  let next = 0;
  await Promise.all(
    Array.from({ length: load.inFlight }, async () => {
      while (next < load.requests) {
        const i = load.offset + next++;
        const pk = `BLK#${i % PARTITIONS}`;
        if (load.operation === 'get') {
          await doc.send(
            new GetCommand({
              TableName: load.table,
              Key: { pk, sk: `REC#${i % ITEMS_PER_PARTITION}` },
              ConsistentRead: true,
            }),
          );
        } else if (load.operation === 'put') {
          await doc.send(
            new PutCommand({
              TableName: load.table,
              Item: { pk: `EVT#${i}`, sk: 'EVT', payload: 'p'.repeat(600) },
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          );
        } else {
          await doc.send(
            new QueryCommand({
              TableName: load.table,
              KeyConditionExpression: 'pk = :pk',
              ExpressionAttributeValues: { ':pk': pk },
              ConsistentRead: true,
              Limit: 60,
            }),
          );
        }
      }
    }),
  );
}

if (!isMainThread && (workerData as { localDynamoLoad?: Load } | null)?.localDynamoLoad) {
  await runLoad((workerData as { localDynamoLoad: Load }).localDynamoLoad);
}

/** CPU seconds a process has used, from /proc; undefined where there is none. */
async function cpuSeconds(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

export async function main(): Promise<void> {
  const folder = await mkdtemp(join(tmpdir(), 'tessera-bench-dynamo-'));
  const dynamo = await startLocalDynamo({ path: folder });
  const table = dynamo.tables.customers;
  try {
    for (let p = 0; p < PARTITIONS; p++) {
      await Promise.all(
        Array.from({ length: ITEMS_PER_PARTITION }, (_, i) =>
          dynamo.doc.send(
            new PutCommand({
              TableName: table,
              Item: { pk: `BLK#${p}`, sk: `REC#${i}`, attributes: 'a'.repeat(400) },
            }),
          ),
        ),
      );
    }
    console.log(
      `dynalite on disk, ${PARTITIONS * ITEMS_PER_PARTITION} items; ${THREADS} client threads x ${IN_FLIGHT} in flight, ${THREADS * REQUESTS} requests per kind`,
    );
    for (const operation of ['get', 'put', 'query'] as const) {
      const cpuBefore = await cpuSeconds(dynamo.processId);
      const started = performance.now();
      await Promise.all(
        Array.from(
          { length: THREADS },
          (_, t) =>
            new Promise<void>((resolve, reject) => {
              const localDynamoLoad: Load = {
                endpoint: dynamo.endpoint,
                table,
                operation,
                requests: REQUESTS,
                inFlight: IN_FLIGHT,
                offset: t * REQUESTS,
              };
              const worker = new Worker(new URL('./local-dynamodb-load.mjs', import.meta.url), {
                workerData: { localDynamoLoad },
              });
              worker.once('error', reject);
              worker.once('exit', (code) =>
                code === 0 ? resolve() : reject(new Error(`load thread exited ${code}`)),
              );
            }),
        ),
      );
      const seconds = (performance.now() - started) / 1000;
      const cpuAfter = await cpuSeconds(dynamo.processId);
      const served = THREADS * REQUESTS;
      const cpu =
        cpuBefore === undefined || cpuAfter === undefined
          ? 'server CPU n/a'
          : `server CPU ${(((cpuAfter - cpuBefore) / served) * 1e6).toFixed(0)} us per request (${(((cpuAfter - cpuBefore) / seconds) * 100).toFixed(0)}% of a core)`;
      const label = { get: 'GetItem (consistent)', put: 'PutItem (conditional)', query: 'Query (Limit 60)' }[
        operation
      ];
      console.log(`  ${label.padEnd(22)} ${(served / seconds).toFixed(0).padStart(5)} requests/s, ${cpu}`);
    }
  } finally {
    await dynamo.close();
    await rm(folder, { recursive: true, force: true });
  }
}
