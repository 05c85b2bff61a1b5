/**
 * Writing the business report to a file, and the demo retailer's profiles to write it from. The local demo
 * calls `writeReport` at the end of `npm start` with the profiles it read back from the local DynamoDB;
 * `tessera report` calls it with profiles from a file or from `demoReportInput`.
 */
import { createReadStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { ChannelEvent, ProfileAggregates } from '../../lambdas/core/analytics/aggregates.js';
import { type KpiConfig, kpiConfig } from '../../lambdas/core/analytics/kpi.js';
import { type FittedModels, fitModels } from '../../lambdas/core/analytics/models.js';
import {
  type ProfileAnalyticsState,
  rescoreProfileAnalytics,
  updateProfileAnalytics,
} from '../../lambdas/core/analytics/profile-analytics.js';
import { EMPTY_SEGMENT_STATE } from '../../lambdas/core/analytics/segments.js';
import type { RiskScores } from '../../lambdas/core/contracts/internal-events.js';
import { renderReport } from '../../lambdas/core/reporting/html.js';
import type { InterventionOutcome } from '../../lambdas/core/reporting/interventions.js';
import {
  buildReportModel,
  type ReportOptions,
  type ReportProfile,
} from '../../lambdas/core/reporting/model.js';
import { recordIndex, simulateRetailer } from '../simulator/index.js';

export const DEFAULT_REPORT_FILE = '.tessera/report.html';

export interface WriteReportOptions extends Partial<Omit<ReportOptions, 'generatedAt'>> {
  /** where to write (default `.tessera/report.html`, relative to the working directory) */
  readonly out?: string;
  /** defaults to now */
  readonly generatedAt?: Date;
}

/** Builds the report from the profiles, writes the HTML file and returns its absolute path. */
export async function writeReport(
  profiles: AsyncIterable<ReportProfile> | Iterable<ReportProfile>,
  options: WriteReportOptions = {},
): Promise<string> {
  const generatedAt = options.generatedAt ?? new Date();
  const model = await buildReportModel(profiles, {
    ...options,
    generatedAt,
    asOf: options.asOf ?? generatedAt,
  });
  const file = resolve(options.out ?? DEFAULT_REPORT_FILE);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, renderReport(model), 'utf8');
  return file;
}

export interface DemoReportInput {
  readonly profiles: readonly ReportProfile[];
  readonly models: FittedModels;
  readonly asOf: Date;
  readonly dataSource: string;
}

/**
 * The demo retailer's events through the analytics in memory, as `bench/analytics.bench.ts` does: profiles
 * keyed by the simulator's true person (perfect identity resolution, so the figures measure the analytics),
 * the models fitted over every profile at the end of the simulated period, then every profile rescored as
 * the scheduled job does after a fit.
 */
export async function demoReportInput(options: {
  customers: number;
  seed: number;
  kpi?: KpiConfig;
  fittedAt?: Date;
}): Promise<DemoReportInput> {
  const kpi = options.kpi ?? kpiConfig();
  const { events, truth } = simulateRetailer({ customers: options.customers, seed: options.seed });
  const index = recordIndex(truth);
  const asOf = new Date(truth.meta.end);
  const states = new Map<string, ProfileAnalyticsState>();
  let anonymous = 0;
  for (const e of events) {
    const c = e.detail.customer as { sourceSystem: string; sourceCustomerId?: string } | undefined;
    const person = c?.sourceCustomerId ? index.get(`${c.sourceSystem}:${c.sourceCustomerId}`) : undefined;
    if (!person) {
      anonymous += 1;
      continue;
    }
    const result = updateProfileAnalytics({
      customerId: customerIdOf(person),
      state: states.get(person),
      event: { detailType: e.detailType, detail: e.detail } as ChannelEvent,
      kpi,
      now: new Date(String(e.detail.occurredAt)),
    });
    states.set(person, result.state);
  }
  const models = await fitModels(
    [...states.values()].map((s) => s.aggregates),
    { asOf, kpi, fittedAt: options.fittedAt ?? new Date() },
  );
  const profiles: ReportProfile[] = [];
  for (const [person, state] of states) {
    const customerId = customerIdOf(person);
    const rescored = rescoreProfileAnalytics(
      { customerId, state: { ...state, segments: EMPTY_SEGMENT_STATE }, models, kpi, now: asOf },
      'report',
    );
    profiles.push({
      customerId,
      aggregates: rescored.state.aggregates,
      ...(rescored.state.scores ? { scores: rescored.state.scores } : {}),
      segments: rescored.state.segments.segments,
    });
  }
  return {
    profiles,
    models,
    asOf,
    dataSource: `demo retailer ${truth.meta.retailer} (seed ${options.seed}, ${options.customers.toLocaleString('en-GB')} people, ${events.length.toLocaleString('en-GB')} events, ${anonymous.toLocaleString('en-GB')} anonymous store purchases left out), analysed in memory`,
  };
}

