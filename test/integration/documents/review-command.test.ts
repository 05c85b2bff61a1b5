/** `tessera documents review` as a person runs it, on the state folder a previous local run left behind. */
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { registerDocumentsCommands } from '../../../bin/commands/documents.js';
import { renderDemoPdf } from '../../../local/document-reader/demo-documents.js';
import { createRuntimeDocumentWorkflow } from '../../../local/documents/local-workflow.js';
import { startLocalRuntime } from '../../../local/runtime.js';

const stateDir = mkdtempSync(join(tmpdir(), 'tessera-review-cli-'));
afterAll(() => rm(stateDir, { recursive: true, force: true }));

async function tessera(...args: string[]): Promise<string> {
  const program = new Command('tessera').exitOverride();
  registerDocumentsCommands(program);
  let stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  try {
    await program.parseAsync([...args, '--state-dir', stateDir], { from: 'user' });
  } finally {
    vi.restoreAllMocks();
  }
  return stdout;
}

describe('tessera documents review', () => {
  it('lists the document a run left for review, and a correction publishes it', async () => {
    // Prepare: a local run with a strict threshold parks a return form, then stops
    const runtime = await startLocalRuntime({ stateDir });
    const workflow = await createRuntimeDocumentWorkflow(runtime, {
      workflow: {
        extraction: { reviewThreshold: 0.999, defaultCurrency: 'USD', dateOrder: 'MDY' },
        jobTokenTtlSeconds: 3600,
      },
    });
    const bytes = await renderDemoPdf({
      kind: 'return',
      retailerName: 'Northwind Outfitters',
      customer: { name: 'Jonas Becker', email: 'jonas.becker@example.org' },
      orderNumber: 'ORD-77120',
      documentDate: '2026-10-30',
      currency: 'EUR',
      items: [{ sku: 'BOOT-3310', description: 'Hiking boots', quantity: 1, amount: 149 }],
      reasonText: 'Too tight at the toes',
    });
    const documentId = await workflow.submit({ fileName: 'return.pdf', bytes, kind: 'return' });
    expect((await workflow.settled(documentId)).record.status).toBe('NEEDS_REVIEW');
    await workflow.close();
    await runtime.stop();

    // Act
    const listed = await tessera('documents', 'review', 'list');
    const shown = JSON.parse(await tessera('documents', 'review', 'show', documentId));
    const corrected = await tessera(
      'documents',
      'review',
      'correct',
      documentId,
      '--fields',
      JSON.stringify({ reason: { code: 'size_or_fit', text: 'too small' } }),
      '--reviewer',
      'desk-1',
    );
    const after = await tessera('documents', 'review', 'list');

    // Assess
    expect(listed).toContain(documentId);
    expect(shown).toMatchObject({ documentId, status: 'NEEDS_REVIEW' });
    expect(shown.reviewTaskToken).toBeUndefined();
    expect(corrected).toBe(`${documentId}: PROCESSED (event ${documentId}-processed)\n`);
    expect(after).toBe('nothing to review\n');
  });
});
