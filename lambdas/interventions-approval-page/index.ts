import { sfnClient } from '../adapters/clients.js';
import { readEnvironment, requiredString } from '../adapters/environment.js';
import { SfnTaskCallbacks } from '../adapters/sfn/step-functions.js';
import { systemClock } from '../core/ports.js';
import { approvalMail, approvalStore, logger } from '../interventions-shared/aws.js';
import { createApprovalPageHandler } from './handler.js';

// AWS composition root: configuration is read once per container and fails it when invalid.
const env = readEnvironment({ INTERVENTIONS_TABLE_NAME: requiredString });

export const handler = createApprovalPageHandler({
  store: approvalStore(env.INTERVENTIONS_TABLE_NAME),
  callbacks: new SfnTaskCallbacks(sfnClient()),
  ...approvalMail(),
  clock: systemClock,
  logger: logger('tessera-interventions-approval-page'),
});
