import { Logger } from '@aws-lambda-powertools/logger';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { documentClient, eventBridgeClient, secretsManagerClient } from '../adapters/clients.js';
import { DynamoEventLedger, DynamoRejectedEventStore } from '../adapters/dynamodb/ingest-store.js';
import { readEnvironment, requiredString } from '../adapters/environment.js';
import { EventBridgePublisher } from '../adapters/eventbridge/event-publisher.js';
import { SecretsManagerSecret } from '../adapters/secrets/source-keys.js';
import { DEFAULT_INGEST_LIMITS } from '../core/ingest/ingest-batch.js';
import { systemClock } from '../core/ports.js';
import { createOdooWebhookHandler } from './handler.js';

const env = readEnvironment({
  EVENT_BUS_NAME: requiredString,
  INGEST_TABLE_NAME: requiredString,
  ODOO_WEBHOOK_SECRET_ARN: requiredString,
});

export const handler = createOdooWebhookHandler({
  ledger: new DynamoEventLedger(documentClient(), env.INGEST_TABLE_NAME),
  rejected: new DynamoRejectedEventStore(documentClient(), env.INGEST_TABLE_NAME),
  publisher: new EventBridgePublisher(eventBridgeClient(), env.EVENT_BUS_NAME),
  webhookSecret: new SecretsManagerSecret(
    new SecretsProvider({ awsSdkV3Client: secretsManagerClient() }),
    env.ODOO_WEBHOOK_SECRET_ARN,
  ),
  clock: systemClock,
  limits: DEFAULT_INGEST_LIMITS,
  logger: new Logger({ serviceName: 'tessera-odoo-webhook' }),
});
