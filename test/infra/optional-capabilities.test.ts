import { readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CfnResource } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { ODOO_SYNC_EVENT_TYPES } from '../../lambdas/odoo-sync/handler.js';
import { INTERVENTION_WORKFLOW_FILE, placeholdersOf } from '../../lib/constructs/interventions.js';
import type { TesseraFunction } from '../../lib/constructs/tessera-function.js';
import { ODOO_SYNC_ROUTE_EVENT_TYPES, ROUTES } from '../../lib/shared/routing.js';
import { type CfnJson, FULL_CONTEXT, resourcesOf, synthesiseTessera } from './tessera-app-fixture.js';

// The app as an operator who configured Odoo and an SES sender deploys it. No bundle is inspected here, so
// CDK's bundling switch skips esbuild (stateless-stack.test.ts synthesises the same settings and loads them).
const tessera = synthesiseTessera({ context: FULL_CONTEXT, bundle: false });
afterAll(() => rmSync(tessera.outdir, { recursive: true, force: true }));
const { stateless, stateful, statelessTemplate: template } = tessera;
const resources = template.toJSON().Resources as Record<string, { Type: string; Properties: CfnJson }>;
const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  stateless.getLogicalId(construct.node.defaultChild as CfnResource);
const fromStateful = (value: string) => stateless.resolve(value);
const odoo = stateless.odooSync;
const interventions = stateless.interventions;
const rules = resourcesOf(template, 'AWS::Events::Rule').map(([, r]) => r.Properties);
const ruleOf = (name: string) => rules.find((r) => r.Name === `tessera-dev-${name}`);

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}
function statementsOf(role: { node: { defaultChild?: unknown } }): Statement[] {
  const roleId = logicalId(role);
  return resourcesOf(template, 'AWS::IAM::Policy')
    .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
}
const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const envOf = (fn: TesseraFunction) => resources[logicalId(fn)]?.Properties.Environment.Variables;

describe('Odoo sync', () => {
  it('consumes exactly the events its handler applies, from the bus, in one route', () => {
    // Assess: the routing table spells the list the handler exports (lib/ may not import handler code).
    expect([...ODOO_SYNC_ROUTE_EVENT_TYPES]).toEqual([...ODOO_SYNC_EVENT_TYPES]);
    const route = ROUTES.find((r) => r.consumer === 'odoo-sync');
    const rule = ruleOf(route?.name ?? '');
    expect(rule?.EventPattern['detail-type']).toEqual([...ODOO_SYNC_EVENT_TYPES]);
    expect(rule?.EventBusName).toEqual(fromStateful(stateful.bus.eventBusName));
    expect(JSON.stringify(rule?.Targets[0].Arn)).toContain(logicalId(odoo?.syncFunction as TesseraFunction));
  });

  it('keeps every failed update in one alarmed dead-letter queue, as the original event, for tessera odoo replay', () => {
    // Prepare
    const queueId = logicalId(odoo?.deadLetterQueue as never);
    const fn = resources[logicalId(odoo?.syncFunction as TesseraFunction)]?.Properties;
    const route = ROUTES.find((r) => r.consumer === 'odoo-sync');

    // Assess: Lambda's own DLQ (whose messages are the event itself) is also the rule's DLQ.
    expect(fn.DeadLetterConfig).toEqual({ TargetArn: { 'Fn::GetAtt': [queueId, 'Arn'] } });
    expect(ruleOf(route?.name ?? '')?.Targets[0].DeadLetterConfig).toEqual({
      Arn: { 'Fn::GetAtt': [queueId, 'Arn'] },
    });
    const invokeConfig = resourcesOf(template, 'AWS::Lambda::EventInvokeConfig').find(
      ([, c]) => c.Properties.FunctionName.Ref === logicalId(odoo?.syncFunction as TesseraFunction),
    );
    expect(invokeConfig?.[1].Properties.DestinationConfig).toBeUndefined();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
    });
    const output = template.toJSON().Outputs.OdooSyncDeadLetterQueueUrl;
    expect(output.Value).toEqual({ Ref: queueId });
    expect(output.Description).toContain('tessera odoo replay --queue-url');
  });

  it('gets the Odoo settings from configuration and reads only its own two secrets', () => {
    // Assess
    expect(envOf(odoo?.syncFunction as TesseraFunction)).toMatchObject({
      ODOO_SYNC_MODE: 'both',
      ODOO_URL: 'https://odoo.retailer.example',
      ODOO_DATABASE: 'retailer',
      ODOO_LOGIN: 'tessera-integration',
      ODOO_API: 'jsonrpc',
      ODOO_API_KEY_SECRET_ARN: fromStateful(stateful.odooApiKeySecret.secretArn),
      ODOO_WEBHOOK_URL_SECRET_ARN: fromStateful(stateful.odooAutomationWebhookUrlSecret.secretArn),
    });
    const secretResources = statementsOf(odoo?.syncFunction.role as never)
      .filter((s) => actionsOf(s).some((a) => a.startsWith('secretsmanager:')))
      .flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]));
    expect(secretResources).toEqual(
      expect.arrayContaining([
        fromStateful(stateful.odooApiKeySecret.secretArn),
        fromStateful(stateful.odooAutomationWebhookUrlSecret.secretArn),
      ]),
    );
    expect(secretResources).toHaveLength(2);
  });

  it('creates the API key and webhook URL secrets empty, for an operator to fill', () => {
    // Assess: no generated value (CloudFormation creates a secret without a version).
    for (const secret of [stateful.odooApiKeySecret, stateful.odooAutomationWebhookUrlSecret]) {
      const props =
        tessera.statefulTemplate.toJSON().Resources[
          stateful.getLogicalId(secret.node.defaultChild as CfnResource)
        ].Properties;
      expect(props.GenerateSecretString).toBeUndefined();
      expect(props.SecretString).toBeUndefined();
      expect(props.KmsKeyId).toBeDefined();
    }
  });
});

