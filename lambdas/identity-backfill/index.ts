import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
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
import { createProfileAnalyticsHook } from '../identity/analytics-hook.js';
import { createIdentityHandler } from '../identity/handler.js';
import { type BackfillBatch, createIdentityBackfillHandler } from './handler.js';

// The same composition as the live consumer (lambdas/identity/index.ts), so a backfilled event is resolved,
// scored and announced exactly as if it had arrived on the bus.
const env = readEnvironment({
  EVENT_BUS_NAME: requiredString,
  CUSTOMERS_TABLE_NAME: requiredString,
  // Survivorship rules of the golden record, as the live consumer reads them (lambdas/identity/index.ts).
  IDENTITY_SURVIVORSHIP: requiredString.optional(),
  IDENTITY_DEFAULT_REGION: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166 region such as GB')
    .default('GB'),
});

const store = new DynamoIdentityStore(documentClient(), env.CUSTOMERS_TABLE_NAME);
const logger = new Logger({ serviceName: 'tessera-identity-backfill' });
const models = new FittedModelCache(
  new DynamoFittedModelStore(documentClient(), env.CUSTOMERS_TABLE_NAME),
  systemClock,
);
const config = identityConfig({
  defaultRegion: env.IDENTITY_DEFAULT_REGION,
  ...(env.IDENTITY_SURVIVORSHIP ? { survivorship: parseSurvivorship(env.IDENTITY_SURVIVORSHIP) } : {}),
});
const modelStore = new DynamoIdentityModelStore(documentClient(), env.CUSTOMERS_TABLE_NAME);

// The stored identity model, read on the container's first batch (none at module load); a corrupt one fails
// the batch, which Step Functions retries and finally lists as failed, rather than matching with it.
let backfill: Promise<ReturnType<typeof createIdentityBackfillHandler>> | undefined;
function backfillProcessor() {
  backfill ??= loadIdentityModel(modelStore).then(
    (matching) => {
      logger.info('identity model loaded', { origin: matching.origin, storedAt: matching.storedAt });
      return createIdentityBackfillHandler({
        identity: createIdentityHandler({
          identity: store,
          profiles: store,
          publisher: new EventBridgePublisher(eventBridgeClient(), env.EVENT_BUS_NAME),
          config: { ...config, model: matching.model },
          clock: systemClock,
          logger,
          analytics: createProfileAnalyticsHook({ models: () => models.current(), kpi: kpiConfig(), logger }),
        }),
        logger,
      });
    },
    (error: unknown) => {
      backfill = undefined;
      throw error;
    },
  );
  return backfill;
}

export const handler = async (batch: BackfillBatch, context: Context) => {
  const resolveBatch = await backfillProcessor();
  await models.refreshIfStale();
  return resolveBatch(batch, context);
};
