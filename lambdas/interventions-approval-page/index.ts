import { sesClient, sfnClient } from '../adapters/clients.js';
import { readEnvironment, requiredString } from '../adapters/environment.js';
import { SesMailSender } from '../adapters/sesv2/ses-mail-sender.js';
import { SfnTaskCallbacks } from '../adapters/sfn/step-functions.js';
import { systemClock } from '../core/ports.js';
import { approvalStore, logger, signingKey } from '../interventions-shared/aws.js';
import { createApprovalPageHandler } from './handler.js';

// AWS composition root: configuration is read once per container and fails it when invalid.
const env = readEnvironment({
  INTERVENTIONS_TABLE_NAME: requiredString,
  APPROVAL_SIGNING_SECRET_ARN: requiredString,
  SES_FROM_ADDRESS: requiredString,
});

export const handler = createApprovalPageHandler({
  store: approvalStore(env.INTERVENTIONS_TABLE_NAME),
  callbacks: new SfnTaskCallbacks(sfnClient()),
  mail: new SesMailSender(sesClient(), env.SES_FROM_ADDRESS),
  clock: systemClock,
  signingKey: () => signingKey(env.APPROVAL_SIGNING_SECRET_ARN),
  logger: logger('tessera-interventions-approval-page'),
});
