import { DynamoAnalyticsProfiles } from '../lambdas/adapters/dynamodb/analytics-profiles.js';
import { DynamoFittedModelStore } from '../lambdas/adapters/dynamodb/model-store.js';
import { type AnalyticsFitResult, runAnalyticsFit } from '../lambdas/analytics-fit/handler.js';
import { kpiConfig } from '../lambdas/core/analytics/kpi.js';
import type { FittedModels } from '../lambdas/core/analytics/models.js';
import type { ProfileReader } from '../lambdas/core/analytics/profile-scan.js';
import type { InterventionOutcome } from '../lambdas/core/reporting/interventions.js';
import { type ReportProfile, reportProfileFromState } from '../lambdas/core/reporting/model.js';
import { writeReport } from './report/index.js';
import type { LocalRuntime } from './runtime.js';

/** Scan segments of the local fit, as the scheduled job scans DynamoDB in the cloud. */
const SEGMENTS = 4;

/**
 * What the nightly schedule does in the cloud, run once at the end of the local demo: fit the models over
 * every profile, store them, rescore (customers entering a segment raise CustomerRiskChanged, which starts
 * interventions), and write the business report from the profiles.
 */
export async function fitModelsNow(runtime: LocalRuntime, asOf: Date): Promise<AnalyticsFitResult> {
  return runAnalyticsFit(
    {
      profiles: new DynamoAnalyticsProfiles(runtime.dynamo.doc, runtime.dynamo.tables.customers),
      models: new DynamoFittedModelStore(runtime.dynamo.doc, runtime.dynamo.tables.customers),
      publisher: runtime.publisher,
      clock: { now: () => new Date() },
      kpi: kpiConfig(),
      totalSegments: SEGMENTS,
    },
    { asOf: asOf.toISOString() },
  );
}

/** What the report reads from the local state: the profiles, the stored fit and the intervention outcomes. */
export async function readLocalAnalytics(runtime: LocalRuntime): Promise<{
  profiles: ReportProfile[];
  models: FittedModels | undefined;
  interventions: InterventionOutcome[];
}> {
  const models = await new DynamoFittedModelStore(
    runtime.dynamo.doc,
    runtime.dynamo.tables.customers,
  ).latest();
  const reader = new DynamoAnalyticsProfiles(runtime.dynamo.doc, runtime.dynamo.tables.customers);
  const profiles: ReportProfile[] = [];
  for await (const profile of allProfiles(reader)) profiles.push(profile);
  const interventions: InterventionOutcome[] = [];
  for await (const outcome of runtime.interventions.store.listOutcomes()) interventions.push(outcome);
  return { profiles, models, interventions };
}

export async function writeLocalReport(runtime: LocalRuntime, asOf: Date, out: string): Promise<string> {
  const { profiles, models, interventions } = await readLocalAnalytics(runtime);
  return writeReport(profiles, {
    out,
    asOf,
    ...(models ? { models } : {}),
    ...(interventions.length > 0 ? { interventions } : {}),
  });
}

async function* allProfiles(reader: ProfileReader): AsyncIterable<ReportProfile> {
  for (let segment = 0; segment < SEGMENTS; segment += 1) {
    for await (const profile of reader.scanSegment(segment, SEGMENTS)) {
      yield reportProfileFromState(profile.customerId, profile.state);
    }
  }
}
