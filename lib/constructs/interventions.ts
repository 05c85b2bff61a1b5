import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { TableKey } from '../shared/tables.js';
import type { TableRef } from '../stateful-stack.js';
import { type ConsumerTarget, lambdaConsumer } from './event-routing.js';
import { API_STAGE_NAME } from './ingestion.js';
import { REPO_ROOT, TesseraFunction } from './tessera-function.js';

export const INTERVENTION_WORKFLOW_FILE = 'stepfunctions/intervention.asl.json';

export interface InterventionsProps {
  readonly stage: string;
  readonly bus: events.IEventBus;
  readonly key: kms.IKey;
  readonly tables: Readonly<Record<TableKey, TableRef>>;
  readonly signingSecret: secretsmanager.ISecret;
  /** The API the approval page is served from (GET and POST /approvals/{approvalId}). */
  readonly api: apigateway.RestApi;
  /** From address of approval and confirmation emails. */
  readonly senderAddress: string;
  /** The verified SES identity (domain or address) the functions may send as, and nothing else. */
  readonly sesIdentity: string;
  /** Base of approval links; default the API's stage URL. */
  readonly approvalBaseUrl?: string | undefined;
  /** Playbooks, policy and approvers (lambdas/core/interventions/config.ts); validated at cold start. */
  readonly interventionConfig?: Record<string, unknown> | undefined;
  /** Claims at or above this amount start an intervention (same figure as the routing table's pattern). */
  readonly largeClaimThreshold: number;
  readonly logRetention: logs.RetentionDays;
}

/** The `${Name}` placeholders of an ASL file, which `definitionSubstitutions` must all fill. */
export function placeholdersOf(definition: string): string[] {
  return [...new Set([...definition.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1] as string))].sort();
}

/**
 * Approval-gated interventions: the trigger that turns bus events into executions, the Standard state
 * machine from stepfunctions/intervention.asl.json with its task functions, and the approval page. Only the
 * approval page can resume a waiting execution (grantTaskResponse), and mail goes out through the configured
 * SES identity only.
 */
