import { systemClock } from '../core/ports.js';
import {
  approvalStore,
  busPublisher,
  interventionsEnvironment,
  logger,
  readInterventionConfig,
} from '../interventions-shared/aws.js';
import { createProposeHandler } from './handler.js';

// AWS composition root: configuration is read once per container and fails it when invalid.
const env = interventionsEnvironment();

export const handler = createProposeHandler({
  config: readInterventionConfig(env.INTERVENTION_CONFIG),
  publisher: busPublisher(env.EVENT_BUS_NAME),
  store: approvalStore(env.INTERVENTIONS_TABLE_NAME),
  clock: systemClock,
  logger: logger('tessera-interventions-propose'),
});
