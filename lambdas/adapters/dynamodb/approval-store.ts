import { randomBytes } from 'node:crypto';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type {
  ApprovalRecord,
  ApprovalStore,
  AuditEntry,
  DecideResult,
  DecisionRecord,
  InterventionOutcomeRecord,
} from '../../core/interventions/ports.js';
import { isConditionFailure } from './conditions.js';

/** Approvals (and their task tokens) are removed by TTL this long after their deadline. */
const APPROVAL_RETENTION_DAYS = 30;
const PENDING_INDEX = 'pending';
const PENDING = 'PENDING';

const approvalKey = (approvalId: string) => ({ pk: `APPROVAL#${approvalId}`, sk: 'META' });
const interventionPk = (interventionId: string) => `INTERVENTION#${interventionId}`;

/**
 * The interventions table. A decision is one conditional update (pending and before the deadline), so two
 * posts of the same form, or a post racing the timeout, decide at most once without transactions. While
 * pending, an approval sits in the sparse `pending` index (gsi1pk), which the decision removes.
 */
export class DynamoApprovalStore implements ApprovalStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async putPending(record: ApprovalRecord): Promise<'created' | 'refreshed' | 'already_decided'> {
    try {
      const result = await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...approvalKey(record.approvalId),
            ...record,
            gsi1pk: PENDING,
            gsi1sk: `${record.deadline}#${record.approvalId}`,
            expiresAt:
              Math.floor(new Date(record.deadline).getTime() / 1000) + APPROVAL_RETENTION_DAYS * 86_400,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR #status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'pending' },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return result.Attributes ? 'refreshed' : 'created';
    } catch (error) {
      if (isConditionFailure(error)) return 'already_decided';
      throw error;
    }
  }

  async get(approvalId: string): Promise<ApprovalRecord | undefined> {
    const result = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: approvalKey(approvalId), ConsistentRead: true }),
    );
    return result.Item ? toRecord(result.Item) : undefined;
  }

  async decide(
    approvalId: string,
    status: 'approved' | 'rejected',
    decision: DecisionRecord,
    now: Date,
  ): Promise<DecideResult> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: approvalKey(approvalId),
          UpdateExpression: 'SET #status = :status, decision = :decision REMOVE gsi1pk, gsi1sk',
          ConditionExpression: 'attribute_exists(pk) AND #status = :pending AND deadline > :now',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': status,
            ':decision': decision,
            ':pending': 'pending',
            ':now': now.toISOString(),
          },
        }),
      );
      return 'decided';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = await this.get(approvalId);
      if (!current) return 'not_found';
      return current.status === 'pending' || current.status === 'expired' ? 'expired' : 'already_decided';
    }
  }

  async reopen(record: ApprovalRecord, decidedAt: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: approvalKey(record.approvalId),
          UpdateExpression: 'SET #status = :pending, gsi1pk = :index, gsi1sk = :sk REMOVE decision',
          ConditionExpression: 'decision.decidedAt = :at',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':pending': 'pending',
            ':index': PENDING,
            ':sk': `${record.deadline}#${record.approvalId}`,
            ':at': decidedAt,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async expire(approvalId: string, at: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: approvalKey(approvalId),
          UpdateExpression: 'SET #status = :expired, expiredAt = :at REMOVE gsi1pk, gsi1sk',
          ConditionExpression: 'attribute_exists(pk) AND #status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':expired': 'expired', ':pending': 'pending', ':at': at },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async listPending(limit: number): Promise<ApprovalRecord[]> {
    const records: ApprovalRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: PENDING_INDEX,
          KeyConditionExpression: 'gsi1pk = :pending',
          ExpressionAttributeValues: { ':pending': PENDING },
          Limit: limit - records.length,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      records.push(...(page.Items ?? []).map(toRecord));
      startKey = page.LastEvaluatedKey;
    } while (startKey && records.length < limit);
    return records;
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: interventionPk(entry.interventionId),
          // The random suffix keeps two entries of the same millisecond apart; order stays by time.
          sk: `AUDIT#${entry.at}#${randomBytes(4).toString('hex')}`,
          ...entry,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async listAudit(interventionId: string): Promise<AuditEntry[]> {
    const entries: AuditEntry[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
          ExpressionAttributeValues: { ':pk': interventionPk(interventionId), ':audit': 'AUDIT#' },
          ConsistentRead: true,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        const { pk: _pk, sk: _sk, ...entry } = item;
        entries.push(entry as AuditEntry);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return entries;
  }

  async putOutcome(outcome: InterventionOutcomeRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: interventionPk(outcome.interventionId), sk: 'OUTCOME', ...outcome },
      }),
    );
  }

  async getOutcome(interventionId: string): Promise<InterventionOutcomeRecord | undefined> {
    const result = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: interventionPk(interventionId), sk: 'OUTCOME' },
        ConsistentRead: true,
      }),
    );
    if (!result.Item) return undefined;
    const { pk: _pk, sk: _sk, ...outcome } = result.Item;
    return outcome as InterventionOutcomeRecord;
  }

  /**
   * Every recorded outcome, for the outcome report. A filtered scan: the report runs rarely and reads the
   * whole history anyway, so no index is kept for it.
   */
  async *listOutcomes(): AsyncIterable<InterventionOutcomeRecord> {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'sk = :outcome',
          ExpressionAttributeValues: { ':outcome': 'OUTCOME' },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        const { pk: _pk, sk: _sk, ...outcome } = item;
        yield outcome as InterventionOutcomeRecord;
      }
      start = page.LastEvaluatedKey;
    } while (start);
  }
}

function toRecord(item: Record<string, unknown>): ApprovalRecord {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, expiresAt: _ttl, expiredAt: _exp, ...record } = item;
  return record as unknown as ApprovalRecord;
}
