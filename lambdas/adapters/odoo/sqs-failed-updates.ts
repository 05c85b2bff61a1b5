import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { FailedUpdate, FailedUpdateQueue } from '../../core/odoo/replay.js';

/** The Odoo sync's dead-letter queue in SQS. */
export class SqsFailedUpdateQueue implements FailedUpdateQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    /** Long enough to replay a batch; a failed update becomes visible again after it. */
    private readonly visibilityTimeoutSeconds = 120,
  ) {}

  async receive(max: number): Promise<FailedUpdate[]> {
    const answer = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: Math.max(1, Math.min(10, max)),
        VisibilityTimeout: this.visibilityTimeoutSeconds,
        WaitTimeSeconds: 1,
      }),
    );
    return (answer.Messages ?? []).flatMap((m) =>
      m.MessageId && m.ReceiptHandle && m.Body !== undefined
        ? [{ messageId: m.MessageId, body: m.Body, receipt: m.ReceiptHandle }]
        : [],
    );
  }

  async remove(update: FailedUpdate): Promise<void> {
    await this.sqs.send(new DeleteMessageCommand({ QueueUrl: this.queueUrl, ReceiptHandle: update.receipt }));
  }
}
