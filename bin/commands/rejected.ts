import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { DEFAULT_INGEST_LIMITS } from '../../lambdas/core/ingest/ingest-batch.js';
import type { RejectedEvent } from '../../lambdas/core/ingest/ports.js';
import { redriveRejected } from '../../lambdas/core/ingest/redrive.js';
import { withLocalRuntime } from '../local-session.js';

interface StateOption {
  stateDir: string;
}

const days = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 90) throw new InvalidArgumentError('must be 1..90 days');
  return n;
};

/** `tessera events rejected ...`: what ingestion refused, why, and a way to send it again. */
export function registerRejectedCommands(program: Command): void {
  const events = program.commands.find((c) => c.name() === 'events') ?? program.command('events');
  const rejected = events
    .command('rejected')
    .description('events that ingestion refused, kept with their reasons');

  rejected
    .command('list')
    .description('list rejected events, newest first')
    .option('--days <n>', 'how many days back', days, 14)
    .option('--limit <n>', 'at most this many', (v) => Number(v), 50)
    .option('--json', 'one JSON object per line', false)
    .option('--state-dir <dir>', 'local state folder', '.tessera')
    .action(async (options: StateOption & { days: number; limit: number; json: boolean }) => {
      await withLocalRuntime(resolve(options.stateDir), async (runtime) => {
        const since = new Date(Date.now() - options.days * 86_400_000);
        const page = await runtime.rejected.list({ limit: options.limit, since });
        if (options.json) {
          for (const item of page.items) console.log(JSON.stringify(item));
          return;
        }
        if (page.items.length === 0) console.log(`no rejected events in the last ${options.days} days`);
        for (const item of page.items) console.log(describe(item));
      });
    });

  rejected
    .command('show')
    .description('print one rejected event as it was received, with its reasons')
    .argument('<rejection-id>')
    .option('--state-dir <dir>', 'local state folder', '.tessera')
    .action(async (id: string, options: StateOption) => {
      await withLocalRuntime(resolve(options.stateDir), async (runtime) => {
        const item = await runtime.rejected.get(id);
        if (!item) throw new Error(`no rejected event ${id}`);
        console.log(JSON.stringify({ ...item, rawEvent: tryParse(item.rawEvent) }, null, 2));
      });
    });

  rejected
    .command('redrive')
    .description('send a rejected event through ingestion again, as stored or corrected from a file')
    .argument('<rejection-id>')
    .option('--corrected <file>', 'a corrected copy of the event (JSON) to send instead')
    .option('--state-dir <dir>', 'local state folder', '.tessera')
    .action(async (id: string, options: StateOption & { corrected?: string }) => {
      const corrected = options.corrected ? await readFile(resolve(options.corrected), 'utf8') : undefined;
      const ok = await withLocalRuntime(resolve(options.stateDir), async (runtime) => {
        const item = await runtime.rejected.get(id);
        if (!item) throw new Error(`no rejected event ${id}`);
        const result = await redriveRejected(item, corrected, new Date(), {
          ledger: runtime.ledger,
          rejected: runtime.rejected,
          publisher: runtime.publisher,
          limits: DEFAULT_INGEST_LIMITS,
        });
        await runtime.bus.drain();
        if (result.ok) console.log(`${id}: re-driven (${result.verdict.status})`);
        else console.error(`${id}: still refused: ${result.reasons.join('; ')}`);
        return result.ok;
      });
      if (!ok) process.exitCode = 1;
    });
}

function describe(item: RejectedEvent): string {
  const what = [item.detailType, item.eventId].filter(Boolean).join(' ');
  const state = item.redrivenAt ? ` [re-driven ${item.redrivenAt}]` : '';
  return `${item.rejectionId}  ${item.sourceId}  ${what || '(unreadable)'}${state}\n    ${item.reasons.join('\n    ')}`;
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
