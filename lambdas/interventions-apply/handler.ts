import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { ApprovalStore } from '../core/interventions/ports.js';
import { applyIntervention } from '../core/interventions/steps.js';
import { ApplyInput, readStepInput } from '../core/interventions/workflow.js';
import type { Clock, EventPublisher } from '../core/ports.js';

export interface ApplyDependencies {
  readonly publisher: EventPublisher;
  readonly store: ApprovalStore;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** Task Apply: emits InterventionApproved (deterministic event id, so a retried step is deduplicated downstream). */
export function createApplyHandler(deps: ApplyDependencies) {
  const handle = async (event: unknown): Promise<{ approvedEventId: string }> => {
    const input = readStepInput(ApplyInput.loose(), event, 'Apply');
    const result = await applyIntervention(input, deps);
    deps.logger.info('intervention applied', {
      interventionId: input.interventionId,
      autoApproved: input.decision.autoApproved,
    });
    return result;
  };
  return middy<unknown, { approvedEventId: string }>().use(injectLambdaContext(deps.logger)).handler(handle);
}
