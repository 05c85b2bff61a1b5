import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DynamoIdentityModelStore,
  IDENTITY_MODEL_PK,
} from '../../../lambdas/adapters/dynamodb/identity-model-store.js';
import { DEFAULT_MODEL, type ModelParameters } from '../../../lambdas/core/identity/model.js';
import { loadIdentityModel } from '../../../lambdas/core/identity/model-store.js';
import { type LocalDynamo, startLocalDynamo } from '../../../local/dynamodb.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'tessera-model-'));
let dynamo: LocalDynamo;
let store: DynamoIdentityModelStore;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
  store = new DynamoIdentityModelStore(dynamo.doc, dynamo.tables.customers);
});
afterAll(async () => {
  await dynamo.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the identity model the identity functions load at cold start', () => {
  it('is the shipped default while none is stored', async () => {
    // Act
    const loaded = await loadIdentityModel(store);

    // Assess
    expect(loaded).toEqual({ model: DEFAULT_MODEL, origin: 'default' });
  });

  it('is the model `tessera identity train --aws` stored in the customers table', async () => {
    // Prepare
    const out = join(dir, 'model.json');
    const env = {
      ...process.env,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    };

    // Act: trained on the Splink fake_1000 people (real reference data), stored through the SDK.
    const { stdout } = await run(
      process.execPath,
      [
        'bin/tessera.mjs',
        'identity',
        'train',
        '--input',
        '../shared/data/splink/splink_datasets_fake_1000.csv',
        '--map',
        'givenName=first_name,familyName=surname,birthDate=dob,city=city,email=email',
        '--out',
        out,
        '--aws',
        '--table',
        dynamo.tables.customers,
        '--region',
        'local',
      ],
      { env, timeout: 120_000 },
    );

    // Assess
    expect(stdout).toContain(`stored in ${dynamo.tables.customers}`);
    const written = JSON.parse(readFileSync(out, 'utf8')) as ModelParameters;
    const loaded = await loadIdentityModel(store);
    expect(loaded.origin).toBe('stored');
    expect(loaded.model).toEqual(written);
    expect(loaded.model).not.toEqual(DEFAULT_MODEL);
  }, 150_000);

  it('fails loudly, naming the table and the broken level, when the stored model is corrupt', async () => {
    // Prepare: a model whose email exact level lost its m probability (a hand edit gone wrong).
    const broken = JSON.parse(JSON.stringify(DEFAULT_MODEL)) as {
      levels: { email: { exact: { m?: number } } };
    };
    delete broken.levels.email.exact.m;
    await dynamo.doc.send(
      new PutCommand({
        TableName: dynamo.tables.customers,
        Item: {
          pk: IDENTITY_MODEL_PK,
          sk: 'LATEST',
          storedAt: '2026-11-27T18:00:00Z',
          model: JSON.stringify(broken),
        },
      }),
    );

    // Act / Assess
    await expect(loadIdentityModel(store)).rejects.toThrow(
      `${dynamo.tables.customers} IDENTITY#MODEL/LATEST: model file has no valid m and u for email.exact`,
    );
  });

  it('refuses to store a model that no function could load', async () => {
    // Act / Assess
    await expect(
      store.save({ model: { version: 2 } as unknown as ModelParameters, storedAt: '2026-11-27T18:05:00Z' }),
    ).rejects.toThrow(/not Tessera identity model parameters/);
  });
});
