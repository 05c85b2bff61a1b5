import { Logger } from '@aws-lambda-powertools/logger';
import { S3Client } from '@aws-sdk/client-s3';
import { documentClient, tracer } from '../adapters/clients.js';
import { DynamoDocumentStore } from '../adapters/dynamodb/document-store.js';
import { readEnvironment, requiredString } from '../adapters/environment.js';
import { presignDocumentUpload } from '../adapters/s3/document-object-store.js';
import { systemClock } from '../core/ports.js';
import { createDocumentIntakeHandler } from './handler.js';

const env = readEnvironment({ DOCUMENTS_BUCKET_NAME: requiredString, DOCUMENTS_TABLE_NAME: requiredString });
// Without WHEN_REQUIRED the SDK signs the CRC32 of the empty body it presigns into the URL (AAAAAA==), and
// the upload of the real file can then fail its checksum.
const s3 = tracer.captureAWSv3Client(new S3Client({ requestChecksumCalculation: 'WHEN_REQUIRED' }));

export const handler = createDocumentIntakeHandler({
  store: new DynamoDocumentStore(documentClient(), env.DOCUMENTS_TABLE_NAME),
  bucket: env.DOCUMENTS_BUCKET_NAME,
  presign: (request) => presignDocumentUpload(s3, env.DOCUMENTS_BUCKET_NAME, request),
  clock: systemClock,
  logger: new Logger({ serviceName: 'tessera-documents-intake' }),
});
