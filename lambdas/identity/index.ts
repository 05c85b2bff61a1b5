import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { z } from 'zod';
import { documentClient, eventBridgeClient } from '../adapters/clients.js';
import { DynamoIdentityModelStore } from '../adapters/dynamodb/identity-model-store.js';
import { DynamoIdentityStore } from '../adapters/dynamodb/identity-store.js';
import { DynamoFittedModelStore } from '../adapters/dynamodb/model-store.js';
import { readEnvironment, requiredString } from '../adapters/environment.js';
import { EventBridgePublisher } from '../adapters/eventbridge/event-publisher.js';
import { kpiConfig } from '../core/analytics/kpi.js';
import { FittedModelCache } from '../core/analytics/model-store.js';
import { identityConfig } from '../core/identity/config.js';
import { loadIdentityModel } from '../core/identity/model-store.js';
import { parseSurvivorship } from '../core/identity/survivorship.js';
import { systemClock } from '../core/ports.js';
import { createProfileAnalyticsHook } from './analytics-hook.js';
import { createIdentityHandler } from './handler.js';

const env = readEnvironment({
  EVENT_BUS_NAME: requiredString,
  CUSTOMERS_TABLE_NAME: requiredString,
  // Survivorship rules of the golden record (JSON, see lambdas/core/identity/survivorship.ts); default: most recent.
  IDENTITY_SURVIVORSHIP: requiredString.optional(),
  IDENTITY_DEFAULT_REGION: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166 region such as GB')
    .default('GB'),
});

const store = new DynamoIdentityStore(documentClient(), env.CUSTOMERS_TABLE_NAME);
const logger = new Logger({ serviceName: 'tessera-identity' });
// Fitted parameters: one read per container start and per refresh (5 minutes), none per event.
const models = new FittedModelCache(
  new DynamoFittedModelStore(documentClient(), env.CUSTOMERS_TABLE_NAME),
  systemClock,
);

// Read at load, so a bad setting fails the cold start before any event.
const config = identityConfig({
  defaultRegion: env.IDENTITY_DEFAULT_REGION,
  ...(env.IDENTITY_SURVIVORSHIP ? { survivorship: parseSurvivorship(env.IDENTITY_SURVIVORSHIP) } : {}),
});
const modelStore = new DynamoIdentityModelStore(documentClient(), env.CUSTOMERS_TABLE_NAME);

// The m/u parameters `tessera identity train --aws` stored, read once per container on its first
// invocation (the shipped defaults when none is stored; no network at module load). A corrupt stored model
// fails that invocation loudly, and every next one until it is fixed (Lambda retries, the DLQ keeps the
// event), rather than events being matched with bad parameters.
let identity: Promise<ReturnType<typeof createIdentityHandler>> | undefined;
function identityConsumer() {
  identity ??= loadIdentityModel(modelStore).then(
    (matching) => {
      logger.info('identity model loaded', { origin: matching.origin, storedAt: matching.storedAt });
      return createIdentityHandler({
        identity: store,
        profiles: store,
        publisher: new EventBridgePublisher(eventBridgeClient(), env.EVENT_BUS_NAME),
        config: { ...config, model: matching.model },
        clock: systemClock,
        logger,
        analytics: createProfileAnalyticsHook({ models: () => models.current(), kpi: kpiConfig(), logger }),
      });
    },
    (error: unknown) => {
      identity = undefined;
      throw error;
    },
  );
  return identity;
}

// Scoring runs inside the synchronous profile update, so the cache is refreshed before the invocation.
export const handler = async (event: EventBridgeEvent<string, unknown>, context: Context) => {
  const consume = await identityConsumer();
  await models.refreshIfStale();
  return consume(event, context);
};
