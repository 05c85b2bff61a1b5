/**
 * The `--aws` side of `tessera identity`: start a backfill on the deployed Distributed Map, and store a
 * trained identity model where the identity functions load it at cold start.
 */
import { basename } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoIdentityModelStore } from '../../lambdas/adapters/dynamodb/identity-model-store.js';
import type { ModelParameters } from '../../lambdas/core/identity/model.js';
import { BACKFILL_INPUT_PREFIX } from '../../lib/shared/identity-backfill.js';

export interface AwsBackfillOptions {
  /** The file's text: one channel event per line. */
  readonly text: string;
  readonly fileName: string;
  readonly stateMachineArn: string;
  readonly bucket: string;
  /** Sender of lines without an envelope `source`. */
  readonly source: string;
  readonly s3: S3Client;
  readonly sfn: SFNClient;
  readonly now: Date;
}

export interface AwsBackfillStarted {
  readonly key: string;
  readonly executionArn: string;
  readonly lines: number;
  /** Empty lines left out of the uploaded object (results number the lines of that object). */
  readonly blankLinesRemoved: number;
}

const SENDER = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** The region of an ARN (arn:partition:service:region:...), so the CLI talks to where the stack is. */
export function regionOfArn(arn: string): string {
  const region = arn.split(':')[3];
  if (!arn.startsWith('arn:') || !region) throw new Error(`not an ARN with a region: ${arn}`);
  return region;
}

/**
 * Checks every line is JSON (the Distributed Map's JSONL reader would stop the whole run on one that is
 * not), uploads the file under backfill/input/ and starts one execution on it. Nothing is uploaded when a
 * line is not JSON: the error lists them. Contract checks happen in the processor, per line.
 */
export async function startAwsBackfill(options: AwsBackfillOptions): Promise<AwsBackfillStarted> {
  if (!SENDER.test(options.source)) {
    throw new Error(
      `--source must be lower-case letters, digits and dashes (a sender id); got ${options.source}`,
    );
  }
  const lines: string[] = [];
  const notJson: string[] = [];
  let blank = 0;
  for (const [i, raw] of options.text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '') {
      blank += 1;
      continue;
    }
    try {
      JSON.parse(line);
      lines.push(line);
    } catch (error) {
      notJson.push(`line ${i + 1}: ${(error as Error).message}`);
    }
  }
  if (notJson.length > 0) {
    throw new Error(
      `${options.fileName}: ${notJson.length} line(s) are not JSON; nothing was uploaded.\n${notJson.slice(0, 20).join('\n')}`,
    );
  }
  if (lines.length === 0) throw new Error(`${options.fileName} has no events`);
  // The trailing newline of a well-formed file is not a blank line worth mentioning.
  const blankLinesRemoved = options.text.endsWith('\n') ? blank - 1 : blank;

  const stamp = options.now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const safeName = basename(options.fileName)
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .slice(0, 100);
  const key = `${BACKFILL_INPUT_PREFIX}${stamp}-${safeName}`;
  await options.s3.send(
    new PutObjectCommand({
      Bucket: options.bucket,
      Key: key,
      Body: `${lines.join('\n')}\n`,
      ContentType: 'application/jsonl',
    }),
  );
  const started = await options.sfn.send(
    new StartExecutionCommand({
      stateMachineArn: options.stateMachineArn,
      // Execution names are unique per state machine for 90 days: the upload key makes a second start visible.
      name: `backfill-${stamp}-${safeName}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80),
      input: JSON.stringify({ key, source: options.source }),
    }),
  );
  if (!started.executionArn)
    throw new Error('Step Functions started no execution (no executionArn returned)');
  return { key, executionArn: started.executionArn, lines: lines.length, blankLinesRemoved };
}

/** Stores a trained model as the one the identity functions load at their next cold start. */
export async function pushIdentityModel(options: {
  readonly doc: DynamoDBDocumentClient;
  readonly table: string;
  readonly model: ModelParameters;
  readonly records: number;
  readonly now: Date;
}): Promise<void> {
  await new DynamoIdentityModelStore(options.doc, options.table).save({
    model: options.model,
    storedAt: options.now.toISOString(),
    records: options.records,
  });
}
