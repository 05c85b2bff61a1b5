import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { describe, expect, it } from 'vitest';
import { DeadLetterQueue } from '../../lib/constructs/dead-letter-queue.js';
import { Observability } from '../../lib/constructs/observability.js';
import { resourcesOf } from './tessera-app-fixture.js';

// A small stack with no bundled code: what a later capability adds (a queue, a state machine) is alarmed
// by watchAll without that capability doing anything.
function stackWithCapability() {
  const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'capability');
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const observability = new Observability(stack, 'Observability', {
    stage: 'test',
    key,
    alarmEmail: 'ops@example.com',
  });
  const queue = new DeadLetterQueue(stack, 'Dlq', { key, purpose: 'test' });
  const workflow = new sfn.StateMachine(stack, 'Workflow', {
    definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Step')),
  });
  return { stack, observability, queue, workflow };
}

describe('observability', () => {
  it('alarms on every queue and state machine it finds, once, into the encrypted alarm topic', () => {
    // Prepare
    const { stack, observability, queue, workflow } = stackWithCapability();

    // Act: a second call must not duplicate alarms.
    observability.watchAll(stack);
    observability.watchAll(stack);

    // Assess
    const template = Template.fromStack(stack);
    const alarms = resourcesOf(template, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    expect(alarms).toHaveLength(2);
    const topicId = stack.getLogicalId(observability.alarmTopic.node.defaultChild as never);
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
    const queueId = stack.getLogicalId(queue.node.defaultChild as never);
    expect(alarms.find((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible')?.Dimensions).toEqual([
      { Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } },
    ]);
    const workflowId = stack.getLogicalId(workflow.node.defaultChild as never);
    const executions = alarms.find((a) => a.Metrics !== undefined);
    expect(JSON.stringify(executions?.Metrics)).toContain('ExecutionsFailed');
    expect(JSON.stringify(executions?.Metrics)).toContain(workflowId);
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });
});
