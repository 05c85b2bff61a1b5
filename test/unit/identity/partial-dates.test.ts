import { describe, expect, it } from 'vitest';
import { identityConfig } from '../../../lambdas/core/identity/config.js';
import { InMemoryIdentityStore } from '../../../lambdas/core/identity/memory-store.js';
import { resolveIdentity } from '../../../lambdas/core/identity/resolve.js';

// Historical registers and old loyalty schemes often know only a birth year.
const config = identityConfig();
let n = 0;
/** Euphemia Macaskill of Portree as one more register entry, knowing only her birth year. */
const euphemia = (store: InMemoryIdentityStore, birthDate: string, familyName = 'Macaskill') =>
  resolveIdentity(
    {
      recordKey: `census#${++n}`,
      source: 'census',
      observedAt: '1901-03-31T00:00:00Z',
      attributes: { givenName: 'Euphemia', familyName, birthDate, city: 'Portree' },
    },
    store,
    config,
  );

describe('records that know only a birth year', () => {
  it('link on names, the same birth year and the same town', async () => {
    // Prepare
    const store = new InMemoryIdentityStore();
    const first = await euphemia(store, '1856');
    // Act
    const second = await euphemia(store, '1856', 'MacAskill');
    // Assess
    expect(second.outcome).toBe('link');
    expect(second.customerId).toBe(first.customerId);
  });

  it('take a year one keystroke off for a slip, not for a different person', async () => {
    // Prepare
    const store = new InMemoryIdentityStore();
    const first = await euphemia(store, '1856');
    // Act
    const slip = await euphemia(store, '1865');
    const other = await euphemia(store, '1891');
    // Assess
    expect(slip.customerId).toBe(first.customerId);
    expect(other.customerId).not.toBe(first.customerId);
    expect(other.decision?.best?.evidence.protections.map((p) => p.rule)).toContain('birth dates disagree');
  });
});
