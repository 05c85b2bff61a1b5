import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { BACKFILL_INPUT_PREFIX, BACKFILL_RESULTS_PREFIX } from '../shared/identity-backfill.js';
import type { TableRef } from '../stateful-stack.js';
import { survivorshipEnvironment } from './identity.js';
import { acknowledgeWildcardResources } from './nag.js';
import { REPO_ROOT, TesseraFunction } from './tessera-function.js';

export interface IdentityBackfillSettings {
  /** Batches resolved at once (child executions, hence Lambda invocations, hence resolvers writing). */
  readonly maxConcurrency: number;
  /** Share of lines (0-100) whose batches may fail before the whole run stops. */
  readonly toleratedFailurePercentage: number;
}

export interface IdentityBackfillProps extends IdentityBackfillSettings {
  readonly stage: string;
  readonly bus: events.IEventBus;
  readonly key: kms.IKey;
  readonly customersTable: TableRef;
  /** The stateful stack's documents bucket (KMS-encrypted with `key`); backfill uses its backfill/ prefix only. */
  readonly bucket: s3.IBucket;
  readonly logRetention: logs.RetentionDays;
  /** Survivorship rules of the golden record, as the live consumer gets them (`identitySurvivorship`). */
  readonly survivorship?: Readonly<Record<string, unknown>> | undefined;
}

interface MapState {
  MaxConcurrency?: number;
  ToleratedFailurePercentage?: number;
}

/**
 * stepfunctions/identity-backfill.asl.json with the deployment's concurrency and tolerance. The file keeps
 * literal defaults (so it stays valid JSON for linters and the local tools) and they are replaced here,
 * since CloudFormation's definition substitutions can only place strings.
 */
export function identityBackfillDefinition(settings: IdentityBackfillSettings): string {
  const definition = JSON.parse(
    readFileSync(join(REPO_ROOT, 'stepfunctions/identity-backfill.asl.json'), 'utf8'),
  ) as { States: Record<string, MapState> };
  const map = definition.States.ResolveEvents;
  if (map === undefined) throw new Error('identity-backfill.asl.json has no ResolveEvents state');
  map.MaxConcurrency = settings.maxConcurrency;
  map.ToleratedFailurePercentage = settings.toleratedFailurePercentage;
  return JSON.stringify(definition, null, 2);
}

/**
 * Bulk load of history on AWS (issue 3, item 7): a Standard state machine whose Distributed Map reads a
 * JSONL file of channel events from the documents bucket (backfill/input/), hands batches of lines to the
 * item processor function (the live identity consumer behind a batch loop), and writes every batch's
 * result, failed ones included, to backfill/results/. `tessera identity backfill FILE --aws` starts it.
 */
export class IdentityBackfill extends Construct {
  public readonly processor: TesseraFunction;
  public readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: IdentityBackfillProps) {
    super(scope, id);
    const { bucket } = props;
    const stack = Stack.of(this);

    this.processor = new TesseraFunction(this, 'Processor', {
      entry: 'lambdas/identity-backfill/index.ts',
      serviceName: 'tessera-identity-backfill',
      description:
        'Resolves a batch of backfill lines through the identity consumer and returns a verdict per line',
      logRetention: props.logRetention,
      memorySize: 1024,
      // A batch of 100 lines takes seconds; the Express child that invokes it may run for 5 minutes.
      timeout: Duration.minutes(4),
      environment: survivorshipEnvironment(props.survivorship),
    })
      .bindBus(props.bus)
      .bindTable(props.customersTable, 'readWrite');

    const stateMachineName = `tessera-${props.stage}-identity-backfill`;
    const logGroup = new logs.LogGroup(this, 'StateMachineLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromString(identityBackfillDefinition(props)),
      definitionSubstitutions: {
        BucketName: bucket.bucketName,
        ProcessorFunctionArn: this.processor.functionArn,
      },
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ERROR, includeExecutionData: false },
    });

    // Exact grants, written out: the definition is a file, so CDK cannot derive them from the states.
    const role = this.stateMachine.role;
    // ItemReader: the uploaded files only.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [bucket.arnForObjects(`${BACKFILL_INPUT_PREFIX}*`)],
      }),
    );
    // ResultWriter: the actions Step Functions documents for writing a map run's results (multipart uploads).
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'],
        resources: [bucket.arnForObjects(`${BACKFILL_RESULTS_PREFIX}*`)],
      }),
    );
    if (bucket.encryptionKey) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [bucket.encryptionKey.keyArn],
        }),
      );
    }
    // A Distributed Map runs its batches as child executions of this state machine. The ARNs are built from
    // the fixed name: referencing the state machine from its own role's policy would be a dependency cycle.
    const stateMachineArn = stack.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: stateMachineName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const executionsArn = stack.formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${stateMachineName}/*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [stateMachineArn] }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['states:DescribeExecution', 'states:StopExecution', 'states:RedriveExecution'],
        resources: [executionsArn],
      }),
    );
    // The processor only: not `grantInvoke`, whose `<arn>:*` also covers every version and alias.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [this.processor.functionArn],
      }),
    );

    acknowledgeWildcardResources(
      role,
      (resource) =>
        resource.endsWith(`/${BACKFILL_INPUT_PREFIX}*`) || resource.endsWith(`/${BACKFILL_RESULTS_PREFIX}*`),
      'Objects under one prefix of the documents bucket: backfill/input/* (files to load, read by the ItemReader) and backfill/results/* (written by the ResultWriter, whose object names Step Functions chooses per map run).',
    );
    // Matched on the ARN as synthesised: with a region and account from the CLI's profile its partition and
    // region are plain text, without them tokens.
    acknowledgeWildcardResources(
      role,
      (resource) => resource.endsWith(`:execution:${stateMachineName}/*`),
      "The Distributed Map's child executions of this one state machine: their names are generated per map run, so they can only be named by this state machine's execution prefix.",
    );
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray PutTraceSegments / PutTelemetryRecords and CloudWatch Logs log-delivery actions for the traced, logged state machine support no resource-level permissions.',
    });
    Validations.of(this.stateMachine).acknowledge({
      id: 'AwsSolutions-SF1',
      reason:
        'Execution data holds personal data from the loaded history; ERROR-level logging without execution data keeps failures visible, and every failed batch is kept with its lines and reasons in backfill/results/.',
    });
  }
}
