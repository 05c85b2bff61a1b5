import { describe, expect, it } from 'vitest';
import type { DocumentLine, NormalisedDocument } from '../../../lambdas/core/documents/document-model.js';
import { extractDocumentFields } from '../../../lambdas/core/documents/field-extraction.js';
import { documentFromLines } from '../../../lambdas/core/documents/text-lines.js';

const lines = (confidence: number, ...texts: string[]): DocumentLine[] =>
  texts.map((text) => ({ text, confidence }));
const ocr = (confidence: number, ...texts: string[]): NormalisedDocument =>
  documentFromLines('local-ocr', [lines(confidence, ...texts)]);

describe('Label: value lines', () => {
  it('become key-value pairs without the trailing colon; times and URLs do not', () => {
    const doc = ocr(
      0.9,
      'Order number: ORD-1',
      'Opened 12:22 PM',
      'https://shop.example.com',
      'Email : a@b.example',
    );
    expect(doc.keyValues.map((k) => [k.key, k.value])).toEqual([
      ['Order number', 'ORD-1'],
      ['Email', 'a@b.example'],
    ]);
  });
});

describe('classification', () => {
  it.each([
    [['Returns Form', 'Order number: A-1', 'Reason for return: too big'], 'return'],
    [
      [
        'Dear team,',
        'I would like to make a claim for order A-1.',
        'Amount claimed: EUR 20.00',
        'Yours sincerely,',
      ],
      'claim',
    ],
    [['MEGA STORE', 'SUBTOTAL $10.00', 'TOTAL $10.70', 'CHANGE DUE 0.00', 'VISA 1234'], 'receipt'],
    [['INVOICE', 'Invoice number: 2026-118', 'Due Date: 2026-12-01', 'Total: EUR 100.00'], 'invoice'],
  ] as const)('reads %j as a %s', (text, kind) => {
    expect(extractDocumentFields(ocr(0.95, ...text)).kind.value).toBe(kind);
  });

  it('calls a document with no signal unknown and sends it to review', () => {
    const x = extractDocumentFields(ocr(0.95, 'Employment Application', 'Full Name: Jane Doe'));
    expect(x.kind.value).toBe('unknown');
    expect(x.review.needed).toBe(true);
  });

  it('uses the uploader declared kind only as evidence', () => {
    const text = ['Order A-1', 'Total: EUR 12.00'];
    expect(extractDocumentFields(ocr(0.95, ...text)).kind.value).toBe('unknown');
    expect(extractDocumentFields(ocr(0.95, 'Returns form', ...text), { kindHint: 'claim' }).kind.value).toBe(
      'return',
    );
  });
});

describe('review threshold', () => {
  const form = [
    'Returns Form',
    'Order number: ORD-9',
    'Reason for return: arrived broken',
    'Total refund: EUR 30.00',
  ];

  it('sends a clearly read form straight through', () => {
    const x = extractDocumentFields(ocr(0.95, ...form));
    expect(x.fields.reason?.value.code).toBe('damaged');
    expect(x.review).toEqual({ needed: false, threshold: 0.8, reasons: [] });
  });

  it('sends the same form to a person when the reading is below the configured threshold', () => {
    const x = extractDocumentFields(ocr(0.95, ...form), { reviewThreshold: 0.97 });
    expect(x.review.needed).toBe(true);
    expect(x.review.reasons).toContain('orderNumber has confidence 0.95 below 0.97');
  });

  it('names a required field that is missing', () => {
    const x = extractDocumentFields(ocr(0.95, 'Returns Form', 'Reason for return: too small'));
    expect(x.review.reasons).toContain('orderNumber was not found (required for a return)');
  });

  it('lowers the confidence of an amount whose currency was assumed', () => {
    const x = extractDocumentFields(ocr(0.95, 'Returns Form', 'Order number: A', 'Total refund: 30.00'), {
      defaultCurrency: 'GBP',
    });
    expect(x.fields.total?.value).toEqual({ amount: 30, currency: 'GBP' });
    expect(x.fields.total?.confidence).toBeLessThan(0.8);
  });
});

describe('ticked reason boxes', () => {
  it('map the ticked box, not the unticked ones', () => {
    const doc: NormalisedDocument = {
      ...ocr(0.9, 'Returns form', 'Order number: R-5'),
      keyValues: [
        { key: 'Order number', value: 'R-5', confidence: 0.9, page: 1 },
        { key: 'Damaged', value: 'NOT_SELECTED', confidence: 0.9, page: 1, selected: false },
        { key: 'Wrong size', value: 'SELECTED', confidence: 0.9, page: 1, selected: true },
      ],
    };
    expect(extractDocumentFields(doc).fields.reason?.value).toEqual({
      code: 'size_or_fit',
      text: 'Wrong size',
    });
  });
});

describe('queries', () => {
  it('prefer a Textract query answer over a labelled value', () => {
    const doc: NormalisedDocument = {
      ...ocr(0.9, 'Returns form', 'Order number: 0RD-1 (smudged)'),
      queries: [
        {
          question: 'What is the order number?',
          alias: 'ORDER_NUMBER',
          answer: 'ORD-1',
          confidence: 0.97,
          page: 1,
        },
      ],
    };
    expect(extractDocumentFields(doc).fields.orderNumber).toEqual({
      value: 'ORD-1',
      confidence: 0.97,
      source: 'query',
    });
  });
});
