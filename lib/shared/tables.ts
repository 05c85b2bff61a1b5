/**
 * DynamoDB table layouts, shared by the CDK stateful stack and the local runtime (which creates the same
 * tables in dynalite). Every table uses generic `pk`/`sk` string keys so access patterns can evolve
 * without migrations; TTL attributes are kept for the cloud (dynalite does not expire items).
 */
export interface TableLayout {
  /** Logical name; the physical name is chosen by CloudFormation in the cloud and equals this locally. */
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey?: string;
  readonly timeToLiveAttribute?: string;
  readonly globalSecondaryIndexes?: readonly {
    readonly indexName: string;
    readonly partitionKey: string;
    readonly sortKey?: string;
  }[];
  readonly purpose: string;
}

export const TableLayouts = {
  ingest: {
    name: 'tessera-ingest',
    partitionKey: 'pk',
    sortKey: 'sk',
    timeToLiveAttribute: 'expiresAt',
    purpose: 'event-id deduplication (EVENT#<source>#<id>) and the rejected-events store (REJECTED#<day>)',
  },
} as const satisfies Record<string, TableLayout>;

export type TableKey = keyof typeof TableLayouts;
