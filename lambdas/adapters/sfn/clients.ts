import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { tracer } from '../clients.js';

/** One traced Step Functions / SES client per container, created on first use (AWS composition roots only). */
let sfn: SFNClient | undefined;
let ses: SESv2Client | undefined;

export function sfnClient(): SFNClient {
  sfn ??= tracer.captureAWSv3Client(new SFNClient({}));
  return sfn;
}

export function sesClient(): SESv2Client {
  ses ??= tracer.captureAWSv3Client(new SESv2Client({}));
  return ses;
}
