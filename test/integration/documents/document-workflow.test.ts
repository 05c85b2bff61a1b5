/**
 * The document workflow end to end on this machine: the ASL file on aws-local-stepfunctions, the workflow
 * steps, dynalite with the documents table, a folder bucket and the local reader standing in for Textract.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PDFDocument, PDFName } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutgoingEvent } from '../../../lambdas/core/contracts/envelope.js';
import { InternalEventType } from '../../../lambdas/core/contracts/names.js';
import { identityConfig } from '../../../lambdas/core/identity/config.js';
import { InMemoryIdentityStore } from '../../../lambdas/core/identity/memory-store.js';
import { resolveIdentity } from '../../../lambdas/core/identity/resolve.js';
import { type EventPublisher, systemClock } from '../../../lambdas/core/ports.js';
import { IdentityResolverLinker } from '../../../lambdas/documents-workflow/identity-linker.js';
import {
  type DemoDocumentData,
  renderDemoPdf,
  renderDemoPng,
} from '../../../local/document-reader/demo-documents.js';
import { LocalDocumentWorkflow } from '../../../local/documents/local-workflow.js';
import { type LocalDynamo, startLocalDynamo } from '../../../local/dynamodb.js';
import { demoReturnForm as returnForm } from '../../unit/documents/demo-fixtures.js';

class RecordingPublisher implements EventPublisher {
  readonly events: OutgoingEvent[] = [];
  async publish(events: readonly OutgoingEvent[]) {
    this.events.push(...events);
    return events.map((_, i) => ({ ok: true as const, busEventId: `local-${this.events.length}-${i}` }));
  }
  forDocument(documentId: string) {
    return this.events.filter((e) => (e.detail as { documentId?: string }).documentId === documentId);
  }
}

const claimLetter: DemoDocumentData = {
  kind: 'claim',
  retailerName: 'Northwind Outfitters',
  customer: { name: 'Amelia Hart', email: 'amelia.hart@example.com', phone: '+44 20 7946 0321' },
  orderNumber: 'ORD-55310',
  documentDate: '2026-11-02',
  currency: 'GBP',
  items: [{ sku: 'LAMP-2040', description: 'Ceramic table lamp', quantity: 1, amount: 64.5 }],
  reasonText: 'The lamp arrived broken, the base was cracked in the box',
};

let dynamo: LocalDynamo;
let folder: string;
let publisher: RecordingPublisher;
let identity: InMemoryIdentityStore;
let workflow: LocalDocumentWorkflow;
let knownCustomerId: string | undefined;

async function makeWorkflow(reviewThreshold = 0.8) {
  return LocalDocumentWorkflow.create({
    doc: dynamo.doc,
    tableName: dynamo.tables.documents,
    publisher,
    clock: systemClock,
    folder,
    linker: new IdentityResolverLinker(identity, identityConfig(), systemClock),
    retryIntervalMs: 0,
    workflow: {
      extraction: { reviewThreshold, defaultCurrency: 'USD', dateOrder: 'MDY' },
      jobTokenTtlSeconds: 3600,
    },
  });
}

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  folder = mkdtempSync(join(tmpdir(), 'tessera-documents-'));
  publisher = new RecordingPublisher();
  identity = new InMemoryIdentityStore();
  // Jonas is already a customer: the return form must be linked to his profile.
  const known = await resolveIdentity(
    {
      recordKey: 'ecommerce:C-1001',
      source: 'ecommerce',
      observedAt: '2026-10-01T10:00:00Z',
      attributes: { givenName: 'Jonas', familyName: 'Becker', email: 'jonas.becker@example.org' },
    },
    identity,
    identityConfig(),
  );
  knownCustomerId = known.customerId;
  workflow = await makeWorkflow();
});

afterAll(async () => {
  await workflow?.close();
  await dynamo?.close();
  await rm(folder, { recursive: true, force: true });
});

describe('document workflow on the local runtime', () => {
  it('reads a single-page PDF return form, links it to the known customer and publishes ReturnDocumentProcessed', async () => {
    // Prepare
    const bytes = await renderDemoPdf(returnForm);
    // Act
    const documentId = await workflow.submit({ fileName: 'return.pdf', bytes, kind: 'return' });
    const settled = await workflow.settled(documentId);
    // Assess
    expect(settled.execution?.status).toBe('SUCCEEDED');
    expect(settled.record.status).toBe('PROCESSED');
    expect(settled.record.pages).toBe(1);
    expect(settled.record.customerId).toBe(knownCustomerId);
    const [event] = publisher.forDocument(documentId);
    expect(event?.detailType).toBe(InternalEventType.ReturnDocumentProcessed);
    expect(event?.detail).toMatchObject({
      orderId: 'ORD-77120',
      customerId: knownCustomerId,
      reason: 'size_or_fit',
      amount: 149,
      currency: 'EUR',
      documentDate: '2026-10-30',
      reviewed: false,
    });
  });

  it('reads a PNG claim letter by OCR and publishes ClaimDocumentProcessed with the claimed amount', async () => {
    // Prepare
    const bytes = renderDemoPng(claimLetter);
    // Act
    const documentId = await workflow.submit({ fileName: 'claim.png', bytes, kind: 'claim' });
    let settled = await workflow.settled(documentId);
    if (settled.record.status === 'NEEDS_REVIEW') {
      // OCR was unsure of something: a person confirms, as the review queue asks.
      await workflow.review.confirm(documentId, 'test-reviewer');
      settled = await workflow.finished(documentId);
    }
    // Assess
    expect(settled.execution?.status).toBe('SUCCEEDED');
    const [event] = publisher.forDocument(documentId);
    expect(event?.detailType).toBe(InternalEventType.ClaimDocumentProcessed);
    expect(event?.detail).toMatchObject({
      orderId: 'ORD-55310',
      reason: 'damaged',
      amount: 64.5,
      currency: 'GBP',
    });
  });

  it('sends a multi-page PDF through the asynchronous path and resumes on the completion message', async () => {
    // Prepare: two pages, so the synchronous API cannot take it
    const merged = await PDFDocument.create();
    for (const data of [returnForm, { ...returnForm, reasonText: 'Second page of the same form' }]) {
      const src = await PDFDocument.load(await renderDemoPdf(data));
      const [page] = await merged.copyPages(src, [0]);
      if (page) merged.addPage(page);
    }
    // Act
    const documentId = await workflow.submit({
      fileName: 'two-pages.pdf',
      bytes: await merged.save(),
      kind: 'return',
    });
    const settled = await workflow.settled(documentId);
    // Assess
    expect(settled.execution?.status).toBe('SUCCEEDED');
    expect(settled.record.pages).toBe(2);
    expect(settled.record.jobId).toMatch(/^[0-9a-f]{32}$/);
    expect(publisher.forDocument(documentId)[0]?.detailType).toBe(InternalEventType.ReturnDocumentProcessed);
  });

  it('ends a FAILED asynchronous job in TextractJobFailed with the status message, recorded and listed', async () => {
    // Prepare: two blank pages: the job runs and fails for want of any text
    const blank = await PDFDocument.create();
    blank.addPage();
    blank.addPage();
    // Act
    const documentId = await workflow.submit({
      fileName: 'blank.pdf',
      bytes: await blank.save(),
      kind: 'claim',
    });
    const settled = await workflow.settled(documentId);
    // Assess
    expect(settled.execution).toMatchObject({ status: 'FAILED', error: 'TEXTRACT_JOB_FAILED' });
    expect(settled.execution?.cause).toMatch(/Textract job FAILED: .*no text was found/);
    expect(settled.record.status).toBe('FAILED');
    expect(settled.record.failure?.cause).toMatch(/no text was found/);
    const failed = await workflow.review.listFailed();
    expect(failed.map((f) => f.documentId)).toContain(documentId);
  });
});

describe('documents that cannot be read are kept, marked failed and listed for a person', () => {
  async function encryptedPdf(): Promise<Uint8Array> {
    const pdf = await PDFDocument.load(await renderDemoPdf(returnForm));
    // A standard security handler entry in the trailer is what marks a PDF as encrypted.
    pdf.context.trailerInfo.Encrypt = pdf.context.obj({ Filter: PDFName.of('Standard'), V: 2, R: 3 });
    return pdf.save();
  }

  it.each([
    [
      'a text file',
      'notes.txt',
      async () => Buffer.from('not a document'),
      'UNSUPPORTED_FILE_TYPE',
      /not a PDF, PNG, JPEG or TIFF/,
    ],
    [
      'a PDF without pages',
      'empty.pdf',
      async () => (await PDFDocument.create()).save({ addDefaultPage: false }),
      'EMPTY_DOCUMENT',
      /has no pages/,
    ],
    ['an encrypted PDF', 'locked.pdf', encryptedPdf, 'ENCRYPTED_PDF', /encrypted PDF/],
  ])('%s', async (_label, fileName, make, code, message) => {
    // Prepare
    const bytes = await make();
    // Act
    const documentId = await workflow.submit({ fileName, bytes, kind: 'return' });
    const settled = await workflow.settled(documentId);
    // Assess
    expect(settled.execution).toMatchObject({ status: 'FAILED', error: code });
    expect(settled.record).toMatchObject({ status: 'FAILED', failure: { error: code } });
    expect(settled.record.failure?.cause).toMatch(message);
    const listed = await workflow.review.listFailed();
    expect(listed.find((f) => f.documentId === documentId)?.summary).toMatch(code);
    // Nothing lost: the uploaded file is still in the bucket, byte for byte.
    expect((await workflow.objects.get(settled.record.key)).bytes).toEqual(new Uint8Array(bytes));
    const failedEvent = publisher
      .forDocument(documentId)
      .find((e) => e.detailType === InternalEventType.DocumentProcessingFailed);
    expect(failedEvent?.detail).toMatchObject({ error: expect.stringContaining(code) });
  });
});

describe('review of low-confidence documents', () => {
  it('waits for a person, publishes nothing before, and publishes the corrected fields after', async () => {
    // Prepare: a threshold above what the reader reports, so every field needs a person
    const strict = await makeWorkflow(0.999);
    try {
      const bytes = readFileSync(
        resolve(process.cwd(), '../shared/data/textract/source-documents/receipt.jpg'),
      );
      const documentId = await strict.submit({
        fileName: 'return-photo.jpg',
        bytes,
        kind: 'return',
        orderId: 'ORD-90001',
      });
      // Act 1
      const parked = await strict.settled(documentId);
      // Assess 1
      expect(parked.execution).toBeUndefined();
      expect(parked.record.status).toBe('NEEDS_REVIEW');
      expect((await strict.review.list()).map((e) => e.documentId)).toContain(documentId);
      expect(publisher.forDocument(documentId)).toEqual([]);
      // Act 2
      await strict.review.correct(
        documentId,
        {
          kind: 'return',
          reason: { code: 'wrong_item', text: 'sent the wrong colour' },
          total: { amount: 42.5, currency: 'EUR' },
        },
        'test-reviewer',
      );
      const done = await strict.finished(documentId);
      // Assess 2
      expect(done.execution?.status).toBe('SUCCEEDED');
      expect(done.record).toMatchObject({ status: 'PROCESSED', reviewedBy: 'test-reviewer' });
      expect((await strict.review.list()).map((e) => e.documentId)).not.toContain(documentId);
      const [event] = publisher.forDocument(documentId);
      expect(event?.detailType).toBe(InternalEventType.ReturnDocumentProcessed);
      expect(event?.detail).toMatchObject({
        reason: 'wrong_item',
        amount: 42.5,
        currency: 'EUR',
        orderId: 'ORD-90001',
        reviewed: true,
      });
      // The machine's reading is kept beside the correction.
      expect(done.record.machineExtraction?.fields.reason?.value.code).not.toBe('wrong_item');
    } finally {
      await strict.close();
    }
  });

  it('resumes from a review decided in another process (the review command), after the first one is gone', async () => {
    // Prepare: one process parks the document and ends; a second one (same table, same bucket folder) decides
    const first = await makeWorkflow(0.999);
    const documentId = await first.submit({
      fileName: 'r.pdf',
      bytes: await renderDemoPdf(returnForm),
      kind: 'return',
    });
    expect((await first.settled(documentId)).record.status).toBe('NEEDS_REVIEW');
    await first.close();
    const second = await makeWorkflow(0.999);
    try {
      // Act
      await second.review.correct(documentId, { reason: { code: 'damaged', text: 'sole came off' } }, 'desk');
      const done = await second.finished(documentId);
      // Assess
      expect(done.execution?.status).toBe('SUCCEEDED');
      expect(done.record.status).toBe('PROCESSED');
      expect(publisher.forDocument(documentId)[0]?.detail).toMatchObject({
        reason: 'damaged',
        reviewed: true,
      });
    } finally {
      await second.close();
    }
  });

  it('refuses a correction that names an unknown field, and the document stays in review', async () => {
    // Prepare
    const strict = await makeWorkflow(0.999);
    try {
      const documentId = await strict.submit({
        fileName: 'r.pdf',
        bytes: await renderDemoPdf(returnForm),
        kind: 'return',
      });
      await strict.settled(documentId);
      // Act
      const attempt = strict.review.correct(documentId, { colour: 'blue' }, 'test-reviewer');
      // Assess
      await expect(attempt).rejects.toThrow(/invalid review corrections: .*colour/);
      expect((await strict.store.get(documentId))?.status).toBe('NEEDS_REVIEW');
      await strict.review.confirm(documentId, 'test-reviewer');
      expect((await strict.finished(documentId)).record.status).toBe('PROCESSED');
    } finally {
      await strict.close();
    }
  });
});
