import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { type RequestApprovalDeps, requestApproval } from '../core/interventions/approvals.js';
import { RequestApprovalInput, readStepInput } from '../core/interventions/workflow.js';

export interface RequestApprovalDependencies extends Omit<RequestApprovalDeps, 'signingKey'> {
  /** Read lazily (Secrets Manager, cached) so a rotated key is picked up without a cold start. */
  readonly signingKey: () => Promise<string>;
  readonly logger: Logger;
}

/** Task RequestApproval / EscalateApproval (`.waitForTaskToken`): stores the token, emails the signed link. */
export function createRequestApprovalHandler(deps: RequestApprovalDependencies) {
  const handle = async (event: unknown): Promise<{ approvalId: string; status: string }> => {
    const input = readStepInput(RequestApprovalInput, event, 'RequestApproval');
    const result = await requestApproval(input, { ...deps, signingKey: await deps.signingKey() });
    deps.logger.info('approval requested', {
      interventionId: input.interventionId,
      approvalId: result.approvalId,
      level: input.level,
      team: input.plan.team,
      status: result.status,
    });
    return result;
  };
  return middy<unknown, { approvalId: string; status: string }>()
    .use(injectLambdaContext(deps.logger))
    .handler(handle);
}
