import { describe, expect, it } from 'vitest';
import { identityConfig } from '../../../lambdas/core/identity/config.js';
import { InMemoryIdentityStore } from '../../../lambdas/core/identity/memory-store.js';
import type { IdentityAttributes } from '../../../lambdas/core/identity/normalise.js';
import { resolveIdentity } from '../../../lambdas/core/identity/resolve.js';

// Historical registers and old loyalty schemes often know only a birth year.
const config = identityConfig();
let n = 0;
const record = (attributes: IdentityAttributes) => ({
  recordKey: `census#${++n}`,
  source: 'census',
  observedAt: '1901-03-31T00:00:00Z',
  attributes,
});

describe('records that know only a birth year', () => {
  it('link on names, the same birth year and the same town', async () => {
    // Prepare
    const store = new InMemoryIdentityStore();
    const first = await resolveIdentity(
      record({ givenName: 'Euphemia', familyName: 'Macaskill', birthDate: '1856', city: 'Portree' }),
      store,
      config,
    );
    // Act
    const second = await resolveIdentity(
      record({ givenName: 'Euphemia', familyName: 'MacAskill', birthDate: '1856', city: 'Portree' }),
      store,
      config,
    );
    // Assess
    expect(second.outcome).toBe('link');
    expect(second.customerId).toBe(first.customerId);
  });

  it('take a year one keystroke off for a slip, not for a different person', async () => {
    const store = new InMemoryIdentityStore();
    const first = await resolveIdentity(
      record({ givenName: 'Euphemia', familyName: 'Macaskill', birthDate: '1856', city: 'Portree' }),
      store,
      config,
    );
    const slip = await resolveIdentity(
      record({ givenName: 'Euphemia', familyName: 'Macaskill', birthDate: '1865', city: 'Portree' }),
      store,
      config,
    );
    const other = await resolveIdentity(
      record({ givenName: 'Euphemia', familyName: 'Macaskill', birthDate: '1891', city: 'Portree' }),
      store,
      config,
    );
    expect(slip.customerId).toBe(first.customerId);
    expect(other.customerId).not.toBe(first.customerId);
    expect(other.decision?.best?.evidence.protections.map((p) => p.rule)).toContain('birth dates disagree');
  });
});
