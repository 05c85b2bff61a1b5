import { relative } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import {
  DEFAULT_OPTIONS,
  type GroundTruth,
  SIM_SOURCES,
  writeSimulation,
} from '../../local/simulator/index.js';

const integer = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be an integer, got '${value}'`);
  return n;
};
const number = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number, got '${value}'`);
  return n;
};

/** The short summary `tessera simulate` prints: enough to see what the demo holds without opening files. */
export function formatSimulationSummary(truth: GroundTruth): string {
  const { meta, people } = truth;
  const count = (pick: (p: GroundTruth['people'][number]) => boolean) => people.filter(pick).length;
  const lines = [
    `people ${people.length} in ${truth.households.length} households, ${meta.start.slice(0, 10)} to ${meta.end.slice(0, 10)}, seed ${meta.seed}`,
    `records per source: ${SIM_SOURCES.map((s) => `${s} ${meta.recordsPerSource[s] ?? 0}`).join(', ')}`,
    'events per type:',
    ...Object.entries(meta.eventsPerType)
      .sort(([, a], [, b]) => b - a)
      .map(([type, n]) => `  ${type.padEnd(28)} ${String(n).padStart(7)}`),
    `events generated ${meta.generatedEvents}, delivered ${meta.deliveredEvents} (duplicates injected ${meta.duplicatesInjected}, delivered out of order ${meta.outOfOrderInjected})`,
    `labels: churned ${count((p) => p.labels.churned)}, margin-destructive ${count((p) => p.labels.marginDestructive)}, service friction ${count((p) => p.labels.serviceFriction)}`,
    `documents: return forms ${truth.documents.returns.length}, claim letters ${truth.documents.claims.length}; campaigns ${truth.campaigns.length}`,
  ];
  return lines.join('\n');
}

export function registerSimulateCommands(program: Command): void {
  program
    .command('simulate')
    .description(
      'generate the demo retailer: channel events (events.jsonl) and, separately, the ground truth (truth.jsonl)',
    )
    .requiredOption(
      '--out <dir>',
      'directory to write events.jsonl and truth.jsonl into (created if missing)',
    )
    .option('--customers <n>', 'number of people', integer('--customers'), DEFAULT_OPTIONS.customers)
    .option(
      '--seed <s>',
      'random seed: the same seed gives the same files',
      integer('--seed'),
      DEFAULT_OPTIONS.seed,
    )
    .option(
      '--months <m>',
      'length of the simulated period in months',
      number('--months'),
      DEFAULT_OPTIONS.months,
    )
    .option('--start <date>', 'first day of the period, YYYY-MM-DD', DEFAULT_OPTIONS.start)
    .option(
      '--duplicate-rate <r>',
      'share of events delivered twice',
      number('--duplicate-rate'),
      DEFAULT_OPTIONS.duplicateRate,
    )
    .option(
      '--out-of-order-rate <r>',
      'share of events delivered late',
      number('--out-of-order-rate'),
      DEFAULT_OPTIONS.outOfOrderRate,
    )
    .action(
      async (opts: {
        out: string;
        customers: number;
        seed: number;
        months: number;
        start: string;
        duplicateRate: number;
        outOfOrderRate: number;
      }) => {
        const started = performance.now();
        const { eventsFile, truthFile, truth } = await writeSimulation(
          {
            customers: opts.customers,
            seed: opts.seed,
            months: opts.months,
            start: opts.start,
            duplicateRate: opts.duplicateRate,
            outOfOrderRate: opts.outOfOrderRate,
          },
          opts.out,
          (written) => {
            if (process.stderr.isTTY) process.stderr.write(`\r${written} events written`);
          },
        );
        if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
        const seconds = (performance.now() - started) / 1000;
        console.log(formatSimulationSummary(truth));
        if (Date.parse(truth.meta.end) > Date.now()) {
          console.log(
            `note: the period ends ${truth.meta.end.slice(0, 10)}, after today; the ingest API rejects events dated far in the future`,
          );
        }
        console.log(
          `wrote ${relative(process.cwd(), eventsFile) || eventsFile} and ${relative(process.cwd(), truthFile) || truthFile} in ${seconds.toFixed(1)} s`,
        );
      },
    );
}
