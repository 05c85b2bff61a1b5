import '../polyfills.js';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  ExecutionAlreadyExists,
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { ExecutionError, StateMachine } from 'aws-local-stepfunctions';

/** A Lambda handler as the runner calls it: the task's effective input in, the result out (or a throw). */
export type LocalFunction = (event: unknown) => Promise<unknown>;

export interface LocalStepFunctionsOptions {
  /** ASL file with `${Name}` placeholders, as CDK reads it. */
  readonly definitionFile: string;
  readonly stateMachineName: string;
  /** Placeholder -> local function name (e.g. `LoadContextFunctionArn` -> `tessera-interventions-load-context`). */
  readonly functionPlaceholders: Readonly<Record<string, string>>;
  /** Function name -> handler. */
  readonly functions: Readonly<Record<string, LocalFunction>>;
  /**
   * How long `.waitForTaskToken` states wait, in ms, overriding the ASL's timeout: tests use a fraction of
   * a second instead of days. Without it the runner honours TimeoutSeconds / TimeoutSecondsPath.
   */
  readonly callbackTimeoutMs?: number;
  /** Retry intervals of every Task, in ms, instead of the ASL's seconds (tests). */
  readonly retryIntervalMs?: number;
  /**
   * Told when a callback task's function has returned with its token, so the execution now waits for
   * SendTaskSuccess or SendTaskFailure (a composition root can keep what it needs to resume it later).
   */
  readonly onTaskWaiting?: (task: WaitingTask) => void;
}

/** A `.waitForTaskToken` state whose function has run and which now waits for its callback. */
export interface WaitingTask {
  readonly executionArn: string;
  readonly stateName: string;
  readonly taskToken: string;
  /** The Payload the function received, its `taskToken` included. */
  readonly payload: Readonly<Record<string, unknown>>;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED';

export interface LocalExecution {
  readonly executionArn: string;
  readonly name: string;
  readonly input: unknown;
  readonly startDate: Date;
  status: ExecutionStatus;
  stopDate?: Date;
  output?: unknown;
  error?: string;
  cause?: string;
  /** Resolves when the execution ends, whatever the outcome. */
  readonly done: Promise<LocalExecution>;
}

interface PendingCallback {
  readonly timer: NodeJS.Timeout;
  readonly executionArn: string;
  readonly stateName: string;
  readonly resolve: (output: unknown) => void;
  readonly reject: (error: Error) => void;
}

type AslState = Record<string, unknown> & { Type: string };

/** Longest timer Node can set (about 24.8 days); longer callback timeouts are capped to it locally. */
const MAX_TIMER_MS = 2_147_483_647;
const TIMED_OUT_TOKENS_KEPT = 10_000;

/**
 * The local stand-in for Step Functions: runs the very ASL file the cloud runs with aws-local-stepfunctions,
 * with every Task mapped to the in-process handler of the function its Resource names.
 *
 * aws-local-stepfunctions has no task tokens, so `.waitForTaskToken` is emulated here: the task's function
 * is called with a fresh token in place of `$$.Task.Token`, and the state then waits until SendTaskSuccess
 * or SendTaskFailure arrives for that token, or its timeout passes (a `States.Timeout` error, as in the
 * cloud). It answers those commands like the SFN client does, so the production adapters run unchanged.
 */
export class LocalStepFunctions {
  readonly stateMachineArn: string;
  private readonly definition: Record<string, unknown>;
  private readonly callbackStates: Map<string, AslState>;
  private readonly executions = new Map<string, LocalExecution>();
  private readonly callbacks = new Map<string, PendingCallback>();
  private readonly timedOut = new Set<string>();
  private readonly machine: StateMachine;
  /** Copies of the machine that start at a later state, for resumed executions. */
  private readonly resumeMachines = new Map<string, StateMachine>();
  private readonly aborts = new Map<string, () => void>();

  constructor(private readonly options: LocalStepFunctionsOptions) {
    this.stateMachineArn = `arn:aws:states:local:000000000000:stateMachine:${options.stateMachineName}`;
    const text = readFileSync(options.definitionFile, 'utf8').replace(/\$\{(\w+)\}/g, (_, name: string) => {
      const fn = options.functionPlaceholders[name];
      if (!fn) throw new Error(`${options.definitionFile}: no local function for placeholder \${${name}}`);
      return `arn:aws:lambda:local:000000000000:function:${fn}`;
    });
    this.definition = JSON.parse(text) as Record<string, unknown>;
    this.callbackStates = new Map();
    for (const [name, state] of Object.entries(this.definition.States as Record<string, AslState>)) {
      if (state.Type === 'Task' && String(state.Resource).endsWith('.waitForTaskToken')) {
        this.callbackStates.set(name, { ...state });
        // The library would evaluate TimeoutSecondsPath against the Parameters rather than the state input,
        // and cannot hold a token: the emulation below enforces the timeout, the library only a backstop.
        delete state.TimeoutSecondsPath;
        state.TimeoutSeconds = Math.floor(MAX_TIMER_MS / 1000);
      }
    }
    this.machine = new StateMachine(this.definition as never, {
      validationOptions: { checkArn: false, checkPaths: true },
    });
  }

