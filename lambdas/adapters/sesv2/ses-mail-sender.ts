import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { MailMessage, MailSender } from '../../core/interventions/ports.js';

/**
 * Approval mail through SES v2. No configuration set is attached on purpose: a configuration set with
 * open or click tracking would add a pixel and rewrite the signed link, which approvals must not have.
 */
export class SesMailSender implements MailSender {
  constructor(
    private readonly client: Pick<SESv2Client, 'send'>,
    private readonly fromAddress: string,
  ) {}

  async send(message: MailMessage): Promise<{ messageId: string }> {
    const result = await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: this.fromAddress,
        Destination: { ToAddresses: [...message.to] },
        Content: {
          Simple: {
            Subject: { Data: message.subject, Charset: 'UTF-8' },
            Body: {
              Text: { Data: message.text, Charset: 'UTF-8' },
              Html: { Data: message.html, Charset: 'UTF-8' },
            },
          },
        },
      }),
    );
    if (!result.MessageId) throw new Error('SES accepted the approval email without a message id');
    return { messageId: result.MessageId };
  }
}
