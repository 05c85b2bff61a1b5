import type { Clock } from '../ports.js';
import { approvalRequestEmail, decisionConfirmationEmail } from './approval-email.js';
import {
  approvalIdFor,
  approvalUrl,
  issueCsrf,
  signApprovalLink,
  verifyApprovalLink,
  verifyCsrf,
} from './approval-link.js';
import { decidedPage, decisionFormPage, noticePage, type PageView } from './approval-page.js';
import type { InterventionConfig } from './config.js';
import { readDecisionForm } from './decision.js';
import { formatDeadline } from './html.js';
import type { ApprovalRecord, ApprovalStore, MailSender, TaskCallbacks } from './ports.js';
import { REJECTED_ERROR, type RejectionCause, type RequestApprovalInput } from './workflow.js';

export interface RequestApprovalDeps {
  readonly store: ApprovalStore;
  readonly mail: MailSender;
  readonly clock: Clock;
  readonly signingKey: string;
  /** Where the approval page is served (API Gateway stage URL, or the local server). */
  readonly approvalBaseUrl: string;
  readonly approvers: InterventionConfig['approvers'];
}

/**
 * The task behind `.waitForTaskToken`: keeps the token under an opaque approval id, and emails the
 * approver a signed link. Retried requests reuse the approval id and refresh the token.
 */
export async function requestApproval(
  input: RequestApprovalInput,
  deps: RequestApprovalDeps,
): Promise<{ approvalId: string; status: 'created' | 'refreshed' | 'already_decided' }> {
  const { plan, context, level } = input;
  if (!plan.proposal || !plan.team)
    throw new Error(`intervention ${input.interventionId}: no proposal or team to ask for approval`);
  const now = deps.clock.now();
  const timeoutSeconds = level === 1 ? plan.approval.timeoutSeconds : plan.approval.escalationTimeoutSeconds;
  const deadline = new Date(now.getTime() + timeoutSeconds * 1000);
  const approvalId = approvalIdFor(deps.signingKey, input.interventionId, level);
  const link = signApprovalLink(deps.signingKey, approvalId, Math.ceil(deadline.getTime() / 1000));
  const team = deps.approvers[plan.team];
  const onTimeout =
    level === 1
      ? `If nobody decides by then, the decision goes to ${team.escalation.name}.`
      : plan.approval.onTimeout === 'reject'
        ? 'If nobody decides by then, the proposal is rejected and nothing is done.'
        : 'If nobody decides by then, the proposal is approved by policy.';
  const record: ApprovalRecord = {
    approvalId,
    interventionId: input.interventionId,
    level,
    team: plan.team,
    approver: level === 1 ? team.primary : team.escalation,
    customer: {
      customerId: context.customerId,
      displayName: context.displayName,
      ...(context.maskedEmail ? { maskedEmail: context.maskedEmail } : {}),
    },
    triggerKind: input.trigger.kind,
    proposal: plan.proposal,
    policyReason: plan.policy?.reason ?? 'policy requires a person',
    ...(plan.amountBounds
      ? {
          amountBounds: {
            actionIndex: plan.amountBounds.actionIndex,
            min: plan.amountBounds.min,
            max: plan.amountBounds.max,
          },
        }
      : {}),
    status: 'pending',
    taskToken: input.taskToken,
    createdAt: now.toISOString(),
    deadline: deadline.toISOString(),
    onTimeout,
    url: approvalUrl(deps.approvalBaseUrl, link),
  };
  if (level === 2) {
    // The first approver's link dies when the decision moves on, so only one person can decide.
    const first = approvalIdFor(deps.signingKey, input.interventionId, 1);
    if (await deps.store.expire(first, now.toISOString())) {
      await deps.store.appendAudit({
        interventionId: input.interventionId,
        at: now.toISOString(),
        actor: 'workflow',
        action: 'timed_out',
        approvalId: first,
        detail: 'first approver did not decide in time; escalated',
      });
    }
  }
  const status = await deps.store.putPending(record);
  if (status === 'already_decided') return { approvalId, status };
  if (status === 'created') {
    await deps.store.appendAudit({
      interventionId: input.interventionId,
      at: record.createdAt,
      actor: 'workflow',
      action: 'approval_requested',
      approvalId,
      detail: `level ${level}, ${record.team}, until ${formatDeadline(record.deadline)}`,
    });
  }
  await deps.mail.send(approvalRequestEmail(record));
  return { approvalId, status };
}

