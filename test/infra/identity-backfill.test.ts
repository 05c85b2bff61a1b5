import { rmSync } from 'node:fs';
import type { CfnResource } from 'aws-cdk-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { identityBackfillDefinition } from '../../lib/constructs/identity-backfill.js';
import { type CfnJson, resourcesOf, synthesiseTessera } from './tessera-app-fixture.js';

// No bundling: these assertions read the template only.
const tessera = synthesiseTessera({ bundle: false });
afterAll(() => rmSync(tessera.outdir, { recursive: true, force: true }));
const { stateless, stateful, statelessTemplate: template } = tessera;
const backfill = stateless.identityBackfill;
const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  stateless.getLogicalId(construct.node.defaultChild as CfnResource);
const fromStateful = (value: string) => stateless.resolve(value);
/** A definition substitution as written in the ASL file. */
const placeholder = (name: string) => `\${${name}}`;

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: CfnJson;
}
function statementsOfRole(roleId: string): Statement[] {
  return resourcesOf(template, 'AWS::IAM::Policy')
    .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
}
const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const resourcesOfStatement = (s: Statement) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);

const [, machine] = resourcesOf(template, 'AWS::StepFunctions::StateMachine').find(
  ([id]) => id === logicalId(backfill.stateMachine),
) as [string, { Properties: Record<string, CfnJson> }];
const definition = JSON.parse(machine.Properties.DefinitionString);
const map = definition.States.ResolveEvents;

describe('identity backfill state machine', () => {
  it('is a Standard state machine whose Distributed Map reads a JSONL file of the documents bucket', () => {
    expect(machine.Properties.StateMachineType).toBe('STANDARD');
    expect(machine.Properties.StateMachineName).toBe('tessera-dev-identity-backfill');
    expect(map.Type).toBe('Map');
    expect(map.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' });
    expect(map.ItemReader).toEqual({
      Resource: 'arn:aws:states:::s3:getObject',
      ReaderConfig: { InputType: 'JSONL' },
      Parameters: { Bucket: placeholder('BucketName'), 'Key.$': '$.key' },
    });
    expect(machine.Properties.DefinitionSubstitutions.BucketName).toEqual(
      fromStateful(stateful.documentsBucket.bucketName),
    );
  });

  it('hands lines to the processor in batches, with the line index, the file key and the sender', () => {
    expect(map.ItemSelector).toEqual({ 'index.$': '$$.Map.Item.Index', 'event.$': '$$.Map.Item.Value' });
    expect(map.ItemBatcher.MaxItemsPerBatch).toBe(100);
    // Under Step Functions' 256 KiB limit on a child execution's input.
    expect(map.ItemBatcher.MaxInputBytesPerBatch).toBeLessThanOrEqual(256 * 1024);
    expect(map.ItemBatcher.BatchInput).toEqual({ 'key.$': '$.key', 'source.$': '$.source' });
    const task = map.ItemProcessor.States.ResolveBatch;
    expect(task.Resource).toBe(placeholder('ProcessorFunctionArn'));
    expect(machine.Properties.DefinitionSubstitutions.ProcessorFunctionArn).toEqual({
      'Fn::GetAtt': [logicalId(backfill.processor), 'Arn'],
    });
    expect(task.Retry[0].ErrorEquals).toContain('Lambda.TooManyRequestsException');
  });

  it('bounds concurrency modestly by default, tolerates a share of failures and writes every result to S3', () => {
    expect(map.MaxConcurrency).toBe(10);
    expect(map.ToleratedFailurePercentage).toBe(5);
    expect(map.ResultWriter).toEqual({
      Resource: 'arn:aws:states:::s3:putObject',
      Parameters: { Bucket: placeholder('BucketName'), Prefix: 'backfill/results' },
    });
    // A batch with invalid lines fails, so the ResultWriter keeps its input and the lines that failed.
    const fail = map.ItemProcessor.States.ReportInvalidLines;
    expect(map.ItemProcessor.States.AnyInvalidLines.Choices[0]).toMatchObject({
      Variable: '$.failed',
      NumericGreaterThan: 0,
      Next: 'DescribeInvalidLines',
    });
    expect(map.ItemProcessor.States.DescribeInvalidLines.Parameters).toEqual({
      'cause.$': 'States.JsonToString($.failures)',
    });
    expect(fail).toMatchObject({
      Type: 'Fail',
      Error: 'Tessera.Backfill.InvalidLines',
      CausePath: '$.cause',
    });
  });

  it('takes concurrency and tolerance from the deployment settings', () => {
    const configured = JSON.parse(
      identityBackfillDefinition({ maxConcurrency: 40, toleratedFailurePercentage: 0 }),
    ).States.ResolveEvents;
    expect(configured.MaxConcurrency).toBe(40);
    expect(configured.ToleratedFailurePercentage).toBe(0);
  });

  it('logs errors without execution data and traces', () => {
    expect(machine.Properties.TracingConfiguration).toEqual({ Enabled: true });
    expect(machine.Properties.LoggingConfiguration).toMatchObject({
      Level: 'ERROR',
      IncludeExecutionData: false,
    });
  });

  it('outputs its ARN for `tessera identity backfill --aws`', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: CfnJson }>;
    expect(outputs.IdentityBackfillStateMachineArn?.Value).toEqual({ Ref: logicalId(backfill.stateMachine) });
  });
});

