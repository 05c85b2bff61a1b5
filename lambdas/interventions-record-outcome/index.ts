import { readEnvironment, requiredString } from '../adapters/environment.js';
import { systemClock } from '../core/ports.js';
import { approvalStore, logger, signingKey } from '../interventions-shared/aws.js';
import { createRecordOutcomeHandler } from './handler.js';

// AWS composition root: configuration is read once per container and fails it when invalid.
const env = readEnvironment({
  INTERVENTIONS_TABLE_NAME: requiredString,
  APPROVAL_SIGNING_SECRET_ARN: requiredString,
});

export const handler = createRecordOutcomeHandler({
  store: approvalStore(env.INTERVENTIONS_TABLE_NAME),
  clock: systemClock,
  signingKey: () => signingKey(env.APPROVAL_SIGNING_SECRET_ARN),
  logger: logger('tessera-interventions-record-outcome'),
});
