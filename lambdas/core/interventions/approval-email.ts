import { ACTION_LABEL, escapeHtml, formatAmount, formatDeadline, TEAM_LABEL } from './html.js';
import type { ApprovalRecord, MailMessage } from './ports.js';

/**
 * The approval request: masked customer, why (reasons and evidence), what is proposed and what it is
 * worth, the deadline and what happens then, and one link. No images, no tracking pixels, no rewritten
 * links: the only URL is the signed approval link.
 */
export function approvalRequestEmail(record: ApprovalRecord): MailMessage {
  const p = record.proposal;
  const escalated = record.level === 2;
  const subject = `${escalated ? '[Escalated] ' : ''}Decision needed: ${p.playbookName} for ${record.customer.displayName}`;
  const actions = p.actions.map((a) => {
    const amount = formatAmount(a.amount, a.unit, p.currency);
    return `${ACTION_LABEL[a.type]}: ${a.description}${amount ? ` (${amount})` : ''}`;
  });
  const text = [
    `Hello ${record.approver.name},`,
    '',
    escalated
      ? 'This decision was escalated to you because the first approver did not decide in time.'
      : `Tessera proposes an intervention that needs a decision from ${TEAM_LABEL[record.team]}.`,
    '',
    `Customer: ${record.customer.displayName}${record.customer.maskedEmail ? ` (${record.customer.maskedEmail})` : ''}`,
    '',
    'Why:',
    ...p.why.map((w) => `- ${w}`),
    '',
    'Evidence:',
    ...p.evidence.map((e) => `- ${e.label}: ${e.value}`),
    '',
    'Proposed:',
    ...actions.map((a) => `- ${a}`),
    '',
    `Expected value: ${p.expectedValue.toFixed(2)} ${p.currency}; expected cost: ${p.expectedCost.toFixed(2)} ${p.currency}; confidence ${Math.round(p.confidence * 100)}%.`,
    `Why a person decides: ${record.policyReason}.`,
    '',
    `Decide by ${formatDeadline(record.deadline)}. ${record.onTimeout}`,
    '',
    `Review and decide: ${record.url}`,
    '',
    'Opening the link does not decide anything; the decision is made on the page.',
  ].join('\n');

  const list = (items: readonly string[]) =>
    `<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family: sans-serif; max-width: 40em">
<p>Hello ${escapeHtml(record.approver.name)},</p>
<p>${
    escalated
      ? 'This decision was <strong>escalated</strong> to you because the first approver did not decide in time.'
      : `Tessera proposes an intervention that needs a decision from ${escapeHtml(TEAM_LABEL[record.team])}.`
  }</p>
<h2>${escapeHtml(p.playbookName)}</h2>
<p><strong>Customer:</strong> ${escapeHtml(record.customer.displayName)}${
    record.customer.maskedEmail ? ` (${escapeHtml(record.customer.maskedEmail)})` : ''
  }</p>
<h3>Why</h3>${list(p.why)}
<h3>Evidence</h3>${list(p.evidence.map((e) => `${e.label}: ${e.value}`))}
<h3>Proposed</h3>${list(actions)}
<p>Expected value <strong>${escapeHtml(p.expectedValue.toFixed(2))} ${escapeHtml(p.currency)}</strong>, expected cost <strong>${escapeHtml(p.expectedCost.toFixed(2))} ${escapeHtml(p.currency)}</strong>, confidence ${Math.round(p.confidence * 100)}%.<br>
Why a person decides: ${escapeHtml(record.policyReason)}.</p>
<p><strong>Decide by ${escapeHtml(formatDeadline(record.deadline))}.</strong> ${escapeHtml(record.onTimeout)}</p>
<p><a href="${escapeHtml(record.url)}">Review and decide</a></p>
<p style="color:#555">Opening the link does not decide anything; the decision is made on the page.</p>
</body></html>`;
  return { to: [record.approver.email], subject, text, html, tag: `${record.approvalId}-request` };
}

/** Sent after each decision so the approver has a record of what they decided and when. */
export function decisionConfirmationEmail(
  record: ApprovalRecord,
  status: 'approved' | 'rejected',
): MailMessage {
  const d = record.decision;
  const subject = `You ${status} "${record.proposal.playbookName}" for ${record.customer.displayName}`;
  const lines = [
    `Your decision was recorded: ${status}.`,
    `When: ${d ? formatDeadline(d.decidedAt) : 'now'}`,
    ...(d?.adjustedAmount !== undefined ? [`Adjusted amount: ${d.adjustedAmount}`] : []),
    ...(d?.comment ? [`Comment: ${d.comment}`] : []),
    '',
    status === 'approved'
      ? 'The approved actions are now being carried out.'
      : 'Nothing will be done for this customer under this proposal.',
    `Reference: ${record.interventionId}`,
  ];
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family: sans-serif; max-width: 40em">${lines
    .filter((l) => l)
    .map((l) => `<p>${escapeHtml(l)}</p>`)
    .join('\n')}</body></html>`;
  return {
    to: [record.approver.email],
    subject,
    text: lines.join('\n'),
    html,
    tag: `${record.approvalId}-${status}`,
  };
}
