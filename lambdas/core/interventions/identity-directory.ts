import type { CustomerProfile } from '../identity/profile.js';
import type { CustomerNode } from '../identity/store.js';
import type { CustomerDirectory, CustomerLookup } from './ports.js';

/** Merges chain at most this far; a longer chain means a cycle or corruption, which we refuse to follow. */
const MAX_MERGE_HOPS = 16;

/**
 * The customer directory over the identity graph and profiles (issue 3): follows `mergedInto` to the
 * surviving profile and reads the golden name and email. A profile node without a profile is treated as
 * erased (erasure keeps only a tombstone).
 */
export function identityCustomerDirectory(stores: {
  getCustomer(customerId: string): Promise<CustomerNode | undefined>;
  getProfile(customerId: string): Promise<CustomerProfile | undefined>;
}): CustomerDirectory {
  return {
    async lookup(customerId: string): Promise<CustomerLookup> {
      let id = customerId;
      for (let hop = 0; hop < MAX_MERGE_HOPS; hop += 1) {
        const node = await stores.getCustomer(id);
        if (!node) return { status: 'not_found', customerId: id };
        if (!node.mergedInto) {
          const profile = await stores.getProfile(id);
          if (!profile) return { status: 'erased', customerId: id };
          const g = profile.golden;
          const name =
            g.fullName?.value ?? [g.givenName?.value, g.familyName?.value].filter(Boolean).join(' ');
          return {
            status: 'active',
            customerId: id,
            ...(name ? { name } : {}),
            ...(g.email?.value ? { email: g.email.value } : {}),
          };
        }
        id = node.mergedInto;
      }
      throw new Error(`customer ${customerId}: merge chain longer than ${MAX_MERGE_HOPS} hops`);
    },
  };
}

/** A directory over a fixed list, for tests, benchmarks and the demo before identity has run. */
export function staticCustomerDirectory(
  customers: Readonly<
    Record<string, { name?: string; email?: string; clv?: number; mergedInto?: string; erased?: boolean }>
  >,
): CustomerDirectory {
  return {
    async lookup(customerId: string): Promise<CustomerLookup> {
      let id = customerId;
      for (let hop = 0; hop < MAX_MERGE_HOPS; hop += 1) {
        const c = customers[id];
        if (!c) return { status: 'not_found', customerId: id };
        if (c.mergedInto) {
          id = c.mergedInto;
          continue;
        }
        if (c.erased) return { status: 'erased', customerId: id };
        return {
          status: 'active',
          customerId: id,
          ...(c.name ? { name: c.name } : {}),
          ...(c.email ? { email: c.email } : {}),
          ...(c.clv !== undefined ? { clv: c.clv } : {}),
        };
      }
      throw new Error(`customer ${customerId}: merge chain longer than ${MAX_MERGE_HOPS} hops`);
    },
  };
}
