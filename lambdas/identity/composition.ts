import { Logger } from '@aws-lambda-powertools/logger';
import { documentClient, eventBridgeClient } from '../adapters/clients.js';
import { DynamoIdentityModelStore } from '../adapters/dynamodb/identity-model-store.js';
import { DynamoIdentityStore } from '../adapters/dynamodb/identity-store.js';
import { DynamoFittedModelStore } from '../adapters/dynamodb/model-store.js';
import { readEnvironment, requiredString } from '../adapters/environment.js';
import { EventBridgePublisher } from '../adapters/eventbridge/event-publisher.js';
import { kpiConfig } from '../core/analytics/kpi.js';
import { FittedModelCache } from '../core/analytics/model-store.js';
import { loadIdentityModel } from '../core/identity/model-store.js';
import { systemClock } from '../core/ports.js';
import { createProfileAnalyticsHook } from './analytics-hook.js';
import { identityConfigFromEnvironment } from './environment.js';
import { createIdentityHandler } from './handler.js';

export type IdentityConsumer = ReturnType<typeof createIdentityHandler>;

export interface IdentityComposition {
  readonly logger: Logger;
  /**
   * The consumer, ready for one invocation: composed on the first call (with the stored identity model),
   * and with the fitted analytics parameters refreshed when stale, on every call.
   */
  ready(): Promise<IdentityConsumer>;
}

/**
 * The identity consumer composed from the environment with its AWS adapters, once per container. Both the
 * live function (index.ts) and the backfill processor (lambdas/identity-backfill/index.ts) use it, so a
 * backfilled event is resolved, scored and announced exactly as if it had arrived on the bus.
 */
export function composeIdentityConsumer(serviceName: string): IdentityComposition {
  const env = readEnvironment({ EVENT_BUS_NAME: requiredString, CUSTOMERS_TABLE_NAME: requiredString });
  const config = identityConfigFromEnvironment();

  const store = new DynamoIdentityStore(documentClient(), env.CUSTOMERS_TABLE_NAME);
  const logger = new Logger({ serviceName });
  // Fitted parameters: one read per container start and per refresh (5 minutes), none per event.
  const models = new FittedModelCache(
    new DynamoFittedModelStore(documentClient(), env.CUSTOMERS_TABLE_NAME),
    systemClock,
  );

  const modelStore = new DynamoIdentityModelStore(documentClient(), env.CUSTOMERS_TABLE_NAME);

  // The m/u parameters `tessera identity train --aws` stored, read once per container on its first
  // invocation (the shipped defaults when none is stored; no network at module load). A corrupt stored model
  // fails that invocation loudly, and every next one until it is fixed (Lambda or Step Functions retries, the
  // DLQ or the failed-items list keeps the event), rather than events being matched with bad parameters.
  let identity: Promise<IdentityConsumer> | undefined;
  function consumer() {
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

  return {
    logger,
    async ready() {
      const consume = await consumer();
      // Scoring runs inside the synchronous profile update, so the cache is refreshed before the invocation.
      await models.refreshIfStale();
      return consume;
    },
  };
}
