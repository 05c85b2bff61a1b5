import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { z } from 'zod';
import { documentClient, eventBridgeClient } from '../adapters/clients.js';
import { DynamoIdentityStore } from '../adapters/dynamodb/identity-store.js';
import { DynamoFittedModelStore } from '../adapters/dynamodb/model-store.js';
import { readEnvironment, requiredString } from '../adapters/environment.js';
import { EventBridgePublisher } from '../adapters/eventbridge/event-publisher.js';
import { kpiConfig } from '../core/analytics/kpi.js';
import { FittedModelCache } from '../core/analytics/model-store.js';
import { identityConfig } from '../core/identity/config.js';
import { systemClock } from '../core/ports.js';
import { createProfileAnalyticsHook } from './analytics-hook.js';
import { createIdentityHandler } from './handler.js';

const env = readEnvironment({
  EVENT_BUS_NAME: requiredString,
  CUSTOMERS_TABLE_NAME: requiredString,
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

const identity = createIdentityHandler({
  identity: store,
  profiles: store,
  publisher: new EventBridgePublisher(eventBridgeClient(), env.EVENT_BUS_NAME),
  config: identityConfig({ defaultRegion: env.IDENTITY_DEFAULT_REGION }),
  clock: systemClock,
  logger,
  analytics: createProfileAnalyticsHook({ models: () => models.current(), kpi: kpiConfig(), logger }),
});

// Scoring runs inside the synchronous profile update, so the cache is refreshed before the invocation.
export const handler = async (event: EventBridgeEvent<string, unknown>, context: Context) => {
  await models.refreshIfStale();
  return identity(event, context);
};
