import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { FittedModels } from '../../lambdas/core/analytics/models.js';
import type { InterventionOutcome } from '../../lambdas/core/reporting/interventions.js';
import {
  buildReportModel,
  type ReportModel,
  type ReportProfile,
} from '../../lambdas/core/reporting/model.js';
import {
  DEFAULT_REPORT_FILE,
  demoReportInput,
  readInterventionsFile,
  readModelsFile,
  readProfilesFile,
  writeReport,
} from '../../local/report/index.js';
import { wholeNumber } from './options.js';

interface ReportCommandOptions {
  windowDays: number;
  json?: boolean;
  out: string;
  profiles?: string;
  demo?: boolean;
  customers: number;
  seed: string;
  models?: string;
  interventions?: string;
  local?: boolean;
  stateDir: string;
  interventionsFromState?: InterventionOutcome[];
  asOf?: string;
  currency?: string;
}

function parseDate(value: string, option: string): Date {
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime()))
    throw new Error(`${option} must be a date such as 2026-06-30, got ${value}`);
  return date;
}

export function registerReportCommands(program: Command): void {
  program
    .command('report')
    .description(
      'write the business report: one self-contained HTML page with KPIs, segments, CLV, churn, returns, promotions, service friction and interventions',
    )
    .argument(
      '[view]',
      '"interventions": print the intervention outcomes (needs --interventions and --profiles) instead of writing the page',
    )
    .option('--out <file>', 'where to write the page', DEFAULT_REPORT_FILE)
    .option('--profiles <file>', 'JSONL of {customerId, aggregates, scores?, segments?} (a profile export)')
    .option('--demo', 'generate the demo retailer and run its events through the analytics in memory')
    .option(
      '--local',
      'read profiles, the stored fit and intervention outcomes from the local state (.tessera)',
    )
    .option('--state-dir <dir>', 'local state folder (with --local)', '.tessera')
    .option('--customers <n>', 'demo: number of people', wholeNumber('--customers', 1), 2000)
    .option('--seed <n>', 'demo: simulator seed', '42')
    .option(
      '--models <file>',
      'fitted parameters (tessera analytics fit --out); profiles without scores are scored with them',
    )
    .option('--interventions <file>', 'JSONL of intervention outcome records: adds the interventions section')
    .option(
      '--window-days <n>',
      'interventions: follow-up window after the trigger',
      wholeNumber('--window-days', 1),
      90,
    )
    .option(
      '--as-of <date>',
      'date the figures are evaluated at (default: today; the end of the simulated period with --demo)',
    )
    .option('--currency <code>', 'currency to report money in (default: the one most customers have)')
    .option('--json', 'interventions view: print one JSON object')
    .action(async (view: string | undefined, options: ReportCommandOptions) => {
      if (view !== undefined && view !== 'interventions')
        throw new Error(`unknown report view "${view}": the only view is "interventions"`);
      if ([options.profiles, options.demo, options.local].filter(Boolean).length !== 1)
        throw new Error('give exactly one of --profiles FILE, --demo or --local');
      const windowDays = options.windowDays;
      let profiles: AsyncIterable<ReportProfile> | Iterable<ReportProfile>;
      let models: FittedModels | undefined = options.models
        ? await readModelsFile(options.models)
        : undefined;
      let asOf = options.asOf ? parseDate(options.asOf, '--as-of') : undefined;
      let dataSource: string;
      if (options.demo) {
        const customers = options.customers;
        const seed = Number(options.seed);
        if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer, got ${options.seed}`);
        const demo = await demoReportInput({ customers, seed });
        profiles = demo.profiles;
        models ??= demo.models;
        asOf ??= demo.asOf;
        dataSource = demo.dataSource;
      } else if (options.local) {
        const local = await readLocalState(resolve(options.stateDir));
        profiles = local.profiles;
        models ??= local.models;
        dataSource = `local state in ${resolve(options.stateDir)}`;
        options.interventionsFromState = local.interventions;
      } else {
        profiles = readProfilesFile(options.profiles!);
        dataSource = `profile export ${options.profiles}`;
      }
      const interventions = options.interventions
        ? await readInterventionsFile(options.interventions)
        : options.interventionsFromState;
      if (view === 'interventions') {
        if (!interventions) throw new Error('report interventions needs --interventions FILE or --local');
        const now = new Date();
        const model = await buildReportModel(profiles, {
          asOf: asOf ?? now,
          generatedAt: now,
          interventions,
          interventionWindowDays: windowDays,
          ...(options.currency ? { currency: options.currency } : {}),
        });
        printInterventions(model, options.json === true);
        return;
      }
      const file = await writeReport(profiles, {
        out: options.out,
        dataSource,
        interventionWindowDays: windowDays,
        ...(models ? { models } : {}),
        ...(asOf ? { asOf } : {}),
        ...(options.currency ? { currency: options.currency } : {}),
        ...(interventions ? { interventions } : {}),
      });
      console.log(file);
    });
}

function printInterventions(model: ReportModel, json: boolean): void {
  const s = model.interventions!;
  if (json) {
    console.log(JSON.stringify(s));
    return;
  }
  const b = s.byStatus;
  const t = s.timeToDecisionHours;
  const pct = (n: number | undefined) => (n === undefined ? '-' : `${(n * 100).toFixed(1)}%`);
  const money = (n: number) => `${n.toFixed(2)} ${model.currency ?? ''}`.trim();
  console.log(
    `proposed ${s.total}: applied ${b.applied} (auto-approved ${b.autoApproved}), rejected ${b.rejected}, timed out ${b.timedOut}, holdout ${b.holdout}, failed ${b.failed}`,
  );
  console.log(
    t.decisions > 0
      ? `time to decision (${t.decisions} by a person): median ${t.median!.toFixed(1)} h, p90 ${t.p90!.toFixed(1)} h, mean ${t.mean!.toFixed(1)} h`
      : 'no decision by a person yet',
  );
  console.log(`within ${s.windowDays} days of the trigger:`);
  console.log(['group', 'evaluated', 'repeat', 'retention', 'margin/customer', 'cost/customer'].join('\t'));
  for (const [name, g] of [
    ['treated', s.treated],
    ['holdout', s.holdout],
    ['rejected/timed out', s.notTreated],
  ] as const) {
    const row = [name, g.evaluated, pct(g.repeatRate), pct(g.retention), money(g.marginPerCustomer)];
    console.log([...row, money(g.costPerCustomer)].join('\t'));
  }
  if (s.missingCustomers > 0)
    console.log(`${s.missingCustomers} outcomes name a customer not in the profiles`);
}

/** Everything the report needs from the local state, read in one session of the local runtime. */
async function readLocalState(stateDir: string) {
  const [{ withLocalRuntime }, { readLocalAnalytics }] = await Promise.all([
    import('../local-session.js'),
    import('../../local/demo-analytics.js'),
  ]);
  return withLocalRuntime(stateDir, readLocalAnalytics);
}
