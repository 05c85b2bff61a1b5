import { Tracer } from '@aws-lambda-powertools/tracer';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * One traced SDK client of each kind per container, created on first use so that a function only pays
 * for the clients it needs. Only AWS composition roots (`lambdas/<function>/index.ts`) import this.
 */
export const tracer = new Tracer({ serviceName: 'tessera' });

let dynamo: DynamoDBDocumentClient | undefined;
let events: EventBridgeClient | undefined;
let secrets: SecretsManagerClient | undefined;
let sfn: SFNClient | undefined;
let ses: SESv2Client | undefined;

export function documentClient(): DynamoDBDocumentClient {
  dynamo ??= DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient({})), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return dynamo;
}

export function eventBridgeClient(): EventBridgeClient {
  events ??= tracer.captureAWSv3Client(new EventBridgeClient({}));
  return events;
}

export function secretsManagerClient(): SecretsManagerClient {
  secrets ??= tracer.captureAWSv3Client(new SecretsManagerClient({}));
  return secrets;
}

export function sfnClient(): SFNClient {
  sfn ??= tracer.captureAWSv3Client(new SFNClient({}));
  return sfn;
}

export function sesClient(): SESv2Client {
  ses ??= tracer.captureAWSv3Client(new SESv2Client({}));
  return ses;
}
