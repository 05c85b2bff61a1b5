import { z } from 'zod';
import { CurrencyCode, Money } from '../contracts/common.js';
import { InterventionActionType } from '../contracts/internal-events.js';
import { describeIssues } from '../validation.js';

/** What started an intervention: a risk signal, a large claim, or a ticket someone escalated. */
export const TriggerKind = z.enum(['risk_changed', 'large_claim', 'escalated_ticket']);
export type TriggerKind = z.infer<typeof TriggerKind>;

/** The teams that approve actions; each action type is routed to one of them. */
export const ApproverTeam = z.enum(['marketing', 'customer_care', 'merchandising']);
export type ApproverTeam = z.infer<typeof ApproverTeam>;

/**
 * How an action's amount is set: a fixed amount, or a share of the customer's CLV or of the claim, kept
 * between a floor and a ceiling so a huge CLV never proposes a huge gift.
 */
export const AmountRule = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('fixed'), amount: Money.min(0) }).strict(),
  z
    .object({ kind: z.literal('share_of_clv'), share: z.number().min(0).max(1), min: Money, max: Money })
    .strict(),
  z
    .object({ kind: z.literal('share_of_claim'), share: z.number().min(0).max(1), min: Money, max: Money })
    .strict(),
]);
export type AmountRule = z.infer<typeof AmountRule>;

export const ActionTemplate = z
  .object({
    type: InterventionActionType,
    description: z.string().min(1).max(1000),
    amount: AmountRule.optional(),
    /** 'points' for loyalty compensation; otherwise the configured currency. */
    unit: z.enum(['currency', 'points']).default('currency'),
    /** What one unit costs the retailer (a loyalty point is worth a cent or so). */
    costPerUnit: z.number().min(0).default(1),
  })
  .strict();
export type ActionTemplate = z.input<typeof ActionTemplate>;

export const Playbook = z
  .object({
    id: z.string().regex(/^[a-z0-9-]{1,60}$/, 'must be kebab-case, at most 60 characters'),
    name: z.string().min(1).max(200),
    trigger: TriggerKind,
    /** For risk triggers: the playbook applies when the customer entered any of these segments. */
    segments: z.array(z.string().max(100)).default([]),
    actions: z.array(ActionTemplate).min(1),
    /** Share of the customer's CLV the actions are expected to keep (retention uplift), or claim value kept. */
    expectedUplift: z.number().min(0).max(1),
    /** How sure the playbook is when the evidence is at full strength. */
    baseConfidence: z.number().min(0).max(1),
  })
  .strict();
export type Playbook = z.input<typeof Playbook>;

export const Approver = z.object({ name: z.string().min(1).max(200), email: z.email() }).strict();
export type Approver = z.infer<typeof Approver>;

export const InterventionConfig = z
  .object({
    currency: CurrencyCode.default('EUR'),
    /** CLV assumed when analytics has no score yet (new customers). */
    defaultClv: Money.min(0).default(200),
    playbooks: z.array(Playbook).min(1),
    policy: z
      .object({
        /** Proposals that give away at most this much (expected cost) may be approved by policy... */
        autoApproveMaxCost: Money.min(0),
        /** ...when the proposal is at least this confident. Above the cost or below the confidence, a person decides. */
        autoApproveMinConfidence: z.number().min(0).max(1),
        /** Action types that always need a person, whatever their cost. */
        alwaysAskActionTypes: z.array(InterventionActionType).default([]),
        /** Bounds an approver may adjust an amount within, per action type. */
        amountBounds: z
          .partialRecord(InterventionActionType, z.object({ min: Money.min(0), max: Money.min(0) }).strict())
          .default({}),
      })
      .strict(),
    holdout: z
      .object({
        share: z.number().min(0).max(0.5),
        /** Changing the salt re-draws the holdout: do it only when starting a new measurement period. */
        salt: z.string().min(1).max(100),
      })
      .strict(),
    /** Which team decides which action type. */
    routing: z.record(InterventionActionType, ApproverTeam),
    approvers: z.record(ApproverTeam, z.object({ primary: Approver, escalation: Approver }).strict()),
    approval: z
      .object({
        timeoutSeconds: z
          .number()
          .int()
          .min(1)
          .max(365 * 24 * 3600),
        escalationTimeoutSeconds: z
          .number()
          .int()
          .min(1)
          .max(365 * 24 * 3600),
        /** What happens when nobody decided in time. */
        onTimeout: z.enum(['reject', 'approve']).default('reject'),
      })
      .strict(),
    /** Claims at or above this amount start an intervention (the routing rule uses the same figure). */
    largeClaimThreshold: Money.min(0).default(150),
  })
  .strict();
export type InterventionConfig = z.infer<typeof InterventionConfig>;
export type InterventionConfigInput = z.input<typeof InterventionConfig>;

