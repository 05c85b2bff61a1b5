import type { Logger } from '@aws-lambda-powertools/logger';
import { type CapacityMeter, DynamoIdentityStore } from '../lambdas/adapters/dynamodb/identity-store.js';
import { DynamoFittedModelStore } from '../lambdas/adapters/dynamodb/model-store.js';
import { DynamoIdentityReviewQueue } from '../lambdas/adapters/dynamodb/review-queue.js';
import { kpiConfig } from '../lambdas/core/analytics/kpi.js';
import { FittedModelCache } from '../lambdas/core/analytics/model-store.js';
import { identityConfig } from '../lambdas/core/identity/config.js';
import type { Clock, EventPublisher } from '../lambdas/core/ports.js';
import { createProfileAnalyticsHook } from '../lambdas/identity/analytics-hook.js';
import { createIdentityHandler } from '../lambdas/identity/handler.js';
import { createIdentityReviewApiHandler } from '../lambdas/identity-review-api/handler.js';
import {
  createIdentityReviewService,
  type IdentityReviewService,
} from '../lambdas/identity-review-api/review-service.js';
import type { ConsumerId } from '../lib/shared/routing.js';
import type { LocalDynamo } from './dynamodb.js';
import type { EventTarget } from './event-bus/bus.js';
import type { ApiHandler } from './http/api-server.js';
import { localLambdaContext } from './lambda-context.js';

export interface LocalContext {
  readonly dynamo: LocalDynamo;
  readonly publisher: EventPublisher;
  readonly clock: Clock;
  readonly logger: (serviceName: string) => Logger;
}

type EventHandler = (event: never, context: ReturnType<typeof localLambdaContext>) => Promise<unknown>;

/** Wraps a Lambda handler as a bus target: a thrown error is a failed invocation, which the bus retries. */
export function lambdaTarget(functionName: string, handler: EventHandler): EventTarget {
  return async (event) => {
    await handler(event as never, localLambdaContext(functionName));
  };
}

/** The identity settings of the local environment, the same for the consumer and the review API. */
const localIdentityConfig = () => identityConfig({ defaultRegion: 'GB' });

/**
 * Every consumer of the routing table that is built from local adapters alone: the one place where they are
 * chosen, mirroring the AWS composition roots in `lambdas/<function>/index.ts`. The runtime runs them in its
 * consumer worker (local/consumer-worker.ts) or, when asked, on its own thread.
 */
export function createLocalConsumers(ctx: LocalContext): {
  readonly consumers: Partial<Record<ConsumerId, EventTarget>>;
  /** Request units the identity consumer consumed, as DynamoDB reported them. */
  readonly identityCapacity: CapacityMeter;
} {
  const identityStore = new DynamoIdentityStore(ctx.dynamo.doc, ctx.dynamo.tables.customers);
  // Scores use the stored fit (tessera analytics fit); the cache reads it once and again when stale.
  const models = new FittedModelCache(
    new DynamoFittedModelStore(ctx.dynamo.doc, ctx.dynamo.tables.customers),
    ctx.clock,
  );
  const identity = createIdentityHandler({
    identity: identityStore,
    profiles: identityStore,
    publisher: ctx.publisher,
    config: localIdentityConfig(),
    clock: ctx.clock,
    logger: ctx.logger('tessera-identity'),
    analytics: createProfileAnalyticsHook({ models: () => models.current(), kpi: kpiConfig() }),
  });
  return {
    consumers: {
      identity: lambdaTarget('tessera-identity', (async (event: never, context: never) => {
        await models.refreshIfStale();
        return identity(event, context);
      }) as EventHandler),
    },
    identityCapacity: identityStore.capacity,
  };
}

/**
 * The identity review API beside the identity consumer, as lambdas/identity-review-api/index.ts composes it:
 * over the same customers table, bus and identity settings (its own store instance, as its own Lambda has).
 */
export function createLocalIdentityReviewApi(ctx: LocalContext): ApiHandler {
  const logger = ctx.logger('tessera-identity-review');
  return createIdentityReviewApiHandler({ review: createLocalIdentityReviewService(ctx, logger), logger });
}

/** The review use case over the local state: the API's, and `tessera identity decide`'s. */
export function createLocalIdentityReviewService(ctx: LocalContext, logger: Logger): IdentityReviewService {
  const store = new DynamoIdentityStore(ctx.dynamo.doc, ctx.dynamo.tables.customers);
  // Only its merge is used: folding aggregates needs no fitted model.
  const analytics = createProfileAnalyticsHook({ models: () => undefined, kpi: kpiConfig(), logger });
  return createIdentityReviewService({
    queue: new DynamoIdentityReviewQueue(ctx.dynamo.doc, ctx.dynamo.tables.customers),
    identity: store,
    profiles: store,
    publisher: ctx.publisher,
    config: localIdentityConfig(),
    clock: ctx.clock,
    mergeAggregates: (survivor, absorbed) => analytics.merge(survivor, absorbed),
  });
}
