import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DynamoDBClient,
  ListTablesCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type TableLayout, TableLayouts } from '../lib/shared/tables.js';

export interface LocalDynamo {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  /** Physical table name per layout key (locally the layout's own name). */
  readonly tables: Readonly<Record<keyof typeof TableLayouts, string>>;
  close(): Promise<void>;
}

/**
 * DynamoDB on this machine: dynalite in a child process (so it runs on the other core), in memory or on
 * disk (`path`), with the same tables the stateful stack creates. dynalite has no transactions and no TTL
 * expiry, which our data access never needs.
 */
export async function startLocalDynamo(options: { path?: string } = {}): Promise<LocalDynamo> {
  const { child, port } = await startDynaliteProcess(options.path);
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 5,
  });
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  await ensureTables(client, Object.values(TableLayouts));
  const tables = Object.fromEntries(
    Object.entries(TableLayouts).map(([key, layout]) => [key, layout.name]),
  ) as Record<keyof typeof TableLayouts, string>;
  return {
    endpoint,
    client,
    doc,
    tables,
    close: async () => {
      client.destroy();
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      // Held again while it shuts down: an unref'd child would let Node exit before it has flushed.
      child.ref();
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function startDynaliteProcess(
  path: string | undefined,
): Promise<{ child: ChildProcess; port: number }> {
  const script = fileURLToPath(new URL('./dynalite-server.mjs', import.meta.url));
  const child = fork(script, path ? [path] : [], {
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { port?: number; error?: string }) =>
      message.port
        ? resolve(message.port)
        : reject(new Error(`local DynamoDB did not start: ${message.error}`)),
    );
    child.once('exit', (code) =>
      reject(new Error(`local DynamoDB exited with code ${code} before it started`)),
    );
  });
  // The child must not outlive us, nor keep our event loop alive on its own.
  child.unref();
  child.channel?.unref();
  return { child, port };
}

async function ensureTables(client: DynamoDBClient, layouts: readonly TableLayout[]): Promise<void> {
  const existing = new Set((await client.send(new ListTablesCommand({}))).TableNames ?? []);
  for (const layout of layouts) {
    if (!existing.has(layout.name)) await createTable(client, layout);
  }
}

/** Creates a table with a layout's keys (under another name if given) and waits until it can be used. */
export async function createTable(
  client: DynamoDBClient,
  layout: TableLayout,
  name = layout.name,
): Promise<string> {
  await client.send(new CreateTableCommand({ ...createTableInput(layout), TableName: name }));
  // dynalite reports CREATING for a moment, as DynamoDB does for longer: wait like any client must.
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 0.05, maxDelay: 0.2 }, { TableName: name });
  return name;
}

export function createTableInput(layout: TableLayout): CreateTableCommandInput {
  const attributes = new Set<string>([layout.partitionKey]);
  if (layout.sortKey) attributes.add(layout.sortKey);
  for (const gsi of layout.globalSecondaryIndexes ?? []) {
    attributes.add(gsi.partitionKey);
    if (gsi.sortKey) attributes.add(gsi.sortKey);
  }
  const keySchema = (pk: string, sk?: string) => [
    { AttributeName: pk, KeyType: 'HASH' as const },
    ...(sk ? [{ AttributeName: sk, KeyType: 'RANGE' as const }] : []),
  ];
  const gsis = layout.globalSecondaryIndexes ?? [];
  return {
    TableName: layout.name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: keySchema(layout.partitionKey, layout.sortKey),
    ...(gsis.length > 0
      ? {
          GlobalSecondaryIndexes: gsis.map((gsi) => ({
            IndexName: gsi.indexName,
            KeySchema: keySchema(gsi.partitionKey, gsi.sortKey),
            Projection: { ProjectionType: 'ALL' },
          })),
        }
      : {}),
  };
}
