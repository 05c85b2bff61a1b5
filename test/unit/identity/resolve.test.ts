import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { identityConfig } from '../../../lambdas/core/identity/config.js';
import { parseCsvObjects } from '../../../lambdas/core/identity/csv.js';
import {
  attributesFromRow,
  evaluateClusters,
  parseColumnMap,
} from '../../../lambdas/core/identity/evaluation.js';
import { InMemoryIdentityStore } from '../../../lambdas/core/identity/memory-store.js';
import type { IdentityAttributes } from '../../../lambdas/core/identity/normalise.js';
import { resolveIdentity } from '../../../lambdas/core/identity/resolve.js';

const config = identityConfig();
let n = 0;
const record = (attributes: IdentityAttributes, source = 'crm') => ({
  recordKey: `${source}#${++n}`,
  source,
  observedAt: '2025-01-01T00:00:00Z',
  attributes,
});
const ann = {
  givenName: 'Ann',
  familyName: 'Lindqvist',
  birthDate: '1980-03-14',
  email: 'ann.lindqvist@example.com',
};

describe('resolving identities one record at a time', () => {
  it('starts a new profile, then links a later record of the same person with evidence', async () => {
    // Prepare
    const store = new InMemoryIdentityStore();
    const first = await resolveIdentity(record(ann), store, config);
    // Act
    const second = await resolveIdentity(
      record({ givenName: 'Anne', familyName: 'Lindqvist', birthDate: '14/03/1980', phone: '07700 900123' }),
      store,
      config,
    );
    // Assess
    expect(first.outcome).toBe('new');
    expect(second.outcome).toBe('link');
    expect(second.customerId).toBe(first.customerId);
    const evidence = second.decision?.best?.evidence;
    expect(evidence?.total).toBeGreaterThanOrEqual(config.linkThreshold);
    expect(evidence?.comparisons.map((c) => `${c.comparison}:${c.level}`)).toEqual(
      expect.arrayContaining(['family:exact', 'birthDate:exact', 'given:nickname']),
    );
  });

  it('recognises a nickname and names entered the wrong way round', async () => {
    const store = new InMemoryIdentityStore();
    const first = await resolveIdentity(
      record({ givenName: 'Robert', familyName: 'Okafor', birthDate: '19700101' }),
      store,
      config,
    );
    const nick = await resolveIdentity(
      record({ givenName: 'Bob', familyName: 'Okafor', birthDate: '19700101' }),
      store,
      config,
    );
    const swapped = await resolveIdentity(
      record({ givenName: 'Okafor', familyName: 'Robert', birthDate: '19700101' }),
      store,
      config,
    );
    expect(nick.customerId).toBe(first.customerId);
    expect(nick.decision?.best?.evidence.comparisons.find((c) => c.comparison === 'given')?.level).toBe(
      'nickname',
    );
    expect(swapped.customerId).toBe(first.customerId);
    expect(swapped.decision?.best?.evidence.swappedNames).toBe(true);
  });

  it('merges two profiles that a new record joins, keeping the older id and redirecting the other', async () => {
    // Prepare: the same person known by email in one system and by phone in another
    const store = new InMemoryIdentityStore();
    const a = await resolveIdentity(
      record({ givenName: 'Kofi', familyName: 'Mensah', email: 'kofi@example.org' }),
      store,
      config,
    );
    const b = await resolveIdentity(
      record(
        { givenName: 'Kofi', familyName: 'Mensah', phone: '+44 7700 900456', birthDate: '1990-05-05' },
        'pos',
      ),
      store,
      config,
    );
    // Act
    const bridge = await resolveIdentity(
      record({
        givenName: 'Kofi',
        familyName: 'Mensah',
        email: 'kofi@example.org',
        phone: '07700900456',
        birthDate: '1990-05-05',
      }),
      store,
      config,
    );
    // Assess
    expect(a.customerId).not.toBe(b.customerId);
    expect(bridge.outcome).toBe('merge');
    expect(bridge.customerId).toBe(a.customerId);
    expect(bridge.mergedIds).toEqual([b.customerId]);
    expect(store.customers.get(b.customerId!)?.mergedInto).toBe(a.customerId);
  });

  it('does not merge a household sharing an email when the given names differ', async () => {
    const store = new InMemoryIdentityStore();
    const mum = await resolveIdentity(
      record({ givenName: 'Maria', familyName: 'Rossi', email: 'rossi.family@example.com' }),
      store,
      config,
    );
    const son = await resolveIdentity(
      record({ givenName: 'Luca', familyName: 'Rossi', email: 'rossi.family@example.com' }),
      store,
      config,
    );
    expect(son.customerId).not.toBe(mum.customerId);
    expect(son.decision?.best?.evidence.protections.map((p) => p.rule)).toContain('household email');
  });

  it('never merges records with different loyalty ids, and sends them to review instead', async () => {
    const store = new InMemoryIdentityStore();
    const one = await resolveIdentity(record({ ...ann, loyaltyId: 'L-1001' }), store, config);
    const two = await resolveIdentity(record({ ...ann, loyaltyId: 'L-2002' }), store, config);
    expect(two.customerId).not.toBe(one.customerId);
    expect(two.reviews[0]?.reason).toMatch(/different loyalty ids/);
    expect(store.reviews).toHaveLength(1);
  });

  it('never merges records whose birth dates disagree beyond a typo, unless configured', async () => {
    const other = { ...ann, birthDate: '1962-11-30' };
    const strict = new InMemoryIdentityStore();
    const a = await resolveIdentity(record({ ...ann, email: undefined }), strict, config);
    const b = await resolveIdentity(record({ ...other, email: undefined, phone: undefined }), strict, config);
    expect(b.customerId).not.toBe(a.customerId);

    const lenient = identityConfig({ allowConflictingStrongIds: true, linkThreshold: 10 });
    const store = new InMemoryIdentityStore();
    const c = await resolveIdentity(record(ann), store, lenient);
    const d = await resolveIdentity(record(other), store, lenient);
    expect(d.customerId).toBe(c.customerId);
  });

  it('caps profile size', async () => {
    const store = new InMemoryIdentityStore();
    const capped = identityConfig({ maxClusterSize: 2 });
    const ids = new Set<string | undefined>();
    for (let i = 0; i < 3; i++) ids.add((await resolveIdentity(record(ann), store, capped)).customerId);
    expect(ids.size).toBe(2);
  });

  it('changes nothing when the same record is delivered again', async () => {
    const store = new InMemoryIdentityStore();
    const input = record(ann);
    const first = await resolveIdentity(input, store, config);
    const before = JSON.stringify([...store.records, ...store.customers]);
    const again = await resolveIdentity(input, store, config);
    expect(again.outcome).toBe('known');
    expect(again.customerId).toBe(first.customerId);
    expect(JSON.stringify([...store.records, ...store.customers])).toBe(before);
  });

  it('keeps a record without any identifier as an anonymous profile, or rejects it with a reason', async () => {
    const store = new InMemoryIdentityStore();
    const anon = await resolveIdentity(record({ givenName: 'Sam', email: 'no-at-sign' }), store, config);
    expect(anon.outcome).toBe('anonymous');
    expect(anon.flags[0]?.attribute).toBe('email');
    const rejected = await resolveIdentity(
      record({ givenName: 'Sam' }),
      store,
      identityConfig({ noIdentifier: 'reject' }),
    );
    expect(rejected.outcome).toBe('rejected');
    expect(rejected.reason).toMatch(/no usable identifier/);
  });

  it('deduplicates FEBRL 1 with pairwise F1 above 0.99 using the default configuration', async () => {
    // Prepare
    const { rows } = parseCsvObjects(
      readFileSync(resolve(process.cwd(), '../shared/data/febrl/febrl_dataset1.csv'), 'utf8'),
    );
    const map = parseColumnMap(
      'givenName=given_name,familyName=surname,streetNumber=street_number,street=address_1,addressLine2=address_2,city=suburb,postcode=postcode,state=state,birthDate=date_of_birth,nationalId=soc_sec_id',
    );
    const store = new InMemoryIdentityStore();
    // Act
    for (const row of rows) {
      await resolveIdentity(
        {
          recordKey: row.rec_id!,
          source: 'a',
          observedAt: '2025-01-01T00:00:00Z',
          attributes: attributesFromRow(row, map),
        },
        store,
        config,
      );
    }
    // Assess
    const root = (id: string): string => {
      const next = store.customers.get(id)?.mergedInto;
      return next ? root(next) : id;
    };
    const predicted = new Map(rows.map((r) => [r.rec_id!, root(store.records.get(r.rec_id!)!.customerId!)]));
    const truth = new Map(rows.map((r) => [r.rec_id!, r.rec_id!.split('-')[1]!]));
    expect(evaluateClusters(predicted, truth).pairwise.f1).toBeGreaterThan(0.99);
  });
});
