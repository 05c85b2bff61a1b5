/**
 * Runs stepfunctions/document-processing.asl.json on aws-local-stepfunctions, every Task state mapped to
 * the same workflow handler the Lambda runs. `.waitForTaskToken` is emulated: the task is given a fresh
 * token and the state waits until `succeed`/`fail` is called with it (the local SendTaskSuccess/Failure).
 *
 * Written for the document workflow while the generic runner (local/stepfunctions) is being built; it keeps
 * to the same idea so it can be swapped for that one in one place (createLocalDocumentWorkflow).
 */
import '../polyfills.js';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExecutionError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { TaskCallbacks } from '../../lambdas/documents-workflow/ports.js';

const WAIT_FOR_TOKEN = /\.waitForTaskToken$/;

export const DOCUMENT_WORKFLOW_ASL = resolve(
  fileURLToPath(new URL('.', import.meta.url)),
  '../../stepfunctions/document-processing.asl.json',
);

export type TaskFunction = (payload: unknown) => Promise<unknown>;

export interface ExecutionResult {
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
}

interface Waiting {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

export interface LocalWorkflowRunnerOptions {
  /** Replaces every Retry interval (ms) so local runs and tests do not sleep through real backoff. */
  readonly retryIntervalMs?: number;
  /** Told when a task has handed out its token and the execution now waits for the callback. */
  readonly onTaskWaiting?: (payload: unknown, taskToken: string) => void;
}

/** The local Step Functions for one ASL file, and its callback API. */
export class LocalWorkflowRunner implements TaskCallbacks {
  private readonly waiting = new Map<string, Waiting>();

  /** TimeoutSeconds of the callback states, applied by the runner with timers that do not hold the process. */
  private readonly callbackTimeouts = new Map<string, number>();

  private constructor(
    private readonly definition: StateMachineDefinition,
    private readonly task: TaskFunction,
    private readonly options: LocalWorkflowRunnerOptions,
  ) {}

  /** `substitutions` replace `${Name}` in the file, as DefinitionBody.fromFile does in the CDK. */
  static async fromFile(
    path: string,
    substitutions: Readonly<Record<string, string>>,
    task: TaskFunction,
    options: LocalWorkflowRunnerOptions = {},
  ): Promise<LocalWorkflowRunner> {
    let text = await readFile(path, 'utf8');
    for (const [name, value] of Object.entries(substitutions)) text = text.replaceAll(`\${${name}}`, value);
    const left = /\$\{([A-Za-z0-9_]+)\}/.exec(text);
    if (left) throw new Error(`${path}: no substitution given for \${${left[1]}}`);
    const definition = JSON.parse(text) as StateMachineDefinition;
    const runner = new LocalWorkflowRunner(definition, task, options);
    for (const [name, state] of Object.entries(definition.States)) {
      if (state.Type === 'Task' && WAIT_FOR_TOKEN.test(state.Resource) && state.TimeoutSeconds) {
        runner.callbackTimeouts.set(name, state.TimeoutSeconds);
        // aws-local-stepfunctions would hold a timer of that length (days) and keep the process alive.
        delete state.TimeoutSeconds;
      }
    }
    return runner;
  }

  /** Tokens of the tasks now waiting for a callback. */
  get waitingTokens(): string[] {
    return [...this.waiting.keys()];
  }

  async succeed(taskToken: string, output: unknown): Promise<void> {
    this.take(taskToken).resolve(output);
  }

  async fail(taskToken: string, error: string, cause: string): Promise<void> {
    const failure = new Error(cause);
    failure.name = error;
    this.take(taskToken).reject(failure);
  }

  isWaiting(taskToken: string): boolean {
    return this.waiting.has(taskToken);
  }

