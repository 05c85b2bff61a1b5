/**
 * Links a document to its customer by calling the identity resolver (lambdas/core/identity) through the
 * CustomerLinker port, as one more source record (`documents:<documentId>`, source `documents`).
 *
 * Why a direct call rather than publishing a channel-style event for the identity consumer: the
 * ReturnDocumentProcessed / ClaimDocumentProcessed event must carry the customer id when it leaves, and an
 * event round trip would need a second wait in the workflow. The resolver is idempotent per record key, so
 * a retried step resolves to the same customer. When the document's details join two profiles, the
 * merge is noted on its record and the identity consumer hands it over when the processed-document event
 * arrives (document-enrichment.ts).
 */
import { CustomerId } from '../core/contracts/internal-events.js';
import type { IdentityConfig } from '../core/identity/config.js';
import { resolveIdentity } from '../core/identity/resolve.js';
import { DOCUMENTS_IDENTITY_SOURCE, documentRecordKey } from '../core/identity/source-record.js';
import type { IdentityStore } from '../core/identity/store.js';
import type { Clock } from '../core/ports.js';
import type { CustomerLinker, CustomerLinkInput } from './ports.js';

export class IdentityResolverLinker implements CustomerLinker {
  constructor(
    private readonly store: IdentityStore,
    private readonly config: IdentityConfig,
    private readonly clock: Clock,
  ) {}

  async link(input: CustomerLinkInput): Promise<{ customerId?: string; via: string }> {
    // An uploader that already knows the customer (the service desk attaching a letter) has said who it is.
    // A hint that names no profile (mistyped, or from another deployment) is ignored: the details decide.
    if (
      input.customerHint &&
      CustomerId.safeParse(input.customerHint).success &&
      (await this.store.getCustomer(input.customerHint)) !== undefined
    ) {
      return { customerId: input.customerHint, via: 'hint' };
    }
    if (!input.email && !input.phone && !input.name) return { via: 'no-identity-on-document' };
    const resolution = await resolveIdentity(
      {
        recordKey: documentRecordKey(input.documentId),
        source: DOCUMENTS_IDENTITY_SOURCE,
        observedAt: input.observedAt,
        attributes: {
          ...(input.name ? { fullName: input.name } : {}),
          ...(input.email ? { email: input.email } : {}),
          ...(input.phone ? { phone: input.phone } : {}),
        },
      },
      this.store,
      this.config,
      { clock: this.clock },
    );
    return {
      ...(resolution.customerId ? { customerId: resolution.customerId } : {}),
      via: `identity-${resolution.outcome}`,
    };
  }
}
