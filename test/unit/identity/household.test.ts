import { describe, expect, it } from 'vitest';
import { identityConfig } from '../../../lambdas/core/identity/config.js';
import { InMemoryIdentityStore } from '../../../lambdas/core/identity/memory-store.js';
import type { IdentityAttributes } from '../../../lambdas/core/identity/normalise.js';
import { resolveIdentity } from '../../../lambdas/core/identity/resolve.js';

const config = identityConfig({ defaultRegion: 'GB' });
const home = {
  street: '23 Brunswick Close',
  addressLine2: 'Flat 19',
  city: 'Southampton',
  postcode: 'SO5 7AH',
};
let n = 0;
const record = (attributes: IdentityAttributes) => ({
  recordKey: `crm#${++n}`,
  source: 'crm',
  observedAt: '2026-01-01T00:00:00Z',
  attributes,
});

describe('people who share a home', () => {
  it('keeps family members at one address apart when their given names and e-mails differ', async () => {
    // Prepare
    const store = new InMemoryIdentityStore();
    const mother = await resolveIdentity(
      record({ givenName: 'Elif', familyName: 'Ibrahim', email: 'elif.ibrahim17@hotmail.co.uk', ...home }),
      store,
      config,
    );
    // Act
    const son = await resolveIdentity(
      record({ givenName: 'Deniz', familyName: 'Ibrahim', email: 'deniz.i@gmail.com', ...home }),
      store,
      config,
    );
    // Assess
    expect(son.outcome).toBe('new');
    expect(son.customerId).not.toBe(mother.customerId);
    const rules = son.decision?.best?.evidence.protections.map((p) => p.rule);
    expect(rules).toContain('household address');
  });

  it('still links one person whose given name was mistyped when the birth date agrees', async () => {
    const store = new InMemoryIdentityStore();
    const first = await resolveIdentity(
      record({ givenName: 'Margaret', familyName: 'Okonkwo', birthDate: '1961-11-30', ...home }),
      store,
      config,
    );
    const again = await resolveIdentity(
      record({ givenName: 'Xargqet', familyName: 'Okonkwo', birthDate: '30/11/1961', ...home }),
      store,
      config,
    );
    expect(again.customerId).toBe(first.customerId);
  });

  it('makes two people who share only a name and a town a possible match for a person, not a link', async () => {
    // Prepare
    const store = new InMemoryIdentityStore();
    const first = await resolveIdentity(
      record({ givenName: 'Priya', familyName: 'Begum', city: 'Cardiff', email: 'priya_begum@gmail.com' }),
      store,
      config,
    );
    // Act
    const second = await resolveIdentity(
      record({ givenName: 'Priya', familyName: 'Begum', city: 'Cardiff', phone: '07555 185526' }),
      store,
      config,
    );
    // Assess
    expect(second.customerId).not.toBe(first.customerId);
    expect(second.reviews.map((r) => r.reason)).toEqual([expect.stringContaining('names and place only')]);
  });

  it('asks a person once per profile: a possible match with two records of one profile is one item', async () => {
    // Prepare: one Priya Begum of Cardiff, known from her web account and her loyalty card
    const store = new InMemoryIdentityStore();
    const priya = {
      givenName: 'Priya',
      familyName: 'Begum',
      city: 'Cardiff',
      email: 'priya_begum@gmail.com',
    };
    const web = await resolveIdentity(record(priya), store, config);
    const card = await resolveIdentity(record({ ...priya, postcode: 'CF10 1AA' }), store, config);
    expect(card.customerId).toBe(web.customerId);
    // Act: a namesake in the same town, with only a phone
    const namesake = await resolveIdentity(
      record({ givenName: 'Priya', familyName: 'Begum', city: 'Cardiff', phone: '07555 185526' }),
      store,
      config,
    );
    // Assess: both records are possible matches; the person sees the profile once
    expect(namesake.customerId).not.toBe(web.customerId);
    expect(namesake.candidatesCompared).toBe(2);
    expect(namesake.reviews.map((r) => r.candidateCustomerId)).toEqual([web.customerId]);
    expect(store.reviews).toHaveLength(1);
  });

  it('asks a person once per pair of profiles, however many of their records meet', async () => {
    // Prepare: Priya, and a namesake in her town whose phone record waits for review against her
    const store = new InMemoryIdentityStore();
    const priya = { givenName: 'Priya', familyName: 'Begum', city: 'Cardiff' };
    const web = await resolveIdentity(record({ ...priya, email: 'priya_begum@gmail.com' }), store, config);
    const till = await resolveIdentity(record({ ...priya, phone: '07555 185526' }), store, config);
    expect(till.reviews).toHaveLength(1);
    // Act: the namesake's loyalty card, linked to her phone record, meets Priya's profile again
    const card = await resolveIdentity(
      record({ ...priya, phone: '07555 185526', loyaltyId: 'LOY-88' }),
      store,
      config,
    );
    // Assess
    expect(card.customerId).toBe(till.customerId);
    expect(card.customerId).not.toBe(web.customerId);
    expect(card.reviews).toEqual([]);
    expect(store.reviews).toHaveLength(1);
  });
});

