import { SendTaskFailureCommand, SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { TaskCallbacks } from './ports.js';

/** SendTaskSuccess / SendTaskFailure behind the TaskCallbacks port (the local runner implements it too). */
export class StepFunctionsTaskCallbacks implements TaskCallbacks {
  constructor(private readonly client: Pick<SFNClient, 'send'>) {}

  async succeed(taskToken: string, output: unknown): Promise<void> {
    await this.client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
  }

  async fail(taskToken: string, error: string, cause: string): Promise<void> {
    await this.client.send(
      new SendTaskFailureCommand({ taskToken, error: error.slice(0, 256), cause: cause.slice(0, 32_768) }),
    );
  }
}
