import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evalIdentity } from '../../../bin/commands/identity.js';

describe('tessera eval-identity', () => {
  it('streams a labelled file through the consumer on local DynamoDB and scores it', async () => {
    // Prepare: the first 100 rows of Splink's fake_1000 (whole clusters, as the file is ordered by cluster)
    const lines = readFileSync(
      resolve(process.cwd(), '../shared/data/splink/splink_datasets_fake_1000.csv'),
      'utf8',
    ).split('\n');
    const input = join(tmpdir(), `tessera-eval-${process.pid}.csv`);
    writeFileSync(input, lines.slice(0, 101).join('\n'));
    // Act
    const result = await evalIdentity({
      input,
      idCol: 'unique_id',
      truthCol: 'cluster',
      map: 'givenName=first_name,familyName=surname,birthDate=dob,city=city,email=email',
      concurrency: '2',
    });
    // Assess
    expect(result.records).toBe(100);
    expect(result.pairwise.precision).toBeGreaterThan(0.95);
    expect(result.pairwise.f1).toBeGreaterThan(0.85);
    expect(result.requestUnits.writePerEvent).toBeGreaterThan(0);
    expect(result.costPerMillionEvents).toBeGreaterThan(0);
  }, 180_000);

  it('names a mapped column that the file does not have', async () => {
    await expect(
      evalIdentity({
        input: resolve(process.cwd(), '../shared/data/splink/splink_datasets_fake_1000.csv'),
        idCol: 'unique_id',
        truthCol: 'cluster',
        map: 'givenName=forename',
        concurrency: '1',
      }),
    ).rejects.toThrow(/no column "forename"/);
  });
});
