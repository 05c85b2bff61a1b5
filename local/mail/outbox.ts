import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { MailMessage, MailSender } from '../../lambdas/core/interventions/ports.js';

/**
 * The local stand-in for SES: each message becomes an `.eml` file in the outbox folder (by default
 * `.tessera/outbox/`), built by nodemailer's stream transport so it opens in any mail client.
 */
export class OutboxMailSender implements MailSender {
  private readonly transport = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'unix',
  });
  private sequence = 0;

  constructor(
    readonly outboxDir: string,
    private readonly fromAddress = 'Tessera <tessera@localhost>',
  ) {}

  async send(message: MailMessage): Promise<{ messageId: string }> {
    await mkdir(this.outboxDir, { recursive: true });
    const info = await this.transport.sendMail({
      from: this.fromAddress,
      to: [...message.to],
      subject: message.subject,
      text: message.text,
      html: message.html,
    });
    this.sequence += 1;
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const name = `${stamp}-${String(this.sequence).padStart(4, '0')}-${(message.tag ?? 'message').replace(/[^\w-]/g, '_')}.eml`;
    await writeFile(join(this.outboxDir, name), info.message as Buffer);
    return { messageId: info.messageId };
  }
}

/** The `.eml` files in an outbox, oldest first. */
export async function listOutbox(outboxDir: string): Promise<string[]> {
  try {
    return (await readdir(outboxDir))
      .filter((f) => f.endsWith('.eml'))
      .sort()
      .map((f) => join(outboxDir, f));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** The "Review and decide" link of an approval email, read from the plain-text part as an approver would. */
export async function approvalLinkFromEml(file: string): Promise<string> {
  const text = plainTextPart(await readFile(file, 'utf8'));
  const match = /Review and decide: (\S+)/.exec(text);
  if (!match?.[1]) throw new Error(`${file}: no "Review and decide" link in the message`);
  return match[1];
}

/** The decoded text/plain part of a MIME message (quoted-printable, base64, 7bit or 8bit). */
export function plainTextPart(raw: string): string {
  const parts = raw.split(/\r?\n--[^\r\n]+\r?\n/);
  for (const part of parts) {
    const split = part.search(/\r?\n\r?\n/);
    if (split < 0) continue;
    const headers = part.slice(0, split).toLowerCase();
    if (!/content-type:\s*text\/plain/.test(headers)) continue;
    const body = part.slice(split).replace(/^\r?\n\r?\n/, '');
    const encoding = /content-transfer-encoding:\s*([\w-]+)/.exec(headers)?.[1] ?? '7bit';
    if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    if (encoding === 'quoted-printable') {
      const bytes = body
        .replace(/=\r?\n/g, '')
        .replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
      return Buffer.from(bytes, 'latin1').toString('utf8');
    }
    return body;
  }
  throw new Error('the message has no text/plain part');
}
