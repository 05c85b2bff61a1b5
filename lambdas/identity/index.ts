import { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import { documentClient, eventBridgeClient } from '../adapters/clients.js';
import { DynamoIdentityStore } from '../adapters/dynamodb/identity-store.js';
import { readEnvironment, requiredString } from '../adapters/environment.js';
import { EventBridgePublisher } from '../adapters/eventbridge/event-publisher.js';
import { identityConfig } from '../core/identity/config.js';
import { systemClock } from '../core/ports.js';
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

export const handler = createIdentityHandler({
  identity: store,
  profiles: store,
  publisher: new EventBridgePublisher(eventBridgeClient(), env.EVENT_BUS_NAME),
  config: identityConfig({ defaultRegion: env.IDENTITY_DEFAULT_REGION }),
  clock: systemClock,
  logger: new Logger({ serviceName: 'tessera-identity' }),
});