describe('namesakes', () => {
  it('does not link two people of one name because their e-mail addresses are both made of it', async () => {
    // Prepare: two Sana Patels, each with her own mailbox and phone, as different people of one name have.
    const store = new InMemoryIdentityStore();
    const first = await resolveIdentity(
      record({ givenName: 'Sana', familyName: 'Patel', email: 'sanapatel@gmail.com', phone: '07969 079266' }),
      store,
      config,
    );
    // Act
    const second = await resolveIdentity(
      record({
        givenName: 'Sana',
        familyName: 'Patel',
        email: 'sanapatel@hotmail.co.uk',
        phone: '07448 642043',
      }),
      store,
      config,
    );
    // Assess
    expect(second.customerId).not.toBe(first.customerId);
    const email = second.decision?.best?.evidence.comparisons.find((c) => c.comparison === 'email');
    expect(email?.weight).toBe(0);
    expect(email?.note).toContain('same names');
  });

  it('still counts an address that namesakes would not share: the same number in it, or a small domain', async () => {
    const store = new InMemoryIdentityStore();
    const first = await resolveIdentity(
      record({ givenName: 'Gabriel', familyName: 'Thomas', email: 'gabriel.t54@outlook.com' }),
      store,
      config,
    );
    const sameDigits = await resolveIdentity(
      record({ givenName: 'Gabriel', familyName: 'Thomas', email: 'gabriel.t54@hotmail.com' }),
      store,
      config,
    );
    const other = await resolveIdentity(
      record({ givenName: 'Lola', familyName: 'Brown', email: 'lola.b@martinez-jones.net' }),
      store,
      config,
    );
    const domainTypo = await resolveIdentity(
      record({ givenName: 'Lola', familyName: 'Brown', email: 'lola.b@martinesz-jones.net' }),
      store,
      config,
    );
    expect(sameDigits.customerId).toBe(first.customerId);
    expect(domainTypo.customerId).toBe(other.customerId);
  });

  it('keeps family members at one address apart when their given names are only alike (Sunil, Sunita)', async () => {
    const store = new InMemoryIdentityStore();
    const husband = await resolveIdentity(
      record({ givenName: 'Sunil', familyName: 'Haque', email: 'sunil.haque80@live.co.uk', ...home }),
      store,
      config,
    );
    const wife = await resolveIdentity(
      record({ givenName: 'Sunita', familyName: 'Haque', email: 'sunita.haque82@virginmedia.com', ...home }),
      store,
      config,
    );
    expect(wife.customerId).not.toBe(husband.customerId);
    const rules = wife.decision?.best?.evidence.protections.map((p) => p.rule);
    expect(rules).toContain('household address');
  });
});
