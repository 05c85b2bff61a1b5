import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { identityConfig } from '../../../lambdas/core/identity/config.js';
import { parseCsvObjects } from '../../../lambdas/core/identity/csv.js';
import { attributesFromRow, parseColumnMap } from '../../../lambdas/core/identity/evaluation.js';
import { DEFAULT_MODEL, levelWeight } from '../../../lambdas/core/identity/model.js';
import { normaliseAttributes } from '../../../lambdas/core/identity/normalise.js';
import { parseModelParameters, trainModel } from '../../../lambdas/core/identity/train.js';

describe('training the match model by EM', () => {
  it('learns from unlabelled FEBRL 1 records that a national id match is strong and a state match weak', () => {
    // Prepare
    const { rows } = parseCsvObjects(
      readFileSync(resolve(process.cwd(), '../shared/data/febrl/febrl_dataset1.csv'), 'utf8'),
    );
    const map = parseColumnMap(
      'givenName=given_name,familyName=surname,postcode=postcode,state=state,birthDate=date_of_birth,nationalId=soc_sec_id',
    );
    const config = identityConfig();
    const records = rows.map((r) => normaliseAttributes(attributesFromRow(r, map), config).attributes);
    // Act
    const result = trainModel(records, DEFAULT_MODEL, { randomPairs: 50_000 });
    // Assess
    const model = parseModelParameters(JSON.parse(JSON.stringify(result.model)));
    expect(levelWeight(model, 'nationalId', 'exact')).toBeGreaterThan(8);
    expect(levelWeight(model, 'state', 'exact')).toBeLessThan(3);
    // FEBRL 1 holds 500 originals and 500 duplicates: most blocked pairs are true matches
    expect(result.matchShare).toBeGreaterThan(0.3);
    expect(model.origin).toMatch(/EM on 1000 records/);
  });

  it('refuses a model file that lacks a level', () => {
    const broken = JSON.parse(JSON.stringify(DEFAULT_MODEL));
    delete broken.levels.email.exact;
    expect(() => parseModelParameters(broken)).toThrow(/email\.exact/);
  });
});
