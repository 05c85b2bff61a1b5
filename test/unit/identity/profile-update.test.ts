import { describe, expect, it } from 'vitest';
import type { CustomerProfile, ProfileStore } from '../../../lambdas/core/identity/profile.js';
import { updateProfile } from '../../../lambdas/core/identity/profile.js';

/** A store whose cheap (eventually consistent) read lags one write behind, as DynamoDB's may for a moment. */
class LaggingStore implements ProfileStore {
  current: CustomerProfile | undefined;
  previous: CustomerProfile | undefined;
  readonly reads: ('eventually' | 'consistent')[] = [];
  async getProfile(_id: string, options: { readonly eventually?: boolean } = {}) {
    this.reads.push(options.eventually ? 'eventually' : 'consistent');
    return options.eventually ? this.previous : this.current;
  }
  async deleteProfile(): Promise<void> {}
  async putProfile(profile: CustomerProfile, expectedVersion: number): Promise<boolean> {
    if ((this.current?.version ?? 0) !== expectedVersion) return false;
    this.previous = this.current;
    this.current = profile;
    return true;
  }
}

const withEvent = (p: CustomerProfile | undefined, id: string): CustomerProfile =>
  ({
    customerId: 'c1',
    eventCount: (p?.eventCount ?? 0) + 1,
    recentEvents: [...(p?.recentEvents ?? []), id],
    version: (p?.version ?? 0) + 1,
  }) as unknown as CustomerProfile;

describe('updating a profile from a cheap read', () => {
  it('loses no update when the first read was stale: the version check fails and a consistent read retries', async () => {
    // Prepare: two events applied; the cheap read still shows the state after the first
    const store = new LaggingStore();
    await updateProfile(store, 'c1', (p) => withEvent(p, 'e1'));
    await updateProfile(store, 'c1', (p) => withEvent(p, 'e2'));
    store.reads.length = 0;
    // Act
    const next = await updateProfile(store, 'c1', (p) => withEvent(p, 'e3'));
    // Assess
    expect(next?.recentEvents).toEqual(['e1', 'e2', 'e3']);
    expect(store.current?.eventCount).toBe(3);
    expect(store.reads).toEqual(['eventually', 'consistent']);
  });
});
