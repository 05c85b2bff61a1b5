import type { ReviewItem } from '../../lambdas/core/identity/store.js';

/** A possible match between two records as the resolver queues it, with evidence that does not matter here. */
export function possibleMatch(recordKey: string, candidateRecordKey: string): ReviewItem {
  return {
    recordKey,
    candidateRecordKey,
    // A profile per record: the queue keeps one item per pair of profiles.
    customerId: `c-${recordKey}`,
    candidateCustomerId: `c-${candidateRecordKey}`,
    reason: 'possible match',
    evidence: { total: 8, comparisons: [], swappedNames: false, protections: [] },
    createdAt: '2025-01-02T00:00:00Z',
  };
}
