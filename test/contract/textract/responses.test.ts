/**
 * Recorded Textract responses (../shared/data/textract) through the normaliser and the field extraction,
 * with the values checked against the source documents beside them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  TextractJobFailedError,
  TextractJobInProgressError,
  TextractResponseError,
} from '../../../lambdas/core/documents/errors.js';
import { extractDocumentFields } from '../../../lambdas/core/documents/field-extraction.js';
import { parseTextractCompletion } from '../../../lambdas/core/documents/textract-completion.js';
import { parseTextractJson } from '../../../lambdas/core/documents/textract-normalise.js';

const responsesDir = resolve(process.cwd(), '../shared/data/textract/responses');
const read = (name: string) => readFileSync(resolve(responsesDir, name), 'utf8');
const documentResponses = readdirSync(responsesDir).filter(
  (f) => f.endsWith('.json') && !f.includes('status-') && !f.startsWith('textract-sns'),
);

describe('every recorded Textract result', () => {
  it('is in the fixture folder (the list below is not empty)', () => {
    expect(documentResponses.length).toBeGreaterThanOrEqual(12);
  });

  it.each(documentResponses)('%s normalises into pages with content and confidences in 0..1', (file) => {
    // Prepare
    const text = read(file);
    // Act
    const doc = parseTextractJson(text);
    // Assess
    expect(doc.pageCount).toBeGreaterThanOrEqual(1);
    expect(doc.pages).toHaveLength(doc.pageCount);
    const confidences = [
      ...doc.pages.flatMap((p) => p.lines.map((l) => l.confidence)),
      ...doc.keyValues.map((k) => k.confidence),
      ...doc.queries.map((q) => q.confidence),
      ...(doc.expense?.summary ?? []).map((f) => f.confidence),
    ];
    expect(confidences.length).toBeGreaterThan(0);
    expect(confidences.filter((c) => !(c >= 0 && c <= 1))).toEqual([]);
    for (const kv of doc.keyValues) expect(kv.key).not.toMatch(/:\s*$/);
  });
});

describe('receipt (source-documents/receipt.jpg)', () => {
  it('gives the printed total $1810.46, receipt TR# 21772, date 12/07/2019 and 4 items', () => {
    const doc = parseTextractJson(read('analyzeexpense_receipt.json'));
    const x = extractDocumentFields(doc);
    expect(x.kind.value).toBe('receipt');
    expect(x.fields.total?.value).toEqual({ amount: 1810.46, currency: 'USD' });
    expect(x.fields.documentNumber?.value).toBe('21772');
    expect(x.fields.documentDate?.value).toBe('2019-12-07');
    expect(x.items.map((i) => i.amount?.amount)).toEqual([899.99, 689.99, 19.99, 89.99]);
    expect(x.items[0]?.description).toBe('LG FLATSCREEN 65');
  });
});

describe('invoice (source-documents/default_invoice_1.png)', () => {
  it('gives invoice 123PQR456 for receiver XZY Company, P.O. 098ZYX7654, grand total $6231.09', () => {
    const doc = parseTextractJson(read('analyzeexpense_invoice.json'));
    const x = extractDocumentFields(doc);
    expect(x.kind.value).toBe('invoice');
    expect(x.fields.documentNumber?.value).toBe('123PQR456');
    expect(x.fields.customerName?.value).toBe('XZY Company');
    expect(x.fields.address?.value).toContain('789 Another Avenue');
    expect(x.fields.orderNumber?.value).toBe('098ZYX7654');
    expect(x.fields.total?.value).toEqual({ amount: 6231.09, currency: 'USD' });
    expect(x.fields.documentDate?.value).toBe('2021-01-01');
    expect(x.items.map((i) => [i.description, i.quantity, i.amount?.amount])).toEqual([
      ['Product 1', 1, 1000],
      ['Service 3', undefined, 2789],
      ['Product 2', 2, 212.08],
      ['Product 3', 1, 2168.32],
    ]);
    expect(x.review.needed).toBe(false);
  });
});

describe('employment application form (source-documents/default_document_4.png)', () => {
  it('reads the named fields and sends the low-confidence handwriting to review', () => {
    const doc = parseTextractJson(read('analyzedoc_forms-tables_employment-application.json'));
    const x = extractDocumentFields(doc);
    expect(x.fields.customerName?.value).toBe('Jane Doe');
    expect(x.fields.phone?.value).toBe('555-0100');
    expect(x.fields.address?.value).toBe('123 Any Street, Any Town. USA');
    expect(doc.keyValues.find((k) => k.key === 'Mailing Address')?.value).toBe('same as above');
    expect(doc.keyValues.filter((k) => k.selected).map((k) => k.key)).toEqual(['Job fair']);
    expect(doc.tables[0]?.rows[1]).toEqual([
      '1/15/2009',
      '6/30/2011',
      'Any Company',
      'Assistant baker',
      'relocated',
    ]);
    // It is none of the four kinds, and 'Jane Doe' was read with 38% confidence: a person decides.
    expect(x.kind.value).toBe('unknown');
    expect(x.review.needed).toBe(true);
    expect(x.review.reasons).toContain('customerName has confidence 0.381 below 0.8');
  });
});

describe('queries', () => {
  it('keeps aliases and leaves an unanswered query out instead of answering it empty', () => {
    const doc = parseTextractJson(read('getdocumentanalysis_queries-with-unanswered_paystub.json'));
    const raw = JSON.parse(read('getdocumentanalysis_queries-with-unanswered_paystub.json')) as {
      Blocks: { BlockType: string }[];
    };
    expect(raw.Blocks.filter((b) => b.BlockType === 'QUERY')).toHaveLength(9);
    expect(doc.queries).toHaveLength(8);
    expect(doc.queries.every((q) => q.answer !== '')).toBe(true);
    expect(doc.queries.find((q) => q.alias === 'PAYSTUB_PERIOD_EMPLOYEE_NAME')?.answer).toBe(
      'Alejandro Rosalez',
    );
  });

  it('reads the console-export variant (KEY / VALUE blocks) like the API shape', () => {
    const api = parseTextractJson(read('analyzedoc_forms-tables-queries_vaccination-card.json'));
    const exported = parseTextractJson(read('analyzedoc_edge_console-export-variant_vaccination-card.json'));
    expect(exported.keyValues.map((k) => [k.key, k.value])).toEqual(
      api.keyValues.map((k) => [k.key, k.value]),
    );
    expect(exported.queries.find((q) => q.alias === 'name')?.answer).toBe('Mary Major');
    expect(exported.queries.find((q) => q.alias === undefined)?.question).toBe(
      "What's the patient's date of birth",
    );
  });
});

describe('multi-page and paginated results', () => {
  it('keeps a repeated key on each page instead of overwriting it', () => {
    const doc = parseTextractJson(read('getdocumentanalysis_multipage-2p_forms-tables.json'));
    const repeated = doc.keyValues.filter((k) => k.key === 'Name of package');
    expect(repeated.map((k) => [k.value, k.page])).toEqual([
      ['Textractor', 1],
      ['Textractor', 2],
    ]);
  });

  it('merges the three NextToken pages of one job into the same document as the merged response', () => {
    const merged = parseTextractJson(read('getdocumentanalysis_multipage-2p_forms-tables.json'));
    const paginated = parseTextractJson(read('getdocumentanalysis_paginated-3-responses_DERIVED.json'));
    expect(paginated).toEqual(merged);
  });

  it('refuses a paginated result with a page missing', () => {
    const pages = JSON.parse(read('getdocumentanalysis_paginated-3-responses_DERIVED.json')) as unknown[];
    expect(() => parseTextractJson(JSON.stringify([pages[0]]))).toThrow(/NextToken: more result pages exist/);
    expect(() => parseTextractJson(JSON.stringify([pages[0], pages[2]]))).toThrow(
      /point to blocks that are not in the response/,
    );
  });
});

describe('expense results with several expense documents', () => {
  it('keeps the summary fields and line items of every expense document of a paginated GetExpenseAnalysis', () => {
    // Prepare: the receipt on page 1 and the invoice on page 2, as two NextToken pages of one job.
    const receipt = JSON.parse(read('analyzeexpense_receipt.json')).ExpenseDocuments[0];
    const invoice = JSON.parse(read('analyzeexpense_invoice.json')).ExpenseDocuments[0];
    const onPage2 = (fields: { PageNumber?: number }[]) => fields.map((f) => ({ ...f, PageNumber: 2 }));
    const pages = [
      {
        JobStatus: 'SUCCEEDED',
        DocumentMetadata: { Pages: 2 },
        NextToken: 'page-2',
        ExpenseDocuments: [receipt],
      },
      {
        JobStatus: 'SUCCEEDED',
        DocumentMetadata: { Pages: 2 },
        ExpenseDocuments: [
          {
            ...invoice,
            ExpenseIndex: 2,
            SummaryFields: onPage2(invoice.SummaryFields),
            LineItemGroups: invoice.LineItemGroups.map(
              (g: { LineItems: { LineItemExpenseFields: [] }[] }) => ({
                ...g,
                LineItems: g.LineItems.map((li) => ({
                  LineItemExpenseFields: onPage2(li.LineItemExpenseFields),
                })),
              }),
            ),
          },
        ],
      },
    ];
    // Act
    const doc = parseTextractJson(JSON.stringify(pages));
    // Assess
    expect(doc.pageCount).toBe(2);
    expect(doc.expense?.lineItems.map((li) => [li.expenseIndex, li.page])).toEqual([
      [1, 1],
      [1, 1],
      [1, 1],
      [1, 1],
      [2, 2],
      [2, 2],
      [2, 2],
      [2, 2],
    ]);
    const totals = doc.expense?.summary
      .filter((f) => f.type === 'TOTAL')
      .map((f) => [f.value, f.expenseIndex, f.page]);
    expect(totals).toEqual([
      ['$1810.46', 1, 1],
      ['$6231.09', 2, 2],
    ]);
  });
});

describe('job statuses and broken responses', () => {
  it('turns FAILED into a typed error carrying Textract status message', () => {
    const act = () => parseTextractJson(read('getdocumentanalysis_status-failed.json'));
    expect(act).toThrow(TextractJobFailedError);
    expect(act).toThrow('Textract job FAILED: Dummy Status Message');
  });

  it('turns IN_PROGRESS into a typed error the workflow can wait on', () => {
    const act = () => parseTextractJson(read('getdocumentanalysis_status-in-progress.json'));
    expect(act).toThrow(TextractJobInProgressError);
    expect(act).toThrow(/IN_PROGRESS: Dummy still in progress message/);
  });

  it('reports a truncated file as invalid JSON', () => {
    const text = read('analyzeexpense_invoice.json');
    expect(() => parseTextractJson(text.slice(0, text.length / 2))).toThrow(
      /not valid JSON.*truncated or corrupted/,
    );
  });

  it('names the corrupted field of a block', () => {
    const raw = JSON.parse(read('analyzedoc_queries_textractor-test-doc.json')) as { Blocks: object[] };
    raw.Blocks[3] = { ...raw.Blocks[3], Confidence: 'high' };
    expect(() => parseTextractJson(JSON.stringify(raw))).toThrow(/Blocks\.3\.Confidence/);
  });

  it('says what an SNS completion message is not', () => {
    const act = () => parseTextractJson(read('textract-sns-completion-message_SYNTHETIC.json'));
    expect(act).toThrow(TextractResponseError);
    expect(act).toThrow(/not a Textract response/);
  });
});

describe('Textract job completion message (SNS)', () => {
  it('gives the job tag the workflow waits on, and names a missing field', () => {
    const text = read('textract-sns-completion-message_SYNTHETIC.json');
    expect(parseTextractCompletion(text)).toMatchObject({
      Status: 'SUCCEEDED',
      API: 'StartDocumentAnalysis',
      JobTag: 'claim-doc-123',
    });
    const { JobId: _dropped, ...withoutJobId } = JSON.parse(text);
    expect(() => parseTextractCompletion(withoutJobId)).toThrow(/JobId/);
  });
});
