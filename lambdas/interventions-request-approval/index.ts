import { readEnvironment, requiredString } from '../adapters/environment.js';
import { systemClock } from '../core/ports.js';
import {
  approvalMail,
  approvalStore,
  interventionsEnvironment,
  logger,
  readInterventionConfig,
} from '../interventions-shared/aws.js';
import { createRequestApprovalHandler } from './handler.js';

// AWS composition root: configuration is read once per container and fails it when invalid.
const env = interventionsEnvironment();
const links = readEnvironment({ APPROVAL_BASE_URL: requiredString });

export const handler = createRequestApprovalHandler({
  store: approvalStore(env.INTERVENTIONS_TABLE_NAME),
  ...approvalMail(),
  clock: systemClock,
  approvalBaseUrl: links.APPROVAL_BASE_URL,
  approvers: readInterventionConfig(env.INTERVENTION_CONFIG).approvers,
  logger: logger('tessera-interventions-request-approval'),
});
