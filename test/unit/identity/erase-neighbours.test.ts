/**
 * Right to erasure and the other people's records, in memory: a record of someone else keeps the decision
 * it was resolved with, and that decision named the record it was compared with best. After `eraseCustomer`
 * no stored record names an erased record any more, while explain still shows the evidence.
 */
import { describe, expect, it } from 'vitest';
import { identityConfig } from '../../../lambdas/core/identity/config.js';
import { InMemoryIdentityStore, InMemoryProfileStore } from '../../../lambdas/core/identity/memory-store.js';
import type { IdentityAttributes } from '../../../lambdas/core/identity/normalise.js';
import { resolveIdentity } from '../../../lambdas/core/identity/resolve.js';
import { eraseCustomer } from '../../../lambdas/core/identity/split.js';
import { ERASED_RECORD_KEY, type IdentityStore } from '../../../lambdas/core/identity/store.js';

const config = identityConfig();
const clock = { now: () => new Date('2026-03-02T00:00:00Z') };

// A household at one address: Amara, and her husband Chidi who shares the landline. A near-namesake,
// Amarah, holds another loyalty card and is kept apart from Amara, in the review queue.
const home = { streetNumber: '14', street: 'Larkspur Road', city: 'Leeds', postcode: 'LS6 2AB' };
const amara = { givenName: 'Amara', familyName: 'Okonkwo', birthDate: '1984-05-12', ...home };
const AMARA: readonly (readonly [string, IdentityAttributes])[] = [
  ['crm#crm#CRM-0', { ...amara, email: 'amara.okonkwo@example.com', phone: '0113 496 0000' }],
  ['web#web#W-0', { ...amara, email: 'amara.okonkwo@example.com' }],
  ['shop#shop#S-7', { ...amara, birthDate: '1984-05-21', loyaltyId: 'L-12', street: undefined }],
];
const CHIDI: readonly (readonly [string, IdentityAttributes])[] = [
  [
    'pos#pos#POS-0',
    { givenName: 'Chidi', familyName: 'Okonkwo', birthDate: '1982-11-03', phone: '0113 496 0000', ...home },
  ],
  [
    'loyalty#loyalty#L-5',
    {
      givenName: 'Chidi',
      familyName: 'Okonkwo',
      birthDate: '1982-11-03',
      phone: '0113 496 0000',
      loyaltyId: 'L-5',
    },
  ],
];
const AMARAH: readonly [string, IdentityAttributes] = [
  'crm#crm#CRM-1',
  { givenName: 'Amarah', familyName: 'Okonkwo', birthDate: '1984-05-12', loyaltyId: 'L-99', ...home },
];
const ERASED = AMARA.map(([key]) => key);

const input = (recordKey: string, attributes: IdentityAttributes) => ({
  recordKey,
  source: recordKey.split('#')[0]!,
  observedAt: '2026-03-01T10:00:00Z',
  attributes,
});

async function setup(store = new InMemoryIdentityStore()) {
  const resolve = (key: string, attributes: IdentityAttributes) =>
    resolveIdentity(input(key, attributes), store, config, { clock });
  const ids = new Map<string, string>();
  for (const [key, attributes] of [...AMARA, ...CHIDI, AMARAH])
    ids.set(key, (await resolve(key, attributes)).customerId!);
  return { store, resolve, amaraId: ids.get('crm#crm#CRM-0')!, ids };
}

/** Every place in the store that still names one of the keys (a tombstone's own key aside). */
function mentions(store: InMemoryIdentityStore, keys: readonly string[]): string[] {
  const found: string[] = [];
  const look = (where: string, value: unknown) => {
    const text = JSON.stringify(value);
    for (const key of keys) if (text.includes(key)) found.push(`${where} names ${key}`);
  };
  for (const [key, record] of store.records) {
    const { recordKey: _own, ...rest } = record;
    look(`record ${key}`, record.erasedAt ? rest : record);
  }
  for (const [key, entries] of store.blocks) look(`block ${key}`, entries);
  look('review queue', store.reviews);
  look('review decisions', [...store.reviewDecisions]);
  look('profile nodes', [...store.customers]);
  look(
    'memberships',
    [...store.members].map(([id, set]) => [id, [...set]]),
  );
  return found;
}

