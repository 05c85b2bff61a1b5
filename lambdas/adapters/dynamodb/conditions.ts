/**
 * A write whose condition did not hold. Matched by name rather than `instanceof`, so it also holds for
 * errors from a second copy of the SDK in a bundle and for errors a test's client mock rejects with.
 */
export const isConditionFailure = (e: unknown): boolean =>
  e instanceof Error && e.name === 'ConditionalCheckFailedException';
