import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { isProduction, type TesseraConfig } from './config.js';
import { type TableKey, type TableLayout, TableLayouts } from './shared/tables.js';

/** A table together with the environment variable its functions read its name from. */
export interface TableRef {
  readonly key: TableKey;
  readonly table: dynamodb.ITable;
  /** `<KEY>_TABLE_NAME`, e.g. `INGEST_TABLE_NAME`. */
  readonly environmentVariable: string;
}

/** What the stateless stack needs from the stateful one: typed, so a missing resource is a compile error. */
export interface StatefulResources {
  readonly key: kms.IKey;
  readonly bus: events.IEventBus;
  readonly tables: Readonly<Record<TableKey, TableRef>>;
  readonly documentsBucket: s3.IBucket;
  readonly sourceKeysSecret: secretsmanager.ISecret;
  readonly odooWebhookSecret: secretsmanager.ISecret;
  /** The API key of the Odoo integration user (a plain string), read by the Odoo sync. */
  readonly odooApiKeySecret: secretsmanager.ISecret;
  /** The URL of the Odoo automation rule the sync posts to in webhook mode (its uuid is the credential). */
  readonly odooAutomationWebhookUrlSecret: secretsmanager.ISecret;
  /** HMAC key of approval links and CSRF tokens; kept here so links already mailed survive a redeploy. */
  readonly approvalSigningSecret: secretsmanager.ISecret;
}

export interface StatefulStackProps extends StackProps {
  readonly config: TesseraConfig;
}

export const tableEnvironmentVariable = (key: string): string =>
  `${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}_TABLE_NAME`;

const pascal = (key: string): string => key.charAt(0).toUpperCase() + key.slice(1);

/**
 * Everything that holds data and must outlive a redeploy of the functions: the encryption key, the event
 * bus and its archive, the tables, the documents bucket and the secrets. Kept apart from the stateless
 * stack so that stack can be destroyed and recreated freely.
 */
