import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import {
  ExecutionAlreadyExists,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SesMailSender } from '../../../lambdas/adapters/sesv2/ses-mail-sender.js';
import { SfnTaskCallbacks, SfnWorkflowStarter } from '../../../lambdas/adapters/sfn/step-functions.js';

const ses = mockClient(SESv2Client);
const sfn = mockClient(SFNClient);
afterEach(() => {
  ses.reset();
  sfn.reset();
});

describe('SES v2 mail sender', () => {
  it('sends HTML and plain text from the configured address, without a tracking configuration set', async () => {
    // Prepare
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    const sender = new SesMailSender(new SESv2Client({ region: 'eu-west-1' }), 'approvals@retailer.example');
    // Act
    const result = await sender.send({
      to: ['care@retailer.example'],
      subject: 'S',
      text: 'T',
      html: '<p>H</p>',
    });
    // Assess
    expect(result.messageId).toBe('m-1');
    const input = ses.commandCalls(SendEmailCommand)[0]?.args[0].input;
    expect(input?.FromEmailAddress).toBe('approvals@retailer.example');
    expect(input?.Destination?.ToAddresses).toEqual(['care@retailer.example']);
    expect(input?.Content?.Simple?.Body?.Text?.Data).toBe('T');
    expect(input?.Content?.Simple?.Body?.Html?.Data).toBe('<p>H</p>');
    expect(input?.ConfigurationSetName).toBeUndefined();
  });
});

describe('Step Functions adapters', () => {
  it('sends the decision as task success or failure, and reports a timed-out task as gone', async () => {
    sfn.on(SendTaskSuccessCommand).resolves({});
    sfn.on(SendTaskFailureCommand).rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));
    const callbacks = new SfnTaskCallbacks(new SFNClient({ region: 'eu-west-1' }));
    expect(await callbacks.succeed('token-1', { decision: 'approved' })).toBe('delivered');
    expect(await callbacks.fail('token-2', 'Intervention.Rejected', '{}')).toBe('gone');
    expect(sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input).toEqual({
      taskToken: 'token-1',
      output: '{"decision":"approved"}',
    });
  });

  it('treats an execution that already exists as started, and lets other errors through', async () => {
    sfn
      .on(StartExecutionCommand)
      .rejectsOnce(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }))
      .rejectsOnce(new Error('AccessDenied'));
    const starter = new SfnWorkflowStarter(new SFNClient({ region: 'eu-west-1' }), 'arn:sm');
    expect(await starter.start('iv_1', {})).toBe('already_started');
    await expect(starter.start('iv_2', {})).rejects.toThrow('AccessDenied');
  });
});
