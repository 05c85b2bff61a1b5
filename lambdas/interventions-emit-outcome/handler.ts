import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { emitOutcome } from '../core/interventions/steps.js';
import { OutcomeInput, readStepInput } from '../core/interventions/workflow.js';
import type { Clock, EventPublisher } from '../core/ports.js';

export interface EmitOutcomeDependencies {
  readonly publisher: EventPublisher;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** Task EmitOutcome / EmitFailure: InterventionRejected when rejected or timed out, then InterventionCompleted. */
export function createEmitOutcomeHandler(deps: EmitOutcomeDependencies) {
  const handle = async (event: unknown): Promise<{ completedEventId: string }> => {
    const input = readStepInput(OutcomeInput, event, 'EmitOutcome');
    return emitOutcome(input, deps);
  };
  return middy<unknown, { completedEventId: string }>().use(injectLambdaContext(deps.logger)).handler(handle);
}
