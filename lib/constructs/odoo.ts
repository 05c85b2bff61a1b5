import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { DeadLetterQueue } from './dead-letter-queue.js';
import { type ConsumerTarget, lambdaConsumer } from './event-routing.js';
import { TesseraFunction } from './tessera-function.js';

export type OdooSyncMode = 'api' | 'webhook' | 'both';

export interface OdooSyncProps {
  readonly key: kms.IKey;
  readonly url: string;
  readonly database?: string | undefined;
  readonly login?: string | undefined;
  readonly api: 'auto' | 'jsonrpc' | 'json2';
  readonly mode: OdooSyncMode;
  readonly loyaltyProgramId?: number | undefined;
  readonly apiKeySecret: secretsmanager.ISecret;
  readonly webhookUrlSecret: secretsmanager.ISecret;
  readonly logRetention: logs.RetentionDays;
}

/**
 * The Odoo sync: applies approved interventions, risk changes and merges to the retailer's Odoo. Everything
 * it fails on (after Lambda's retries, or that EventBridge could not deliver) waits in one dead-letter queue
 * as the original event, which `tessera odoo replay --queue-url` re-drives once the cause is fixed.
 */
export class OdooSync extends Construct {
  public readonly syncFunction: TesseraFunction;
  public readonly deadLetterQueue: DeadLetterQueue;
  /** The routing-table consumer `odoo-sync`. */
  public readonly consumer: ConsumerTarget;

  constructor(scope: Construct, id: string, props: OdooSyncProps) {
    super(scope, id);
    this.deadLetterQueue = new DeadLetterQueue(this, 'FailedUpdates', {
      key: props.key,
      purpose: 'Odoo updates that failed after retries, kept for tessera odoo replay',
    });
    this.syncFunction = new TesseraFunction(this, 'Sync', {
      entry: 'lambdas/odoo-sync/index.ts',
      serviceName: 'tessera-odoo-sync',
      description: 'Applies approved interventions, risk changes and merges to Odoo, idempotently',
      logRetention: props.logRetention,
      // The gateway retries with backoff inside one invocation (10 s per exchange by default).
      timeout: Duration.minutes(2),
      deadLetterQueue: this.deadLetterQueue,
      environment: {
        ODOO_SYNC_MODE: props.mode,
        ODOO_URL: props.url,
        ODOO_API: props.api,
        ...(props.database ? { ODOO_DATABASE: props.database } : {}),
        ...(props.login ? { ODOO_LOGIN: props.login } : {}),
        ...(props.loyaltyProgramId ? { ODOO_LOYALTY_PROGRAM_ID: String(props.loyaltyProgramId) } : {}),
      },
    });
    // Only the secrets the mode reads: the function fails its cold start on a configured but empty one.
    if (props.mode !== 'webhook') this.syncFunction.bindSecret('ODOO_API_KEY_SECRET_ARN', props.apiKeySecret);
    if (props.mode !== 'api') {
      this.syncFunction.bindSecret('ODOO_WEBHOOK_URL_SECRET_ARN', props.webhookUrlSecret);
    }
    // Lambda grants sqs:SendMessage on its dead-letter queue but not the use of the queue's key.
    this.syncFunction.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [props.key.keyArn],
      }),
    );
    this.consumer = lambdaConsumer(this.syncFunction, props.key);
  }
}
