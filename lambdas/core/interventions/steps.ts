import type { OutgoingEvent } from '../contracts/envelope.js';
import type {
  InterventionApprovedDetail,
  InterventionCompletedDetail,
  InterventionProposedDetail,
  InterventionRejectedDetail,
} from '../contracts/internal-events.js';
import { InternalEventType, InternalSource } from '../contracts/names.js';
import type { Clock, EventPublisher } from '../ports.js';
import { approvalIdFor } from './approval-link.js';
import type { InterventionConfig } from './config.js';
import { isInHoldout } from './holdout.js';
import { maskEmail, maskName } from './masking.js';
import { amountBoundsFor, approverTeamFor, checkPolicy } from './policy.js';
import type { ApprovalStore, CustomerDirectory } from './ports.js';
import { contractActions, proposeIntervention } from './proposal.js';
import {
  type ApplyInput,
  type ExecutionInput,
  type InterventionPlan,
  type LoadedContext,
  type OutcomeInput,
  RejectionCause,
} from './workflow.js';

/** Load context: who the customer is now (merges followed), masked for approvers; erased customers stop here. */
export async function loadContext(
  input: ExecutionInput,
  directory: CustomerDirectory,
): Promise<LoadedContext> {
  const found = await directory.lookup(input.trigger.customerId);
  const mergedFrom =
    found.customerId !== input.trigger.customerId ? { mergedFrom: input.trigger.customerId } : {};
  if (found.status !== 'active')
    return { status: found.status, customerId: found.customerId, displayName: 'Unavailable', ...mergedFrom };
  const email = maskEmail(found.email);
  return {
    status: 'active',
    customerId: found.customerId,
    ...mergedFrom,
    displayName: maskName(found.name),
    ...(email ? { maskedEmail: email } : {}),
    ...(found.clv !== undefined ? { clv: found.clv } : {}),
  };
}

export interface PlanDeps {
  readonly config: InterventionConfig;
  readonly publisher: EventPublisher;
  readonly store: ApprovalStore;
  readonly clock: Clock;
}

/** Propose, check the policy and draw the holdout, in one step so the state machine only branches on the result. */
export async function planIntervention(
  input: ExecutionInput & { context: LoadedContext },
  deps: PlanDeps,
): Promise<InterventionPlan> {
  const { config } = deps;
  const approval = {
    timeoutSeconds: config.approval.timeoutSeconds,
    escalationTimeoutSeconds: config.approval.escalationTimeoutSeconds,
    onTimeout: config.approval.onTimeout,
  };
  const proposal = proposeIntervention(
    input.trigger,
    {
      customerId: input.context.customerId,
      ...(input.context.clv !== undefined ? { clv: input.context.clv } : {}),
    },
    config,
  );
  if (!proposal) return { matched: false, holdout: false, approval };

  const policy = checkPolicy(proposal, config.policy);
  const holdout = isInHoldout(input.context.customerId, config.holdout.share, config.holdout.salt);
  const bounds = amountBoundsFor(proposal, config.policy);
  const now = deps.clock.now().toISOString();
  await publishOne(deps.publisher, InternalEventType.InterventionProposed, {
    schemaVersion: 1,
    eventId: `${input.interventionId}-proposed`,
    occurredAt: now,
    interventionId: input.interventionId,
    customerId: input.context.customerId,
    trigger: input.trigger.kind,
    actions: contractActions(proposal.actions, proposal.currency),
    expectedValue: proposal.expectedValue,
    expectedCost: proposal.expectedCost,
    confidence: proposal.confidence,
  } satisfies InterventionProposedDetail);
  await deps.store.appendAudit({
    interventionId: input.interventionId,
    at: now,
    actor: 'policy',
    action: holdout ? 'proposed' : policy.route === 'auto' ? 'auto_approved' : 'proposed',
    detail: holdout ? 'customer is in the holdout group: no action' : policy.reason,
  });
  return {
    matched: true,
    proposal,
    policy,
    holdout,
    team: approverTeamFor(proposal, config.routing),
    ...(bounds ? { amountBounds: bounds } : {}),
    approval,
  };
}

/** Apply: announce the approved actions (with any amount the approver adjusted) for Odoo sync to carry out. */
export async function applyIntervention(
  input: ApplyInput,
  deps: { publisher: EventPublisher; store: ApprovalStore; clock: Clock },
): Promise<{ approvedEventId: string }> {
  const proposal = input.plan.proposal;
  if (!proposal) throw new Error(`intervention ${input.interventionId}: nothing to apply (no proposal)`);
  const actions = contractActions(proposal.actions, proposal.currency);
  const adjusted = input.decision.adjustedAmount;
  const index = input.plan.amountBounds?.actionIndex;
  if (adjusted !== undefined && index !== undefined && actions[index])
    actions[index] = { ...actions[index], amount: adjusted };
  const eventId = `${input.interventionId}-approved`;
  const now = deps.clock.now().toISOString();
  await publishOne(deps.publisher, InternalEventType.InterventionApproved, {
    schemaVersion: 1,
    eventId,
    occurredAt: now,
    interventionId: input.interventionId,
    customerId: input.context.customerId,
    trigger: input.trigger.kind,
    actions,
    approvedBy: input.decision.decidedBy,
    autoApproved: input.decision.autoApproved,
  } satisfies InterventionApprovedDetail);
  await deps.store.appendAudit({
    interventionId: input.interventionId,
    at: now,
    actor: 'workflow',
    action: 'applied',
    detail: `${actions.length} action(s) sent to Odoo sync`,
  });
  return { approvedEventId: eventId };
}

