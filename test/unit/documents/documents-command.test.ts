/** `tessera documents parse` as a user runs it. */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerDocumentsCommands } from '../../../bin/commands/documents.js';
import type { DocumentReport } from '../../../lambdas/core/documents/document-report.js';

const responses = resolve(process.cwd(), '../shared/data/textract/responses');

/** The documents commands on a fresh program, stdout captured (no child process: tsx start-up is slow here). */
async function parseJson(file: string): Promise<DocumentReport> {
  const program = new Command('tessera').exitOverride();
  registerDocumentsCommands(program);
  let stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  await program.parseAsync(['documents', 'parse', file, '--json'], { from: 'user' });
  vi.restoreAllMocks();
  return JSON.parse(stdout);
}

afterEach(() => vi.restoreAllMocks());

describe('tessera documents parse FILE --json', () => {
  it('prints kind, pages, key-values, queries, expense and fields of a saved AnalyzeExpense response', async () => {
    // Act
    const out = await parseJson(resolve(responses, 'analyzeexpense_invoice.json'));
    // Assess
    expect(out).toMatchObject({ kind: 'invoice', pages: 1, keyValues: [], queries: [] });
    expect(out.expense.summary).toContainEqual(
      expect.objectContaining({ type: 'INVOICE_RECEIPT_ID', label: 'INVOICE #', value: '123PQR456' }),
    );
    expect(out.expense.lineItems).toHaveLength(4);
    expect(out.fields.total).toMatchObject({ amount: 6231.09, currency: 'USD' });
    expect(out.fields.documentNumber).toMatchObject({ value: '123PQR456' });
  });

  it('prints key-values without trailing colons and queries with their alias', async () => {
    const out = await parseJson(resolve(responses, 'analyzedoc_forms-tables-queries_vaccination-card.json'));
    expect(out.keyValues).toContainEqual({
      key: 'Last Name',
      value: 'Mary',
      confidence: expect.any(Number),
      page: 1,
    });
    expect(out.queries).toContainEqual({
      question: 'What is the patient name?',
      alias: 'name',
      answer: 'Mary Major',
      confidence: expect.any(Number),
    });
  });

  it('exits non-zero with the reason for a FAILED job and for a file that is no document', async () => {
    const run = promisify(execFile);
    const tessera = (...args: string[]) =>
      run(process.execPath, ['--import', 'tsx', 'bin/tessera.ts', ...args]).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
      );
    const failed = await tessera(
      'documents',
      'parse',
      resolve(responses, 'getdocumentanalysis_status-failed.json'),
      '--json',
    );
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toContain('Textract job FAILED: Dummy Status Message');
    const wrongType = await tessera('documents', 'parse', 'tsconfig.json', '--json');
    expect(wrongType.code).not.toBe(0);
    expect(wrongType.stderr).toContain('not a Textract response');
  });
});
