import { Duration, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * A queue that keeps what could not be delivered or processed: encrypted with the data key (events carry
 * personal data), TLS only, and kept for SQS's maximum of 14 days so an operator has time to re-drive it.
 * The observability construct puts a depth alarm on every queue in the stack.
 */
export class DeadLetterQueue extends sqs.Queue {
  constructor(scope: Construct, id: string, props: { readonly key: kms.IKey; readonly purpose: string }) {
    super(scope, id, {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: `This queue is itself a dead-letter queue (${props.purpose}); a DLQ of a DLQ would only move the problem.`,
    });
  }
}
