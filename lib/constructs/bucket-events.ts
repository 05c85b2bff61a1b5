import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DeadLetterQueue } from './dead-letter-queue.js';

export interface BucketEventsProps {
  readonly stage: string;
  readonly bucket: s3.IBucket;
  readonly bus: events.IEventBus;
  readonly key: kms.IKey;
}

/**
 * S3 publishes its EventBridge notifications on the account's default bus only. This rule forwards the
 * documents bucket's object-created events to the Tessera bus, so they are archived with everything else
 * and reach their consumer through the routing table like any other event.
 */
export class BucketEvents extends Construct {
  public readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: BucketEventsProps) {
    super(scope, id);
    const deadLetterQueue = new DeadLetterQueue(this, 'Dlq', {
      key: props.key,
      purpose: 'document upload events that could not be forwarded to the Tessera bus',
    });
    this.rule = new events.Rule(this, 'ForwardObjectCreated', {
      ruleName: `tessera-${props.stage}-documents-to-tessera-bus`,
      description: 'Forwards object-created events of the Tessera documents bucket from the default bus.',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: { bucket: { name: [props.bucket.bucketName] } },
      },
    });
    // Bus-to-bus targets take no retry policy: EventBridge retries them for 24 hours, then uses the DLQ.
    this.rule.addTarget(new targets.EventBus(props.bus, { deadLetterQueue }));
  }
}
