import type { ApprovalStore } from '../../lambdas/core/interventions/ports.js';

export interface AutoApproverOptions {
  readonly store: ApprovalStore;
  readonly decision?: 'approve' | 'reject';
  readonly comment?: string;
  /** Called after each decision (for the runtime's summary). */
  readonly onDecided?: (approvalId: string, status: number) => void;
}

/**
 * For unattended demo runs (`--once --auto-approve`): decides pending approvals through the real HTTP
 * flow, exactly as a person would: open the emailed link (GET), then post the form with its CSRF token
 * and cookie. Nothing bypasses the page, so the demo exercises the same checks as a real decision.
 */
export async function decidePendingApprovals(options: AutoApproverOptions): Promise<number> {
  let decided = 0;
  for (const approval of await options.store.listPending(100)) {
    if (new Date(approval.deadline).getTime() <= Date.now()) continue;
    const page = await fetch(approval.url);
    const html = await page.text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
    const cookie = page.headers.get('set-cookie')?.split(';')[0];
    if (page.status !== 200 || !csrf || !cookie) continue; // decided or expired meanwhile
    const posted = await fetch(approval.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie,
        'user-agent': 'tessera-auto-approve',
      },
      body: new URLSearchParams({
        csrf,
        decision: options.decision ?? 'approve',
        comment: options.comment ?? 'decided automatically by the unattended demo (--auto-approve)',
      }).toString(),
    });
    await posted.text();
    options.onDecided?.(approval.approvalId, posted.status);
    if (posted.status === 200) decided += 1;
  }
  return decided;
}
