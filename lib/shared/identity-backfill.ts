/**
 * Where the identity backfill keeps its files in the documents bucket: shared by the CDK construct (which
 * grants exactly these prefixes) and `tessera identity backfill --aws` (which uploads under the first).
 */
export const BACKFILL_INPUT_PREFIX = 'backfill/input/';
export const BACKFILL_RESULTS_PREFIX = 'backfill/results/';