describe('identity backfill permissions', () => {
  const machineStatements = statementsOfRole(
    stateless.getLogicalId(backfill.stateMachine.role.node.defaultChild as CfnResource),
  );
  const bucketArn = JSON.stringify(fromStateful(stateful.documentsBucket.bucketArn));
  const onlyOn = (action: string) =>
    machineStatements
      .filter((s) => actionsOf(s).includes(action))
      .flatMap(resourcesOfStatement)
      .map((r) => JSON.stringify(r));

  it('lets the state machine read backfill/input/* only and write results under backfill/results/* only', () => {
    const readable = onlyOn('s3:GetObject');
    expect(readable).toHaveLength(2);
    expect(readable.every((r) => r.includes(bucketArn.slice(1, -1)))).toBe(true);
    expect(readable.some((r) => r.includes('/backfill/input/*'))).toBe(true);
    expect(onlyOn('s3:PutObject')).toEqual([expect.stringContaining('/backfill/results/*')]);
    expect(
      machineStatements
        .flatMap(actionsOf)
        .filter((a) => a.startsWith('s3:'))
        .sort(),
    ).toEqual([
      's3:AbortMultipartUpload',
      's3:GetObject',
      's3:GetObject',
      's3:ListMultipartUploadParts',
      's3:PutObject',
    ]);
  });

  it('lets the state machine invoke the processor function only, and start its own child executions', () => {
    expect(onlyOn('lambda:InvokeFunction')).toEqual([
      JSON.stringify({ 'Fn::GetAtt': [logicalId(backfill.processor), 'Arn'] }),
    ]);
    expect(onlyOn('states:StartExecution')).toEqual([
      expect.stringContaining(':stateMachine:tessera-dev-identity-backfill"'),
    ]);
    expect(onlyOn('states:DescribeExecution')).toEqual([
      expect.stringContaining(':execution:tessera-dev-identity-backfill/*"'),
    ]);
  });

  it('gives the processor the customers table and the bus, and no access to the bucket', () => {
    const processorStatements = statementsOfRole(logicalId(backfill.processor.role as never));
    const actions = processorStatements.flatMap(actionsOf);
    expect(actions).toEqual(
      expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'events:PutEvents']),
    );
    expect(actions.filter((a) => a.startsWith('s3:'))).toEqual([]);
    const tableArn = JSON.stringify(fromStateful(stateful.tables.customers.table.tableArn));
    const dynamoResources = processorStatements
      .filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')))
      .flatMap(resourcesOfStatement)
      .map((r) => JSON.stringify(r));
    expect(dynamoResources.every((r) => r.includes(tableArn))).toBe(true);
  });
});

describe('identity backfill processor settings', () => {
  it('folds profiles under the same survivorship rules as the live consumer and the review API', () => {
    // Prepare
    const rules = '{"attributes":{"email":"most-frequent"}}';
    const configured = synthesiseTessera({
      bundle: false,
      context: { 'tessera:identitySurvivorship': rules },
    });

    // Act
    const survivorshipOf = (fn: { node: { defaultChild?: unknown } }) => {
      const id = configured.stateless.getLogicalId(fn.node.defaultChild as CfnResource);
      const [, resource] = resourcesOf(configured.statelessTemplate, 'AWS::Lambda::Function').find(
        ([logical]) => logical === id,
      ) as [string, { Properties: { Environment: { Variables: Record<string, string> } } }];
      return resource.Properties.Environment.Variables.IDENTITY_SURVIVORSHIP;
    };
    const { identity, identityBackfill } = configured.stateless;
    const seen = [identity.resolver, identity.reviewFunction, identityBackfill.processor].map(survivorshipOf);
    rmSync(configured.outdir, { recursive: true, force: true });

    // Assess
    expect(JSON.parse(String(seen[0]))).toEqual({ attributes: { email: { rule: 'most-frequent' } } });
    expect(seen[1]).toBe(seen[0]);
    expect(seen[2]).toBe(seen[0]);
  });
});
