import { documentClient } from '../adapters/clients.js';
import { DynamoIdentityStore } from '../adapters/dynamodb/identity-store.js';
import { readEnvironment, requiredString } from '../adapters/environment.js';
import { identityCustomerDirectory } from '../core/interventions/identity-directory.js';
import { logger } from '../interventions-shared/aws.js';
import { createLoadContextHandler } from './handler.js';

// AWS composition root: configuration is read once per container and fails it when invalid.
const env = readEnvironment({ CUSTOMERS_TABLE_NAME: requiredString });
const identity = new DynamoIdentityStore(documentClient(), env.CUSTOMERS_TABLE_NAME);

export const handler = createLoadContextHandler({
  directory: identityCustomerDirectory({
    getCustomer: (id) => identity.getCustomer(id),
    getProfile: (id) => identity.getProfile(id),
  }),
  logger: logger('tessera-interventions-load-context'),
});
