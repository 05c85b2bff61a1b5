import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DynamoApprovalStore } from '../../lambdas/adapters/dynamodb/approval-store.js';
import type { ApprovalRecord } from '../../lambdas/core/interventions/ports.js';
import { approvalLinkFromEml, listOutbox } from '../../local/mail/outbox.js';
import { LocalStateInUseError } from '../../local/state.js';
import { withLocalRuntime } from '../local-session.js';

interface ListOptions {
  readonly stateDir: string;
  readonly limit: number;
  readonly json: boolean;
}

/** `tessera approvals ...`: the decisions people still have to make, and what was decided. */
export function registerApprovalsCommands(program: Command): void {
  const approvals = program
    .command('approvals')
    .description('approval-gated interventions waiting for a person');

  approvals
    .command('list')
    .description('pending approvals with their "Review and decide" links, soonest deadline first')
    .option('--limit <n>', 'at most this many', (v) => Number(v), 50)
    .option('--json', 'one JSON object per line', false)
    .option('--state-dir <dir>', 'local state folder', '.tessera')
    .action(async (options: ListOptions) => {
      const stateDir = resolve(options.stateDir);
      let pending: ApprovalRecord[];
      try {
        pending = await withLocalRuntime(stateDir, (runtime) =>
          new DynamoApprovalStore(runtime.dynamo.doc, runtime.dynamo.tables.interventions).listPending(
            options.limit,
          ),
        );
      } catch (error) {
        if (!(error instanceof LocalStateInUseError)) throw error;
        // The running runtime holds the state lock; its outbox is plain files we can still read.
        await listFromOutbox(resolve(stateDir, 'outbox'), options);
        return;
      }
      const now = Date.now();
      const open = pending.filter((p) => new Date(p.deadline).getTime() > now);
      if (options.json) {
        for (const p of open) console.log(JSON.stringify(summary(p)));
        return;
      }
      if (open.length === 0) console.log('no approvals are waiting for a decision');
      for (const p of open) {
        const s = summary(p);
        console.log(`${s.approvalId}  ${s.team} (level ${s.level})  ${s.playbook}  for ${s.customer}`);
        console.log(
          `  deadline ${s.deadline}; cost ${s.expectedCost} ${s.currency}, value ${s.expectedValue}`,
        );
        console.log(`  ${s.url}`);
      }
    });

  approvals
    .command('audit')
    .description('the audit log of one intervention: who did what, when, and from where')
    .argument('<intervention-id>')
    .option('--state-dir <dir>', 'local state folder', '.tessera')
    .action(async (interventionId: string, options: { stateDir: string }) => {
      const entries = await withLocalRuntime(resolve(options.stateDir), (runtime) =>
        new DynamoApprovalStore(runtime.dynamo.doc, runtime.dynamo.tables.interventions).listAudit(
          interventionId,
        ),
      );
      if (entries.length === 0) throw new Error(`no audit entries for intervention ${interventionId}`);
      for (const e of entries) {
        const where = e.sourceIp ? ` from ${e.sourceIp}` : '';
        console.log(`${e.at}  ${e.action.padEnd(18)} ${e.actor}${where}${e.detail ? `  ${e.detail}` : ''}`);
      }
    });
}

function summary(p: ApprovalRecord) {
  return {
    approvalId: p.approvalId,
    interventionId: p.interventionId,
    team: p.team,
    level: p.level,
    playbook: p.proposal.playbookName,
    customer: p.customer.displayName,
    deadline: p.deadline,
    expectedValue: p.proposal.expectedValue,
    expectedCost: p.proposal.expectedCost,
    currency: p.proposal.currency,
    url: p.url,
  };
}

async function listFromOutbox(outbox: string, options: ListOptions): Promise<void> {
  const now = Date.now() / 1000;
  const found: { subject: string; url: string }[] = [];
  for (const file of (await listOutbox(outbox)).filter((f) => f.endsWith('-request.eml'))) {
    const url = await approvalLinkFromEml(file);
    const exp = Number(new URL(url).searchParams.get('exp'));
    if (exp <= now) continue;
    const subject = /^Subject: (.*)$/m.exec(await readFile(file, 'utf8'))?.[1] ?? '';
    found.push({ subject, url });
  }
  const shown = found.slice(-options.limit);
  if (options.json) {
    for (const f of shown) console.log(JSON.stringify(f));
    return;
  }
  console.log(
    '(tessera local is running and holds the state; listing unexpired approval emails from the outbox,',
  );
  console.log(' some may have been decided already)');
  if (shown.length === 0) console.log('no unexpired approval emails in the outbox');
  for (const f of shown) console.log(`${f.subject}\n  ${f.url}`);
}
