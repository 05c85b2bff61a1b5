import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { ApprovalStore } from '../core/interventions/ports.js';
import { recordOutcome } from '../core/interventions/steps.js';
import { OutcomeInput, readStepInput } from '../core/interventions/workflow.js';
import type { Clock } from '../core/ports.js';

export interface RecordOutcomeDependencies {
  readonly store: ApprovalStore;
  readonly clock: Clock;
  readonly signingKey: () => Promise<string>;
  readonly logger: Logger;
}

/** Task RecordOutcome / RecordFailure: the outcome row and audit entry; closes approvals nobody decided. */
export function createRecordOutcomeHandler(deps: RecordOutcomeDependencies) {
  const handle = async (event: unknown): Promise<{ status: string }> => {
    const input = readStepInput(OutcomeInput, event, 'RecordOutcome');
    const result = await recordOutcome(input, { ...deps, signingKey: await deps.signingKey() });
    deps.logger.info('intervention outcome recorded', {
      interventionId: input.interventionId,
      status: result.status,
    });
    return result;
  };
  return middy<unknown, { status: string }>().use(injectLambdaContext(deps.logger)).handler(handle);
}