  /** Answers the SFN commands the adapters send: StartExecution, SendTaskSuccess, SendTaskFailure. */
  async send(
    command: StartExecutionCommand | SendTaskSuccessCommand | SendTaskFailureCommand,
  ): Promise<object> {
    if (command instanceof StartExecutionCommand) {
      const name = command.input.name ?? randomBytes(16).toString('hex');
      const input = JSON.parse(command.input.input ?? '{}') as unknown;
      const existing = this.executions.get(name);
      if (existing) {
        // Step Functions: the same name with the same input is idempotent, a different input an error.
        if (JSON.stringify(existing.input) === JSON.stringify(input))
          return { executionArn: existing.executionArn, startDate: existing.startDate };
        throw new ExecutionAlreadyExists({
          message: `Execution Already Exists: '${existing.executionArn}'`,
          $metadata: {},
        });
      }
      const execution = this.start(name, input);
      return { executionArn: execution.executionArn, startDate: execution.startDate };
    }
    const token = command.input.taskToken ?? '';
    const pending = this.callbacks.get(token);
    if (!pending) {
      if (this.timedOut.has(token)) throw new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} });
      if (!/^[A-Za-z0-9_-]{20,}$/.test(token))
        throw new InvalidToken({ message: 'Invalid Token', $metadata: {} });
      throw new TaskDoesNotExist({ message: 'Task does not exist anymore', $metadata: {} });
    }
    this.callbacks.delete(token);
    if (command instanceof SendTaskSuccessCommand) {
      pending.resolve(JSON.parse(command.input.output ?? 'null'));
    } else {
      const error = new Error(command.input.cause ?? '');
      error.name = command.input.error ?? 'States.TaskFailed';
      pending.reject(error);
    }
    return {};
  }

  /** SendTaskSuccess with the output as a value: the TaskCallbacks port of in-process callers. */
  async succeed(taskToken: string, output: unknown): Promise<void> {
    await this.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output ?? null) }));
  }

  /** SendTaskFailure: the waiting state fails with `error` (its Retry and Catch apply). */
  async fail(taskToken: string, error: string, cause: string): Promise<void> {
    await this.send(new SendTaskFailureCommand({ taskToken, error, cause }));
  }

  /** Whether a task of this runner waits for a callback with this token. */
  isWaiting(taskToken: string): boolean {
    return this.callbacks.has(taskToken);
  }

  /** Starts an execution (the trigger consumer does this through StartExecution). */
  start(name: string, input: unknown): LocalExecution {
    return this.launch(this.machine, name, input);
  }

  /**
   * Starts an execution at `startAt` with the state input it would have had there: how the local runtime
   * continues an execution whose process ended while it waited for a callback (Step Functions keeps such
   * executions for up to a year; a local process does not).
   */
  startFrom(name: string, startAt: string, input: unknown): LocalExecution {
    let machine = this.resumeMachines.get(startAt);
    if (!machine) {
      if (!(this.definition.States as Record<string, unknown>)[startAt])
        throw new Error(`${this.options.definitionFile}: the state machine has no state ${startAt}`);
      // The states before startAt are unreachable in this copy, which the validator refuses; the same
      // definition was validated whole in the constructor.
      machine = new StateMachine({ ...this.definition, StartAt: startAt } as never, {
        validationOptions: { checkArn: false, checkPaths: true, noValidate: true },
      });
      this.resumeMachines.set(startAt, machine);
    }
    return this.launch(machine, name, input);
  }

  private launch(machine: StateMachine, name: string, input: unknown): LocalExecution {
    const executionArn = `arn:aws:states:local:000000000000:execution:${this.options.stateMachineName}:${name}`;
    const startDate = new Date();
    const run = machine.run(input as never, {
      overrides: {
        taskResourceLocalHandlers: this.taskHandlers(executionArn) as never,
        ...(this.options.retryIntervalMs !== undefined
          ? { retryIntervalOverrides: this.retryOverrides(this.options.retryIntervalMs) }
          : {}),
      },
      context: {
        Execution: {
          Id: executionArn,
          Name: name,
          Input: input as never,
          StartTime: startDate.toISOString(),
        },
        StateMachine: { Id: this.stateMachineArn, Name: this.options.stateMachineName },
        // Replaced per task by a fresh token in the callback emulation.
        Task: { Token: 'assigned-per-task-by-the-local-runner' },
      },
    });
    const execution = { executionArn, name, input, startDate, status: 'RUNNING' } as LocalExecution;
    this.aborts.set(name, run.abort);
    const done = run.result
      .finally(() => this.aborts.delete(name))
      .then(
        (output) => Object.assign(execution, { status: 'SUCCEEDED' as const, output, stopDate: new Date() }),
        (error: unknown) => {
          const cause = error instanceof ExecutionError ? (error.cause as Error | undefined) : undefined;
          return Object.assign(execution, {
            status: 'FAILED' as const,
            stopDate: new Date(),
            error: cause?.name ?? (error as Error).name,
            cause: cause?.message ?? (error as Error).message,
          });
        },
      );
    Object.assign(execution, { done });
    this.executions.set(name, execution);
    return execution;
  }

  execution(name: string): LocalExecution | undefined {
    return this.executions.get(name);
  }

  listExecutions(): LocalExecution[] {
    return [...this.executions.values()];
  }

  /** Tokens the runner is waiting on, with the execution and state that wait. */
  waitingTasks(): { executionArn: string; stateName: string }[] {
    return [...this.callbacks.values()].map(({ executionArn, stateName }) => ({ executionArn, stateName }));
  }

  /** Waits until every execution started so far has ended (executions waiting on people never do). */
  async drain(): Promise<void> {
    await Promise.all([...this.executions.values()].map((e) => e.done));
  }

  /** Stops every running execution (they end FAILED with ExecutionAbortedError) and drops waiting tokens. */
  async stop(): Promise<void> {
    for (const pending of this.callbacks.values()) clearTimeout(pending.timer);
    this.callbacks.clear();
    for (const abort of this.aborts.values()) abort();
    await Promise.allSettled([...this.executions.values()].map((e) => e.done));
  }

  private taskHandlers(executionArn: string): Record<string, (input: never) => Promise<never>> {
    const handlers: Record<string, (input: never) => Promise<never>> = {};
    for (const [name, state] of Object.entries(this.definition.States as Record<string, AslState>)) {
      if (state.Type !== 'Task') continue;
      const callback = this.callbackStates.get(name);
      if (callback) {
        handlers[name] = ((input: { FunctionName: string; Payload: Record<string, unknown> }) =>
          this.runCallbackTask(executionArn, name, callback, input)) as never;
      } else {
        const fn = this.functionFor(String(state.Resource), name);
        handlers[name] = ((input: unknown) => fn(input)) as never;
      }
    }
    return handlers;
  }

  private async runCallbackTask(
    executionArn: string,
    stateName: string,
    state: AslState,
    input: { FunctionName: string; Payload: Record<string, unknown> },
  ): Promise<unknown> {
    const fn = this.functionFor(input.FunctionName, stateName);
    const token = randomBytes(32).toString('base64url');
    const timeoutMs = this.callbackTimeout(state, input.Payload);
    const result = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.callbacks.delete(token);
        this.rememberTimedOut(token);
        const error = new Error('the task did not receive SendTaskSuccess or SendTaskFailure in time');
        error.name = 'States.Timeout';
        reject(error);
      }, timeoutMs);
      this.callbacks.set(token, {
        timer,
        executionArn,
        stateName,
        resolve: (output) => {
          clearTimeout(timer);
          resolve(output);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
    });
    const payload = { ...input.Payload, taskToken: token };
    try {
      // As in the cloud, the invoked function gets the token and returns; the state waits for the callback.
      await fn(payload);
    } catch (error) {
      this.callbacks.get(token)?.reject(error as Error);
      this.callbacks.delete(token);
      return result;
    }
    // Only if the callback has not already arrived while the function ran.
    if (this.callbacks.has(token))
      this.options.onTaskWaiting?.({ executionArn, stateName, taskToken: token, payload });
    return result;
  }

  private callbackTimeout(state: AslState, payload: Record<string, unknown>): number {
    if (this.options.callbackTimeoutMs !== undefined) return this.options.callbackTimeoutMs;
    let seconds: unknown = state.TimeoutSeconds;
    if (typeof state.TimeoutSecondsPath === 'string') {
      // Our callback Payloads carry the state input's fields, so the path resolves the same way here.
      seconds = state.TimeoutSecondsPath.replace(/^\$\./, '')
        .split('.')
        .reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], payload);
    }
    if (typeof seconds !== 'number' || !(seconds >= 1))
      throw new Error(`state ${String(state.Comment ?? '')}: no usable timeout for the callback task`);
    return Math.min(seconds * 1000, MAX_TIMER_MS);
  }

  private functionFor(resource: string, stateName: string): LocalFunction {
    const name = resource.split(':function:')[1];
    const fn = name ? this.options.functions[name] : undefined;
    if (!fn) throw new Error(`state ${stateName}: no local handler for ${resource}`);
    return fn;
  }

  private retryOverrides(ms: number): Record<string, number> {
    return Object.fromEntries(
      Object.entries(this.definition.States as Record<string, AslState>)
        .filter(([, s]) => Array.isArray(s.Retry))
        .map(([name]) => [name, ms]),
    );
  }

  private rememberTimedOut(token: string): void {
    this.timedOut.add(token);
    if (this.timedOut.size > TIMED_OUT_TOKENS_KEPT) {
      const oldest = this.timedOut.values().next().value;
      if (oldest !== undefined) this.timedOut.delete(oldest);
    }
  }
}
