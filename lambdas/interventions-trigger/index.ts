import { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import { documentClient, sfnClient } from '../adapters/clients.js';
import { DynamoIdentityStore } from '../adapters/dynamodb/identity-store.js';
import { readEnvironment, requiredString } from '../adapters/environment.js';
import { SfnWorkflowStarter } from '../adapters/sfn/step-functions.js';
import { identityConfig } from '../core/identity/config.js';
import { DEFAULT_LARGE_CLAIM_THRESHOLD } from '../core/interventions/config.js';
import { systemClock } from '../core/ports.js';
import { createTriggerHandler } from './handler.js';
import { ticketCustomerResolver } from './ticket-customer.js';

// AWS composition root: configuration is read once per container and fails it when invalid.
const env = readEnvironment({
  STATE_MACHINE_ARN: requiredString,
  LARGE_CLAIM_THRESHOLD: z.coerce.number().min(0).default(DEFAULT_LARGE_CLAIM_THRESHOLD),
  CUSTOMERS_TABLE_NAME: requiredString,
});

export const handler = createTriggerHandler({
  starter: new SfnWorkflowStarter(sfnClient(), env.STATE_MACHINE_ARN),
  largeClaimThreshold: env.LARGE_CLAIM_THRESHOLD,
  resolveTicketCustomer: ticketCustomerResolver(
    new DynamoIdentityStore(documentClient(), env.CUSTOMERS_TABLE_NAME),
    identityConfig(),
    systemClock,
  ),
  logger: new Logger({ serviceName: 'tessera-interventions-trigger' }),
});