export class StatefulStack extends Stack implements StatefulResources {
  public readonly key: kms.Key;
  public readonly bus: events.EventBus;
  public readonly archive: events.Archive;
  public readonly tables: Readonly<Record<TableKey, TableRef>>;
  public readonly documentsBucket: s3.Bucket;
  public readonly accessLogsBucket: s3.Bucket;
  public readonly sourceKeysSecret: secretsmanager.Secret;
  public readonly odooWebhookSecret: secretsmanager.Secret;
  public readonly odooApiKeySecret: secretsmanager.Secret;
  public readonly odooAutomationWebhookUrlSecret: secretsmanager.Secret;
  public readonly approvalSigningSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { config } = props;
    const prod = isProduction(config);
    const dataRemoval = prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.key = new kms.Key(this, 'DataKey', {
      alias: `alias/tessera-${config.stage}`,
      description: `Tessera ${config.stage}: tables, documents, secrets, queues and the alarm topic`,
      enableKeyRotation: true,
      // Deleting the key makes every retained backup and document unreadable: never remove it with the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // EventBridge delivers failed events to the encrypted DLQs; CloudWatch alarms publish to the encrypted topic.
    // The actions are the ones each service's documentation lists for this case.
    this.allowServiceToUseKey('AllowEventBridgeDeadLetters', 'events.amazonaws.com', [
      'kms:Decrypt',
      'kms:GenerateDataKey',
    ]);
    this.allowServiceToUseKey('AllowCloudWatchAlarms', 'cloudwatch.amazonaws.com', [
      'kms:Decrypt',
      'kms:GenerateDataKey*',
    ]);
    // Encrypted log groups (state machine execution logs): CloudWatch Logs' documented key policy, limited to
    // this account's log groups through the encryption context.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogs',
        principals: [new iam.ServicePrincipal(`logs.${this.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${this.partition}:logs:${this.region}:${this.account}:log-group:*`,
          },
        },
      }),
    );

    this.bus = new events.EventBus(this, 'Bus', { eventBusName: `tessera-${config.stage}` });
    this.archive = this.bus.archive('Archive', {
      archiveName: `tessera-${config.stage}-all-events`,
      description: 'Every event on the Tessera bus, for replay after a consumer fix or a new consumer.',
      // An archive needs a pattern; matching the account matches every event on the bus.
      eventPattern: { account: [this.account] },
      retention: Duration.days(config.archiveRetentionDays),
    });

    const tables: Partial<Record<TableKey, TableRef>> = {};
    for (const [key, layout] of Object.entries(TableLayouts) as [TableKey, TableLayout][]) {
      tables[key] = {
        key,
        table: this.createTable(key, layout, prod, dataRemoval),
        environmentVariable: tableEnvironmentVariable(key),
      };
    }
    this.tables = tables as Record<TableKey, TableRef>;

    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
      // S3 server access logging only delivers to SSE-S3 buckets.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the server access log destination; logging it into itself would loop.',
    });

    this.documentsBucket = new s3.Bucket(this, 'Documents', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'documents/',
      lifecycleRules: [
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        {
          id: 'expire-documents',
          expiration: Duration.days(config.documentRetentionDays),
          noncurrentVersionExpiration: Duration.days(30),
        },
        { id: 'remove-expired-delete-markers', expiredObjectDeleteMarker: true },
      ],
      // Documents contain personal data: kept in every stage rather than deleted with a non-empty bucket failure.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Object-created events go to the default bus, where the documents workflow picks them up. Set on the
    // CloudFormation resource itself: the L2 `eventBridgeEnabled` adds a custom-resource Lambda to do the same.
    (this.documentsBucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = {
      eventBridgeConfiguration: { eventBridgeEnabled: true },
    };

    this.sourceKeysSecret = new secretsmanager.Secret(this, 'SourceKeys', {
      description: `Tessera ${config.stage}: HMAC signing keys of the channel systems, {"<source id>": "<key of 32+ characters>"}. Expected sources: ${config.ingestSourceIds.join(', ')}.`,
      encryptionKey: this.key,
      // Starts as an empty map: ingest rejects every source until an operator stores its keys (fails closed).
      // The keys are shared with the channel systems, so CloudFormation must never generate or hold them.
      secretObjectValue: {},
      removalPolicy: dataRemoval,
    });
    Validations.of(this.sourceKeysSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The signing keys are shared with external channel systems; rotation is coordinated with each system owner and done by replacing its entry in the map, which a rotation Lambda cannot do on its own.',
    });

    this.odooWebhookSecret = new secretsmanager.Secret(this, 'OdooWebhookSecret', {
      description: `Tessera ${config.stage}: the secret path segment of the Odoo webhook URL (/odoo/webhook/<secret>).`,
      encryptionKey: this.key,
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
      removalPolicy: dataRemoval,
    });
    Validations.of(this.odooWebhookSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        "The value is configured in Odoo's automation rules by a person; automatic rotation would silently break the webhook until Odoo is reconfigured.",
    });

    const operatorFilled =
      'The value belongs to the retailer (issued in Odoo by a person) and is stored by an operator with put-secret-value; a rotation Lambda cannot issue it.';
    this.odooApiKeySecret = this.emptySecret(
      'OdooApiKey',
      `Tessera ${config.stage}: API key of the Odoo integration user (a plain string), read by the Odoo sync.`,
      operatorFilled,
      dataRemoval,
    );
    this.odooAutomationWebhookUrlSecret = this.emptySecret(
      'OdooAutomationWebhookUrl',
      `Tessera ${config.stage}: URL of the Odoo automation rule (https://.../web/hook/<uuid>) the Odoo sync posts to in webhook mode.`,
      operatorFilled,
      dataRemoval,
    );

    this.approvalSigningSecret = new secretsmanager.Secret(this, 'ApprovalSigningKey', {
      description: `Tessera ${config.stage}: HMAC key of approval links and CSRF tokens (64 characters).`,
      encryptionKey: this.key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: dataRemoval,
    });
    Validations.of(this.approvalSigningSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Approval links already mailed are signed with this key and stay valid until their deadline; rotating it would void every pending approval. Replace it by hand when it must change.',
    });

    new CfnOutput(this, 'EventBusName', { value: this.bus.eventBusName });
    new CfnOutput(this, 'IngestTableName', {
      value: this.tables.ingest.table.tableName,
      description:
        'Rejected events live here: tessera events rejected list --aws --table <this> --bus <EventBusName>.',
    });
    new CfnOutput(this, 'DocumentsBucketName', { value: this.documentsBucket.bucketName });
    new CfnOutput(this, 'SourceKeysSecretArn', {
      value: this.sourceKeysSecret.secretArn,
      description: `Store {"${config.ingestSourceIds.join('": "...", "')}": "..."} here with aws secretsmanager put-secret-value.`,
    });
    new CfnOutput(this, 'OdooWebhookSecretArn', { value: this.odooWebhookSecret.secretArn });
    new CfnOutput(this, 'OdooApiKeySecretArn', {
      value: this.odooApiKeySecret.secretArn,
      description: 'Store the Odoo API key here (plain string) with aws secretsmanager put-secret-value.',
    });
    new CfnOutput(this, 'OdooAutomationWebhookUrlSecretArn', {
      value: this.odooAutomationWebhookUrlSecret.secretArn,
      description: 'In webhook mode, store the Odoo automation rule URL here with put-secret-value.',
    });
  }

  private createTable(key: TableKey, layout: TableLayout, prod: boolean, removalPolicy: RemovalPolicy) {
    const table = new dynamodb.Table(this, `${pascal(key)}Table`, {
      partitionKey: { name: layout.partitionKey, type: dynamodb.AttributeType.STRING },
      ...(layout.sortKey ? { sortKey: { name: layout.sortKey, type: dynamodb.AttributeType.STRING } } : {}),
      ...(layout.timeToLiveAttribute ? { timeToLiveAttribute: layout.timeToLiveAttribute } : {}),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: prod,
      removalPolicy,
    });
    for (const index of layout.globalSecondaryIndexes ?? []) {
      table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        ...(index.sortKey ? { sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING } } : {}),
      });
    }
    return table;
  }

  /**
   * A secret created without a value (no version): an operator stores it. Reading it before then fails
   * with Secrets Manager's "can't find the specified secret value", rather than with a made-up credential.
   */
  private emptySecret(id: string, description: string, reason: string, removalPolicy: RemovalPolicy) {
    const secret = new secretsmanager.Secret(this, id, {
      description,
      encryptionKey: this.key,
      removalPolicy,
    });
    // The L2 generates a random value when given none; CloudFormation creates an empty secret without both.
    (secret.node.defaultChild as secretsmanager.CfnSecret).addPropertyDeletionOverride(
      'GenerateSecretString',
    );
    Validations.of(secret).acknowledge({ id: 'AwsSolutions-SMG4', reason });
    return secret;
  }

  /** Services that write into resources encrypted with the key on our behalf need it in the key policy. */
  private allowServiceToUseKey(sid: string, service: string, actions: string[]): void {
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid,
        principals: [new iam.ServicePrincipal(service)],
        actions,
        // In a key policy, '*' means this key.
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
  }
}