export interface ApprovalPageDeps {
  readonly store: ApprovalStore;
  readonly callbacks: TaskCallbacks;
  readonly mail: MailSender;
  readonly clock: Clock;
  readonly signingKey: string;
}

export interface PageRequest {
  readonly approvalId: string | undefined;
  readonly exp: string | undefined;
  readonly sig: string | undefined;
  readonly sourceIp?: string;
  readonly userAgent?: string;
}

export interface PageResult extends PageView {
  /** Set when the page issues a CSRF cookie (the form). */
  readonly csrfCookie?: string;
}

const LINK_PROBLEMS = {
  malformed: [400, 'Link not valid', 'This approval link is incomplete. Open it again from the email.'],
  tampered: [
    403,
    'Link not valid',
    'This approval link has been altered and cannot be used. Open the link exactly as it is in the email.',
  ],
  expired: [
    410,
    'Link expired',
    'The time to decide on this proposal has passed. The workflow has moved on (escalated or closed as configured).',
  ],
} as const;

function closedPage(record: ApprovalRecord): PageView {
  if (record.status === 'expired')
    return noticePage(
      410,
      'Link expired',
      'The time to decide on this proposal has passed; nothing was changed.',
    );
  const d = record.decision;
  return noticePage(
    409,
    'Already decided',
    `This proposal was already ${record.status}${d ? ` by ${d.decidedBy} at ${formatDeadline(d.decidedAt)}` : ''}. Nothing was changed.`,
  );
}

async function openApproval(
  request: PageRequest,
  deps: ApprovalPageDeps,
): Promise<{ ok: true; record: ApprovalRecord } | { ok: false; page: PageView; record?: ApprovalRecord }> {
  const now = deps.clock.now();
  const check = verifyApprovalLink(
    deps.signingKey,
    { approvalId: request.approvalId, exp: request.exp, sig: request.sig },
    now,
  );
  if (!check.ok) {
    const [status, title, message] = LINK_PROBLEMS[check.problem];
    return { ok: false, page: noticePage(status, title, message) };
  }
  const record = await deps.store.get(request.approvalId as string);
  if (!record)
    return {
      ok: false,
      page: noticePage(404, 'Not found', 'This approval no longer exists. Nothing was changed.'),
    };
  if (record.status !== 'pending') return { ok: false, page: closedPage(record), record };
  if (new Date(record.deadline).getTime() <= now.getTime()) {
    const [status, title, message] = LINK_PROBLEMS.expired;
    return { ok: false, page: noticePage(status, title, message), record };
  }
  return { ok: true, record };
}

/** GET: shows the proposal and the form. Never decides. */
export async function showApproval(request: PageRequest, deps: ApprovalPageDeps): Promise<PageResult> {
  const opened = await openApproval(request, deps);
  if (!opened.ok) return opened.page;
  const csrf = issueCsrf(deps.signingKey, opened.record.approvalId, deps.clock.now());
  return {
    ...decisionFormPage(opened.record, { exp: request.exp ?? '', sig: request.sig ?? '' }, csrf.token),
    csrfCookie: csrf.cookieNonce,
  };
}

/**
 * POST: checks the link, the CSRF pair and the form, records the decision exactly once (a conditional
 * write), then resumes the workflow and confirms by email. Any refusal changes nothing.
 */
