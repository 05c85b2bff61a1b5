import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { DocumentError } from '../core/documents/errors.js';
import type { DocumentWorkflowSteps } from './steps.js';

/** The tasks the state machine names in each Task state's `task` parameter. */
export const WORKFLOW_TASKS = [
  'classify',
  'analyseSync',
  'startAsync',
  'fetchResults',
  'extract',
  'awaitReview',
  'linkAndPublish',
  'recordFailure',
] as const;
export type WorkflowTask = (typeof WORKFLOW_TASKS)[number];

/**
 * A document error leaves the task with its stable code as the error name (ENCRYPTED_PDF,
 * TEXTRACT_JOB_FAILED, ...): that is what the state machine's Catch matches and what the failure records.
 */
class DocumentTaskError extends Error {
  constructor(code: string, message: string) {
    super(message);
    this.name = code;
  }
}

export async function runWorkflowTask(steps: DocumentWorkflowSteps, event: unknown): Promise<unknown> {
  const { task, ...input } = (event ?? {}) as { task?: string } & Record<string, unknown>;
  if (!task || !(WORKFLOW_TASKS as readonly string[]).includes(task)) {
    throw new Error(
      `unknown document workflow task ${JSON.stringify(task)}; expected one of ${WORKFLOW_TASKS.join(', ')}`,
    );
  }
  try {
    return await (steps[task as WorkflowTask] as (i: unknown) => Promise<unknown>)(input);
  } catch (error) {
    if (error instanceof DocumentError) throw new DocumentTaskError(error.code, error.message);
    throw error;
  }
}

export interface DocumentWorkflowHandlerDependencies {
  readonly steps: DocumentWorkflowSteps;
  readonly logger: Logger;
}

/** One function serves every Task state; the state names the task (see the ASL's `task` parameters). */
export function createDocumentWorkflowHandler(deps: DocumentWorkflowHandlerDependencies) {
  return middy(async (event: unknown) => {
    const task = (event as { task?: string } | undefined)?.task;
    deps.logger.appendKeys({ task });
    return runWorkflowTask(deps.steps, event);
  }).use(injectLambdaContext(deps.logger));
}
