import { createHash } from 'node:crypto';

/**
 * Deterministic holdout: the same customer always lands on the same side for a given salt, whatever
 * machine or run decides it, so the measured effect is not polluted by re-draws.
 */
export function isInHoldout(customerId: string, share: number, salt: string): boolean {
  if (share <= 0) return false;
  return holdoutBucket(customerId, salt) < share;
}

/** A number in [0, 1) drawn from the customer id: the first 52 bits of SHA-256(salt|id). */
export function holdoutBucket(customerId: string, salt: string): number {
  const digest = createHash('sha256').update(`${salt}|${customerId}`).digest();
  // 52 bits fit exactly in a double's mantissa, so every bucket is equally likely.
  const high = digest.readUInt32BE(0);
  const low = digest.readUInt32BE(4) >>> 12;
  return (high * 2 ** 20 + low) / 2 ** 52;
}
