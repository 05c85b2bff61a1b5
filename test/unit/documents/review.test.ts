import { describe, expect, it } from 'vitest';
import { InternalEventType } from '../../../lambdas/core/contracts/names.js';
import { extractDocumentFields } from '../../../lambdas/core/documents/field-extraction.js';
import { processedDocumentEvent } from '../../../lambdas/core/documents/processed-event.js';
import { applyReviewCorrections } from '../../../lambdas/core/documents/review.js';
import { documentFromLines } from '../../../lambdas/core/documents/text-lines.js';

const smudged = extractDocumentFields(
  documentFromLines('local-ocr', [
    [
      { text: 'Returns Form', confidence: 0.9 },
      { text: 'Order number: 0RD-1O4', confidence: 0.41 },
      { text: 'Reason for return: arrived broken', confidence: 0.9 },
    ],
  ]),
);

describe('a person reviews a document', () => {
  it('uses the corrected value, marked as reviewed, and clears the review', () => {
    // Prepare
    expect(smudged.review.needed).toBe(true);
    // Act
    const corrected = applyReviewCorrections(smudged, {
      orderNumber: 'ORD-104',
      total: { amount: 25, currency: 'EUR' },
    });
    // Assess
    expect(corrected.fields.orderNumber).toEqual({ value: 'ORD-104', confidence: 1, source: 'review' });
    expect(corrected.fields.total?.value).toEqual({ amount: 25, currency: 'EUR' });
    expect(corrected.fields.reason).toEqual(smudged.fields.reason);
    expect(corrected.review.needed).toBe(false);
  });

  it('refuses a correction it cannot use, naming the field', () => {
    expect(() => applyReviewCorrections(smudged, { reason: { code: 'broken', text: 'x' } })).toThrow(
      /reason\.code/,
    );
    expect(() => applyReviewCorrections(smudged, { orderNo: 'ORD-1' })).toThrow(/orderNo/);
  });
});

describe('the event a processed document sends to the profile', () => {
  const meta = {
    documentId: 'doc-1',
    eventId: 'evt-doc-1',
    occurredAt: '2026-11-27T10:00:00Z',
    orderIdHint: 'ORD-HINT',
  };

  it('is held back while the document waits for a person', () => {
    expect(processedDocumentEvent(smudged, meta)).toBeUndefined();
  });

  it('carries the corrected order, the reason code and the amount once reviewed', () => {
    const corrected = applyReviewCorrections(smudged, {
      orderNumber: 'ORD-104',
      total: { amount: 25, currency: 'EUR' },
    });
    expect(processedDocumentEvent(corrected, meta)).toEqual({
      detailType: InternalEventType.ReturnDocumentProcessed,
      detail: {
        schemaVersion: 1,
        eventId: 'evt-doc-1',
        occurredAt: '2026-11-27T10:00:00Z',
        documentId: 'doc-1',
        orderId: 'ORD-104',
        reason: 'damaged',
        amount: 25,
        currency: 'EUR',
        reviewed: true,
      },
    });
  });
});
