import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DynamoDBClient,
  type DynamoDBClientConfig,
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
  /** The dynalite process, for an operator (or a test) who watches its memory; absent on clients of one. */
  readonly processId?: number;
  close(): Promise<void>;
}

/**
 * DynamoDB on this machine: dynalite in a child process (so it runs on the other core), in memory or on
 * disk (`path`), with the same tables the stateful stack creates. dynalite has no transactions and no TTL
 * expiry, which our data access never needs.
 */
export async function startLocalDynamo(options: { path?: string } = {}): Promise<LocalDynamo> {
  const { child, port } = await startDynaliteProcess(options.path);
  const connection = connectLocalDynamo(`http://127.0.0.1:${port}`);
  await ensureTables(connection.client, Object.values(TableLayouts));
  return {
    ...connection,
    processId: child.pid,
    close: async () => {
      connection.close();
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      // Held again while it shuts down: an unref'd child would let Node exit before it has flushed.
      child.ref();
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Clients of a running local DynamoDB, configured as every local composition root uses them (the runtime
 * and its consumer worker alike). `close` releases the clients only; the database keeps running.
 */
export function connectLocalDynamo(endpoint: string): Omit<LocalDynamo, 'close'> & { close(): void } {
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 5,
    httpAuthSchemes: [
      {
        schemeId: 'aws.auth#sigv4',
        identityProvider: (config) => config.getIdentityProvider('aws.auth#sigv4'),
        signer: dynaliteSigner,
      },
    ],
  });
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  const tables = Object.fromEntries(
    Object.entries(TableLayouts).map(([key, layout]) => [key, layout.name]),
  ) as Record<keyof typeof TableLayouts, string>;
  return { endpoint, client, doc, tables, close: () => client.destroy() };
}

type LocalSigner = NonNullable<DynamoDBClientConfig['httpAuthSchemes']>[number]['signer'];

/**
 * dynalite checks that a request carries a well-formed SigV4 Authorization header but never verifies the
 * signature, and computing one is about a fifth of the SDK's CPU per call (hashing the body, the canonical
 * request and the key chain): locally the header is a fixed, well-formed one. Everything else the SDK does
 * per call (serialisation, retries, endpoint, the document client's marshalling) is unchanged.
 */
const dynaliteSigner: LocalSigner = {
  sign: async (request) => {
    const signed = request as typeof request & { headers: Record<string, string> };
    const { date, authorization } = localAuthorization();
    signed.headers['x-amz-date'] = date;
    signed.headers.authorization = authorization;
    return signed;
  },
};

let lastAuthorization = { second: -1, date: '', authorization: '' };

/** The header of the current second (made once per second: it is on every call). */
function localAuthorization(): { date: string; authorization: string } {
  const second = Math.floor(Date.now() / 1000);
  if (second !== lastAuthorization.second) {
    const date = new Date(second * 1000).toISOString().replace(/[-:]|\.\d{3}/g, '');
    const authorization = `AWS4-HMAC-SHA256 Credential=local/${date.slice(0, 8)}/local/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`;
    lastAuthorization = { second, date, authorization };
  }
  return lastAuthorization;
}

async function startDynaliteProcess(
  path: string | undefined,
): Promise<{ child: ChildProcess; port: number }> {
  const script = fileURLToPath(new URL('./dynalite-server.mjs', import.meta.url));
  const child = fork(script, path ? [path] : [], {
    // Profiling flags pass through, so `node --cpu-prof` shows the database too.
    execArgv: process.execArgv.filter((arg) => arg.startsWith('--cpu-prof')),
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
