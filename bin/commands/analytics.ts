import { createReadStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import type { ProfileAggregates } from '../../lambdas/core/analytics/aggregates.js';
import { CDNOW, cdnowEvents, evaluateClv, parseCdnowSummaryCsv } from '../../lambdas/core/analytics/cdnow.js';
import { type KpiConfig, kpiConfig } from '../../lambdas/core/analytics/kpi.js';
import { type FittedModels, fitModels, scoreProfile } from '../../lambdas/core/analytics/models.js';
import { InMemoryAggregateSink, parseChannelEvent } from '../../lambdas/core/analytics/profile-sink.js';
import { promotionEffectiveness } from '../../lambdas/core/analytics/promotions.js';
import {
  DEFAULT_SEGMENT_CONFIG,
  EMPTY_SEGMENT_STATE,
  evaluateSegments,
} from '../../lambdas/core/analytics/segments.js';

const DEFAULT_CDNOW_DIR = '../shared/data/cdnow';

const lines = (file: string) =>
  createInterface({ input: createReadStream(resolve(file)), crlfDelay: Number.POSITIVE_INFINITY });

/** Profiles from a JSONL file: `{customerId, aggregates}` per line (a profile export) ... */
async function readProfiles(file: string): Promise<{ key: string; aggregates: ProfileAggregates }[]> {
  const out: { key: string; aggregates: ProfileAggregates }[] = [];
  let n = 0;
  for await (const line of lines(file)) {
    n += 1;
    if (line.trim() === '') continue;
    const row = JSON.parse(line) as { customerId?: string; aggregates?: ProfileAggregates };
    if (typeof row.customerId !== 'string' || row.aggregates?.v !== 1) {
      throw new Error(`${file} line ${n}: expected {"customerId": ..., "aggregates": {"v": 1, ...}}`);
    }
    out.push({ key: row.customerId, aggregates: row.aggregates });
  }
  return out;
}

/** ... or built from a JSONL file of channel events, keyed by source customer id. */
async function profilesFromEvents(
  file: string,
  kpi: KpiConfig,
): Promise<{ key: string; aggregates: ProfileAggregates }[]> {
  const sink = new InMemoryAggregateSink(kpi);
  let n = 0;
  for await (const line of lines(file)) {
    n += 1;
    if (line.trim() === '') continue;
    try {
      await sink.accept(parseChannelEvent(JSON.parse(line)));
    } catch (error) {
      throw new Error(`${file} line ${n}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const out: { key: string; aggregates: ProfileAggregates }[] = [];
  for await (const p of sink.profiles()) out.push({ key: p.key, aggregates: p.aggregates });
  return out;
}

async function cdnowProfiles(dir: string, kpi: KpiConfig) {
  const sink = new InMemoryAggregateSink(kpi);
  for await (const event of cdnowEvents(lines(resolve(dir, 'CDNOW_sample.txt')))) await sink.accept(event);
  const out: { key: string; aggregates: ProfileAggregates }[] = [];
  for await (const p of sink.profiles()) out.push({ key: p.key, aggregates: p.aggregates });
  return out;
}

interface SourceOptions {
  profiles?: string;
  events?: string;
  cdnow?: string | boolean;
}

async function loadProfiles(options: SourceOptions, kpi: KpiConfig) {
  const given = [options.profiles, options.events, options.cdnow].filter((o) => o !== undefined).length;
  if (given !== 1) throw new Error('give exactly one of --profiles FILE, --events FILE or --cdnow [DIR]');
  if (options.profiles) return readProfiles(options.profiles);
  if (options.events) return profilesFromEvents(options.events, kpi);
  return cdnowProfiles(typeof options.cdnow === 'string' ? options.cdnow : DEFAULT_CDNOW_DIR, kpi);
}

function parseDate(value: string, option: string): Date {
  const date = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime()))
    throw new Error(`${option} must be a date such as 2025-06-30, got ${value}`);
  return date;
}

const pct = (n: number) => `${(n * 100).toFixed(1)}%`;

export function registerAnalyticsCommands(program: Command): void {
  program
    .command('eval-clv')
    .description('reproduce Fader, Hardie and Lee (2005) on the CDNOW sample through the profile aggregates')
    .option('--data <dir>', 'folder with CDNOW_sample.txt and the published summary', DEFAULT_CDNOW_DIR)
    .option('--json', 'print one JSON object')
    .option(
      '--pipeline',
      'send the orders through the local runtime (ingest API, bus, identity consumer, DynamoDB) and read the profiles back',
    )
    .action(async (options: { data: string; json?: boolean; pipeline?: boolean }) => {
      const kpi = kpiConfig();
      const expected = parseCdnowSummaryCsv(
        await readFile(resolve(options.data, 'cdnow_customers_summary_with_transactions.csv'), 'utf8'),
      );
      // build events -> feed a sink -> read summaries; the sink is where the full pipeline plugs in.
      const events = cdnowEvents(lines(resolve(options.data, 'CDNOW_sample.txt')));
      const startedAt = performance.now();
      const report = (
        result: Awaited<ReturnType<typeof evaluateClv>>,
        pipelineReport?: Record<string, unknown>,
      ) => {
        const { r, alpha, a, b, logLikelihood } = result.bgnbd;
        const { p, q, v } = result.gammaGamma;
        const output = {
          summaryMismatches: result.summaryMismatches,
          bgnbd: { r, alpha, a, b, logLikelihood },
          gammaGamma: { p, q, v },
          holdout: result.holdout,
          customers: result.customers,
          events: result.events,
          gammaGammaLogLikelihood: result.gammaGamma.logLikelihood,
          fitMilliseconds: result.fitMilliseconds,
          mismatchExamples: result.mismatchExamples,
          ...(pipelineReport ? { pipeline: pipelineReport } : {}),
        };
        if (options.json) {
          console.log(JSON.stringify(output));
          return;
        }
        const h = result.holdout;
        console.log(
          `CDNOW sample: ${result.events} orders, ${result.customers} customers, calibration to ${CDNOW.calibrationEnd.toISOString().slice(0, 10)}`,
        );
        console.log(
          `summary mismatches against the published (x, t_x, T, zbar): ${result.summaryMismatches}`,
        );
        console.log(
          `BG/NBD  r=${r.toFixed(4)} alpha=${alpha.toFixed(4)} a=${a.toFixed(4)} b=${b.toFixed(4)} LL=${logLikelihood.toFixed(2)}  (published 0.243 4.414 0.793 2.426, LL -9582.4)`,
        );
        console.log(
          `Gamma-Gamma  p=${p.toFixed(3)} q=${q.toFixed(3)} v=${v.toFixed(3)}  (published 6.25 3.74 15.44)`,
        );
        console.log(
          `holdout weeks ${h.weeks}: actual ${h.actualRepeatPurchases} vs predicted ${h.predictedRepeatPurchases.toFixed(1)} repeat purchases; MAE per customer ${h.mae.toFixed(3)}, RMSE ${h.rmse.toFixed(3)}`,
        );
        console.log(
          `fit time: BG/NBD ${result.fitMilliseconds.bgnbd.toFixed(0)} ms, Gamma-Gamma ${result.fitMilliseconds.gammaGamma.toFixed(0)} ms`,
        );
        if (pipelineReport) console.log(`through the local pipeline: ${JSON.stringify(pipelineReport)}`);
      };
      if (options.pipeline) {
        const { startAnalyticsRuntime, PipelineProfileSink } = await import('./analytics-pipeline.js');
        const pipeline = await startAnalyticsRuntime();
        // CDNOW was a web retailer: its orders arrive from the ecommerce channel system.
        const sink = new PipelineProfileSink(pipeline, 'ecommerce');
        // The sample is read whole (300 KB): streaming it through readline while the runtime runs stalled.
        const sample = (await readFile(resolve(options.data, 'CDNOW_sample.txt'), 'utf8')).split('\n');
        const result = await evaluateClv({
          events: cdnowEvents(sample),
          sink,
          expected,
          kpi,
          now: () => performance.now(),
        });
        const r = sink.resolution;
        if (!r || r.mergedProfiles > 0 || r.splitCustomers > 0) {
          throw new Error(`the identity resolver grouped CDNOW customers wrongly: ${JSON.stringify(r)}`);
        }
        // Reported before the runtime stops: the local DynamoDB child process is shut down last.
        report(result, {
          resolution: r,
          accepted: sink.totals?.accepted,
          seconds: Math.round((performance.now() - startedAt) / 100) / 10,
        });
        await pipeline.stop();
        return;
      }
      report(
        await evaluateClv({
          events,
          sink: new InMemoryAggregateSink(kpi),
          expected,
          kpi,
          now: () => performance.now(),
        }),
      );
    });

  const analytics = program
    .command('analytics')
    .description('profile KPIs, CLV and risk models, segments, promotions');
  const withSource = (cmd: Command) =>
    cmd
      .option('--profiles <file>', 'JSONL of {customerId, aggregates} (a profile export)')
      .option('--events <file>', 'JSONL of channel events, profiles keyed by source customer id')
      .option('--cdnow [dir]', 'the CDNOW sample as order events');

  withSource(analytics.command('fit'))
    .description('fit BG/NBD, Gamma-Gamma, the shrinkage priors and the CLV distribution over all profiles')
    .requiredOption('--as-of <date>', 'calibration end: summaries are taken at this date')
    .option('--out <file>', 'write the fitted parameters here (JSON)')
    .option(
      '--local',
      'run the scheduled fitting job on the local state: scan the profiles, store the fit, rescore',
    )
    .option('--state-dir <dir>', 'local state folder (with --local)', '.tessera')
    .option('--segments <n>', 'parallel scan segments (with --local)', '4')
    .action(
      async (
        options: SourceOptions & {
          asOf: string;
          out?: string;
          local?: boolean;
          stateDir: string;
          segments: string;
        },
      ) => {
        const kpi = kpiConfig();
        if (options.local) {
          const totalSegments = Number(options.segments);
          if (!Number.isInteger(totalSegments) || totalSegments < 1)
            throw new Error('--segments must be a positive integer');
          const asOf = parseDate(options.asOf, '--as-of').toISOString();
          const [
            { withLocalRuntime },
            { runAnalyticsFit },
            { DynamoAnalyticsProfiles },
            { DynamoFittedModelStore },
          ] = await Promise.all([
            import('../local-session.js'),
            import('../../lambdas/analytics-fit/handler.js'),
            import('../../lambdas/adapters/dynamodb/analytics-profiles.js'),
            import('../../lambdas/adapters/dynamodb/model-store.js'),
          ]);
          await withLocalRuntime(resolve(options.stateDir), async (runtime) => {
            const result = await runAnalyticsFit(
              {
                profiles: new DynamoAnalyticsProfiles(runtime.dynamo.doc, runtime.dynamo.tables.customers),
                models: new DynamoFittedModelStore(runtime.dynamo.doc, runtime.dynamo.tables.customers),
                publisher: runtime.publisher,
                clock: { now: () => new Date() },
                kpi,
                totalSegments,
              },
              { asOf },
            );
            // Printed before the runtime closes, so the answer is out even if shutting down is slow.
            console.log(JSON.stringify(result, null, 2));
          });
          return;
        }
        const profiles = await loadProfiles(options, kpi);
        const models = await fitModels(
          profiles.map((p) => p.aggregates),
          { asOf: parseDate(options.asOf, '--as-of'), kpi, fittedAt: new Date() },
        );
        const text = `${JSON.stringify(models, null, 2)}\n`;
        if (options.out) {
          await writeFile(resolve(options.out), text);
          console.log(`fitted ${models.customers} customers; parameters written to ${resolve(options.out)}`);
        } else process.stdout.write(text);
      },
    );

  withSource(analytics.command('score'))
    .description('score profiles with stored parameters and show their segments')
    .requiredOption('--models <file>', 'parameters written by `tessera analytics fit`')
    .requiredOption('--as-of <date>', 'evaluation date')
    .option('--json', 'print JSON lines')
    .action(async (options: SourceOptions & { models: string; asOf: string; json?: boolean }) => {
      const kpi = kpiConfig();
      const models = JSON.parse(await readFile(resolve(options.models), 'utf8')) as FittedModels;
      if (models.version !== 1 || !models.bgnbd)
        throw new Error(`${options.models} is not a fitted-parameters file`);
      const asOf = parseDate(options.asOf, '--as-of');
      const sizes = new Map<string, number>();
      for (const p of await loadProfiles(options, kpi)) {
        const scored = scoreProfile(p.aggregates, models, kpi, asOf);
        const segments = evaluateSegments(EMPTY_SEGMENT_STATE, scored.inputs, DEFAULT_SEGMENT_CONFIG).state
          .segments;
        for (const s of segments) sizes.set(s, (sizes.get(s) ?? 0) + 1);
        if (options.json) console.log(JSON.stringify({ customerId: p.key, scores: scored.scores, segments }));
      }
      if (!options.json) for (const [segment, n] of sizes) console.log(`${segment.padEnd(24)} ${n}`);
    });

  withSource(analytics.command('promotions'))
    .description(
      'per promotion code or campaign: repeat purchase, returns, margin and discount cost vs comparable non-redeemers',
    )
    .requiredOption(
      '--as-of <date>',
      'evaluation date: only redemptions with a complete follow-up window count',
    )
    .option('--window-days <n>', 'repeat purchase within this many days', '90')
    .option('--json', 'print one JSON array')
    .action(async (options: SourceOptions & { asOf: string; windowDays: string; json?: boolean }) => {
      const windowDays = Number(options.windowDays);
      if (!Number.isInteger(windowDays) || windowDays < 1)
        throw new Error('--window-days must be a positive integer');
      const kpi = kpiConfig();
      const profiles = await loadProfiles(options, kpi);
      const effects = promotionEffectiveness(
        profiles.map((p) => p.aggregates),
        { asOf: parseDate(options.asOf, '--as-of'), windowDays },
      );
      if (options.json) {
        console.log(JSON.stringify(effects));
        return;
      }
      if (effects.length === 0) {
        console.log('no promotion code or campaign redemption in these profiles');
        return;
      }
      console.log(
        [
          'promotion',
          'redeemers',
          'evaluated',
          'repeat',
          'vs',
          'lift',
          'full-price repeat',
          'returns',
          'vs',
          'margin/order',
          'vs',
          'discount cost',
        ].join('\t'),
      );
      for (const e of effects) {
        console.log(
          [
            e.promotion,
            e.redeemers,
            e.evaluated,
            pct(e.repeatRate),
            pct(e.comparison.repeatRate),
            `${(e.repeatLift * 100).toFixed(1)} pts`,
            pct(e.fullPriceRepeatRate),
            pct(e.returnRate),
            pct(e.comparison.returnRate),
            e.marginPerOrder.toFixed(2),
            e.comparison.marginPerOrder.toFixed(2),
            e.discountCost.toFixed(2),
          ].join('\t'),
        );
      }
    });
}
