/**
 * The fitting job's reads and writes of profile items (`CUS#<id>/PROFILE`, written by the identity store,
 * whose `aggregates` attribute holds the analytics state). A parallel scan reads NODE and PROFILE items:
 * within a segment a partition's items come together in sort-key order (NODE before PROFILE), so a profile
 * whose node says it merged into another is skipped without a second read.
 */
import { type DynamoDBDocumentClient, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ProfileAnalyticsState } from '../../core/analytics/profile-analytics.js';
import {
  asProfileAnalyticsState,
  type ProfileAnalyticsWriter,
  type ProfileReader,
  type StoredProfileAnalytics,
} from '../../core/analytics/profile-scan.js';
import { isConditionFailure } from './conditions.js';
import { packJson, unpackJson } from './packed-json.js';

export class DynamoAnalyticsProfiles implements ProfileReader, ProfileAnalyticsWriter {
  /** read capacity the scans consumed, as DynamoDB reports it */
  readUnits = 0;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly pageSize = 500,
  ) {}

  async *scanSegment(segment: number, totalSegments: number): AsyncIterable<StoredProfileAnalytics> {
    let start: Record<string, unknown> | undefined;
    let mergedPk: string | undefined;
    do {
      const out = await this.doc.send(
        new ScanCommand({
          TableName: this.tableName,
          Segment: segment,
          TotalSegments: totalSegments,
          Limit: this.pageSize,
          FilterExpression: 'begins_with(pk, :cus) AND (sk = :node OR sk = :profile)',
          ProjectionExpression: 'pk, sk, customerId, aggregates, version, mergedInto',
          ExpressionAttributeValues: { ':cus': 'CUS#', ':node': 'NODE', ':profile': 'PROFILE' },
          ReturnConsumedCapacity: 'TOTAL',
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      this.readUnits += out.ConsumedCapacity?.CapacityUnits ?? 0;
      for (const item of out.Items ?? []) {
        const pk = item.pk as string;
        if (item.sk === 'NODE') {
          mergedPk = item.mergedInto ? pk : undefined;
          continue;
        }
        if (pk === mergedPk) continue;
        const customerId = (item.customerId as string | undefined) ?? pk.slice('CUS#'.length);
        const state = asProfileAnalyticsState(unpackJson(item.aggregates), `profile ${customerId}`);
        if (state === undefined) continue;
        yield { customerId, state, version: Number(item.version ?? 0) };
      }
      start = out.LastEvaluatedKey;
    } while (start);
  }

  async saveAnalytics(
    customerId: string,
    state: ProfileAnalyticsState,
    expectedVersion: number,
  ): Promise<boolean> {
    try {
      // The version moves on, so an identity pass that read the old profile retries on top of this write.
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `CUS#${customerId}`, sk: 'PROFILE' },
          UpdateExpression: 'SET aggregates = :s, version = :next',
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: {
            ':s': packJson(state),
            ':v': expectedVersion,
            ':next': expectedVersion + 1,
          },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }
}
