import { Logger } from '@aws-lambda-powertools/logger';
import { composeAwsDocumentWorkflow } from './compose-aws.js';
import { createDocumentWorkflowHandler } from './handler.js';

export const handler = createDocumentWorkflowHandler({
  steps: composeAwsDocumentWorkflow(),
  logger: new Logger({ serviceName: 'tessera-documents-workflow' }),
});
