import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../lambdas/core/ports.js';
import type { DocumentStore, JobToken } from '../../../lambdas/documents-workflow/ports.js';
import { createDocumentWorkflowSteps } from '../../../lambdas/documents-workflow/steps.js';

const snsMessage = JSON.parse(
  readFileSync(
    resolve(
      process.cwd(),
      '../shared/data/textract/responses/textract-sns-completion-message_SYNTHETIC.json',
    ),
    'utf8',
  ),
);

function setup(tokens: Record<string, JobToken>) {
  const sent: { token: string; output: unknown }[] = [];
  const store = {
    getJobToken: async (tag: string) => tokens[tag],
    completeJobToken: async (tag: string, at: string) => {
      tokens[tag] = { ...(tokens[tag] as JobToken), completedAt: at };
    },
  } as unknown as DocumentStore;
  const steps = createDocumentWorkflowSteps({
    store,
    callbacks: {
      succeed: async (token: string, output: unknown) => void sent.push({ token, output }),
      fail: async () => {},
    },
    clock: systemClock,
  } as never);
  return { steps, sent };
}

describe('Textract completion callback', () => {
  const message = (tag: string | undefined, status = 'SUCCEEDED') =>
    JSON.stringify({ ...snsMessage, Status: status, ...(tag ? { JobTag: tag } : { JobTag: undefined }) });

  it('resumes the execution waiting on the job tag once, even when SNS delivers the message twice', async () => {
    // Prepare
    const { steps, sent } = setup({ doc_a1: { taskToken: 'token-1', documentId: 'doc_a1', expiresAt: 1 } });
    // Act
    const first = await steps.completeTextractJob(message('doc_a1'));
    const second = await steps.completeTextractJob(message('doc_a1'));
    // Assess
    expect([first, second]).toEqual(['resumed', 'already-resumed']);
    expect(sent).toEqual([
      { token: 'token-1', output: { jobId: snsMessage.JobId, status: 'SUCCEEDED', api: snsMessage.API } },
    ]);
  });

  it('passes a FAILED status on, for the results step to fail with Textract status message', async () => {
    const { steps, sent } = setup({ doc_b2: { taskToken: 'token-2', documentId: 'doc_b2', expiresAt: 1 } });
    await steps.completeTextractJob(message('doc_b2', 'FAILED'));
    expect(sent[0]?.output).toMatchObject({ status: 'FAILED' });
  });

  it('fails loudly (for SNS to retry and dead-letter) when no execution waits on the tag', async () => {
    const { steps } = setup({});
    await expect(steps.completeTextractJob(message('doc_unknown'))).rejects.toThrow(
      /no execution is waiting for Textract job tag doc_unknown/,
    );
    await expect(steps.completeTextractJob(message(undefined))).rejects.toThrow(/without a JobTag/);
  });
});
