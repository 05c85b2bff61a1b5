import type { Approver, ApproverTeam, TriggerKind } from './config.js';
import type { AmountBounds } from './policy.js';
import type { InterventionProposal } from './proposal.js';
import type { OutcomeStatus } from './workflow.js';

export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'expired';

export interface DecisionRecord {
  readonly decidedBy: string;
  readonly decidedAt: string;
  readonly comment?: string;
  readonly adjustedAmount?: number;
  readonly sourceIp?: string;
  readonly userAgent?: string;
}

/** One request for a decision, sent to one approver. Holds the task token, which never leaves the store. */
export interface ApprovalRecord {
  readonly approvalId: string;
  readonly interventionId: string;
  readonly level: 1 | 2;
  readonly team: ApproverTeam;
  readonly approver: Approver;
  readonly customer: {
    readonly customerId: string;
    readonly displayName: string;
    readonly maskedEmail?: string;
  };
  readonly triggerKind: TriggerKind;
  readonly proposal: InterventionProposal;
  readonly policyReason: string;
  readonly amountBounds?: AmountBounds & { readonly actionIndex: number };
  readonly status: ApprovalStatus;
  readonly taskToken: string;
  readonly createdAt: string;
  /** When the workflow stops waiting for this approver (and the link expires). */
  readonly deadline: string;
  /** What happens when nobody decides in time, in words, for the email and the page. */
  readonly onTimeout: string;
  readonly url: string;
  readonly decision?: DecisionRecord;
}

export type DecideResult = 'decided' | 'already_decided' | 'expired' | 'not_found';

export interface AuditEntry {
  readonly interventionId: string;
  readonly at: string;
  /** Who: an approver's address, 'policy', or 'workflow'. */
  readonly actor: string;
  readonly action:
    | 'proposed'
    | 'auto_approved'
    | 'approval_requested'
    | 'approved'
    | 'rejected'
    | 'decision_refused'
    | 'timed_out'
    | 'applied'
    | 'completed';
  readonly approvalId?: string;
  /** From where: the client address and agent as API Gateway saw them. */
  readonly sourceIp?: string;
  readonly userAgent?: string;
  readonly detail?: string;
}

export interface InterventionOutcomeRecord {
  readonly interventionId: string;
  readonly customerId: string;
  readonly triggerKind: TriggerKind;
  readonly playbookId?: string;
  readonly status: OutcomeStatus;
  readonly holdout: boolean;
  readonly autoApproved: boolean;
  readonly decidedBy?: string;
  readonly expectedValue?: number;
  readonly expectedCost?: number;
  readonly triggeredAt: string;
  readonly completedAt: string;
}

/** Where approvals, the audit log and outcomes live (DynamoDB; conditional writes make decisions exactly-once). */
export interface ApprovalStore {
  /** Creates the approval, or refreshes the token of a still-pending one (a retried request). */
  putPending(record: ApprovalRecord): Promise<'created' | 'refreshed' | 'already_decided'>;
  get(approvalId: string): Promise<ApprovalRecord | undefined>;
  /** Moves a pending approval to approved/rejected if it is still pending and before its deadline. */
  decide(
    approvalId: string,
    status: 'approved' | 'rejected',
    decision: DecisionRecord,
    now: Date,
  ): Promise<DecideResult>;
  /** Undoes a decision whose workflow could not be told (so the approver can try again); false if changed since. */
  reopen(record: ApprovalRecord, decidedAt: string): Promise<boolean>;
  /** Marks a pending approval expired (the workflow stopped waiting); false when it was decided first. */
  expire(approvalId: string, at: string): Promise<boolean>;
  listPending(limit: number): Promise<ApprovalRecord[]>;
  appendAudit(entry: AuditEntry): Promise<void>;
  listAudit(interventionId: string): Promise<AuditEntry[]>;
  putOutcome(outcome: InterventionOutcomeRecord): Promise<void>;
  getOutcome(interventionId: string): Promise<InterventionOutcomeRecord | undefined>;
}

export type TaskCallbackResult = 'delivered' | 'gone';

/** The Step Functions callback API (SendTaskSuccess / SendTaskFailure). 'gone': the task timed out or ended. */
export interface TaskCallbacks {
  succeed(taskToken: string, output: unknown): Promise<TaskCallbackResult>;
  fail(taskToken: string, error: string, cause: string): Promise<TaskCallbackResult>;
}

export interface MailMessage {
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** Lets the local outbox name files after the approval; ignored by SES. */
  readonly tag?: string;
}

export interface MailSender {
  send(message: MailMessage): Promise<{ readonly messageId: string }>;
}

export type CustomerLookup =
  | {
      readonly status: 'active';
      readonly customerId: string;
      readonly name?: string;
      readonly email?: string;
      readonly clv?: number;
    }
  | { readonly status: 'erased' | 'not_found'; readonly customerId: string };

/** Reads the customer behind an intervention, following merges to the surviving profile. */
export interface CustomerDirectory {
  lookup(customerId: string): Promise<CustomerLookup>;
}

/** Starts the intervention workflow; an execution with the same name means it was started already. */
export interface WorkflowStarter {
  start(name: string, input: unknown): Promise<'started' | 'already_started'>;
}
