import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type NodejsFunctionProps, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { type TableLayout, TableLayouts } from '../shared/tables.js';
import type { TableRef } from '../stateful-stack.js';

/** The item-level actions of CDK's grantReadData / grantWriteData (no streams: Tessera reads none). */
const TABLE_READ_ACTIONS = [
  'dynamodb:BatchGetItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
  'dynamodb:GetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
];
const TABLE_WRITE_ACTIONS = [
  'dynamodb:BatchWriteItem',
  'dynamodb:DeleteItem',
  'dynamodb:DescribeTable',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
];

/** The repository root, where package-lock.json and the `lambdas/` entries live. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export type TableAccess = 'read' | 'write' | 'readWrite';

export interface TesseraFunctionProps
  extends Omit<
    NodejsFunctionProps,
    | 'entry'
    | 'handler'
    | 'runtime'
    | 'architecture'
    | 'tracing'
    | 'logGroup'
    | 'loggingFormat'
    | 'bundling'
    | 'role'
  > {
  /** The composition root, relative to the repository root, e.g. `lambdas/ingest-api/index.ts` (exports `handler`). */
  readonly entry: string;
  /** Powertools service name: how this function appears in logs, metrics and traces. */
  readonly serviceName: string;
  readonly logRetention: logs.RetentionDays;
}

/**
 * The one way Tessera defines a Lambda function: Node.js 22 on ARM64, X-Ray tracing, JSON logs into a log
 * group with a retention, Powertools settings, and esbuild bundling on this machine (never Docker).
 * `bind*` helpers set the environment variable a handler reads and grant exactly the access it needs, in one
 * call, so configuration and permissions cannot drift apart.
 */
export class TesseraFunction extends NodejsFunction {
  /** The function's own log group (with its retention), as opposed to the base class's ILogGroup accessor. */
  public readonly functionLogGroup: logs.LogGroup;
  public readonly serviceName: string;

  constructor(scope: Construct, id: string, props: TesseraFunctionProps) {
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An explicit role, so the function gets write access to its own log group only, instead of the
    // AWSLambdaBasicExecutionRole managed policy (logs:* on every group).
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Tessera ${props.serviceName} function`,
    });
    logGroup.grantWrite(role);

    const { entry, serviceName, logRetention: _retention, environment, ...rest } = props;
    super(scope, id, {
      memorySize: 512,
      timeout: Duration.seconds(30),
      ...rest,
      entry: join(REPO_ROOT, entry),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      tracing: lambda.Tracing.ACTIVE,
      role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      environment: {
        POWERTOOLS_SERVICE_NAME: serviceName,
        POWERTOOLS_METRICS_NAMESPACE: 'Tessera',
        NODE_OPTIONS: '--enable-source-maps',
        ...environment,
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        // Some bundled dependencies are CommonJS and call require() for Node built-ins.
        banner:
          "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // The Node.js 22 runtime provides AWS SDK v3; bundling it would only add cold-start weight.
        externalModules: ['@aws-sdk/*'],
      },
    });
    this.functionLogGroup = logGroup;
    this.serviceName = serviceName;

    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to Node.js 22 on purpose (ARCHITECTURE.md): developer machines and the local runtime run Node.js 20, and 22 is the closest Lambda runtime, so what is tested locally behaves the same in the cloud. Lambda supports it into 2027.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions; every data action of this role is scoped to named resources (asserted in test/infra).',
    });
  }

  /** Sets `<KEY>_TABLE_NAME` and grants the access on that table (and its indexes and key) only. */
  bindTable(ref: TableRef, access: TableAccess): this {
    this.addEnvironment(ref.environmentVariable, ref.table.tableName);
    const indexes = (TableLayouts[ref.key] as TableLayout).globalSecondaryIndexes ?? [];
    if (indexes.length > 0) {
      // CDK's table grants cover `<table>/index/*`; naming the layout's indexes keeps every resource exact.
      this.addToRolePolicy(
        new iam.PolicyStatement({
          actions: [
            ...new Set([
              ...(access === 'write' ? [] : TABLE_READ_ACTIONS),
              ...(access === 'read' ? [] : TABLE_WRITE_ACTIONS),
            ]),
          ],
          resources: [
            ref.table.tableArn,
            ...indexes.map((index) => `${ref.table.tableArn}/index/${index.indexName}`),
          ],
        }),
      );
      if (ref.table.encryptionKey) {
        this.addToRolePolicy(
          new iam.PolicyStatement({
            actions: [
              'kms:Decrypt',
              'kms:DescribeKey',
              ...(access === 'read' ? [] : ['kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*']),
            ],
            resources: [ref.table.encryptionKey.keyArn],
          }),
        );
        this.acknowledgeKmsGrant();
      }
      return this;
    }
    if (access === 'read') ref.table.grantReadData(this);
    else if (access === 'write') ref.table.grantWriteData(this);
    else ref.table.grantReadWriteData(this);
    if (ref.table.encryptionKey) this.acknowledgeKmsGrant();
    return this;
  }

  /** Sets `EVENT_BUS_NAME` and allows `events:PutEvents` on that bus only. */
  bindBus(bus: events.IEventBus): this {
    this.addEnvironment('EVENT_BUS_NAME', bus.eventBusName);
    bus.grantPutEventsTo(this);
    return this;
  }

  /** Sets `environmentVariable` to the secret's ARN and allows reading that secret only. */
  bindSecret(environmentVariable: string, secret: secretsmanager.ISecret): this {
    this.addEnvironment(environmentVariable, secret.secretArn);
    // Written out rather than secret.grantRead(): its KMS part goes into the key policy of the stateful
    // stack, which would make that stack depend on this one (a cycle). The key policy trusts the account's
    // IAM policies, so an identity policy limited to use through Secrets Manager is enough.
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        resources: [secret.secretArn],
      }),
    );
    if (secret.encryptionKey) {
      this.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [secret.encryptionKey.keyArn],
          conditions: {
            StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com` },
          },
        }),
      );
    }
    return this;
  }

  /** CDK's KMS grants use the `ReEncrypt*` and `GenerateDataKey*` action families; they stay scoped to one key. */
  acknowledgeKmsGrant(): void {
    if (!this.role) return;
    for (const action of ['kms:ReEncrypt*', 'kms:GenerateDataKey*']) {
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: `${action} is part of the CDK grant for the customer-managed data key, and its resource is that one key ARN.`,
      });
    }
  }
}
