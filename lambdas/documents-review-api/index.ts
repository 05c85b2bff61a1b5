import { Logger } from '@aws-lambda-powertools/logger';
import { SFNClient } from '@aws-sdk/client-sfn';
import { documentClient, tracer } from '../adapters/clients.js';
import { DynamoDocumentStore } from '../adapters/dynamodb/document-store.js';
import { readEnvironment, requiredString } from '../adapters/environment.js';
import { systemClock } from '../core/ports.js';
import { createReviewService } from '../documents-workflow/review-service.js';
import { StepFunctionsTaskCallbacks } from '../documents-workflow/step-functions-callbacks.js';
import { createDocumentReviewApiHandler } from './handler.js';

const env = readEnvironment({ DOCUMENTS_TABLE_NAME: requiredString });

export const handler = createDocumentReviewApiHandler({
  review: createReviewService({
    store: new DynamoDocumentStore(documentClient(), env.DOCUMENTS_TABLE_NAME),
    callbacks: new StepFunctionsTaskCallbacks(tracer.captureAWSv3Client(new SFNClient({}))),
    clock: systemClock,
  }),
  logger: new Logger({ serviceName: 'tessera-documents-review' }),
});
