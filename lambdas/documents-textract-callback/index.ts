import { Logger } from '@aws-lambda-powertools/logger';
import { composeAwsDocumentWorkflow } from '../documents-workflow/compose-aws.js';
import { createTextractCallbackHandler } from './handler.js';

export const handler = createTextractCallbackHandler({
  steps: composeAwsDocumentWorkflow(),
  logger: new Logger({ serviceName: 'tessera-documents-textract-callback' }),
});