export class Interventions extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  public readonly logGroup: logs.LogGroup;
  public readonly trigger: TesseraFunction;
  public readonly approvalPage: TesseraFunction;
  /** Task functions by their placeholder in the ASL file. */
  public readonly tasks: Readonly<Record<string, TesseraFunction>>;
  /** The routing-table consumer `interventions`. */
  public readonly consumer: ConsumerTarget;

  constructor(scope: Construct, id: string, props: InterventionsProps) {
    super(scope, id);
    const { tables, logRetention } = props;
    const interventionConfig: Record<string, string> = props.interventionConfig
      ? { INTERVENTION_CONFIG: JSON.stringify(props.interventionConfig) }
      : {};
    const fn = (fnId: string, name: string, description: string, environment: Record<string, string> = {}) =>
      new TesseraFunction(this, fnId, {
        entry: `lambdas/interventions-${name}/index.ts`,
        serviceName: `tessera-interventions-${name}`,
        description,
        logRetention,
        environment,
      });

    const loadContext = fn(
      'LoadContext',
      'load-context',
      'Loads the customer and profile of an intervention',
    );
    loadContext.bindTable(tables.customers, 'read');
    const propose = fn('Propose', 'propose', 'Proposes actions from the playbooks', interventionConfig)
      .bindTable(tables.interventions, 'readWrite')
      .bindBus(props.bus);
    const requestApproval = fn(
      'RequestApproval',
      'request-approval',
      'Stores the task token and emails the approvers a signed link',
      {
        ...interventionConfig,
        SES_FROM_ADDRESS: props.senderAddress,
        // Built from the API id, not api.url: that names the stage, whose deployment includes the approval
        // page methods, and the page's task-response grant names the state machine invoking this function.
        APPROVAL_BASE_URL:
          props.approvalBaseUrl ??
          `https://${props.api.restApiId}.execute-api.${Stack.of(this).region}.${Stack.of(this).urlSuffix}/${API_STAGE_NAME}/`,
        // Read by the shared environment schema; this function puts nothing on the bus.
        EVENT_BUS_NAME: props.bus.eventBusName,
      },
    )
      .bindTable(tables.interventions, 'readWrite')
      .bindSecret('APPROVAL_SIGNING_SECRET_ARN', props.signingSecret);
    const apply = fn('Apply', 'apply', 'Carries out approved actions (InterventionApproved)')
      .bindTable(tables.interventions, 'readWrite')
      .bindBus(props.bus);
    const recordOutcome = fn('RecordOutcome', 'record-outcome', 'Records the outcome in the audit log')
      .bindTable(tables.interventions, 'readWrite')
      .bindSecret('APPROVAL_SIGNING_SECRET_ARN', props.signingSecret);
    const emitOutcome = fn('EmitOutcome', 'emit-outcome', 'Emits InterventionCompleted').bindBus(props.bus);
    this.tasks = {
      LoadContextFunctionArn: loadContext,
      ProposeFunctionArn: propose,
      RequestApprovalFunctionArn: requestApproval,
      ApplyFunctionArn: apply,
      RecordOutcomeFunctionArn: recordOutcome,
      EmitOutcomeFunctionArn: emitOutcome,
    };

    const file = join(REPO_ROOT, INTERVENTION_WORKFLOW_FILE);
    const missing = placeholdersOf(readFileSync(file, 'utf8')).filter((name) => !(name in this.tasks));
    if (missing.length > 0) {
      throw new Error(
        `${INTERVENTION_WORKFLOW_FILE} uses \${${missing.join('}, ${')}}, which lib/constructs/interventions.ts does not substitute`,
      );
    }

    this.logGroup = new logs.LogGroup(this, 'StateMachineLogs', {
      encryptionKey: props.key,
      retention: logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: `tessera-${props.stage}-interventions`,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromFile(file),
      definitionSubstitutions: Object.fromEntries(
        Object.entries(this.tasks).map(([name, task]) => [name, task.functionArn]),
      ),
      tracingEnabled: true,
      // Every state transition, without the inputs and outputs: those hold customer details.
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    // The ASL invokes the unqualified function ARNs; grantInvoke would also allow every version (<arn>:*).
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: Object.values(this.tasks).map((task) => task.functionArn),
      }),
    );

    this.trigger = fn(
      'Trigger',
      'trigger',
      'Starts an intervention for a risk change, large claim or escalation',
      {
        STATE_MACHINE_ARN: this.stateMachine.stateMachineArn,
        LARGE_CLAIM_THRESHOLD: String(props.largeClaimThreshold),
      },
    ).bindTable(tables.customers, 'read');
    this.stateMachine.grantStartExecution(this.trigger);
    this.consumer = lambdaConsumer(this.trigger, props.key);

    this.approvalPage = fn('ApprovalPage', 'approval-page', 'Shows a proposal and records the decision', {
      SES_FROM_ADDRESS: props.senderAddress,
    })
      .bindTable(tables.interventions, 'readWrite')
      .bindSecret('APPROVAL_SIGNING_SECRET_ARN', props.signingSecret);
    // The only principal that may resume a waiting execution: no other function, no wildcard.
    this.stateMachine.grantTaskResponse(this.approvalPage);

    const stack = Stack.of(this);
    const sendAsIdentity = new iam.PolicyStatement({
      actions: ['ses:SendEmail'],
      resources: [stack.formatArn({ service: 'ses', resource: 'identity', resourceName: props.sesIdentity })],
      conditions: { StringEquals: { 'ses:FromAddress': props.senderAddress } },
    });
    requestApproval.addToRolePolicy(sendAsIdentity);
    this.approvalPage.addToRolePolicy(sendAsIdentity);

    // The signed link is the credential: approvers are people without an AWS identity.
    const page = new apigateway.LambdaIntegration(this.approvalPage, { allowTestInvoke: false });
    const approval = props.api.root.addResource('approvals').addResource('{approvalId}');
    const parameters = { 'method.request.path.approvalId': true };
    approval.addMethod('GET', page, {
      authorizationType: apigateway.AuthorizationType.NONE,
      operationName: 'ShowApproval',
      requestParameters: parameters,
    });
    approval.addMethod('POST', page, {
      authorizationType: apigateway.AuthorizationType.NONE,
      operationName: 'DecideApproval',
      requestParameters: parameters,
    });

    Validations.of(this.stateMachine).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'CloudWatch Logs log-delivery actions and X-Ray PutTraceSegments support no resource-level permissions; the task invocations are scoped to the six function ARNs.',
    });
  }
}
