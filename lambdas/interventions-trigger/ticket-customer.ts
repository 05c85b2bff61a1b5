import type { TicketOpenedDetail, TicketUpdatedDetail } from '../core/contracts/channel-events.js';
import type { IdentityConfig } from '../core/identity/config.js';
import { resolveIdentity } from '../core/identity/resolve.js';
import type { IdentityStore } from '../core/identity/store.js';
import type { Clock } from '../core/ports.js';
import { identityRecord } from '../identity/handler.js';

/**
 * Resolves a ticket's customer through the identity graph. The same event reaches the identity consumer
 * and this trigger in no particular order, so when identity has not stored the record yet the trigger
 * resolves it itself: resolution is idempotent and safe under concurrency, so whichever consumer comes
 * second takes the fast path and both agree on the customer. Merges are followed later, by LoadContext.
 */
export function ticketCustomerResolver(store: IdentityStore, config: IdentityConfig, clock: Clock) {
  return async (
    source: string,
    ticket: TicketOpenedDetail | TicketUpdatedDetail,
  ): Promise<string | undefined> => {
    const record = identityRecord(source, ticket);
    const known = await store.getRecord(record.recordKey);
    if (known?.erasedAt) return undefined;
    if (known?.customerId) return known.customerId;
    // Unknown, or stored but not yet assigned by a pass still under way: resolving joins that pass.
    const resolution = await resolveIdentity(record, store, config, { clock });
    return resolution.customerId;
  };
}