export async function submitDecision(
  request: PageRequest & {
    readonly fields: Readonly<Record<string, string | undefined>>;
    readonly csrfCookie?: string;
  },
  deps: ApprovalPageDeps,
): Promise<PageResult> {
  const opened = await openApproval(request, deps);
  if (!opened.ok) {
    // Refusals on a real approval are audited (a replayed or late post); forged links are only answered.
    if (opened.record) {
      await deps.store.appendAudit(
        refusal(
          opened.record.interventionId,
          request,
          deps,
          `refused: ${opened.page.statusCode === 409 ? 'already decided' : 'expired'}`,
        ),
      );
    }
    return opened.page;
  }
  const { record } = opened;
  const now = deps.clock.now();
  const csrf = verifyCsrf(deps.signingKey, record.approvalId, request.fields.csrf, request.csrfCookie, now);
  if (!csrf.ok) return noticePage(403, 'Form not accepted', `Nothing was changed: ${csrf.reason}.`);

  const form = readDecisionForm(request.fields, record.amountBounds);
  if (!form.ok) {
    const fresh = issueCsrf(deps.signingKey, record.approvalId, now);
    return {
      ...decisionFormPage(
        record,
        { exp: request.exp ?? '', sig: request.sig ?? '' },
        fresh.token,
        `Nothing was changed: ${form.field}: ${form.message}.`,
      ),
      csrfCookie: fresh.cookieNonce,
    };
  }

  const status = form.form.decision === 'approve' ? 'approved' : 'rejected';
  const decision = {
    decidedBy: record.approver.email,
    decidedAt: now.toISOString(),
    ...(form.form.comment ? { comment: form.form.comment } : {}),
    ...(form.form.adjustedAmount !== undefined ? { adjustedAmount: form.form.adjustedAmount } : {}),
    ...(request.sourceIp ? { sourceIp: request.sourceIp } : {}),
    ...(request.userAgent ? { userAgent: request.userAgent.slice(0, 300) } : {}),
  };
  const result = await deps.store.decide(record.approvalId, status, decision, now);
  if (result !== 'decided') {
    const latest = await deps.store.get(record.approvalId);
    return latest ? closedPage(latest) : noticePage(404, 'Not found', 'This approval no longer exists.');
  }
  await deps.store.appendAudit({
    interventionId: record.interventionId,
    at: decision.decidedAt,
    actor: decision.decidedBy,
    action: status,
    approvalId: record.approvalId,
    ...(decision.sourceIp ? { sourceIp: decision.sourceIp } : {}),
    ...(decision.userAgent ? { userAgent: decision.userAgent } : {}),
    detail: [
      form.form.adjustedAmount !== undefined ? `amount ${form.form.adjustedAmount}` : '',
      form.form.comment ? `comment: ${form.form.comment}` : '',
    ]
      .filter(Boolean)
      .join('; '),
  });

  let delivered: 'delivered' | 'gone';
  try {
    delivered = await tellWorkflow(record, status, decision, deps);
  } catch (error) {
    // Step Functions could not be reached: undo, so the decision is not lost and the approver can retry.
    await deps.store.reopen(record, decision.decidedAt);
    await deps.store.appendAudit(
      refusal(
        record.interventionId,
        request,
        deps,
        `decision undone: the workflow could not be reached (${(error as Error).name})`,
      ),
    );
    return noticePage(
      503,
      'Try again',
      'Nothing was changed: the workflow could not be reached. Please try again in a minute.',
    );
  }
  if (delivered === 'gone') {
    // The workflow stopped waiting between our check and the decision (its timeout won the race).
    await deps.store.appendAudit(
      refusal(
        record.interventionId,
        request,
        deps,
        'decision arrived after the workflow stopped waiting: no effect',
      ),
    );
    return noticePage(
      410,
      'Too late',
      'Your decision was recorded, but the workflow had already stopped waiting for it (the deadline passed), so it has no effect.',
    );
  }
  const decided: ApprovalRecord = { ...record, status, decision };
  await deps.mail.send(decisionConfirmationEmail(decided, status));
  return decidedPage(decided, status);
}

async function tellWorkflow(
  record: ApprovalRecord,
  status: 'approved' | 'rejected',
  decision: { decidedBy: string; decidedAt: string; comment?: string; adjustedAmount?: number },
  deps: ApprovalPageDeps,
): Promise<'delivered' | 'gone'> {
  return status === 'approved'
    ? await deps.callbacks.succeed(record.taskToken, {
        decision: 'approved',
        decidedBy: decision.decidedBy,
        decidedAt: decision.decidedAt,
        autoApproved: false,
        approvalId: record.approvalId,
        ...(decision.comment ? { comment: decision.comment } : {}),
        ...(decision.adjustedAmount !== undefined ? { adjustedAmount: decision.adjustedAmount } : {}),
      })
    : await deps.callbacks.fail(
        record.taskToken,
        REJECTED_ERROR,
        JSON.stringify({
          decidedBy: decision.decidedBy,
          decidedAt: decision.decidedAt,
          approvalId: record.approvalId,
          ...(decision.comment ? { comment: decision.comment } : {}),
        } satisfies RejectionCause),
      );
}

function refusal(interventionId: string, request: PageRequest, deps: ApprovalPageDeps, detail: string) {
  return {
    interventionId,
    at: deps.clock.now().toISOString(),
    actor: 'anonymous',
    action: 'decision_refused' as const,
    ...(request.approvalId ? { approvalId: request.approvalId } : {}),
    ...(request.sourceIp ? { sourceIp: request.sourceIp } : {}),
    ...(request.userAgent ? { userAgent: request.userAgent.slice(0, 300) } : {}),
    detail,
  };
}