const customerIdOf = (personId: string): string => `cus_demo${personId.toLowerCase()}`;

const lines = (file: string) =>
  createInterface({ input: createReadStream(resolve(file)), crlfDelay: Number.POSITIVE_INFINITY });

/**
 * Profiles from a JSONL export, one `{customerId, aggregates, scores?, segments?}` per line; `segments` may be
 * the list of segment ids or the stored segment state (`{segments: [...], above: [...]}`). A line may instead
 * carry the profile item's whole analytics state: `{customerId, state: {aggregates, segments, scores}}`.
 */
export async function* readProfilesFile(file: string): AsyncIterable<ReportProfile> {
  let n = 0;
  for await (const line of lines(file)) {
    n += 1;
    if (line.trim() === '') continue;
    let row: {
      customerId?: unknown;
      aggregates?: ProfileAggregates;
      scores?: RiskScores;
      segments?: unknown;
      state?: ProfileAnalyticsState;
    };
    try {
      row = JSON.parse(line);
    } catch {
      throw new Error(`${file} line ${n}: not JSON`);
    }
    if (row.state !== undefined && row.aggregates === undefined) {
      const { aggregates, scores, segments } = row.state;
      row = { customerId: row.customerId, aggregates, ...(scores ? { scores } : {}), segments };
    }
    if (typeof row.customerId !== 'string' || row.aggregates?.v !== 1)
      throw new Error(`${file} line ${n}: expected {"customerId": ..., "aggregates": {"v": 1, ...}, ...}`);
    const missing = (['orders', 'tickets', 'loyalty', 'campaigns', 'channels', 'issues'] as const).filter(
      (k) => typeof row.aggregates?.[k] !== 'object' || row.aggregates[k] === null,
    );
    if (missing.length > 0) throw new Error(`${file} line ${n}: aggregates lack ${missing.join(', ')}`);
    const segments = Array.isArray(row.segments)
      ? row.segments
      : (row.segments as { segments?: unknown } | undefined)?.segments;
    if (segments !== undefined && !(Array.isArray(segments) && segments.every((s) => typeof s === 'string')))
      throw new Error(`${file} line ${n}: segments must be a list of segment ids`);
    yield {
      customerId: row.customerId,
      aggregates: row.aggregates,
      ...(row.scores ? { scores: row.scores } : {}),
      ...(segments ? { segments: segments as string[] } : {}),
    };
  }
}

/** Fitted parameters written by `tessera analytics fit --out`. */
export async function readModelsFile(file: string): Promise<FittedModels> {
  const models = JSON.parse(await readFile(resolve(file), 'utf8')) as FittedModels;
  if (models?.version !== 1 || !models.bgnbd || !models.gammaGamma)
    throw new Error(`${file} is not a fitted-parameters file (from tessera analytics fit --out)`);
  return models;
}

/** Intervention outcome records, one JSON object per line. */
export async function readInterventionsFile(file: string): Promise<InterventionOutcome[]> {
  const out: InterventionOutcome[] = [];
  let n = 0;
  for await (const line of lines(file)) {
    n += 1;
    if (line.trim() === '') continue;
    const row = JSON.parse(line) as Partial<InterventionOutcome>;
    for (const field of ['interventionId', 'customerId', 'status', 'triggeredAt', 'completedAt'] as const) {
      if (typeof row[field] !== 'string') throw new Error(`${file} line ${n}: ${field} is missing`);
    }
    if (typeof row.holdout !== 'boolean') throw new Error(`${file} line ${n}: holdout must be true or false`);
    out.push({ autoApproved: false, ...row } as InterventionOutcome);
  }
  return out;
}
