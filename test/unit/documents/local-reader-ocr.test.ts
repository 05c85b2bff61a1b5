/**
 * OCR through tesseract.js with the installed English data. Slow (seconds per image): one reader, hence
 * one worker thread, for the whole file, and only the reads that show something a user would notice.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { extractDocumentFields } from '../../../lambdas/core/documents/field-extraction.js';
import { type DemoDocumentData, renderDemoPng } from '../../../local/document-reader/demo-documents.js';
import { LocalDocumentReader } from '../../../local/document-reader/local-document-reader.js';

const sourceDocuments = resolve(process.cwd(), '../shared/data/textract/source-documents');
const reader = new LocalDocumentReader();
afterAll(() => reader.close());

const ocrTimeout = 120_000;

const returnForm: DemoDocumentData = {
  kind: 'return',
  retailerName: 'Northwind Outfitters',
  customer: { name: 'Jonas Becker', email: 'jonas.becker@example.org' },
  orderNumber: 'ORD-77120',
  documentDate: '2026-10-30',
  currency: 'EUR',
  items: [{ sku: 'BOOT-3310', description: 'Hiking boots', quantity: 1, amount: 149 }],
  reasonText: 'Too tight at the toes',
};

describe('local reader on the Textract sample images', () => {
  it(
    'finds the receipt total $1810.46 in receipt.jpg',
    async () => {
      // Prepare
      const bytes = readFileSync(resolve(sourceDocuments, 'receipt.jpg'));
      // Act
      const doc = await reader.read(bytes, 'receipt.jpg');
      const x = extractDocumentFields(doc);
      // Assess
      expect(doc.reader).toBe('local-ocr');
      expect(x.kind.value).toBe('receipt');
      expect(x.fields.total?.value).toEqual({ amount: 1810.46, currency: 'USD' });
    },
    ocrTimeout,
  );

  it(
    'finds the invoice grand total $6231.09, its number and the receiver email in default_invoice_1.png',
    async () => {
      const bytes = readFileSync(resolve(sourceDocuments, 'default_invoice_1.png'));
      const doc = await reader.read(bytes, 'default_invoice_1.png');
      const x = extractDocumentFields(doc);
      expect(x.kind.value).toBe('invoice');
      expect(x.fields.total?.value).toEqual({ amount: 6231.09, currency: 'USD' });
      expect(x.fields.documentNumber?.value).toBe('123PQR456');
      expect(x.fields.email?.value).toBe('receiver@xzycompany.com');
      // "Payment Terms: 30 days" is a Label: value line
      expect(doc.keyValues).toContainEqual(
        expect.objectContaining({ key: 'Payment Terms', value: '30 days', page: 1 }),
      );
    },
    ocrTimeout,
  );
});

describe('PDF pages without a text layer', () => {
  it(
    'are rendered and read by OCR, and a blank scan is refused',
    async () => {
      // Prepare: a "scanned" return form (the PNG as the only content of a PDF page), and a blank page.
      const scan = await PDFDocument.create();
      const image = await scan.embedPng(renderDemoPng(returnForm));
      scan.addPage([595.28, 841.89]).drawImage(image, { x: 0, y: 0, width: 595.28, height: 841.89 });
      const blank = await (await PDFDocument.create()).save();
      // Act
      const doc = await reader.read(await scan.save(), 'scan.pdf');
      const x = extractDocumentFields(doc);
      // Assess
      expect(doc.warnings).toEqual(['page 1 has no text layer (a scan?); it was read by OCR']);
      expect(x.kind.value).toBe('return');
      expect(x.fields.orderNumber?.value).toBe('ORD-77120');
      expect(x.fields.total?.value).toEqual({ amount: 149, currency: 'EUR' });
      await expect(reader.read(blank, 'blank.pdf')).rejects.toThrow(
        'blank.pdf: no text was found on any of its 1 page(s), neither in a text layer nor by OCR',
      );
    },
    ocrTimeout,
  );
});

describe('demo claim letter as PNG, read back', () => {
  it(
    'gives back the order, customer, amount and reason it was generated with',
    async () => {
      // Prepare
      const data: DemoDocumentData = {
        kind: 'claim',
        retailerName: 'Northwind Outfitters',
        customer: {
          name: 'Amélie Laurent',
          email: 'amelie.laurent@example.com',
          phone: '+33 6 12 34 56 78',
          address: '12 Rue des Lilas, 69003 Lyon, France',
        },
        orderNumber: 'ORD-2026-10482',
        documentDate: '2026-11-02',
        currency: 'EUR',
        items: [
          { sku: 'JKT-0042', description: 'Rain jacket', quantity: 1, amount: 89.9 },
          { sku: 'SCF-0107', description: 'Wool scarf', quantity: 2, amount: 39.8 },
        ],
        reasonText: 'The parcel arrived damaged and the jacket zip is broken',
      };
      // Act
      const doc = await reader.read(renderDemoPng(data), 'claim.png');
      const x = extractDocumentFields(doc);
      // Assess
      expect(x.kind.value).toBe('claim');
      expect(x.fields.orderNumber?.value).toBe('ORD-2026-10482');
      expect(x.fields.customerName?.value).toBe('Amélie Laurent');
      expect(x.fields.email?.value).toBe('amelie.laurent@example.com');
      expect(x.fields.total?.value).toEqual({ amount: 129.7, currency: 'EUR' });
      expect(x.fields.documentDate?.value).toBe('2026-11-02');
      expect(x.fields.reason?.value).toEqual({
        code: 'damaged',
        text: 'The parcel arrived damaged and the jacket zip is broken',
      });
      expect(x.items.map((i) => [i.sku, i.quantity, i.amount?.amount])).toEqual([
        ['JKT-0042', 1, 89.9],
        ['SCF-0107', 2, 39.8],
      ]);
      expect(x.review.needed).toBe(false);
    },
    ocrTimeout,
  );
});
