import '../../../local/polyfills.js';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { ExecutionError, StateMachine } from 'aws-local-stepfunctions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoIdentityStore } from '../../../lambdas/adapters/dynamodb/identity-store.js';
import { ChannelEventType } from '../../../lambdas/core/contracts/names.js';
import { identityConfig } from '../../../lambdas/core/identity/config.js';
import type { EventPublisher } from '../../../lambdas/core/ports.js';
import { systemClock } from '../../../lambdas/core/ports.js';
import { createIdentityHandler } from '../../../lambdas/identity/handler.js';
import {
  type BackfillBatch,
  createIdentityBackfillHandler,
} from '../../../lambdas/identity-backfill/handler.js';
import { type LocalDynamo, startLocalDynamo } from '../../../local/dynamodb.js';

/**
 * aws-local-stepfunctions validates the whole definition but does not run a Distributed Map (no ItemReader,
 * ItemBatcher or ResultWriter: it asks for an array in the input). So the map's item processor, the part
 * that decides what a batch's outcome is, runs here as a state machine of its own, on the real processor
 * function against the local DynamoDB; the map's settings are asserted in test/infra/identity-backfill.test.ts.
 */
// The placeholders CDK fills in (lib/constructs/identity-backfill.ts), with values of the same form.
const asl = JSON.parse(
  readFileSync(resolve(process.cwd(), 'stepfunctions/identity-backfill.asl.json'), 'utf8')
    .replaceAll(`\${BucketName}`, 'tessera-documents')
    .replaceAll(
      `\${ProcessorFunctionArn}`,
      'arn:aws:lambda:eu-west-1:123456789012:function:identity-backfill',
    ),
);
const itemProcessor = {
  StartAt: asl.States.ResolveEvents.ItemProcessor.StartAt,
  States: asl.States.ResolveEvents.ItemProcessor.States,
};

const context = { functionName: 'tessera-identity-backfill', awsRequestId: 'local' } as Context;
const silent = new Logger({ serviceName: 'tessera-identity-backfill', logLevel: 'SILENT' });
const publisher: EventPublisher = {
  publish: async (events) => events.map(() => ({ ok: true, busEventId: 'local' })),
};

let dynamo: LocalDynamo;
let processor: ReturnType<typeof createIdentityBackfillHandler>;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
  const store = new DynamoIdentityStore(dynamo.doc, dynamo.tables.customers);
  processor = createIdentityBackfillHandler({
    identity: createIdentityHandler({
      identity: store,
      profiles: store,
      publisher,
      config: identityConfig({ defaultRegion: 'GB' }),
      clock: systemClock,
      logger: silent,
    }),
    logger: silent,
  });
});
afterAll(async () => dynamo.close());

function runBatch(batch: BackfillBatch) {
  const machine = new StateMachine(itemProcessor, { validationOptions: { checkArn: false } });
  return machine.run(batch as never, {
    overrides: {
      taskResourceLocalHandlers: {
        ResolveBatch: async (input: unknown) => (await processor(input as BackfillBatch, context)) as never,
      },
    },
  }).result;
}

const profileLine = (eventId: string, email: string) => ({
  detailType: ChannelEventType.CustomerProfileUpdated,
  detail: {
    schemaVersion: 1,
    eventId,
    occurredAt: '2024-05-01T09:00:00Z',
    customer: {
      sourceSystem: 'crm',
      sourceCustomerId: eventId,
      givenName: 'Mei',
      familyName: 'Tanaka',
      email,
    },
  },
});

describe('the item processor of stepfunctions/identity-backfill.asl.json', () => {
  it('is part of a definition the local Step Functions validator accepts whole', () => {
    expect(
      () => new StateMachine(asl, { validationOptions: { checkArn: true, checkPaths: true } }),
    ).not.toThrow();
  });

  it('succeeds for a batch whose lines all resolve, with a verdict per line', async () => {
    // Act
    const output = (await runBatch({
      Items: [
        { index: 0, event: profileLine('crm-1', 'mei.tanaka@example.com') },
        { index: 1, event: profileLine('crm-2', 'mei.tanaka@example.com') },
      ],
      BatchInput: { key: 'backfill/input/crm.jsonl', source: 'crm' },
    })) as { verdicts: { status: string; customerId?: string }[]; failed: number };

    // Assess
    expect(output.failed).toBe(0);
    expect(output.verdicts.map((v) => v.status)).toEqual(['resolved', 'resolved']);
    expect(output.verdicts[1]?.customerId).toBe(output.verdicts[0]?.customerId);
  });

  it('fails a batch that holds an invalid line, naming the line and the reason in the cause', async () => {
    // Act
    const result = runBatch({
      Items: [
        { index: 0, event: profileLine('crm-3', 'kofi.mensah@example.com') },
        {
          index: 1,
          event: { detailType: ChannelEventType.CustomerProfileUpdated, detail: { schemaVersion: 1 } },
        },
      ],
      BatchInput: { key: 'backfill/input/crm.jsonl', source: 'crm' },
    });

    // Assess
    const error = await result.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ExecutionError);
    const cause = (error as ExecutionError & { cause?: { name?: string; message?: string } }).cause;
    expect(cause?.name).toBe('Tessera.Backfill.InvalidLines');
    const failures = JSON.parse(String(cause?.message)) as { line: number; reason: string }[];
    expect(failures).toEqual([
      { line: 2, reason: expect.stringContaining('CustomerProfileUpdated breaks its contract') },
    ]);
  });
});
