/**
 * Where analytics evaluations send channel events and read profiles back from. The in-memory sink applies
 * the aggregates directly; the local pipeline's sink (ingest, bus, identity, DynamoDB) plugs in the same way.
 */
import type { SourceCustomer } from '../contracts/common.js';
import { CONTRACTS, describeIssues, isKnownDetailType, validateDetail } from '../contracts/registry.js';
import { applyChannelEvent, type ChannelEvent, type ProfileAggregates } from './aggregates.js';
import type { KpiConfig } from './kpi.js';

export interface SinkProfile {
  /** the profile's key in the sink (a Tessera customer id in the pipeline) */
  readonly key: string;
  /** source customer ids the profile was built from, as `sourceSystem:sourceCustomerId` */
  readonly sourceCustomerIds: readonly string[];
  readonly aggregates: ProfileAggregates;
}

export interface ProfileSink {
  accept(event: ChannelEvent): Promise<void>;
  /** every profile, once all accepted events have been processed */
  profiles(): AsyncIterable<SinkProfile>;
}

export const sourceKey = (c: SourceCustomer): string => `${c.sourceSystem}:${c.sourceCustomerId ?? ''}`;

/** Keys profiles by source customer id (no identity resolution): for evaluations on already-keyed data. */
export class InMemoryAggregateSink implements ProfileSink {
  private readonly byKey = new Map<string, ProfileAggregates>();
  readonly outcomes = { applied: 0, duplicate: 0, rejected: 0 };

  constructor(private readonly kpi: KpiConfig) {}

  async accept(event: ChannelEvent): Promise<void> {
    const customer = event.detail.customer;
    if (!customer.sourceCustomerId) {
      throw new Error(`event ${event.detail.eventId}: the in-memory sink needs customer.sourceCustomerId`);
    }
    const key = sourceKey(customer);
    const result = applyChannelEvent(this.byKey.get(key), event, this.kpi);
    this.byKey.set(key, result.aggregates);
    this.outcomes[result.outcome] += 1;
  }

  async *profiles(): AsyncIterable<SinkProfile> {
    for (const [key, aggregates] of this.byKey) yield { key, sourceCustomerIds: [key], aggregates };
  }
}

/**
 * Validates one event (an EventBridge envelope with `detail-type` and `detail`, or `{ detailType, detail }`)
 * against its channel contract. Throws naming the field that is wrong.
 */
export function parseChannelEvent(raw: unknown): ChannelEvent {
  if (typeof raw !== 'object' || raw === null) throw new Error('an event must be a JSON object');
  const record = raw as Record<string, unknown>;
  const type = record['detail-type'] ?? record.detailType;
  if (typeof type !== 'string' || !isKnownDetailType(type))
    throw new Error(`unknown detail-type ${JSON.stringify(type)}`);
  const contract = CONTRACTS[type];
  if (contract.kind !== 'channel') throw new Error(`${type} is an internal event, not a channel event`);
  const checked = validateDetail(type, record.detail);
  if (!checked.ok) throw new Error(`${type}: ${describeIssues(checked.issues)}`);
  return { detailType: type, detail: checked.detail } as ChannelEvent;
}
