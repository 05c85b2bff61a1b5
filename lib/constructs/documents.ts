import { join } from 'node:path';
import { type CfnElement, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { TableKey } from '../shared/tables.js';
import type { TableRef } from '../stateful-stack.js';
import { DeadLetterQueue } from './dead-letter-queue.js';
import { type ConsumerTarget, stateMachineConsumer } from './event-routing.js';
import { acknowledgeWildcardResources } from './nag.js';
import { REPO_ROOT, TesseraFunction } from './tessera-function.js';

export interface DocumentsProps {
  readonly stage: string;
  readonly bus: events.IEventBus;
  readonly key: kms.IKey;
  readonly tables: Readonly<Record<TableKey, TableRef>>;
  readonly bucket: s3.IBucket;
  /** The Tessera REST API; the documents routes are added under /documents with IAM authorisation. */
  readonly api: apigateway.RestApi;
  readonly logRetention: logs.RetentionDays;
  /** Below this confidence (0..1) a document waits for a person; default the core's 0.8. */
  readonly reviewThreshold?: number;
  readonly defaultCurrency?: string;
}

/** Textract actions have no resource-level permissions (service authorization reference). */
const TEXTRACT_ACTIONS = [
  'textract:AnalyzeDocument',
  'textract:AnalyzeExpense',
  'textract:StartDocumentAnalysis',
  'textract:StartExpenseAnalysis',
  'textract:GetDocumentAnalysis',
  'textract:GetExpenseAnalysis',
];

/**
 * Return and claim documents: intake API (pre-signed upload URL), the document workflow state machine
 * (stepfunctions/document-processing.asl.json) with its task function, Textract's completion topic and the
 * role Textract publishes with, the callback function, and the review API. The routing-table consumer
 * `documents` starts the state machine for each object-created event of the documents bucket.
 */
export class Documents extends Construct {
  public readonly workflowFunction: TesseraFunction;
  public readonly callbackFunction: TesseraFunction;
  public readonly intakeFunction: TesseraFunction;
  public readonly reviewFunction: TesseraFunction;
  public readonly stateMachine: sfn.StateMachine;
  public readonly completionTopic: sns.Topic;
  public readonly textractRole: iam.Role;
  /** The routing-table consumer `documents`. */
  public readonly consumer: ConsumerTarget;

  constructor(scope: Construct, id: string, props: DocumentsProps) {
    super(scope, id);
    const { tables, bucket } = props;

    this.completionTopic = new sns.Topic(this, 'TextractCompletions', {
      displayName: 'Textract job completions of the document workflow',
      masterKey: props.key,
      enforceSSL: true,
    });
    this.textractRole = new iam.Role(this, 'TextractPublishRole', {
      assumedBy: new iam.ServicePrincipal('textract.amazonaws.com'),
      description: 'Lets Textract publish job completions to the document workflow topic',
    });
    this.completionTopic.grantPublish(this.textractRole);
    // The topic is encrypted with the data key: publishing needs a data key from it.
    props.key.grant(this.textractRole, 'kms:GenerateDataKey*', 'kms:Decrypt');
    Validations.of(this.textractRole).acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        'GenerateDataKey* on the one customer-managed data key ARN, which encrypts the completion topic.',
    });

    const workflowEnvironment = {
      DOCUMENTS_BUCKET_NAME: bucket.bucketName,
      TEXTRACT_TOPIC_ARN: this.completionTopic.topicArn,
      TEXTRACT_ROLE_ARN: this.textractRole.roleArn,
      ...(props.reviewThreshold !== undefined ? { REVIEW_THRESHOLD: String(props.reviewThreshold) } : {}),
      ...(props.defaultCurrency ? { DEFAULT_CURRENCY: props.defaultCurrency } : {}),
    };

    this.workflowFunction = new TesseraFunction(this, 'Workflow', {
      entry: 'lambdas/documents-workflow/index.ts',
      serviceName: 'tessera-documents-workflow',
      description:
        'Tasks of the document workflow: classify, Textract, extract, review gate, link and publish',
      logRetention: props.logRetention,
      memorySize: 1024,
      timeout: Duration.minutes(2),
      environment: workflowEnvironment,
    })
      .bindBus(props.bus)
      .bindTable(tables.documents, 'readWrite')
      .bindTable(tables.customers, 'readWrite');
    // Exact actions rather than grantRead/grantReadWrite (whose s3:GetObject*, s3:List*, ... are wider).
    this.workflowFunction.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [bucket.arnForObjects('incoming/*'), bucket.arnForObjects('results/*')],
      }),
    );
    this.workflowFunction.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [bucket.arnForObjects('results/*')] }),
    );
    bucket.encryptionKey?.grant(this.workflowFunction, 'kms:Decrypt', 'kms:GenerateDataKey');
    this.workflowFunction.addToRolePolicy(
      new iam.PolicyStatement({ actions: TEXTRACT_ACTIONS, resources: ['*'] }),
    );
    this.textractRole.grantPassRole(this.workflowFunction.grantPrincipal);

    const logGroup = new logs.LogGroup(this, 'StateMachineLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: `tessera-${props.stage}-documents`,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromFile(
        join(REPO_ROOT, 'stepfunctions/document-processing.asl.json'),
      ),
      definitionSubstitutions: { DocumentsWorkflowFunctionArn: this.workflowFunction.functionArn },
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ERROR, includeExecutionData: false },
    });
    this.workflowFunction.grantInvoke(this.stateMachine);
    this.consumer = stateMachineConsumer(this.stateMachine);

    // The callback function resumes executions; it builds the same steps, hence the same configuration,
    // but is granted only what completing a job needs: the token table and SendTaskSuccess/Failure.
    this.callbackFunction = new TesseraFunction(this, 'TextractCallback', {
      entry: 'lambdas/documents-textract-callback/index.ts',
      serviceName: 'tessera-documents-textract-callback',
      description: 'Resumes the document workflow execution waiting on a finished Textract job',
      logRetention: props.logRetention,
      environment: {
        ...workflowEnvironment,
        EVENT_BUS_NAME: props.bus.eventBusName,
        CUSTOMERS_TABLE_NAME: tables.customers.table.tableName,
      },
    }).bindTable(tables.documents, 'readWrite');
    this.stateMachine.grantTaskResponse(this.callbackFunction);
    const callbackFailures = new DeadLetterQueue(this, 'TextractCallbackFailures', {
      key: props.key,
      purpose: 'Textract completion messages that could not resume their execution',
    });
    this.completionTopic.addSubscription(
      new subscriptions.LambdaSubscription(this.callbackFunction, { deadLetterQueue: callbackFailures }),
    );

    this.intakeFunction = new TesseraFunction(this, 'Intake', {
      entry: 'lambdas/documents-intake/index.ts',
      serviceName: 'tessera-documents-intake',
      description: 'Records an announced document and returns a pre-signed upload URL',
      logRetention: props.logRetention,
      environment: { DOCUMENTS_BUCKET_NAME: bucket.bucketName },
    }).bindTable(tables.documents, 'write');
    // The pre-signed URL carries the intake function's permission: PUT into incoming/ only.
    this.intakeFunction.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [bucket.arnForObjects('incoming/*')] }),
    );
    bucket.encryptionKey?.grant(this.intakeFunction, 'kms:GenerateDataKey');

    this.reviewFunction = new TesseraFunction(this, 'Review', {
      entry: 'lambdas/documents-review-api/index.ts',
      serviceName: 'tessera-documents-review',
      description: 'Review queue of documents: list, show, confirm, correct',
      logRetention: props.logRetention,
    }).bindTable(tables.documents, 'readWrite');
    this.stateMachine.grantTaskResponse(this.reviewFunction);

    const documents = props.api.root.addResource('documents');
    Validations.of(documents).acknowledge({
      id: 'AwsSolutions-COG4',
      reason:
        'The documents routes use IAM (SigV4) authorisation: callers are back-office tools and staff roles of the account, not end users with a Cognito pool.',
    });
    const iamAuth = { authorizationType: apigateway.AuthorizationType.IAM };
    const review = new apigateway.LambdaIntegration(this.reviewFunction, { allowTestInvoke: false });
    documents.addMethod(
      'POST',
      new apigateway.LambdaIntegration(this.intakeFunction, { allowTestInvoke: false }),
      {
        ...iamAuth,
        operationName: 'AnnounceDocument',
      },
    );
    documents
      .addResource('review')
      .addMethod('GET', review, { ...iamAuth, operationName: 'ListDocumentsToReview' });
    documents
      .addResource('failed')
      .addMethod('GET', review, { ...iamAuth, operationName: 'ListFailedDocuments' });
    const one = documents.addResource('{documentId}');
    one.addMethod('GET', review, { ...iamAuth, operationName: 'ShowDocument' });
    one.addResource('review').addMethod('POST', review, { ...iamAuth, operationName: 'ReviewDocument' });

    Validations.of(this.workflowFunction.role as iam.IRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Textract Analyze*/Start*/Get* support no resource-level permissions; the documents it may read are limited by the S3 grant on incoming/*.',
    });
    for (const fn of [this.workflowFunction, this.intakeFunction]) {
      // The finding names the bucket by its cross-stack export, known only at synth: matched by prefix.
      acknowledgeWildcardResources(
        fn.role as iam.IRole,
        (resource) => /\/(incoming|results)\/\*$/.test(resource),
        'Object grants are scoped to one prefix of the documents bucket (incoming/* for uploads, results/* for the workflow output).',
      );
    }
    Validations.of(this.stateMachine).acknowledge(
      {
        id: 'AwsSolutions-SF1',
        reason:
          'Execution data holds personal data from documents; ERROR-level logging without execution data keeps failures visible, and every failure is also recorded on the document.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray PutTraceSegments / PutTelemetryRecords for the traced state machine support no resource-level permissions.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.workflowFunction.node.defaultChild as CfnElement)}.Arn>:*]`,
        reason:
          'lambda:InvokeFunction on the one workflow function and its versions (<arn>:*), as CDK grants it.',
      },
    );
  }
}
