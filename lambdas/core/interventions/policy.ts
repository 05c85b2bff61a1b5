import type { InterventionActionType } from '../contracts/internal-events.js';
import type { ApproverTeam, InterventionConfig } from './config.js';
import type { InterventionProposal } from './proposal.js';

export type PolicyVerdict =
  | { readonly route: 'auto'; readonly reason: string }
  | { readonly route: 'ask'; readonly reason: string };

/**
 * Auto-approve only what is both cheap and well founded; everything else goes to a person. "AI
 * recommends, people decide": the thresholds are the only place where the machine may decide alone.
 */
export function checkPolicy(
  proposal: InterventionProposal,
  policy: InterventionConfig['policy'],
): PolicyVerdict {
  const sensitive = proposal.actions.find((a) => policy.alwaysAskActionTypes.includes(a.type));
  if (sensitive) return { route: 'ask', reason: `${sensitive.type} always needs a person` };
  if (proposal.expectedCost > policy.autoApproveMaxCost)
    return {
      route: 'ask',
      reason: `expected cost ${proposal.expectedCost} is above the auto-approval limit of ${policy.autoApproveMaxCost}`,
    };
  if (proposal.confidence < policy.autoApproveMinConfidence)
    return {
      route: 'ask',
      reason: `confidence ${proposal.confidence} is below the auto-approval minimum of ${policy.autoApproveMinConfidence}`,
    };
  return {
    route: 'auto',
    reason: `cost ${proposal.expectedCost} within ${policy.autoApproveMaxCost} and confidence ${proposal.confidence} at least ${policy.autoApproveMinConfidence}`,
  };
}

export interface AmountBounds {
  readonly min: number;
  readonly max: number;
}

/**
 * The range an approver may set the first amount-bearing action to: the configured bounds for its type,
 * or, without configuration, nothing above what was proposed.
 */
export function amountBoundsFor(
  proposal: InterventionProposal,
  policy: InterventionConfig['policy'],
): (AmountBounds & { readonly actionIndex: number; readonly type: InterventionActionType }) | undefined {
  const actionIndex = proposal.actions.findIndex((a) => a.amount !== undefined);
  const action = proposal.actions[actionIndex];
  if (!action || action.amount === undefined) return undefined;
  const bounds = policy.amountBounds[action.type] ?? { min: 0, max: action.amount };
  return { actionIndex, type: action.type, min: bounds.min, max: bounds.max };
}

/**
 * Which team decides: the team of the most valuable action (by cost), so a retention offer with a
 * follow-up call goes to marketing, who own the offer budget.
 */
export function approverTeamFor(
  proposal: InterventionProposal,
  routing: InterventionConfig['routing'],
): ApproverTeam {
  const ranked = [...proposal.actions].sort(
    (a, b) => (b.amount ?? 0) * b.costPerUnit - (a.amount ?? 0) * a.costPerUnit,
  );
  // pricing reviews belong to merchandising even without an amount: policy-sensitive actions win.
  const first = ranked.find((a) => routing[a.type] === 'merchandising') ?? ranked[0];
  if (!first) throw new Error('a proposal without actions has no approver');
  return routing[first.type];
}
