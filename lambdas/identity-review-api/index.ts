import { Logger } from '@aws-lambda-powertools/logger';
import { documentClient, eventBridgeClient } from '../adapters/clients.js';
import { DynamoIdentityStore } from '../adapters/dynamodb/identity-store.js';
import { DynamoIdentityReviewQueue } from '../adapters/dynamodb/review-queue.js';
import { readEnvironment, requiredString } from '../adapters/environment.js';
import { EventBridgePublisher } from '../adapters/eventbridge/event-publisher.js';
import { kpiConfig } from '../core/analytics/kpi.js';
import { systemClock } from '../core/ports.js';
import { createProfileAnalyticsHook } from '../identity/analytics-hook.js';
import { identityConfigFromEnvironment } from '../identity/environment.js';
import { createIdentityReviewApiHandler } from './handler.js';
import { createIdentityReviewService } from './review-service.js';

const env = readEnvironment({ EVENT_BUS_NAME: requiredString, CUSTOMERS_TABLE_NAME: requiredString });
// The same identity settings as the consumer, so a merge here folds profiles the same way.
const config = identityConfigFromEnvironment();

const store = new DynamoIdentityStore(documentClient(), env.CUSTOMERS_TABLE_NAME);
const logger = new Logger({ serviceName: 'tessera-identity-review' });
// Only its merge is used: folding aggregates needs no fitted model.
const analytics = createProfileAnalyticsHook({ models: () => undefined, kpi: kpiConfig(), logger });

export const handler = createIdentityReviewApiHandler({
  review: createIdentityReviewService({
    queue: new DynamoIdentityReviewQueue(documentClient(), env.CUSTOMERS_TABLE_NAME),
    identity: store,
    profiles: store,
    publisher: new EventBridgePublisher(eventBridgeClient(), env.EVENT_BUS_NAME),
    config,
    clock: systemClock,
    mergeAggregates: (survivor, absorbed) => analytics.merge(survivor, absorbed),
  }),
  logger,
});
