import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { type PlanDeps, planIntervention } from '../core/interventions/steps.js';
import {
  ExecutionInput,
  type InterventionPlan,
  LoadedContext,
  readStepInput,
} from '../core/interventions/workflow.js';

export interface ProposeDependencies extends PlanDeps {
  readonly logger: Logger;
}

const ProposeInput = ExecutionInput.extend({ context: LoadedContext }).loose();

/** Task Propose: playbook, policy verdict, holdout draw and approver team; emits InterventionProposed. */
export function createProposeHandler(deps: ProposeDependencies) {
  const handle = async (event: unknown): Promise<InterventionPlan> => {
    const input = readStepInput(ProposeInput, event, 'Propose');
    const plan = await planIntervention(input, deps);
    deps.logger.info('intervention planned', {
      interventionId: input.interventionId,
      matched: plan.matched,
      playbook: plan.proposal?.playbookId,
      route: plan.policy?.route,
      holdout: plan.holdout,
    });
    return plan;
  };
  return middy<unknown, InterventionPlan>().use(injectLambdaContext(deps.logger)).handler(handle);
}
