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
  customers: {
    name: 'tessera-customers',
    partitionKey: 'pk',
    sortKey: 'sk',
    timeToLiveAttribute: 'expiresAt',
    purpose:
      'identity graph and profiles: REC#<record> source records, BLK#<key> blocking index, CUS#<id> profile node, members, PROFILE and redirects, TF#<name> term counts, REVIEW possible matches, EVT#<source>#<id> processed events, TOMB#<record> erasure tombstones, ANALYTICS#MODELS fitted analytics parameters (LATEST, FIT#<fittedAt> history), IDENTITY#MODEL trained m/u parameters the identity functions load at cold start (LATEST, MODEL#<storedAt> history)',
  },
  documents: {
    name: 'tessera-documents',
    partitionKey: 'pk',
    sortKey: 'sk',
    timeToLiveAttribute: 'expiresAt',
    purpose:
      'return/claim documents: DOC#<id> record (status, extraction, failure), QUEUE#review|failed items for a person (QUEUEDOC# pointers), JOB#<jobTag> Textract task tokens (TTL)',
  },
  interventions: {
    name: 'tessera-interventions',
    partitionKey: 'pk',
    sortKey: 'sk',
    timeToLiveAttribute: 'expiresAt',
    globalSecondaryIndexes: [{ indexName: 'pending', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
    purpose:
      'approvals: APPROVAL#<id>/META with the task token (TTL after the deadline; sparse GSI "pending" while undecided), INTERVENTION#<id>/AUDIT#<at>#<n> audit log (kept), INTERVENTION#<id>/OUTCOME outcomes',
  },
} as const satisfies Record<string, TableLayout>;

export type TableKey = keyof typeof TableLayouts;
