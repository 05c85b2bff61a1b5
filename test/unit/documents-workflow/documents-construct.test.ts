import { mkdirSync, mkdtempSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { Documents } from '../../../lib/constructs/documents.js';
import { type TableKey, TableLayouts } from '../../../lib/shared/tables.js';
import { type TableRef, tableEnvironmentVariable } from '../../../lib/stateful-stack.js';

let template: Template;

beforeAll(() => {
  const parent = resolve(process.cwd(), 'cdk.out');
  mkdirSync(parent, { recursive: true });
  const app = new App({ outdir: mkdtempSync(join(parent, 'documents-')) });
  const stack = new Stack(app, 'DocumentsTest', { env: { account: '123456789012', region: 'eu-west-1' } });
  const key = new kms.Key(stack, 'Key');
  const tables = Object.fromEntries(
    (Object.keys(TableLayouts) as TableKey[]).map((k) => [
      k,
      {
        key: k,
        table: new dynamodb.Table(stack, `T-${k}`, {
          partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
          sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
        }),
        environmentVariable: tableEnvironmentVariable(k),
      } satisfies TableRef,
    ]),
  ) as unknown as Record<TableKey, TableRef>;
  new Documents(stack, 'Documents', {
    stage: 'test',
    bus: new events.EventBus(stack, 'Bus'),
    key,
    tables,
    bucket: new s3.Bucket(stack, 'Bucket', { encryptionKey: key }),
    api: new apigateway.RestApi(stack, 'Api'),
    logRetention: logs.RetentionDays.ONE_WEEK,
  });
  template = Template.fromStack(stack);
});

describe('Documents construct', () => {
  it('builds the state machine from the ASL file with the workflow function substituted', () => {
    // Prepare / Act: synthesised above
    const machines = template.findResources('AWS::StepFunctions::StateMachine');
    // Assess
    const [machine] = Object.values(machines) as {
      Properties: { DefinitionS3Location?: unknown; DefinitionSubstitutions?: Record<string, unknown> };
    }[];
    // fromFile ships the ASL file itself as an asset: the deployed definition is the tested file.
    expect(machine?.Properties.DefinitionS3Location).toBeDefined();
    expect(Object.keys(machine?.Properties.DefinitionSubstitutions ?? {})).toEqual([
      'DocumentsWorkflowFunctionArn',
    ]);
  });

  it('lets only Textract assume the publishing role, which may publish to the completion topic', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'textract.amazonaws.com' } })],
      },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'lambda' });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
  });

  it('grants SendTaskSuccess on this state machine only, to the callback and review functions', () => {
    const policies = template.findResources('AWS::IAM::Policy');
    const taskResponse = Object.values(policies).flatMap((p) =>
      (
        p as { Properties: { PolicyDocument: { Statement: { Action: unknown; Resource: unknown }[] } } }
      ).Properties.PolicyDocument.Statement.filter((s) =>
        JSON.stringify(s.Action).includes('states:SendTaskSuccess'),
      ),
    );
    expect(taskResponse).toHaveLength(2);
    for (const statement of taskResponse)
      expect(JSON.stringify(statement.Resource)).toContain('DocumentsStateMachine');
  });

  it('protects every documents route with IAM authorisation', () => {
    const methods = Object.values(template.findResources('AWS::ApiGateway::Method')) as {
      Properties: { HttpMethod: string; AuthorizationType: string };
    }[];
    const documentMethods = methods.filter((m) => m.Properties.HttpMethod !== 'OPTIONS');
    expect(documentMethods.length).toBe(5);
    expect(documentMethods.every((m) => m.Properties.AuthorizationType === 'AWS_IAM')).toBe(true);
  });
});
