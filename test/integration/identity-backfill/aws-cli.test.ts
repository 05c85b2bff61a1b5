import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { Command } from 'commander';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerIdentityCommands } from '../../../bin/commands/identity.js';
import { startAwsBackfill } from '../../../bin/commands/identity-aws.js';
import { ChannelEventType } from '../../../lambdas/core/contracts/names.js';

const s3 = mockClient(S3Client);
const sfn = mockClient(SFNClient);
const STATE_MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:tessera-dev-identity-backfill';
const EXECUTION = 'arn:aws:states:eu-west-1:123456789012:execution:tessera-dev-identity-backfill:backfill-1';
const dir = mkdtempSync(join(tmpdir(), 'tessera-backfill-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => {
  s3.reset();
  sfn.reset();
  s3.on(PutObjectCommand).resolves({});
  sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: new Date() });
});
afterEach(() => vi.restoreAllMocks());

const line = (eventId: string) =>
  JSON.stringify({
    detailType: ChannelEventType.CustomerProfileUpdated,
    detail: {
      schemaVersion: 1,
      eventId,
      occurredAt: '2023-02-01T10:00:00Z',
      customer: { sourceSystem: 'crm', sourceCustomerId: eventId, givenName: 'Ines', familyName: 'Duarte' },
    },
  });

/** startAwsBackfill on `text`, against the mocked S3 and Step Functions of this file. */
const startBackfill = (text: string, fileName: string) =>
  startAwsBackfill({
    text,
    fileName,
    stateMachineArn: STATE_MACHINE,
    bucket: 'docs-bucket',
    source: 'crm',
    s3: new S3Client({ region: 'eu-west-1' }),
    sfn: new SFNClient({ region: 'eu-west-1' }),
    now: new Date('2026-11-27T18:00:00Z'),
  });

describe('tessera identity backfill FILE --aws', () => {
  it('uploads the file under backfill/input/ and starts the state machine on it', async () => {
    // Prepare
    const file = join(dir, 'crm history.jsonl');
    writeFileSync(file, `${line('c-1')}\n${line('c-2')}\n`);
    const program = new Command().exitOverride();
    registerIdentityCommands(program);
    const printed = vi.spyOn(console, 'log').mockImplementation(() => undefined);

    // Act
    await program.parseAsync(
      [
        'identity',
        'backfill',
        file,
        '--aws',
        '--state-machine',
        STATE_MACHINE,
        '--bucket',
        'docs-bucket',
        '--source',
        'crm',
      ],
      { from: 'user' },
    );

    // Assess
    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(put?.Bucket).toBe('docs-bucket');
    expect(put?.Key).toMatch(/^backfill\/input\/\d{8}T\d{6}Z-crm_history\.jsonl$/);
    expect(put?.Body).toBe(`${line('c-1')}\n${line('c-2')}\n`);
    const start = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(start?.stateMachineArn).toBe(STATE_MACHINE);
    expect(JSON.parse(String(start?.input))).toEqual({ key: put?.Key, source: 'crm' });
    expect(JSON.parse(String(printed.mock.calls[0]?.[0]))).toMatchObject({
      executionArn: EXECUTION,
      lines: 2,
      results: 's3://docs-bucket/backfill/results/',
    });
  });

  it('uploads nothing when a line is not JSON, and names the line', async () => {
    // Act
    const attempt = startBackfill(
      `${line('c-3')}\n{"detailType": "CustomerProfileUpdated", "detail": {\n${line('c-4')}\n`,
      'broken.jsonl',
    );

    // Assess
    await expect(attempt).rejects.toThrow(
      /broken\.jsonl: 1 line\(s\) are not JSON; nothing was uploaded\.\nline 2: /,
    );
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('leaves blank lines out and says how many, so result line numbers match the uploaded object', async () => {
    // Act
    const started = await startBackfill(`${line('c-5')}\n\n${line('c-6')}\n`, 'gaps.jsonl');

    // Assess
    expect(started).toEqual({
      key: 'backfill/input/20261127T180000Z-gaps.jsonl',
      executionArn: EXECUTION,
      lines: 2,
      blankLinesRemoved: 1,
    });
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input.Body).toBe(`${line('c-5')}\n${line('c-6')}\n`);
  });

  it('refuses --aws without the state machine and bucket outputs', async () => {
    // Prepare
    const file = join(dir, 'one.jsonl');
    writeFileSync(file, `${line('c-7')}\n`);
    const program = new Command().exitOverride();
    registerIdentityCommands(program);

    // Act / Assess
    await expect(
      program.parseAsync(['identity', 'backfill', file, '--aws'], { from: 'user' }),
    ).rejects.toThrow(
      /--aws needs --state-machine <IdentityBackfillStateMachineArn> and --bucket <DocumentsBucketName>/,
    );
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });
});
