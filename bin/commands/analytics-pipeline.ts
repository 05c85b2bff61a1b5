/**
 * Evaluation of the analytics through the local runtime (local/runtime.ts): ingest API -> local bus ->
 * identity consumer with the analytics hook -> dynalite.
 */
import { DynamoAnalyticsProfiles } from '../../lambdas/adapters/dynamodb/analytics-profiles.js';
import { DynamoIdentityStore } from '../../lambdas/adapters/dynamodb/identity-store.js';
import type { ChannelEvent } from '../../lambdas/core/analytics/aggregates.js';
import { scanAllSegments } from '../../lambdas/core/analytics/profile-scan.js';
import type { ProfileSink, SinkProfile } from '../../lambdas/core/analytics/profile-sink.js';
import type { ChannelEventLine } from '../../local/channel-client.js';
import { type StreamTotals, sendEventStream } from '../../local/event-stream.js';
import { type LocalRuntime, type LocalRuntimeOptions, startLocalRuntime } from '../../local/runtime.js';

/**
 * The local runtime as the evaluation needs it: deliveries run concurrently and out of order as in the cloud
 * (identity claims a record's first resolution conditionally, so racing first events share one customer);
 * failed deliveries are retried quickly so the run does not wait on backoff.
 */
export function startAnalyticsRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  return startLocalRuntime({ ...options, bus: { retryBaseDelayMs: 5, ...options.bus } });
}

/** How the identity resolver grouped the source customers that an evaluation sent. */
export interface ResolutionCheck {
  readonly profiles: number;
  /** profiles holding records of more than one source customer (wrongly merged) */
  readonly mergedProfiles: number;
  /** source customers whose records ended up in more than one profile (wrongly split) */
  readonly splitCustomers: number;
}

/**
 * A ProfileSink (lambdas/core/analytics/profile-sink.ts) backed by the pipeline: events are sent as signed
 * batches to the ingest API as channel `source` would, and profiles are read back from DynamoDB with the
 * source records the resolver put in each.
 */
export class PipelineProfileSink implements ProfileSink {
  private readonly pending: ChannelEventLine[] = [];
  private readonly identityStore: DynamoIdentityStore;
  private readonly profileReader: DynamoAnalyticsProfiles;
  totals: StreamTotals | undefined;
  resolution: ResolutionCheck | undefined;

  constructor(
    private readonly runtime: LocalRuntime,
    private readonly source: string,
    private readonly totalSegments = 4,
  ) {
    this.identityStore = new DynamoIdentityStore(runtime.dynamo.doc, runtime.dynamo.tables.customers);
    this.profileReader = new DynamoAnalyticsProfiles(runtime.dynamo.doc, runtime.dynamo.tables.customers);
  }

  async accept(event: ChannelEvent): Promise<void> {
    this.pending.push({ source: this.source, detailType: event.detailType, detail: event.detail });
  }

  async *profiles(): AsyncIterable<SinkProfile> {
    this.totals = await sendEventStream(this.pending.splice(0), {
      apiUrl: this.runtime.api.url,
      sourceKeys: this.runtime.sourceKeys,
      batchSize: 100,
      concurrency: 2,
      maxResends: 3,
    });
    await this.runtime.bus.drain();
    const lost = this.totals.rejected + this.totals.failed + this.runtime.bus.deadLettered().length;
    if (lost > 0) {
      throw new Error(
        `${lost} events did not reach a profile (rejected ${this.totals.rejected}, failed ${this.totals.failed}, dead-lettered ${this.runtime.bus.deadLettered().length}): ${JSON.stringify(this.totals.rejections)}`,
      );
    }
    const owners = new Map<string, number>();
    let profiles = 0;
    let mergedProfiles = 0;
    const out: SinkProfile[] = [];
    for await (const p of scanAllSegments(this.profileReader, this.totalSegments)) {
      // Record keys are `<sender>#<sourceSystem>#<sourceCustomerId>`: the resolver's grouping, read as stored.
      const members = await this.identityStore.listMembers(p.customerId);
      const ids = [
        ...new Set(
          members.map((key) => key.split('#').slice(1).join(':')).filter((id) => !id.includes(':event:')),
        ),
      ];
      profiles += 1;
      if (ids.length > 1) mergedProfiles += 1;
      for (const id of ids) owners.set(id, (owners.get(id) ?? 0) + 1);
      out.push({ key: p.customerId, sourceCustomerIds: ids, aggregates: p.state.aggregates });
    }
    this.resolution = {
      profiles,
      mergedProfiles,
      splitCustomers: [...owners.values()].filter((n) => n > 1).length,
    };
    yield* out;
  }
}