/** The store with some methods replaced, every other one bound to it. */
function withOverrides(store: InMemoryIdentityStore, overrides: Partial<IdentityStore>): IdentityStore {
  return new Proxy(store, {
    get: (target, name) => {
      if (name in overrides) return overrides[name as keyof IdentityStore];
      const value = Reflect.get(target, name);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('erasing a person whose records other people were compared with', () => {
  it('leaves no decision naming an erased record, and keeps the evidence that explains it', async () => {
    // Prepare: Chidi's first record was compared with Amara's (new person, household); Amarah's was
    // queued for review against Amara's and kept apart.
    const { store, resolve, amaraId, ids } = await setup();
    const chidi = store.records.get('pos#pos#POS-0')!.decision!;
    const amarah = store.records.get('crm#crm#CRM-1')!.decision!;
    const chidiCard = store.records.get('loyalty#loyalty#L-5')!.decision!;
    expect(ERASED).toContain(chidi.best?.recordKey);
    expect(ERASED).toContain(amarah.best?.recordKey);
    expect(chidiCard.best?.recordKey).toBe('pos#pos#POS-0');
    expect(ids.get('pos#pos#POS-0')).not.toBe(amaraId);
    expect(ids.get('crm#crm#CRM-1')).not.toBe(amaraId);
    expect(store.reviews.some((r) => r.recordKey === 'crm#crm#CRM-1')).toBe(true);

    // Act
    const erased = await eraseCustomer(amaraId, store, new InMemoryProfileStore(), clock);
    const replay = await resolve(...AMARA[1]!);

    // Assess
    expect([...erased.recordKeys].sort()).toEqual([...ERASED].sort());
    expect(mentions(store, ERASED)).toEqual([]);
    for (const [key, before] of [
      ['pos#pos#POS-0', chidi],
      ['crm#crm#CRM-1', amarah],
    ] as const) {
      const after = store.records.get(key)!.decision!;
      // Still explains why: the same outcome, threshold, time and evidence, only the erased key is gone.
      expect(after).toEqual({ ...before, best: { ...before.best!, recordKey: ERASED_RECORD_KEY } });
      expect(after.best!.evidence.comparisons.length).toBeGreaterThan(0);
      for (const c of after.best!.evidence.comparisons) {
        expect(c.level).toEqual(expect.any(String));
        expect(c.weight).toEqual(expect.any(Number));
      }
    }
    expect(store.records.get('loyalty#loyalty#L-5')!.decision).toEqual(chidiCard);
    expect(replay.outcome).toBe('rejected');
    expect(replay.reason).toMatch(/erasure/);
    expect(store.records.get('web#web#W-0')).toMatchObject({ erasedAt: expect.any(String), attributes: {} });
  });

  it('does not clobber a decision that another pass changed while the erasure rewrote it', async () => {
    // Prepare: just before the erasure's first rewrite lands, another pass writes a newer decision for
    // Chidi's record, which still names Amara's record.
    const { store, amaraId } = await setup();
    const newer = {
      ...store.records.get('pos#pos#POS-0')!.decision!,
      decidedAt: '2026-03-02T00:00:01.000Z',
    };
    let interfered = false;
    let beforeTombstones: string | undefined;
    const racing = withOverrides(store, {
      eraseRecord: async (record, blockKeys, erasedAt) => {
        beforeTombstones ??= store.records.get('pos#pos#POS-0')!.decision!.best!.recordKey;
        return store.eraseRecord(record, blockKeys, erasedAt);
      },
      replaceDecision: async (recordKey, expected, next) => {
        if (recordKey === 'pos#pos#POS-0' && !interfered) {
          interfered = true;
          const current = store.records.get(recordKey)!;
          await store.assignRecord(recordKey, current.customerId!, newer);
        }
        return store.replaceDecision(recordKey, expected, next);
      },
    });

    // Act
    await eraseCustomer(amaraId, racing, new InMemoryProfileStore(), clock);

    // Assess: the newer decision is kept, without the erased key, and already before any tombstone (a
    // rerun after a stop there would not find Chidi's record again).
    expect(interfered).toBe(true);
    expect(beforeTombstones).toBe(ERASED_RECORD_KEY);
    expect(store.records.get('pos#pos#POS-0')!.decision).toEqual({
      ...newer,
      best: { ...newer.best!, recordKey: ERASED_RECORD_KEY },
    });
    expect(mentions(store, ERASED)).toEqual([]);
  });

  it('also clears the decision of a record resolved against the person while the erasure ran', async () => {
    // Prepare: Amara's mother moves in; her record is resolved after the erasure swept the neighbours but
    // before Amara's records became tombstones, so it is compared with them.
    const { store, amaraId } = await setup();
    const mother = input('pos#pos#POS-9', {
      givenName: 'Ngozi',
      familyName: 'Okonkwo',
      birthDate: '1956-02-20',
      phone: '0113 496 0000',
      ...home,
    });
    let arrived = false;
    const racing = withOverrides(store, {
      eraseRecord: async (record, blockKeys, erasedAt) => {
        if (!arrived) {
          arrived = true;
          await resolveIdentity(mother, store, config, { clock });
          expect(ERASED).toContain(store.records.get(mother.recordKey)!.decision?.best?.recordKey);
        }
        return store.eraseRecord(record, blockKeys, erasedAt);
      },
    });

    // Act
    await eraseCustomer(amaraId, racing, new InMemoryProfileStore(), clock);

    // Assess
    expect(arrived).toBe(true);
    expect(store.records.get(mother.recordKey)!.decision?.best?.recordKey).toBe(ERASED_RECORD_KEY);
    expect(mentions(store, ERASED)).toEqual([]);
  });
});
