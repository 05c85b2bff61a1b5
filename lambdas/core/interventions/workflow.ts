import { z } from 'zod';
import { Money, SourceId, Timestamp } from '../contracts/common.js';
import { CustomerId } from '../contracts/internal-events.js';
import { describeIssues } from '../validation.js';
import { ApproverTeam } from './config.js';
import { InterventionProposal } from './proposal.js';
import { InterventionTrigger } from './trigger.js';

/**
 * The state the intervention state machine carries from task to task (stepfunctions/intervention.asl.json).
 * Each task handler validates the part it reads, so a change in the ASL that breaks a step fails loudly.
 */
export const ExecutionInput = z.object({ interventionId: SourceId, trigger: InterventionTrigger }).strict();
export type ExecutionInput = z.infer<typeof ExecutionInput>;

export const LoadedContext = z
  .object({
    status: z.enum(['active', 'erased', 'not_found']),
    /** The surviving customer id: the trigger's id, or the profile it was merged into. */
    customerId: CustomerId,
    mergedFrom: CustomerId.optional(),
    displayName: z.string().max(300),
    maskedEmail: z.string().max(300).optional(),
    clv: Money.optional(),
  })
  .strict();
export type LoadedContext = z.infer<typeof LoadedContext>;

export const ApprovalTimeouts = z
  .object({
    timeoutSeconds: z.number().int().min(1),
    escalationTimeoutSeconds: z.number().int().min(1),
    onTimeout: z.enum(['reject', 'approve']),
  })
  .strict();

export const InterventionPlan = z
  .object({
    matched: z.boolean(),
    proposal: InterventionProposal.optional(),
    policy: z
      .object({ route: z.enum(['auto', 'ask']), reason: z.string().max(500) })
      .strict()
      .optional(),
    holdout: z.boolean(),
    team: ApproverTeam.optional(),
    amountBounds: z
      .object({ actionIndex: z.number().int().min(0), type: z.string(), min: Money, max: Money })
      .strict()
      .optional(),
    approval: ApprovalTimeouts,
  })
  .strict();
export type InterventionPlan = z.infer<typeof InterventionPlan>;

/** What the approval page hands back through SendTaskSuccess, or the policy through a Pass state. */
export const ApprovedDecision = z
  .object({
    decision: z.literal('approved'),
    decidedBy: z.string().max(300),
    autoApproved: z.boolean(),
    approvalId: z.string().max(100).optional(),
    decidedAt: Timestamp.optional(),
    comment: z.string().max(1000).optional(),
    adjustedAmount: Money.optional(),
  })
  .strict();
export type ApprovedDecision = z.infer<typeof ApprovedDecision>;

/** The error name of SendTaskFailure for a rejection; the ASL catches it by this name. */
export const REJECTED_ERROR = 'Intervention.Rejected';
export const RejectionCause = z
  .object({
    decidedBy: z.string().max(300),
    decidedAt: Timestamp,
    approvalId: z.string().max(100),
    comment: z.string().max(1000).optional(),
  })
  .strict();
export type RejectionCause = z.infer<typeof RejectionCause>;

export const RequestApprovalInput = z
  .object({
    interventionId: SourceId,
    level: z.union([z.literal(1), z.literal(2)]),
    trigger: InterventionTrigger,
    context: LoadedContext,
    plan: InterventionPlan,
    taskToken: z.string().min(1).max(2048),
  })
  .strict();
export type RequestApprovalInput = z.infer<typeof RequestApprovalInput>;

export const ApplyInput = z
  .object({
    interventionId: SourceId,
    trigger: InterventionTrigger,
    context: LoadedContext,
    plan: InterventionPlan,
    decision: ApprovedDecision,
  })
  .strict();
export type ApplyInput = z.infer<typeof ApplyInput>;

export const OutcomeStatus = z.enum(['applied', 'rejected', 'timed_out', 'holdout', 'failed']);
export type OutcomeStatus = z.infer<typeof OutcomeStatus>;

const StepError = z.object({ Error: z.string(), Cause: z.string().optional() }).loose();

/** The whole state as it reaches the outcome steps; what is present depends on the path taken. */
export const OutcomeInput = z
  .object({
    interventionId: SourceId,
    trigger: InterventionTrigger,
    context: LoadedContext.optional(),
    plan: InterventionPlan.optional(),
    decision: ApprovedDecision.optional(),
    rejection: StepError.optional(),
    timeout: StepError.optional(),
    escalationTimeout: StepError.optional(),
    error: StepError.optional(),
    applied: z.unknown().optional(),
    outcome: z.object({ status: OutcomeStatus }).strict(),
    recorded: z.unknown().optional(),
  })
  .loose();
export type OutcomeInput = z.infer<typeof OutcomeInput>;

/** Reads a step's input or throws an error naming every bad field (the task fails and the Catch acts). */
export function readStepInput<T extends z.ZodType>(schema: T, input: unknown, step: string): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const error = new Error(`${step}: invalid input: ${describeIssues(parsed.error.issues)}`);
  error.name = 'Intervention.InvalidInput';
  throw error;
}
