/** The local Step Functions runner's callback API and resumption, on a two-task state machine. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TaskDoesNotExist } from '@aws-sdk/client-sfn';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LocalStepFunctions, type WaitingTask } from '../../../local/stepfunctions/runner.js';

const folder = mkdtempSync(join(tmpdir(), 'tessera-runner-'));
const definitionFile = join(folder, 'callback.asl.json');
/** `${Name}` as the ASL files write their substitutions. */
const STEP_ARN = `\${StepFunctionArn}`;
writeFileSync(
  definitionFile,
  JSON.stringify({
    StartAt: 'Prepare',
    States: {
      Prepare: {
        Type: 'Task',
        Resource: STEP_ARN,
        ResultPath: '$.prepared',
        Next: 'AwaitAnswer',
      },
      AwaitAnswer: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { FunctionName: STEP_ARN, Payload: { step: 'ask', 'value.$': '$.value' } },
        TimeoutSeconds: 3600,
        ResultPath: '$.answer',
        End: true,
      },
    },
  }),
);
afterAll(() => rm(folder, { recursive: true, force: true }));

let runner: LocalStepFunctions;
afterEach(() => runner?.stop());

function makeRunner() {
  const calls: unknown[] = [];
  const waiting: WaitingTask[] = [];
  let told: (task: WaitingTask) => void = () => undefined;
  runner = new LocalStepFunctions({
    definitionFile,
    stateMachineName: 'callback',
    functionPlaceholders: { StepFunctionArn: 'step' },
    functions: {
      step: async (event) => {
        calls.push(event);
        return { prepared: true };
      },
    },
    onTaskWaiting: (task) => {
      waiting.push(task);
      told(task);
    },
  });
  const nextWaiting = () => new Promise<WaitingTask>((resolve) => (told = resolve));
  return { calls, waiting, nextWaiting };
}

describe('LocalStepFunctions callbacks', () => {
  it('tells the hook which token waits, and succeed() ends the execution with the answer', async () => {
    // Prepare
    const { waiting, nextWaiting } = makeRunner();
    const told = nextWaiting();
    const execution = runner.start('one', { value: 7 });
    const task = await told;
    // Act
    await runner.succeed(task.taskToken, { approved: true });
    const done = await execution.done;
    // Assess
    expect(task).toMatchObject({ stateName: 'AwaitAnswer', payload: { step: 'ask', value: 7 } });
    expect(task.payload.taskToken).toBe(task.taskToken);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.output).toMatchObject({ value: 7, answer: { approved: true } });
    expect(runner.isWaiting(task.taskToken)).toBe(false);
    expect(waiting).toHaveLength(1);
    await expect(runner.succeed(task.taskToken, {})).rejects.toBeInstanceOf(TaskDoesNotExist);
  });

  it('fail() fails the waiting state with the error and cause given', async () => {
    // Prepare
    const { nextWaiting } = makeRunner();
    const told = nextWaiting();
    const execution = runner.start('two', { value: 1 });
    const task = await told;
    // Act
    await runner.fail(task.taskToken, 'Rejected', 'the reviewer said no');
    // Assess
    expect(await execution.done).toMatchObject({
      status: 'FAILED',
      error: 'Rejected',
      cause: 'the reviewer said no',
    });
  });

  it('startFrom() resumes at a later state with the input it would have had, skipping the states before', async () => {
    // Prepare
    const { calls, nextWaiting } = makeRunner();
    const told = nextWaiting();
    // Act
    const execution = runner.startFrom('resumed', 'AwaitAnswer', { value: 3, prepared: { prepared: true } });
    const task = await told;
    await runner.succeed(task.taskToken, 'yes');
    // Assess
    expect((await execution.done).output).toMatchObject({ value: 3, answer: 'yes' });
    expect(calls).toEqual([{ step: 'ask', value: 3, taskToken: task.taskToken }]);
    expect(() => runner.startFrom('nowhere', 'NoSuchState', {})).toThrow(/no state NoSuchState/);
  });
});
