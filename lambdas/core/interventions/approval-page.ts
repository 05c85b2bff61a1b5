import { ACTION_LABEL, escapeHtml, formatAmount, formatDeadline, TEAM_LABEL } from './html.js';
import type { ApprovalRecord } from './ports.js';

export interface PageView {
  readonly statusCode: number;
  readonly html: string;
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)} · Tessera</title>
<style>body{font-family:system-ui,sans-serif;max-width:44em;margin:2em auto;padding:0 1em;line-height:1.45}
table{border-collapse:collapse}td,th{text-align:left;padding:.2em .8em .2em 0;vertical-align:top}
.notice{padding:.8em 1em;border-left:4px solid #888;background:#f4f4f4}.error{border-color:#b00020}
button{font-size:1em;padding:.5em 1.2em;margin-right:.6em}</style></head>
<body><h1>${escapeHtml(title)}</h1>
${body}
</body></html>`;
}

/** A page that explains why nothing happened (expired, tampered, already decided, bad form). */
export function noticePage(statusCode: number, title: string, message: string): PageView {
  return {
    statusCode,
    html: layout(title, `<p class="notice${statusCode >= 400 ? ' error' : ''}">${escapeHtml(message)}</p>`),
  };
}

function contextSection(record: ApprovalRecord): string {
  const p = record.proposal;
  const rows = p.actions
    .map(
      (a) =>
        `<tr><td>${escapeHtml(ACTION_LABEL[a.type])}</td><td>${escapeHtml(a.description)}</td><td>${escapeHtml(formatAmount(a.amount, a.unit, p.currency))}</td></tr>`,
    )
    .join('');
  return `<h2>${escapeHtml(p.playbookName)}</h2>
<p><strong>Customer:</strong> <span id="customer">${escapeHtml(record.customer.displayName)}</span>${
    record.customer.maskedEmail ? ` (${escapeHtml(record.customer.maskedEmail)})` : ''
  } · decided by ${escapeHtml(TEAM_LABEL[record.team])}${record.level === 2 ? ' (escalated)' : ''}</p>
<h3>Why</h3><ul>${p.why.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>
<h3>Evidence</h3><table>${p.evidence.map((e) => `<tr><th>${escapeHtml(e.label)}</th><td>${escapeHtml(e.value)}</td></tr>`).join('')}</table>
<h3>Proposed actions</h3><table>${rows}</table>
<p>Expected value <strong>${escapeHtml(p.expectedValue.toFixed(2))} ${escapeHtml(p.currency)}</strong> · expected cost <strong>${escapeHtml(p.expectedCost.toFixed(2))} ${escapeHtml(p.currency)}</strong> · confidence ${Math.round(p.confidence * 100)}%</p>
<p>Why a person decides: ${escapeHtml(record.policyReason)}.</p>`;
}

/** GET: the context and the form. Showing it never decides (mail scanners open links). */
export function decisionFormPage(
  record: ApprovalRecord,
  link: { exp: string; sig: string },
  csrfToken: string,
  problem?: string,
): PageView {
  const b = record.amountBounds;
  const action = b ? record.proposal.actions[b.actionIndex] : undefined;
  const amountField =
    b && action
      ? `<p><label for="amount">Adjusted amount for ${escapeHtml(ACTION_LABEL[action.type])} (${escapeHtml(b.min)} to ${escapeHtml(b.max)}${action.unit === 'points' ? ' points' : ` ${escapeHtml(record.proposal.currency)}`}, optional)</label><br>
<input id="amount" name="amount" inputmode="decimal" placeholder="${escapeHtml(action.amount ?? '')}"></p>`
      : '';
  const body = `${problem ? `<p class="notice error" role="alert">${escapeHtml(problem)}</p>` : ''}
${contextSection(record)}
<p class="notice">Decide by <strong>${escapeHtml(formatDeadline(record.deadline))}</strong>. ${escapeHtml(record.onTimeout)}</p>
<form method="post" action="${escapeHtml(record.approvalId)}?exp=${encodeURIComponent(link.exp)}&amp;sig=${encodeURIComponent(link.sig)}">
<input type="hidden" name="csrf" value="${escapeHtml(csrfToken)}">
<p><label for="comment">Comment (optional)</label><br><textarea id="comment" name="comment" rows="3" cols="60" maxlength="1000"></textarea></p>
${amountField}
<p><button type="submit" name="decision" value="approve">Approve</button><button type="submit" name="decision" value="reject">Reject</button></p>
</form>`;
  return { statusCode: problem ? 400 : 200, html: layout('Review and decide', body) };
}

export function decidedPage(record: ApprovalRecord, status: 'approved' | 'rejected'): PageView {
  return {
    statusCode: 200,
    html: layout(
      status === 'approved' ? 'Approved' : 'Rejected',
      `<p class="notice" id="result">Your decision was recorded: <strong>${status}</strong>. ${
        status === 'approved'
          ? 'The actions are being carried out.'
          : 'Nothing will be done under this proposal.'
      } A confirmation email is on its way.</p>${contextSection(record)}`,
    ),
  };
}
