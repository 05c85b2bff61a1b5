import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestSummary } from '../../lambdas/ingest-api/handler.js';
import { postEventBatch } from '../../local/channel-client.js';
import { type LocalRuntime, startLocalRuntime } from '../../local/runtime.js';
import { posOrder } from '../support/channel-events.js';

const run = promisify(execFile);
let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startLocalRuntime();
});
afterAll(async () => runtime.stop());

describe('tessera events rejected --aws', () => {
  it('lists and shows rejected events from a deployed ingest table, reached through the AWS SDK chain', async () => {
    // Prepare: a rejected event in a DynamoDB the SDK reaches through its standard endpoint variable.
    const response = await postEventBatch(runtime.api.url, 'pos', runtime.sourceKeys.pos as string, [
      posOrder({ currency: 'euro' }),
    ]);
    const [verdict] = (response.body as IngestSummary).results;
    const rejectionId = (verdict as { rejectionId: string }).rejectionId;
    const env = {
      ...process.env,
      AWS_ENDPOINT_URL_DYNAMODB: runtime.dynamo.endpoint,
      AWS_REGION: 'local',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    };
    const cli = (...args: string[]) =>
      run(
        process.execPath,
        [
          'bin/tessera.mjs',
          'events',
          'rejected',
          ...args,
          '--aws',
          '--table',
          'tessera-ingest',
          '--bus',
          'tessera',
        ],
        { env },
      );
    // Act
    const listed = await cli('list');
    const shown = await cli('show', rejectionId);
    // Assess
    expect(listed.stdout).toContain(rejectionId);
    expect(listed.stdout).toContain('currency: must be an ISO 4217 currency code');
    expect(JSON.parse(shown.stdout)).toMatchObject({
      rejectionId,
      sourceId: 'pos',
      rawEvent: { 'detail-type': 'OrderPlaced' },
    });
  });

  it('says which settings it needs when the table or bus is missing', async () => {
    const { TESSERA_INGEST_TABLE: _t, TESSERA_EVENT_BUS: _b, ...env } = process.env;
    await expect(
      run(process.execPath, ['bin/tessera.mjs', 'events', 'rejected', 'list', '--aws'], { env }),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining('--aws needs --table (stack output IngestTableName)'),
    });
  });
});
