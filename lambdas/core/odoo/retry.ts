import { isRetryableOdooError } from './errors.js';

export interface RetryPolicy {
  /** Attempts in total, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 5_000 };

export interface RetryEnvironment {
  readonly sleep: (ms: number) => Promise<void>;
  /** Uniform in [0, 1); injectable so tests are deterministic. */
  readonly random: () => number;
}

export const realRetryEnvironment: RetryEnvironment = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/**
 * Exponential backoff with full jitter (a random delay between 0 and base * 2^attempt, capped): retries of
 * many consumers after one Odoo hiccup spread out instead of arriving together.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/**
 * Runs `task` until it succeeds, fails with an error that retrying cannot fix, or runs out of attempts.
 * Only errors for which `shouldRetry` says yes are retried (by default retryable OdooErrors).
 */
export async function withRetry<T>(
  task: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  env: RetryEnvironment,
  shouldRetry: (error: unknown) => boolean = isRetryableOdooError,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await task(attempt);
    } catch (error) {
      if (attempt + 1 >= policy.maxAttempts || !shouldRetry(error)) throw error;
      await env.sleep(backoffDelay(attempt, policy, env.random));
    }
  }
}
