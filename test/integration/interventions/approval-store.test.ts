import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoApprovalStore } from '../../../lambdas/adapters/dynamodb/approval-store.js';
import type { ApprovalRecord } from '../../../lambdas/core/interventions/ports.js';
import { type LocalDynamo, startLocalDynamo } from '../../../local/dynamodb.js';

const NOW = new Date();
const record = (approvalId: string): ApprovalRecord => ({
  approvalId,
  interventionId: `iv_${approvalId}`,
  level: 1,
  team: 'customer_care',
  approver: { name: 'Care', email: 'care@retailer.example' },
  customer: { customerId: 'cus_0000000001', displayName: 'J*** S****' },
  triggerKind: 'large_claim',
  proposal: {
    playbookId: 'large-claim-care',
    playbookName: 'Look after a customer with a large claim',
    actions: [
      { type: 'loyalty_compensation', description: 'points', amount: 500, unit: 'points', costPerUnit: 0.01 },
    ],
    why: [],
    evidence: [],
    expectedValue: 40,
    expectedCost: 5,
    confidence: 0.75,
    currency: 'EUR',
  },
  policyReason: 'test',
  status: 'pending',
  taskToken: 'token',
  createdAt: NOW.toISOString(),
  deadline: new Date(NOW.getTime() + 3_600_000).toISOString(),
  onTimeout: 'rejected',
  url: 'http://127.0.0.1/approvals/x',
});
const decision = (by: string) => ({ decidedBy: by, decidedAt: new Date().toISOString() });

describe('approval store on DynamoDB (dynalite)', () => {
  let dynamo: LocalDynamo;
  let store: DynamoApprovalStore;
  beforeAll(async () => {
    dynamo = await startLocalDynamo();
    store = new DynamoApprovalStore(dynamo.doc, dynamo.tables.interventions);
  });
  afterAll(async () => dynamo.close());

  it('lets exactly one of eight concurrent decisions through', async () => {
    // Prepare
    await store.putPending(record('apv_concurrent'));
    // Act
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        store.decide('apv_concurrent', i % 2 ? 'approved' : 'rejected', decision(`p${i}`), new Date()),
      ),
    );
    // Assess
    expect(results.filter((r) => r === 'decided')).toHaveLength(1);
    expect(results.filter((r) => r === 'already_decided')).toHaveLength(7);
    expect(await store.listPending(10)).toEqual([]);
  });

  it('refuses a decision after the deadline and keeps a retried request from reopening a decided approval', async () => {
    await store.putPending(record('apv_late'));
    const late = await store.decide(
      'apv_late',
      'approved',
      decision('p'),
      new Date(NOW.getTime() + 7_200_000),
    );
    await store.putPending(record('apv_done'));
    await store.decide('apv_done', 'approved', decision('p'), new Date());
    const retried = await store.putPending(record('apv_done'));
    expect(late).toBe('expired');
    expect(retried).toBe('already_decided');
    expect((await store.get('apv_done'))?.status).toBe('approved');
  });

  it('reopens only the decision it made, back into the pending list', async () => {
    await store.putPending(record('apv_reopen'));
    const first = decision('p1');
    await store.decide('apv_reopen', 'approved', first, new Date());
    expect(await store.reopen(record('apv_reopen'), '1999-01-01T00:00:00.000Z')).toBe(false);
    expect(await store.reopen(record('apv_reopen'), first.decidedAt)).toBe(true);
    expect((await store.listPending(10)).map((r) => r.approvalId)).toContain('apv_reopen');
    expect((await store.get('apv_reopen'))?.decision).toBeUndefined();
  });
});
