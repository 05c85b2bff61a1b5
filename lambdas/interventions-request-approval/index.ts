import { sesClient } from '../adapters/clients.js';
import { readEnvironment, requiredString } from '../adapters/environment.js';
import { SesMailSender } from '../adapters/sesv2/ses-mail-sender.js';
import { systemClock } from '../core/ports.js';
import {
  approvalStore,
  interventionsEnvironment,
  logger,
  readInterventionConfig,
  signingKey,
} from '../interventions-shared/aws.js';
import { createRequestApprovalHandler } from './handler.js';

// AWS composition root: configuration is read once per container and fails it when invalid.
const env = interventionsEnvironment();
const mail = readEnvironment({
  APPROVAL_SIGNING_SECRET_ARN: requiredString,
  APPROVAL_BASE_URL: requiredString,
  SES_FROM_ADDRESS: requiredString,
});

export const handler = createRequestApprovalHandler({
  store: approvalStore(env.INTERVENTIONS_TABLE_NAME),
  mail: new SesMailSender(sesClient(), mail.SES_FROM_ADDRESS),
  clock: systemClock,
  signingKey: () => signingKey(mail.APPROVAL_SIGNING_SECRET_ARN),
  approvalBaseUrl: mail.APPROVAL_BASE_URL,
  approvers: readInterventionConfig(env.INTERVENTION_CONFIG).approvers,
  logger: logger('tessera-interventions-request-approval'),
});