/** Who decided, as far as the state shows: an approver, the policy, or nobody (holdout, timeout). */
function decidedBy(input: OutcomeInput): { by?: string; auto: boolean } {
  if (input.decision) return { by: input.decision.decidedBy, auto: input.decision.autoApproved };
  const cause = parseRejection(input);
  return cause ? { by: cause.decidedBy, auto: false } : { auto: false };
}

function parseRejection(input: OutcomeInput): RejectionCause | undefined {
  if (!input.rejection?.Cause) return undefined;
  try {
    const parsed = RejectionCause.safeParse(JSON.parse(input.rejection.Cause));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Record outcome: one idempotent outcome row per intervention, and pending approvals closed on timeout. */
export async function recordOutcome(
  input: OutcomeInput,
  deps: { store: ApprovalStore; clock: Clock; signingKey: string },
): Promise<{ status: string }> {
  const now = deps.clock.now().toISOString();
  const status = input.outcome.status;
  if (status === 'timed_out' || status === 'failed') {
    for (const level of [1, 2])
      await deps.store.expire(approvalIdFor(deps.signingKey, input.interventionId, level), now);
  }
  const who = decidedBy(input);
  const proposal = input.plan?.proposal;
  await deps.store.putOutcome({
    interventionId: input.interventionId,
    customerId: input.context?.customerId ?? input.trigger.customerId,
    triggerKind: input.trigger.kind,
    ...(proposal ? { playbookId: proposal.playbookId } : {}),
    status,
    holdout: input.plan?.holdout ?? false,
    autoApproved: who.auto,
    ...(who.by ? { decidedBy: who.by } : {}),
    ...(proposal ? { expectedValue: proposal.expectedValue, expectedCost: proposal.expectedCost } : {}),
    triggeredAt: input.trigger.occurredAt,
    completedAt: now,
  });
  await deps.store.appendAudit({
    interventionId: input.interventionId,
    at: now,
    actor: 'workflow',
    action: status === 'timed_out' ? 'timed_out' : 'completed',
    detail:
      status === 'failed' && input.error
        ? `failed: ${input.error.Error}`
        : status === 'timed_out'
          ? `nobody decided in time; default: ${input.plan?.approval.onTimeout ?? 'reject'}`
          : status,
  });
  return { status };
}

/** Emit: InterventionRejected for a rejection or timeout, then InterventionCompleted for every outcome. */
export async function emitOutcome(
  input: OutcomeInput,
  deps: { publisher: EventPublisher; clock: Clock },
): Promise<{ completedEventId: string }> {
  const now = deps.clock.now().toISOString();
  const status = input.outcome.status;
  const proposal = input.plan?.proposal;
  const actions = proposal
    ? contractActions(proposal.actions, proposal.currency)
    : [{ type: 'crm_follow_up' as const, description: 'no proposal was made' }];
  const base = {
    schemaVersion: 1 as const,
    occurredAt: now,
    interventionId: input.interventionId,
    customerId: input.context?.customerId ?? input.trigger.customerId,
    trigger: input.trigger.kind,
    actions,
  };
  if (status === 'rejected' || status === 'timed_out') {
    const cause = parseRejection(input);
    await publishOne(deps.publisher, InternalEventType.InterventionRejected, {
      ...base,
      eventId: `${input.interventionId}-rejected`,
      rejectedBy: cause?.decidedBy ?? 'policy:timeout',
      reason: cause?.comment ?? (status === 'timed_out' ? 'nobody decided before the deadline' : 'rejected'),
    } satisfies InterventionRejectedDetail);
  }
  const completedEventId = `${input.interventionId}-completed`;
  await publishOne(deps.publisher, InternalEventType.InterventionCompleted, {
    ...base,
    eventId: completedEventId,
    outcome: status,
    holdout: input.plan?.holdout ?? false,
  } satisfies InterventionCompletedDetail);
  return { completedEventId };
}

/** Publishes one event and fails the task when the bus refused it, so the state machine retries. */
async function publishOne(
  publisher: EventPublisher,
  detailType: InternalEventType,
  detail: object,
): Promise<void> {
  const event: OutgoingEvent = { source: InternalSource.interventions, detailType, detail };
  const [outcome] = await publisher.publish([event]);
  if (!outcome?.ok) {
    const error = new Error(
      `publishing ${detailType} failed: ${outcome ? `${outcome.errorCode} ${outcome.errorMessage}` : 'no result'}`,
    );
    error.name = 'Intervention.PublishFailed';
    throw error;
  }
}