  /**
   * Continues an execution from `startAt` with the state input it would have had there: how the local
   * runtime resumes an execution whose process has ended while it waited for a callback (Step Functions
   * keeps such executions for up to a year; a local process does not).
   */
  executeFrom(startAt: string, input: unknown): Promise<ExecutionResult> {
    if (!this.definition.States[startAt]) throw new Error(`the state machine has no state ${startAt}`);
    // The states before startAt are unreachable in this copy, which the validator refuses; the file itself
    // was validated by every full execution.
    return this.run({ ...this.definition, StartAt: startAt }, input, { noValidate: true });
  }

  /** Runs one execution to its end (a waiting task keeps it open until its callback arrives). */
  execute(input: unknown): Promise<ExecutionResult> {
    return this.run(this.definition, input);
  }

  private async run(
    definition: StateMachineDefinition,
    input: unknown,
    validation: { noValidate?: boolean } = {},
  ): Promise<ExecutionResult> {
    const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
    const retryIntervalOverrides: Record<string, number> = {};
    for (const [name, state] of Object.entries(definition.States)) {
      if (state.Type !== 'Task') continue;
      handlers[name] = WAIT_FOR_TOKEN.test(state.Resource)
        ? (payload) => this.invokeAndWait(payload, name)
        : /^arn:aws:states:::lambda:invoke$/.test(state.Resource)
          ? async (payload) => ({ Payload: await this.task(unwrap(payload)) })
          : (payload) => this.task(payload);
      if (this.options.retryIntervalMs !== undefined)
        retryIntervalOverrides[name] = this.options.retryIntervalMs;
    }
    const machine = new StateMachine(definition, {
      validationOptions: { checkArn: false, checkPaths: true, ...validation },
    });
    const execution = machine.run(input as never, {
      overrides: { taskResourceLocalHandlers: handlers as never, retryIntervalOverrides },
      context: { Task: { Token: 'local-token' } },
    });
    try {
      return { status: 'SUCCEEDED', output: await execution.result };
    } catch (error) {
      if (error instanceof ExecutionError) {
        const cause = error.cause as { name?: string; message?: string } | undefined;
        return {
          status: 'FAILED',
          error: cause?.name ?? error.name,
          cause: cause?.message ?? error.message,
        };
      }
      throw error;
    }
  }

  private async invokeAndWait(payload: unknown, stateName: string): Promise<unknown> {
    // One fresh token per waiting task, handed to the task in place of the context's placeholder.
    const token = `local:${randomUUID()}`;
    const inner = { ...(unwrap(payload) as Record<string, unknown>), taskToken: token };
    const promise = new Promise<unknown>((resolve, reject) => this.waiting.set(token, { resolve, reject }));
    const timeoutSeconds = this.callbackTimeouts.get(stateName);
    if (timeoutSeconds) {
      const timer = setTimeout(
        () => {
          const waiting = this.waiting.get(token);
          if (!waiting) return;
          this.waiting.delete(token);
          const error = new Error(`${stateName} waited ${timeoutSeconds} s for its callback`);
          error.name = 'States.Timeout';
          waiting.reject(error);
        },
        Math.min(timeoutSeconds * 1000, 2_147_483_647),
      );
      // An execution waiting for a person must not keep a finished command's process alive.
      timer.unref();
    }
    try {
      await this.task(inner);
    } catch (error) {
      this.waiting.delete(token);
      throw error;
    }
    this.options.onTaskWaiting?.(inner, token);
    return promise;
  }

  private take(taskToken: string): Waiting {
    const waiting = this.waiting.get(taskToken);
    if (!waiting) {
      // Step Functions answers TaskTimedOut / InvalidToken for a token no task waits on.
      const error = new Error(`no local task is waiting for token ${taskToken}`);
      error.name = 'TaskTimedOut';
      throw error;
    }
    this.waiting.delete(taskToken);
    return waiting;
  }
}

/** lambda:invoke passes {FunctionName, Payload}; the function itself sees only the Payload. */
function unwrap(payload: unknown): unknown {
  if (payload && typeof payload === 'object' && 'Payload' in payload && 'FunctionName' in payload) {
    return (payload as { Payload: unknown }).Payload;
  }
  return payload;
}
