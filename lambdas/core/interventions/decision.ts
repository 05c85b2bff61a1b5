import type { AmountBounds } from './policy.js';

export type ApprovalDecision = 'approve' | 'reject';

export interface DecisionForm {
  readonly decision: ApprovalDecision;
  readonly comment?: string;
  readonly adjustedAmount?: number;
}

export type DecisionFormResult =
  | { readonly ok: true; readonly form: DecisionForm }
  | { readonly ok: false; readonly field: string; readonly message: string };

const MAX_COMMENT = 1000;

/**
 * Validates a posted decision (URL-encoded form fields). An unknown decision, an amount that is not a
 * number or lies outside the policy bounds, or an over-long comment is refused with the field named.
 */
export function readDecisionForm(
  fields: Readonly<Record<string, string | undefined>>,
  bounds: AmountBounds | undefined,
): DecisionFormResult {
  const decision = fields.decision;
  if (decision !== 'approve' && decision !== 'reject')
    return { ok: false, field: 'decision', message: 'choose Approve or Reject' };
  const comment = fields.comment?.trim();
  if (comment && comment.length > MAX_COMMENT)
    return { ok: false, field: 'comment', message: `the comment is longer than ${MAX_COMMENT} characters` };

  const rawAmount = fields.amount?.trim();
  let adjustedAmount: number | undefined;
  if (rawAmount) {
    if (!bounds) return { ok: false, field: 'amount', message: 'this proposal has no amount to adjust' };
    if (!/^\d{1,9}(\.\d{1,2})?$/.test(rawAmount))
      return { ok: false, field: 'amount', message: 'the amount must be a number with at most two decimals' };
    adjustedAmount = Number(rawAmount);
    if (adjustedAmount < bounds.min || adjustedAmount > bounds.max)
      return {
        ok: false,
        field: 'amount',
        message: `the amount must be between ${bounds.min} and ${bounds.max} under the policy`,
      };
  }
  return {
    ok: true,
    form: {
      decision,
      ...(comment ? { comment } : {}),
      ...(adjustedAmount !== undefined && decision === 'approve' ? { adjustedAmount } : {}),
    },
  };
}
