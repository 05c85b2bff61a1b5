import { readEnvironment, requiredString } from '../adapters/environment.js';
import { systemClock } from '../core/ports.js';
import { approvalStore, busPublisher, logger } from '../interventions-shared/aws.js';
import { createApplyHandler } from './handler.js';

// AWS composition root: configuration is read once per container and fails it when invalid.
const env = readEnvironment({ INTERVENTIONS_TABLE_NAME: requiredString, EVENT_BUS_NAME: requiredString });

export const handler = createApplyHandler({
  publisher: busPublisher(env.EVENT_BUS_NAME),
  store: approvalStore(env.INTERVENTIONS_TABLE_NAME),
  clock: systemClock,
  logger: logger('tessera-interventions-apply'),
});
