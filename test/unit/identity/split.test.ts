import { describe, expect, it } from 'vitest';
import { identityConfig } from '../../../lambdas/core/identity/config.js';
import { InMemoryIdentityStore, InMemoryProfileStore } from '../../../lambdas/core/identity/memory-store.js';
import type { IdentityAttributes } from '../../../lambdas/core/identity/normalise.js';
import { resolveIdentity } from '../../../lambdas/core/identity/resolve.js';
import { eraseCustomer, splitRecord } from '../../../lambdas/core/identity/split.js';
import { possibleMatch } from '../../support/review-items.js';

const config = identityConfig();
const at = (recordKey: string, attributes: IdentityAttributes) => ({
  recordKey,
  source: 'crm',
  observedAt: '2025-01-01T00:00:00Z',
  attributes,
});
// Twins sharing a surname, birth date and address: the kind of pair a matcher gets wrong.
const jan = {
  givenName: 'Jan',
  familyName: 'Novak',
  birthDate: '2001-07-07',
  postcode: '11000',
  street: '5 Dlouha',
};
const jana = { ...jan, givenName: 'Jana' };

describe('splitting a wrongly merged record', () => {
  it('moves the record to a profile of its own that later events do not merge back', async () => {
    // Prepare
    const store = new InMemoryIdentityStore();
    const first = await resolveIdentity(at('crm#1', jan), store, config);
    const second = await resolveIdentity(at('crm#2', jana), store, config);
    expect(second.customerId).toBe(first.customerId); // the wrong merge
    // Act
    const split = await splitRecord('crm#2', store, config);
    const bridge = await resolveIdentity(at('crm#3', { ...jana, email: 'jana@example.cz' }), store, config);
    const update = await resolveIdentity(at('crm#2', { ...jana, phone: '+420 601 123 456' }), store, config);
    // Assess
    expect(split.fromCustomerId).toBe(first.customerId);
    expect(update.customerId).toBe(split.newCustomerId);
    expect(bridge.customerId).not.toBe(undefined);
    const root = (id: string): string => store.customers.get(id)?.mergedInto ?? id;
    expect(root(split.newCustomerId)).not.toBe(root(first.customerId!));
  });

  it('refuses to split a record that is alone in its profile', async () => {
    const store = new InMemoryIdentityStore();
    await resolveIdentity(at('crm#9', jan), store, config);
    await expect(splitRecord('crm#9', store, config)).rejects.toThrow(/nothing to split/);
  });
});

describe('erasing a person', () => {
  it('removes their records and profile, and a replayed record does not bring them back', async () => {
    // Prepare
    const store = new InMemoryIdentityStore();
    const profiles = new InMemoryProfileStore();
    const first = await resolveIdentity(at('crm#1', jan), store, config);
    await resolveIdentity(at('crm#2', { ...jan, email: 'jan@example.cz' }), store, config);
    // Act
    const erased = await eraseCustomer(first.customerId!, store, profiles);
    const replay = await resolveIdentity(at('crm#2', { ...jan, email: 'jan@example.cz' }), store, config);
    const lookalike = await resolveIdentity(at('web#5', jan), store, config);
    // Assess
    expect([...erased.recordKeys].sort()).toEqual(['crm#1', 'crm#2']);
    expect(replay.outcome).toBe('rejected');
    expect(replay.reason).toMatch(/erasure/);
    expect(store.records.get('crm#1')?.attributes).toEqual({});
    expect(lookalike.outcome).toBe('new'); // nothing left to match against
  });

  it('also removes the copies in block keys that earlier versions wrote', async () => {
    // Prepare: Jan's record as an earlier version indexed it, under the exact date and date+family.
    const store = new InMemoryIdentityStore();
    const profiles = new InMemoryProfileStore();
    const first = await resolveIdentity(at('crm#1', jan), store, config);
    const entry = { recordKey: 'crm#1', source: 'crm', attributes: store.records.get('crm#1')!.attributes };
    const legacy = [...store.blocks.keys()].length;
    store.blocks.set('d:20010707', [entry]);
    store.blocks.set('df:20010707:512', [entry]);
    // Act
    await eraseCustomer(first.customerId!, store, profiles);
    // Assess: no block holds a copy of the erased record any more
    const copies = [...store.blocks.values()].flat().filter((e) => e.recordKey === 'crm#1');
    expect(legacy).toBeGreaterThan(0);
    expect(copies).toEqual([]);
  });

  it('removes the possible matches that name their records, and keeps the others', async () => {
    // Prepare: one possible match names Jan's record, another is about two other people.
    const store = new InMemoryIdentityStore();
    const profiles = new InMemoryProfileStore();
    const janProfile = await resolveIdentity(at('crm#1', jan), store, config);
    await store.addReview(possibleMatch('web#7', 'crm#1'));
    await store.addReview(possibleMatch('web#8', 'web#9'));
    // Act
    await eraseCustomer(janProfile.customerId!, store, profiles);
    // Assess
    expect(store.reviews.map((r) => r.recordKey)).toEqual(['web#8']);
  });
});
