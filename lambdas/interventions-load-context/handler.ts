import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { CustomerDirectory } from '../core/interventions/ports.js';
import { loadContext } from '../core/interventions/steps.js';
import { ExecutionInput, type LoadedContext, readStepInput } from '../core/interventions/workflow.js';

export interface LoadContextDependencies {
  readonly directory: CustomerDirectory;
  readonly logger: Logger;
}

/** Task LoadContext: the customer behind the intervention, merges followed, masked for approvers. */
export function createLoadContextHandler(deps: LoadContextDependencies) {
  const handle = async (event: unknown): Promise<LoadedContext> => {
    const input = readStepInput(ExecutionInput, event, 'LoadContext');
    const context = await loadContext(input, deps.directory);
    deps.logger.info('context loaded', {
      interventionId: input.interventionId,
      status: context.status,
      merged: Boolean(context.mergedFrom),
    });
    return context;
  };
  return middy<unknown, LoadedContext>().use(injectLambdaContext(deps.logger)).handler(handle);
}
