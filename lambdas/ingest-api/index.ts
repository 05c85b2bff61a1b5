import { Logger } from '@aws-lambda-powertools/logger';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { z } from 'zod';
import { documentClient, eventBridgeClient, secretsManagerClient } from '../adapters/clients.js';
import { DynamoEventLedger, DynamoRejectedEventStore } from '../adapters/dynamodb/ingest-store.js';
import { readEnvironment, requiredString } from '../adapters/environment.js';
import { EventBridgePublisher } from '../adapters/eventbridge/event-publisher.js';
import { SecretsManagerSourceKeys } from '../adapters/secrets/source-keys.js';
import { DEFAULT_INGEST_LIMITS } from '../core/ingest/ingest-batch.js';
import { systemClock } from '../core/ports.js';
import { createIngestApiHandler } from './handler.js';

// AWS composition root: configuration is read once per container and fails it when invalid.
const env = readEnvironment({
  EVENT_BUS_NAME: requiredString,
  INGEST_TABLE_NAME: requiredString,
  SOURCE_KEYS_SECRET_ARN: requiredString,
  MAX_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
});

export const handler = createIngestApiHandler({
  ledger: new DynamoEventLedger(documentClient(), env.INGEST_TABLE_NAME),
  rejected: new DynamoRejectedEventStore(documentClient(), env.INGEST_TABLE_NAME),
  publisher: new EventBridgePublisher(eventBridgeClient(), env.EVENT_BUS_NAME),
  sourceKeys: new SecretsManagerSourceKeys(
    new SecretsProvider({ awsSdkV3Client: secretsManagerClient() }),
    env.SOURCE_KEYS_SECRET_ARN,
  ),
  clock: systemClock,
  limits: { ...DEFAULT_INGEST_LIMITS, maxFutureSkewSeconds: env.MAX_CLOCK_SKEW_SECONDS },
  maxClockSkewSeconds: env.MAX_CLOCK_SKEW_SECONDS,
  logger: new Logger({ serviceName: 'tessera-ingest' }),
});
