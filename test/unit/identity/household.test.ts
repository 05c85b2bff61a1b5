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
});
