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
    // Start from the wrong belief (a national id says nothing, a state match says a lot), so only what EM
    // learns from the records can put them right.
    const flat = (levels: Readonly<Record<string, { m: number; u: number }>>) =>
      Object.fromEntries(Object.entries(levels).map(([level, p]) => [level, { m: p.u, u: p.u }]));
    const wrong = {
      ...DEFAULT_MODEL,
      levels: {
        ...DEFAULT_MODEL.levels,
        nationalId: flat(DEFAULT_MODEL.levels.nationalId),
        state: { ...DEFAULT_MODEL.levels.state, exact: DEFAULT_MODEL.levels.nationalId.exact },
      },
    } as typeof DEFAULT_MODEL;
    expect(levelWeight(wrong, 'nationalId', 'exact')).toBe(0);
    expect(levelWeight(wrong, 'state', 'exact')).toBeGreaterThan(8);
    // Act
    const result = trainModel(records, wrong, { randomPairs: 50_000 });
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
