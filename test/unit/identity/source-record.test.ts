import { describe, expect, it } from 'vitest';
import { identityConfig } from '../../../lambdas/core/identity/config.js';
import { InMemoryIdentityStore } from '../../../lambdas/core/identity/memory-store.js';
import type { IdentityAttributes } from '../../../lambdas/core/identity/normalise.js';
import { resolveIdentity } from '../../../lambdas/core/identity/resolve.js';
import { accumulateAttributes } from '../../../lambdas/core/identity/source-record.js';
import type { IdentityStore } from '../../../lambdas/core/identity/store.js';

const config = identityConfig();
const posCustomer = (observedAt: string, attributes: IdentityAttributes) => ({
  recordKey: 'pos#400000001',
  source: 'pos',
  observedAt,
  attributes: { sourceCustomerId: '400000001', ...attributes },
});
const withAddress = {
  givenName: 'Priya',
  familyName: 'Raman',
  street: '12 Orchard Lane',
  city: 'Leeds',
  postcode: 'LS6 2AB',
};

/** Counts the store calls a pass makes, to tell a full resolution (blocks queried) from the known path. */
function countingStore(store: InMemoryIdentityStore): IdentityStore & { blockQueries: number } {
  const counting = Object.create(store) as InMemoryIdentityStore & { blockQueries: number };
  counting.blockQueries = 0;
  counting.queryBlocks = async (keys, limit) => {
    counting.blockQueries++;
    return store.queryBlocks(keys, limit);
  };
  return counting;
}

describe('what a source has said about its customer so far', () => {
  it('keeps attributes an event did not carry, and replaces a group the newer event carries whole', () => {
    // Prepare
    const stored = {
      observedAt: '2025-03-01T10:00:00Z',
      attributes: {
        given: 'priya',
        family: 'raman',
        street: 'orchard lane',
        streetNumber: '12',
        city: 'leeds',
      },
    };
    // Act
    const merged = accumulateAttributes(
      stored,
      { loyaltyId: '6001', street: 'high street', streetNumber: '3' },
      '2025-03-02T10:00:00Z',
    );
    // Assess: the name stays, the loyalty id is added, and the old city does not survive the move.
    expect(merged).toEqual({
      given: 'priya',
      family: 'raman',
      loyaltyId: '6001',
      street: 'high street',
      streetNumber: '3',
    });
  });

  it('lets an event that arrives late fill gaps but never overwrite newer values', () => {
    const stored = { observedAt: '2025-03-02T10:00:00.000Z', attributes: { email: 'new@example.com' } };
    const merged = accumulateAttributes(
      stored,
      { email: 'old@example.com', phone: '+447700900123' },
      '2025-03-01T10:00:00+01:00',
    );
    expect(merged).toEqual({ email: 'new@example.com', phone: '+447700900123' });
  });

  it('resolves a till receipt that shows only the card without matching again or forgetting the address', async () => {
    // Prepare
    const memory = new InMemoryIdentityStore();
    const first = await resolveIdentity(
      posCustomer('2025-03-01T10:00:00Z', { ...withAddress, loyaltyId: '6001000000000001' }),
      memory,
      config,
    );
    const store = countingStore(memory);
    // Act
    const receipt = await resolveIdentity(
      posCustomer('2025-03-05T10:00:00Z', { loyaltyId: '6001000000000001' }),
      store,
      config,
    );
    // Assess
    expect(receipt.outcome).toBe('known');
    expect(receipt.customerId).toBe(first.customerId);
    expect(store.blockQueries).toBe(0);
    const stored = await memory.getRecord('pos#400000001');
    expect(stored?.attributes).toMatchObject({ city: 'leeds', loyaltyId: '6001000000000001' });
  });

  it('waits for a pass already resolving the record instead of resolving it a second time', async () => {
    // Prepare: the first delivery has written the record but not yet assigned it when the second reads it.
    const memory = new InMemoryIdentityStore();
    const store = countingStore(memory);
    const event = posCustomer('2025-03-01T10:00:00Z', withAddress);
    // Act
    const [a, b] = await Promise.all([
      resolveIdentity(event, store, config),
      resolveIdentity(event, store, config),
    ]);
    // Assess
    expect(new Set([a.outcome, b.outcome])).toEqual(new Set(['new', 'known']));
    expect(a.customerId).toBe(b.customerId);
    expect(store.blockQueries).toBe(1);
  });
});

describe('a record that gains attributes', () => {
  it('is matched on what it has gained, even through a block that still holds its older copy', async () => {
    // Prepare: Ama is known by name and e-mail; her next till receipt adds her address.
    const store = new InMemoryIdentityStore();
    const ama = { givenName: 'Ama', familyName: 'Owusu', email: 'ama.owusu@example.org' };
    const first = await resolveIdentity(posCustomer('2025-03-01T10:00:00Z', ama), store, config);
    await resolveIdentity(
      posCustomer('2025-03-05T10:00:00Z', { ...ama, ...withAddress, givenName: 'Ama', familyName: 'Owusu' }),
      store,
      config,
    );
    // Act: a web account with her name and address, and a work e-mail
    const web = await resolveIdentity(
      {
        recordKey: 'web#77',
        source: 'web',
        observedAt: '2025-03-09T10:00:00Z',
        attributes: {
          givenName: 'Ama',
          familyName: 'Owusu',
          email: 'a.owusu@work.example',
          ...{ street: withAddress.street, city: withAddress.city, postcode: withAddress.postcode },
        },
      },
      store,
      config,
    );
    // Assess: the name block still holds the copy without an address, the address counted all the same
    const nameBlock = [...store.blocks.entries()].find(([k]) => k.startsWith('nm:'))?.[1] ?? [];
    expect(nameBlock.find((e) => e.recordKey === 'pos#400000001')?.attributes.postcode).toBeUndefined();
    expect(web.customerId).toBe(first.customerId);
    expect(web.decision?.best?.evidence.comparisons.map((c) => c.comparison)).toContain('postcode');
  });
});
