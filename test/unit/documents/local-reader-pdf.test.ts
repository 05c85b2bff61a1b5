import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { textractLimits } from '../../../lambdas/core/documents/document-file.js';
import { DocumentError } from '../../../lambdas/core/documents/errors.js';
import { extractDocumentFields } from '../../../lambdas/core/documents/field-extraction.js';
import { renderDemoDocuments, renderDemoPdf } from '../../../local/document-reader/demo-documents.js';
import { LocalDocumentReader } from '../../../local/document-reader/local-document-reader.js';
import { readDocumentFile } from '../../../local/document-reader/read-document-file.js';
import { demoReturnForm as returnForm } from './demo-fixtures.js';

const sourceDocuments = resolve(process.cwd(), '../shared/data/textract/source-documents');
const reader = new LocalDocumentReader();
afterAll(() => reader.close());

async function expectDocumentError(promise: Promise<unknown>, code: string, message: RegExp) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DocumentError);
  expect((error as DocumentError).code).toBe(code);
  expect((error as DocumentError).message).toMatch(message);
}

function encryptedPdf(): Uint8Array {
  // A page tree behind a Standard security handler whose user password is not empty.
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>',
    `<< /Filter /Standard /V 1 /R 2 /O <${'ab'.repeat(32)}> /U <${'cd'.repeat(32)}> /P -4 >>`,
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  body += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Encrypt 4 0 R /ID [<${'01'.repeat(16)}> <${'01'.repeat(16)}>] >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

describe('demo return form as PDF, read back through its text layer', () => {
  it('gives back every field it was generated with', async () => {
    // Prepare
    const pdf = await renderDemoPdf(returnForm);
    // Act
    const doc = await reader.read(pdf, 'return.pdf');
    const x = extractDocumentFields(doc);
    // Assess
    expect(doc.reader).toBe('local-pdf-text');
    expect(x.kind.value).toBe('return');
    expect(x.fields.orderNumber?.value).toBe('ORD-77120');
    expect(x.fields.customerName?.value).toBe('Jonas Becker');
    expect(x.fields.email?.value).toBe('jonas.becker@example.org');
    expect(x.fields.phone?.value).toBe('+49 30 1234567');
    expect(x.fields.documentDate?.value).toBe('2026-10-30');
    expect(x.fields.total?.value).toEqual({ amount: 149, currency: 'EUR' });
    expect(x.fields.reason?.value.code).toBe('size_or_fit');
    expect(x.items).toEqual([
      expect.objectContaining({ sku: 'BOOT-3310', quantity: 1, description: 'Hiking boots' }),
    ]);
    expect(x.review.needed).toBe(false);
  });

  it('renders a PDF and a PNG named after the order', async () => {
    const files = await renderDemoDocuments(returnForm);
    expect(files.map((f) => f.fileName)).toEqual(['return-form-ORD-77120.pdf', 'return-form-ORD-77120.png']);
    expect(Buffer.from(files[1]!.bytes.subarray(1, 4)).toString()).toBe('PNG');
  });
});

describe('PDFs with a text layer', () => {
  it('reads both pages of the Textractor sample PDF and keeps its repeated keys per page', async () => {
    const doc = await reader.read(readFileSync(resolve(sourceDocuments, 'textractor-multipage-doc.pdf')));
    expect(doc.pageCount).toBe(2);
    expect(doc.keyValues.filter((k) => k.key === 'Name of package').map((k) => [k.value, k.page])).toEqual([
      ['Textractor', 1],
      ['Textractor', 2],
    ]);
  });
});

describe('files the reader refuses, with a reason', () => {
  it('refuses an encrypted PDF', async () => {
    await expectDocumentError(
      reader.read(encryptedPdf(), 'locked.pdf'),
      'ENCRYPTED_PDF',
      /locked\.pdf is an encrypted PDF/,
    );
  });

  it('refuses a PDF without pages', async () => {
    const empty = await (await PDFDocument.create()).save({ addDefaultPage: false });
    await expectDocumentError(reader.read(empty, 'empty.pdf'), 'EMPTY_DOCUMENT', /empty\.pdf has no pages/);
  });

  it('refuses a file that is not a document, naming what it found', async () => {
    const zip = Buffer.from('PK\u0003\u0004 a zip archive', 'latin1');
    await expectDocumentError(
      reader.read(zip, 'photos.zip'),
      'UNSUPPORTED_FILE_TYPE',
      /photos\.zip is not a PDF, PNG, JPEG or TIFF/,
    );
  });

  it('refuses an image over Textract 10 MB limit before decoding it', async () => {
    const png = Buffer.alloc(textractLimits.syncMaxBytes + 1);
    png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    await expectDocumentError(
      reader.read(png, 'huge.png'),
      'FILE_TOO_LARGE',
      /huge\.png is 10 MB; Textract accepts PNG files up to 10 MB/,
    );
  });

  it('refuses a corrupted PDF', async () => {
    const pdf = Buffer.from(await renderDemoPdf(returnForm));
    await expectDocumentError(
      reader.read(pdf.subarray(0, 200), 'cut.pdf'),
      'UNREADABLE_DOCUMENT',
      /cut\.pdf is not a readable PDF/,
    );
  });
});

describe('readDocumentFile', () => {
  it('reads a saved Textract response and a PDF from disk through the right reader', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-docs-'));
    writeFileSync(join(dir, 'form.pdf'), await renderDemoPdf(returnForm));
    const fromPdf = await readDocumentFile(join(dir, 'form.pdf'), reader);
    const fromJson = await readDocumentFile(
      resolve(process.cwd(), '../shared/data/textract/responses/analyzeexpense_invoice.json'),
      reader,
    );
    expect(fromPdf.reader).toBe('local-pdf-text');
    expect(fromJson.reader).toBe('textract-analyze-expense');
  });
});
