import { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import { documentClient, eventBridgeClient } from '../adapters/clients.js';
import { DynamoAnalyticsProfiles } from '../adapters/dynamodb/analytics-profiles.js';
import { DynamoFittedModelStore } from '../adapters/dynamodb/model-store.js';
import { readEnvironment, requiredString } from '../adapters/environment.js';
import { EventBridgePublisher } from '../adapters/eventbridge/event-publisher.js';
import { kpiConfig } from '../core/analytics/kpi.js';
import { systemClock } from '../core/ports.js';
import { createAnalyticsFitHandler } from './handler.js';

const env = readEnvironment({
  EVENT_BUS_NAME: requiredString,
  CUSTOMERS_TABLE_NAME: requiredString,
  ANALYTICS_SCAN_SEGMENTS: z.coerce.number().int().min(1).max(1000).default(8),
});

export const handler = createAnalyticsFitHandler({
  profiles: new DynamoAnalyticsProfiles(documentClient(), env.CUSTOMERS_TABLE_NAME),
  models: new DynamoFittedModelStore(documentClient(), env.CUSTOMERS_TABLE_NAME),
  publisher: new EventBridgePublisher(eventBridgeClient(), env.EVENT_BUS_NAME),
  clock: systemClock,
  kpi: kpiConfig(),
  totalSegments: env.ANALYTICS_SCAN_SEGMENTS,
  logger: new Logger({ serviceName: 'tessera-analytics-fit' }),
});
