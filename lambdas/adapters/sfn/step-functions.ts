import {
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { TaskCallbackResult, TaskCallbacks, WorkflowStarter } from '../../core/interventions/ports.js';

/** The calls we make on Step Functions; the local runner answers them too. */
export interface SfnCommandClient {
  send(command: StartExecutionCommand | SendTaskSuccessCommand | SendTaskFailureCommand): Promise<object>;
}

/** Errors meaning the waiting task is gone (timed out, ended, or never existed): the decision came too late. */
const GONE = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/** SendTaskSuccess / SendTaskFailure. Output and cause stay within Step Functions' 256 KB / 32 KB limits. */
export class SfnTaskCallbacks implements TaskCallbacks {
  constructor(private readonly client: SfnCommandClient | SFNClient) {}

  async succeed(taskToken: string, output: unknown): Promise<TaskCallbackResult> {
    return this.call(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
  }

  async fail(taskToken: string, error: string, cause: string): Promise<TaskCallbackResult> {
    return this.call(
      new SendTaskFailureCommand({ taskToken, error: error.slice(0, 256), cause: cause.slice(0, 32_768) }),
    );
  }

  private async call(command: SendTaskSuccessCommand | SendTaskFailureCommand): Promise<TaskCallbackResult> {
    try {
      await (this.client as SfnCommandClient).send(command);
      return 'delivered';
    } catch (error) {
      if (error instanceof Error && GONE.has(error.name)) return 'gone';
      throw error;
    }
  }
}

/** StartExecution with the intervention id as the execution name, so a redelivered trigger starts nothing new. */
export class SfnWorkflowStarter implements WorkflowStarter {
  constructor(
    private readonly client: SfnCommandClient | SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(name: string, input: unknown): Promise<'started' | 'already_started'> {
    try {
      await (this.client as SfnCommandClient).send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name,
          input: JSON.stringify(input),
        }),
      );
      return 'started';
    } catch (error) {
      // Same name with another input: it was started for this trigger already (input differs only in time).
      if (error instanceof Error && error.name === 'ExecutionAlreadyExists') return 'already_started';
      throw error;
    }
  }
}
