import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SNSEvent } from 'aws-lambda';
import type { DocumentWorkflowSteps } from '../documents-workflow/steps.js';

export interface TextractCallbackDependencies {
  readonly steps: Pick<DocumentWorkflowSteps, 'completeTextractJob'>;
  readonly logger: Logger;
}

/**
 * Subscribed to the Textract completion topic: each message resumes the execution waiting on its job tag.
 * A message that cannot be matched throws, so Lambda retries it and its failure destination keeps it.
 */
export function createTextractCallbackHandler(deps: TextractCallbackDependencies) {
  return middy(async (event: SNSEvent): Promise<void> => {
    for (const record of event.Records) {
      const outcome = await deps.steps.completeTextractJob(record.Sns.Message);
      deps.logger.info('textract completion handled', { messageId: record.Sns.MessageId, outcome });
    }
  }).use(injectLambdaContext(deps.logger));
}