describe('interventions', () => {
  const machine = resourcesOf(template, 'AWS::StepFunctions::StateMachine').find(
    ([id]) => id === logicalId(interventions?.stateMachine as never),
  )?.[1].Properties as CfnJson;

  it('runs the ASL file as a Standard workflow, every placeholder substituted with a task function', () => {
    // Prepare
    const placeholders = placeholdersOf(
      readFileSync(resolve(process.cwd(), INTERVENTION_WORKFLOW_FILE), 'utf8'),
    );

    // Assess
    expect(machine.StateMachineType).toBe('STANDARD');
    expect(Object.keys(machine.DefinitionSubstitutions).sort()).toEqual(placeholders);
    for (const name of placeholders) {
      const task = interventions?.tasks[name] as TesseraFunction;
      expect(machine.DefinitionSubstitutions[name], name).toEqual({ 'Fn::GetAtt': [logicalId(task), 'Arn'] });
    }
  });

  it('logs ALL events, without execution data, to a log group encrypted with the data key, and traces', () => {
    // Assess
    expect(machine.TracingConfiguration).toEqual({ Enabled: true });
    expect(machine.LoggingConfiguration).toMatchObject({ Level: 'ALL', IncludeExecutionData: false });
    const logGroup = resources[logicalId(interventions?.logGroup as never)]?.Properties;
    expect(logGroup.KmsKeyId).toEqual(fromStateful(stateful.key.keyArn));
    const keyPolicy = JSON.stringify(
      tessera.statefulTemplate.toJSON().Resources[
        stateful.getLogicalId(stateful.key.node.defaultChild as never)
      ].Properties.KeyPolicy,
    );
    expect(keyPolicy).toContain('kms:EncryptionContext:aws:logs:arn');
  });

  it('lets only the approval page resume a waiting execution, on this state machine only', () => {
    // Prepare
    const functions = [...Object.values(interventions?.tasks ?? {}), interventions?.trigger];
    const taskResponse = (fn: { role?: unknown }) =>
      statementsOf(fn.role as never).filter((s) => actionsOf(s).some((a) => a.startsWith('states:SendTask')));

    // Assess
    expect(taskResponse(interventions?.approvalPage as TesseraFunction).map((s) => s.Resource)).toEqual([
      { Ref: logicalId(interventions?.stateMachine as never) },
    ]);
    for (const fn of functions)
      expect(taskResponse(fn as TesseraFunction), (fn as TesseraFunction).serviceName).toEqual([]);
  });

  it('sends mail only as the configured SES identity and sender', () => {
    for (const fn of [interventions?.approvalPage, interventions?.tasks.RequestApprovalFunctionArn]) {
      const ses = statementsOf((fn as TesseraFunction).role as never).filter((s) =>
        actionsOf(s).some((a) => a.startsWith('ses:')),
      );
      expect(ses).toEqual([
        expect.objectContaining({
          Action: 'ses:SendEmail',
          Resource: expect.objectContaining({
            'Fn::Join': ['', expect.arrayContaining([':identity/retailer.example'])],
          }),
          Condition: { StringEquals: { 'ses:FromAddress': 'approvals@mail.retailer.example' } },
        }),
      ]);
      expect(envOf(fn as TesseraFunction).SES_FROM_ADDRESS).toBe('approvals@mail.retailer.example');
    }
  });

  it('serves the approval page on GET and POST /approvals/{approvalId}, where the signed link authenticates', () => {
    // Prepare
    const pathOf = (resourceId: string): string => {
      const resource = resources[resourceId]?.Properties;
      if (!resource) return '';
      return `${resource.ParentId.Ref ? pathOf(resource.ParentId.Ref) : ''}/${resource.PathPart}`;
    };
    const approvalMethods = resourcesOf(template, 'AWS::ApiGateway::Method')
      .map(([, m]) => m.Properties)
      .filter((m) => pathOf(m.ResourceId.Ref).startsWith('/approvals'));

    // Assess
    expect(approvalMethods.map((m) => `${m.HttpMethod} ${pathOf(m.ResourceId.Ref)}`).sort()).toEqual([
      'GET /approvals/{approvalId}',
      'POST /approvals/{approvalId}',
    ]);
    for (const method of approvalMethods) {
      expect(JSON.stringify(method.Integration.Uri)).toContain(
        logicalId(interventions?.approvalPage as TesseraFunction),
      );
    }
    // Links in the emails point at that page, on the API's stage.
    const base = JSON.stringify(
      envOf(interventions?.tasks.RequestApprovalFunctionArn as TesseraFunction).APPROVAL_BASE_URL,
    );
    expect(base).toContain(logicalId(stateless.ingestion.api as never));
    expect(base).toContain('/v1/');
  });

  it('starts executions from the interventions routes through the trigger function', () => {
    for (const route of ROUTES.filter((r) => r.consumer === 'interventions')) {
      expect(JSON.stringify(ruleOf(route.name)?.Targets[0].Arn), route.name).toContain(
        logicalId(interventions?.trigger as TesseraFunction),
      );
    }
    const start = statementsOf(interventions?.trigger.role as never).filter((s) =>
      actionsOf(s).includes('states:StartExecution'),
    );
    expect(start.map((s) => s.Resource)).toEqual([{ Ref: logicalId(interventions?.stateMachine as never) }]);
  });
});
