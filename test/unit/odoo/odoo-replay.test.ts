import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { runOdooReplay } from '../../../bin/commands/odoo.js';
import { SqsFailedUpdateQueue } from '../../../lambdas/adapters/odoo/sqs-failed-updates.js';
import { InternalEventType, InternalSource } from '../../../lambdas/core/contracts/names.js';
import type { FailedUpdate, FailedUpdateQueue } from '../../../lambdas/core/odoo/replay.js';
import { OdooStandIn } from '../../../local/odoo-stand-in/stand-in.js';

let standIn: OdooStandIn | undefined;
afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

/** A dead-letter queue in memory: received messages stay until removed. */
class MemoryQueue implements FailedUpdateQueue {
  constructor(readonly messages: FailedUpdate[]) {}
  async receive(max: number) {
    return this.messages.slice(0, max);
  }
  async remove(update: FailedUpdate) {
    this.messages.splice(this.messages.indexOf(update), 1);
  }
}

const approvedEvent = (interventionId: string, type: 'retention_offer' | 'crm_follow_up') =>
  JSON.stringify({
    version: '0',
    id: `evt-${interventionId}`,
    'detail-type': InternalEventType.InterventionApproved,
    source: InternalSource.interventions,
    account: '000000000000',
    time: '2026-11-27T10:00:00Z',
    region: 'eu-west-1',
    resources: [],
    detail: {
      schemaVersion: 1,
      eventId: `evt-${interventionId}`,
      occurredAt: '2026-11-27T10:00:00Z',
      interventionId,
      customerId: 'cus_00000000jane',
      trigger: 'CustomerRiskChanged',
      actions: [{ type, description: 'follow up', amount: 100, currency: 'EUR' }],
      approvedBy: 'care-lead',
      autoApproved: false,
    },
  });

describe('tessera odoo replay', () => {
  it('replays what now succeeds, keeps what still fails with the reason, and skips what is not an event', async () => {
    // Prepare
    standIn = await OdooStandIn.start({
      version: 17,
      users: [{ login: 'sync', name: 'Sync', apiKey: 'sync-key', denied: ['crm.lead:create'] }],
    });
    const queue = new MemoryQueue([
      { messageId: 'm1', body: approvedEvent('APR-7', 'retention_offer'), receipt: 'r1' },
      { messageId: 'm2', body: approvedEvent('APR-8', 'crm_follow_up'), receipt: 'r2' },
      { messageId: 'm3', body: 'not json', receipt: 'r3' },
    ]);
    // Act
    const { outcomes, text } = await runOdooReplay(queue, {
      odooUrl: standIn.url,
      database: standIn.database,
      login: 'sync',
      apiKey: 'sync-key',
      max: 10,
    });
    // Assess
    expect(outcomes.map((o) => [o.messageId, o.outcome])).toEqual([
      ['m1', 'replayed'],
      ['m2', 'failed'],
      ['m3', 'skipped'],
    ]);
    expect(outcomes[1]!.reason).toBe('access on crm.lead create');
    expect(queue.messages.map((m) => m.messageId)).toEqual(['m2', 'm3']);
    expect(text).toMatch(/1 replayed, 1 failed \(kept in the queue\), 1 skipped/);
  });

  it('refuses to replay without a real Odoo configured', async () => {
    // Act
    const run = runOdooReplay(new MemoryQueue([]), { max: 10 });
    // Assess
    await expect(run).rejects.toThrow(/replay writes to the real Odoo: set --odoo-url/);
  });

  it('reads the dead-letter queue from SQS and deletes a replayed message by its receipt', async () => {
    // Prepare
    const sqs = mockClient(SQSClient);
    sqs
      .on(ReceiveMessageCommand)
      .resolves({ Messages: [{ MessageId: 'm1', ReceiptHandle: 'rh-1', Body: '{}' }, { MessageId: 'm2' }] });
    sqs.on(DeleteMessageCommand).resolves({});
    const queue = new SqsFailedUpdateQueue(
      new SQSClient({ region: 'eu-west-1' }),
      'https://sqs.eu-west-1.amazonaws.com/1/odoo-sync-dlq',
    );
    // Act
    const received = await queue.receive(50);
    await queue.remove(received[0]!);
    // Assess
    expect(received).toEqual([{ messageId: 'm1', body: '{}', receipt: 'rh-1' }]);
    expect(sqs.commandCalls(ReceiveMessageCommand)[0]!.args[0].input).toMatchObject({
      MaxNumberOfMessages: 10,
    });
    expect(sqs.commandCalls(DeleteMessageCommand)[0]!.args[0].input).toEqual({
      QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/odoo-sync-dlq',
      ReceiptHandle: 'rh-1',
    });
    sqs.restore();
  });
});
