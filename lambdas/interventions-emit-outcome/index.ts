import { readEnvironment, requiredString } from '../adapters/environment.js';
import { systemClock } from '../core/ports.js';
import { busPublisher, logger } from '../interventions-shared/aws.js';
import { createEmitOutcomeHandler } from './handler.js';

// AWS composition root: configuration is read once per container and fails it when invalid.
const env = readEnvironment({ EVENT_BUS_NAME: requiredString });

export const handler = createEmitOutcomeHandler({
  publisher: busPublisher(env.EVENT_BUS_NAME),
  clock: systemClock,
  logger: logger('tessera-interventions-emit-outcome'),
});
