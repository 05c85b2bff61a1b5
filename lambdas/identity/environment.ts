import { z } from 'zod';
import { readEnvironment, requiredString } from '../adapters/environment.js';
import { type IdentityConfig, identityConfig } from '../core/identity/config.js';
import { parseSurvivorship } from '../core/identity/survivorship.js';

/**
 * The identity settings of every function that resolves or folds profiles (the identity consumer, the
 * backfill processor, the review API), read from one schema so that all of them fold the same way. Called at
 * module load, so a bad setting fails the cold start before any event.
 */
export function identityConfigFromEnvironment(environment: NodeJS.ProcessEnv = process.env): IdentityConfig {
  const env = readEnvironment(
    {
      // Survivorship rules of the golden record (JSON, see lambdas/core/identity/survivorship.ts); default: most recent.
      IDENTITY_SURVIVORSHIP: requiredString.optional(),
      IDENTITY_DEFAULT_REGION: z
        .string()
        .regex(/^[A-Z]{2}$/, 'must be an ISO 3166 region such as GB')
        .default('GB'),
    },
    environment,
  );
  return identityConfig({
    defaultRegion: env.IDENTITY_DEFAULT_REGION,
    ...(env.IDENTITY_SURVIVORSHIP ? { survivorship: parseSurvivorship(env.IDENTITY_SURVIVORSHIP) } : {}),
  });
}
