/**
 * The scheduled fitting job (issue 4): reads every profile in parallel scan segments, fits BG/NBD,
 * Gamma-Gamma, the shrinkage priors and the CLV distribution, stores the parameters with their fit date and
 * data window, then rescores every profile with them, so a customer who has simply gone quiet (P(alive)
 * falls with time, not with events) still enters the churn segment and is announced.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { KpiConfig } from '../core/analytics/kpi.js';
import type { FittedModelStore } from '../core/analytics/model-store.js';
import { type FittedModels, fitModels, type ScoringConfig } from '../core/analytics/models.js';
import { rescoreProfileAnalytics } from '../core/analytics/profile-analytics.js';
import {
  type ProfileAnalyticsWriter,
  type ProfileReader,
  type StoredProfileAnalytics,
  scanAllSegments,
} from '../core/analytics/profile-scan.js';
import type { SegmentConfig } from '../core/analytics/segments.js';
import type { RiskScores } from '../core/contracts/internal-events.js';
import type { Clock, EventPublisher } from '../core/ports.js';
import { riskChangedEvent } from '../identity/analytics-hook.js';

export interface AnalyticsFitDependencies {
  readonly profiles: ProfileReader & ProfileAnalyticsWriter;
  readonly models: FittedModelStore;
  readonly publisher: EventPublisher;
  readonly clock: Clock;
  readonly kpi: KpiConfig;
  readonly scoring?: ScoringConfig;
  readonly segmentConfig?: SegmentConfig;
  /** parallel scan segments (DynamoDB Segment/TotalSegments) */
  readonly totalSegments: number;
  readonly logger?: Logger;
}

export interface AnalyticsFitRequest {
  /** calibration end for the summaries; defaults to now */
  readonly asOf?: string;
  /** rescore every profile after the fit (default true) */
  readonly rescore?: boolean;
}

export interface AnalyticsFitResult {
  readonly fittedAt: string;
  readonly customers: number;
  readonly profilesRead: number;
  readonly bgnbd: FittedModels['bgnbd'];
  readonly gammaGamma: FittedModels['gammaGamma'];
  readonly rescore?: {
    readonly profiles: number;
    readonly written: number;
    /** an event updated the profile between read and write: its own pass scored it */
    readonly skippedConcurrent: number;
    readonly riskChanged: number;
  };
}

/** Scores worth a write: a probability or rank moved by more than a point, or CLV by more than 1%. */
function scoresMoved(before: RiskScores | undefined, after: RiskScores): boolean {
  if (before === undefined) return true;
  for (const [key, value] of Object.entries(after) as [keyof RiskScores, number | undefined][]) {
    const old = before[key];
    if (typeof value !== 'number' || typeof old !== 'number') {
      if (value !== old) return true;
      continue;
    }
    if (Math.abs(value - old) > 0.01 * Math.max(1, Math.abs(old))) return true;
  }
  return false;
}

export async function runAnalyticsFit(
  deps: AnalyticsFitDependencies,
  request: AnalyticsFitRequest = {},
): Promise<AnalyticsFitResult> {
  const fittedAt = deps.clock.now();
  const asOf = request.asOf === undefined ? fittedAt : new Date(request.asOf);
  if (Number.isNaN(asOf.getTime())) throw new Error(`asOf must be an ISO date, got ${request.asOf}`);
  let profilesRead = 0;
  async function* aggregates() {
    for await (const p of scanAllSegments(deps.profiles, deps.totalSegments)) {
      profilesRead += 1;
      yield p.state.aggregates;
    }
  }
  const models = await fitModels(aggregates(), {
    asOf,
    kpi: deps.kpi,
    fittedAt,
    ...(deps.scoring ? { scoring: deps.scoring } : {}),
  });
  await deps.models.save(models);
  deps.logger?.info('analytics models fitted', {
    customers: models.customers,
    profilesRead,
    bgnbd: models.bgnbd,
    gammaGamma: models.gammaGamma,
  });
  const result = {
    fittedAt: models.fittedAt,
    customers: models.customers,
    profilesRead,
    bgnbd: models.bgnbd,
    gammaGamma: models.gammaGamma,
  };
  if (request.rescore === false) return result;
  return { ...result, rescore: await rescoreAll(deps, models, asOf) };
}

async function rescoreAll(deps: AnalyticsFitDependencies, models: FittedModels, now: Date) {
  const totals = { profiles: 0, written: 0, skippedConcurrent: 0, riskChanged: 0 };
  const runId = models.fittedAt.replace(/[^0-9]/g, '');
  const rescoreOne = async (p: StoredProfileAnalytics) => {
    totals.profiles += 1;
    const out = rescoreProfileAnalytics(
      {
        customerId: p.customerId,
        state: p.state,
        models,
        kpi: deps.kpi,
        now,
        ...(deps.scoring ? { scoring: deps.scoring } : {}),
        ...(deps.segmentConfig ? { segmentConfig: deps.segmentConfig } : {}),
      },
      `fit-${runId}-${p.customerId}`,
    );
    if (!out.riskChanged && !scoresMoved(p.state.scores, out.state.scores ?? {})) return;
    if (out.riskChanged) {
      // Announced before the write, like a merge: a crash in between re-announces with the same event id.
      const [outcome] = await deps.publisher.publish([riskChangedEvent(out.riskChanged)]);
      if (!outcome?.ok) {
        throw new Error(`could not publish CustomerRiskChanged for ${p.customerId}: ${outcome?.errorCode}`);
      }
      totals.riskChanged += 1;
    }
    if (await deps.profiles.saveAnalytics(p.customerId, out.state, p.version)) totals.written += 1;
    else totals.skippedConcurrent += 1;
  };
  // One worker per scan segment: the segments are read and written in parallel.
  await Promise.all(
    Array.from({ length: deps.totalSegments }, async (_, segment) => {
      for await (const p of deps.profiles.scanSegment(segment, deps.totalSegments)) await rescoreOne(p);
    }),
  );
  deps.logger?.info('profiles rescored', totals);
  return totals;
}

export function createAnalyticsFitHandler(deps: AnalyticsFitDependencies & { readonly logger: Logger }) {
  return middy<AnalyticsFitRequest | undefined, AnalyticsFitResult, Error, Context>()
    .use(injectLambdaContext(deps.logger))
    .handler(async (event) => runAnalyticsFit(deps, event ?? {}));
}
