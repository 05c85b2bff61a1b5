/**
 * AWS composition of the document workflow steps, shared by the workflow function and the Textract
 * callback function (both index.ts files): configuration read once per container, one client of each kind.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { TextractClient } from '@aws-sdk/client-textract';
import { z } from 'zod';
import { documentClient, eventBridgeClient, tracer } from '../adapters/clients.js';
import { DynamoDocumentStore } from '../adapters/dynamodb/document-store.js';
import { DynamoIdentityStore } from '../adapters/dynamodb/identity-store.js';
import { readEnvironment, requiredString } from '../adapters/environment.js';
import { EventBridgePublisher } from '../adapters/eventbridge/event-publisher.js';
import { S3DocumentObjectStore } from '../adapters/s3/document-object-store.js';
import { TextractDocumentAnalyser } from '../adapters/textract/textract-analyser.js';
import { CurrencyCode } from '../core/contracts/common.js';
import { identityConfig } from '../core/identity/config.js';
import { systemClock } from '../core/ports.js';
import { IdentityResolverLinker } from './identity-linker.js';
import { StepFunctionsTaskCallbacks } from './step-functions-callbacks.js';
import { createDocumentWorkflowSteps, defaultWorkflowOptions } from './steps.js';

export function composeAwsDocumentWorkflow() {
  const env = readEnvironment({
    EVENT_BUS_NAME: requiredString,
    DOCUMENTS_BUCKET_NAME: requiredString,
    DOCUMENTS_TABLE_NAME: requiredString,
    CUSTOMERS_TABLE_NAME: requiredString,
    TEXTRACT_TOPIC_ARN: requiredString,
    TEXTRACT_ROLE_ARN: requiredString,
    REVIEW_THRESHOLD: z.coerce
      .number()
      .min(0)
      .max(1)
      .default(defaultWorkflowOptions.extraction.reviewThreshold),
    DEFAULT_CURRENCY: CurrencyCode.default(defaultWorkflowOptions.extraction.defaultCurrency),
    DATE_ORDER: z.enum(['MDY', 'DMY']).default(defaultWorkflowOptions.extraction.dateOrder),
    IDENTITY_DEFAULT_REGION: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .default('GB'),
  });
  return createDocumentWorkflowSteps({
    objects: new S3DocumentObjectStore(
      tracer.captureAWSv3Client(new S3Client({})),
      env.DOCUMENTS_BUCKET_NAME,
    ),
    analyser: new TextractDocumentAnalyser(tracer.captureAWSv3Client(new TextractClient({})), {
      notificationTopicArn: env.TEXTRACT_TOPIC_ARN,
      notificationRoleArn: env.TEXTRACT_ROLE_ARN,
    }),
    store: new DynamoDocumentStore(documentClient(), env.DOCUMENTS_TABLE_NAME),
    callbacks: new StepFunctionsTaskCallbacks(tracer.captureAWSv3Client(new SFNClient({}))),
    linker: new IdentityResolverLinker(
      new DynamoIdentityStore(documentClient(), env.CUSTOMERS_TABLE_NAME),
      identityConfig({ defaultRegion: env.IDENTITY_DEFAULT_REGION }),
      systemClock,
    ),
    publisher: new EventBridgePublisher(eventBridgeClient(), env.EVENT_BUS_NAME),
    clock: systemClock,
    options: {
      ...defaultWorkflowOptions,
      extraction: {
        reviewThreshold: env.REVIEW_THRESHOLD,
        defaultCurrency: env.DEFAULT_CURRENCY,
        dateOrder: env.DATE_ORDER,
      },
    },
  });
}