/** Validates a configuration and names every field that is wrong. */
export function interventionConfig(input: unknown): InterventionConfig {
  const parsed = InterventionConfig.safeParse(input);
  if (!parsed.success) {
    throw new Error(`invalid intervention configuration: ${describeIssues(parsed.error.issues)}`);
  }
  const ids = new Set<string>();
  for (const playbook of parsed.data.playbooks) {
    if (ids.has(playbook.id)) throw new Error(`playbook id "${playbook.id}" is defined twice`);
    ids.add(playbook.id);
  }
  for (const [type, bounds] of Object.entries(parsed.data.policy.amountBounds)) {
    if (bounds && bounds.min > bounds.max)
      throw new Error(`policy.amountBounds.${type}: min ${bounds.min} is above max ${bounds.max}`);
  }
  return parsed.data;
}

/** Large claims: the same threshold feeds the routing rule's numeric pattern and the trigger check. */
export const DEFAULT_LARGE_CLAIM_THRESHOLD = 150;

/** Out-of-the-box playbooks and policy for the segments analytics defines; every figure is configurable. */
export const DEFAULT_INTERVENTION_CONFIG: InterventionConfigInput = {
  currency: 'EUR',
  defaultClv: 200,
  largeClaimThreshold: DEFAULT_LARGE_CLAIM_THRESHOLD,
  playbooks: [
    {
      id: 'win-back-high-value',
      name: 'Win back a high-value customer at risk of churning',
      trigger: 'risk_changed',
      segments: ['high-value-churn-risk'],
      actions: [
        {
          type: 'retention_offer',
          description: 'Personal retention voucher on the next order',
          amount: { kind: 'share_of_clv', share: 0.1, min: 10, max: 150 },
        },
        { type: 'crm_follow_up', description: 'Account manager calls the customer within a week' },
      ],
      expectedUplift: 0.25,
      baseConfidence: 0.85,
    },
    {
      id: 'service-recovery',
      name: 'Recover a customer after service failures',
      trigger: 'risk_changed',
      segments: ['service-friction'],
      actions: [
        {
          type: 'loyalty_compensation',
          description: 'Loyalty points as an apology for the delays',
          amount: { kind: 'fixed', amount: 500 },
          unit: 'points',
          costPerUnit: 0.01,
        },
        { type: 'service_priority_upgrade', description: 'Priority queue for the next 90 days' },
      ],
      expectedUplift: 0.15,
      baseConfidence: 0.9,
    },
    {
      id: 'margin-review',
      name: 'Review pricing and promotions for a margin-destructive customer',
      trigger: 'risk_changed',
      segments: ['margin-destructive'],
      actions: [
        {
          type: 'pricing_review',
          description: 'Merchandising reviews the promotions this customer redeems and the return terms',
        },
      ],
      expectedUplift: 0.05,
      baseConfidence: 0.6,
    },
    {
      id: 'large-claim-care',
      name: 'Look after a customer with a large claim',
      trigger: 'large_claim',
      actions: [
        {
          type: 'loyalty_compensation',
          description: 'Goodwill points while the claim is settled',
          amount: { kind: 'share_of_claim', share: 1, min: 500, max: 5000 },
          unit: 'points',
          costPerUnit: 0.01,
        },
        { type: 'crm_follow_up', description: 'Customer care calls about the claim' },
      ],
      expectedUplift: 0.1,
      baseConfidence: 0.75,
    },
    {
      id: 'escalated-ticket',
      name: 'Upgrade service for an escalated ticket',
      trigger: 'escalated_ticket',
      actions: [
        { type: 'service_priority_upgrade', description: 'Priority handling until the ticket is resolved' },
        { type: 'crm_follow_up', description: 'Team lead follows up with the customer' },
      ],
      expectedUplift: 0.1,
      baseConfidence: 0.8,
    },
  ],
  policy: {
    autoApproveMaxCost: 25,
    autoApproveMinConfidence: 0.8,
    alwaysAskActionTypes: ['pricing_review'],
    amountBounds: {
      retention_offer: { min: 0, max: 200 },
      loyalty_compensation: { min: 0, max: 10_000 },
    },
  },
  holdout: { share: 0.1, salt: 'tessera-holdout-2026' },
  routing: {
    retention_offer: 'marketing',
    loyalty_compensation: 'customer_care',
    service_priority_upgrade: 'customer_care',
    pricing_review: 'merchandising',
    crm_follow_up: 'customer_care',
  },
  approvers: {
    marketing: {
      primary: { name: 'Marketing', email: 'marketing@retailer.example' },
      escalation: { name: 'Head of Marketing', email: 'head-of-marketing@retailer.example' },
    },
    customer_care: {
      primary: { name: 'Customer Care', email: 'care@retailer.example' },
      escalation: { name: 'Head of Customer Care', email: 'head-of-care@retailer.example' },
    },
    merchandising: {
      primary: { name: 'Merchandising', email: 'merchandising@retailer.example' },
      escalation: { name: 'Head of Merchandising', email: 'head-of-merchandising@retailer.example' },
    },
  },
  approval: { timeoutSeconds: 48 * 3600, escalationTimeoutSeconds: 24 * 3600, onTimeout: 'reject' },
};
