import { z } from 'zod';
import { CurrencyCode, Money } from '../contracts/common.js';
import { type InterventionAction, InterventionActionType } from '../contracts/internal-events.js';
import type { ActionTemplate, AmountRule, InterventionConfig } from './config.js';
import type { InterventionTrigger } from './trigger.js';

export const ProposedAction = z
  .object({
    type: InterventionActionType,
    description: z.string().max(1000),
    amount: Money.optional(),
    unit: z.enum(['currency', 'points']),
    /** What one unit costs the retailer; the expected cost is amount x costPerUnit. */
    costPerUnit: z.number().min(0),
  })
  .strict();
export type ProposedAction = z.infer<typeof ProposedAction>;

export const Evidence = z.object({ label: z.string().max(200), value: z.string().max(500) }).strict();
export type Evidence = z.infer<typeof Evidence>;

/** What Tessera recommends, with why, how sure it is, and what it is worth against what it costs. */
export const InterventionProposal = z
  .object({
    playbookId: z.string().max(60),
    playbookName: z.string().max(200),
    actions: z.array(ProposedAction).min(1),
    why: z.array(z.string().max(500)).max(50),
    evidence: z.array(Evidence).max(50),
    expectedValue: Money,
    expectedCost: Money,
    confidence: z.number().min(0).max(1),
    currency: CurrencyCode,
  })
  .strict();
export type InterventionProposal = z.infer<typeof InterventionProposal>;

/** What the workflow knows about the customer: the surviving id after merges and scores, no raw PII. */
export interface CustomerContext {
  readonly customerId: string;
  readonly clv?: number;
}

/**
 * Chooses the first configured playbook that fits the trigger (and, for risk changes, a segment the
 * customer entered) and turns it into a proposal. Undefined when no playbook fits: nothing to propose.
 */
export function proposeIntervention(
  trigger: InterventionTrigger,
  customer: CustomerContext,
  config: InterventionConfig,
): InterventionProposal | undefined {
  const playbook = config.playbooks.find(
    (p) =>
      p.trigger === trigger.kind &&
      (trigger.kind !== 'risk_changed' || p.segments.some((s) => trigger.segments.includes(s))),
  );
  if (!playbook) return undefined;

  const clv = customer.clv ?? trigger.scores.clv ?? config.defaultClv;
  const actions = playbook.actions.map((template) => proposedAction(template, { clv, trigger }));
  const expectedCost = round2(actions.reduce((sum, a) => sum + (a.amount ?? 0) * a.costPerUnit, 0));
  const expectedValue = round2(playbook.expectedUplift * Math.max(0, clv));
  const confidence = round3(playbook.baseConfidence * signalStrength(trigger));

  return {
    playbookId: playbook.id,
    playbookName: playbook.name,
    actions,
    why: [playbook.name, ...trigger.reasons],
    evidence: evidenceOf(trigger, clv, customer.clv === undefined && trigger.scores.clv === undefined),
    expectedValue,
    expectedCost,
    confidence,
    currency: config.currency,
  };
}

function proposedAction(
  template: ActionTemplate,
  input: { clv: number; trigger: InterventionTrigger },
): ProposedAction {
  const amount = template.amount ? amountOf(template.amount, input) : undefined;
  return {
    type: template.type,
    description: template.description,
    ...(amount !== undefined ? { amount } : {}),
    unit: template.unit ?? 'currency',
    costPerUnit: template.costPerUnit ?? 1,
  };
}

function amountOf(rule: AmountRule, input: { clv: number; trigger: InterventionTrigger }): number {
  switch (rule.kind) {
    case 'fixed':
      return rule.amount;
    case 'share_of_clv':
      return clamp(Math.round(rule.share * Math.max(0, input.clv)), rule.min, rule.max);
    case 'share_of_claim':
      return clamp(Math.round(rule.share * (input.trigger.claim?.amount ?? 0)), rule.min, rule.max);
  }
}

/**
 * How strong the evidence is, 0.5..1: the score that made the customer enter the segment, a person-reviewed
 * claim, an escalation someone chose to make. A playbook at full strength is as confident as configured.
 */
function signalStrength(trigger: InterventionTrigger): number {
  switch (trigger.kind) {
    case 'risk_changed': {
      const s = trigger.scores;
      const scores = [s.churnProbability, s.serviceFriction, s.returnPropensity, s.discountDependency].filter(
        (v): v is number => v !== undefined,
      );
      return scores.length === 0 ? 0.75 : 0.5 + 0.5 * Math.max(...scores);
    }
    case 'large_claim':
      return trigger.claim?.reviewed ? 1 : 0.85;
    case 'escalated_ticket':
      return 1;
  }
}

function evidenceOf(trigger: InterventionTrigger, clv: number, clvAssumed: boolean): Evidence[] {
  const evidence: Evidence[] = [];
  if (trigger.segments.length > 0)
    evidence.push({ label: 'Entered segment', value: trigger.segments.join(', ') });
  const s = trigger.scores;
  const pct = (v: number) => `${Math.round(v * 100)}%`;
  if (s.churnProbability !== undefined)
    evidence.push({ label: 'Churn probability', value: pct(s.churnProbability) });
  if (s.probabilityAlive !== undefined)
    evidence.push({ label: 'Probability still active', value: pct(s.probabilityAlive) });
  evidence.push({
    label: 'Customer lifetime value',
    value: `${clv.toFixed(2)}${clvAssumed ? ' (default, no score yet)' : ''}`,
  });
  if (s.valuePercentile !== undefined)
    evidence.push({ label: 'Value percentile', value: pct(s.valuePercentile) });
  if (s.returnPropensity !== undefined)
    evidence.push({ label: 'Return propensity', value: pct(s.returnPropensity) });
  if (s.discountDependency !== undefined)
    evidence.push({ label: 'Discount dependency', value: pct(s.discountDependency) });
  if (s.marginContribution !== undefined)
    evidence.push({ label: 'Margin contribution', value: s.marginContribution.toFixed(2) });
  if (s.serviceFriction !== undefined)
    evidence.push({ label: 'Service friction', value: pct(s.serviceFriction) });
  if (trigger.claim) {
    evidence.push({
      label: 'Claim amount',
      value: `${trigger.claim.amount}${trigger.claim.currency ? ` ${trigger.claim.currency}` : ''}`,
    });
    if (trigger.claim.reason) evidence.push({ label: 'Claim reason', value: trigger.claim.reason });
    evidence.push({
      label: 'Claim fields confirmed by a person',
      value: trigger.claim.reviewed ? 'yes' : 'no',
    });
  }
  if (trigger.ticket) {
    evidence.push({
      label: 'Ticket',
      value: `${trigger.ticket.priority} priority, ${trigger.ticket.category}`,
    });
  }
  return evidence;
}

/** The actions as the InterventionApproved contract carries them (points are an amount without currency). */
export function contractActions(actions: readonly ProposedAction[], currency: string): InterventionAction[] {
  return actions.map((a) => ({
    type: a.type,
    description: a.description,
    ...(a.amount !== undefined ? { amount: a.amount } : {}),
    ...(a.amount !== undefined && a.unit === 'currency' ? { currency } : {}),
  }));
}

const clamp = (v: number, min: number, max: number) => Math.min(max, Math.max(min, v));
const round2 = (v: number) => Math.round(v * 100) / 100;
const round3 = (v: number) => Math.round(v * 1000) / 1000;
