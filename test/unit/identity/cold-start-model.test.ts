import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IDENTITY_MODEL_PK } from '../../../lambdas/adapters/dynamodb/identity-model-store.js';
import { DEFAULT_MODEL } from '../../../lambdas/core/identity/model.js';

const dynamo = mockClient(DynamoDBDocumentClient);
// biome-ignore lint/suspicious/noExplicitAny: both composition roots' handlers, called with what each takes.
type Handler = (event: any, context: Context) => Promise<unknown>;
const ENV = {
  EVENT_BUS_NAME: 'tessera-test',
  CUSTOMERS_TABLE_NAME: 'tessera-customers-test',
  AWS_REGION: 'eu-west-1',
};
const modelKey = { TableName: ENV.CUSTOMERS_TABLE_NAME, Key: { pk: IDENTITY_MODEL_PK, sk: 'LATEST' } };

/** What the function's Powertools logger said while `act` ran (POWERTOOLS_DEV sends it to the global console). */
async function logsOf(act: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const spy = vi.spyOn(console, 'info').mockImplementation(() => undefined);
  try {
    await act();
    return spy.mock.calls.flatMap(([text]) =>
      String(text).startsWith('{') ? [JSON.parse(String(text))] : [],
    );
  } finally {
    spy.mockRestore();
  }
}

beforeEach(() => {
  dynamo.reset();
  vi.resetModules();
  for (const [k, v] of Object.entries({ ...ENV, POWERTOOLS_DEV: 'true', POWERTOOLS_LOG_LEVEL: 'INFO' }))
    vi.stubEnv(k, v);
});
afterEach(() => vi.unstubAllEnvs());

const context = { functionName: 'tessera-test', awsRequestId: 'cold-start' } as Context;
/** The table holds `model` (its stored JSON text) as the latest identity model, and nothing else. */
function storeModel(model: string) {
  dynamo.on(GetCommand).resolves({});
  dynamo.on(GetCommand, modelKey).resolves({
    Item: { pk: IDENTITY_MODEL_PK, sk: 'LATEST', storedAt: '2026-11-27T17:00:00.000Z', model },
  });
}
/** An event the consumer refuses right after its composition: enough to show the model was loaded first. */
const internalEvent = {
  id: 'e-1',
  'detail-type': 'CustomerRiskChanged',
  source: 'tessera.identity',
  detail: {},
};

describe.each([
  {
    name: 'the identity consumer',
    entry: '../../../lambdas/identity/index.js',
    invoke: (handler: Handler) =>
      handler(internalEvent, context).then(
        () => 'handled',
        (e: Error) => (/identity consumes channel events/.test(e.message) ? 'handled' : Promise.reject(e)),
      ),
  },
  {
    name: 'the identity backfill processor',
    entry: '../../../lambdas/identity-backfill/index.js',
    invoke: (handler: Handler) =>
      handler({ Items: [], BatchInput: { key: 'k' } }, context).then(() => 'handled'),
  },
])('cold start of $name', ({ entry, invoke }) => {
  const load = async () => (await import(entry)).handler as Handler;

  it('reads nothing at module load, then the shipped model when none is stored, once per container', async () => {
    // Prepare
    dynamo.on(GetCommand).resolves({});
    const handler = await load();
    expect(dynamo.commandCalls(GetCommand, modelKey)).toHaveLength(0);

    // Act
    const logs = await logsOf(async () => {
      await invoke(handler);
      await invoke(handler);
    });

    // Assess
    expect(dynamo.commandCalls(GetCommand, modelKey)).toHaveLength(1);
    expect(logs.find((l) => l.message === 'identity model loaded')).toMatchObject({ origin: 'default' });
  });

  it('uses the stored model', async () => {
    // Prepare
    const trained = JSON.parse(JSON.stringify(DEFAULT_MODEL));
    trained.levels.email.exact.m = 0.97;
    storeModel(JSON.stringify(trained));
    const handler = await load();

    // Act
    const logs = await logsOf(() => invoke(handler));

    // Assess
    expect(logs.find((l) => l.message === 'identity model loaded')).toMatchObject({
      origin: 'stored',
      storedAt: '2026-11-27T17:00:00.000Z',
    });
  });

  it('fails every invocation, naming the problem, while the stored model is corrupt', async () => {
    // Prepare
    storeModel('{"version":1,"levels":{');
    const handler = await load();

    // Act / Assess
    const corrupt = /tessera-customers-test IDENTITY#MODEL\/LATEST: the stored identity model is not JSON/;
    await expect(invoke(handler)).rejects.toThrow(corrupt);
    await expect(invoke(handler)).rejects.toThrow(corrupt);
    expect(dynamo.commandCalls(GetCommand, modelKey)).toHaveLength(2);
  });
});
