/**
 * Documents: how fast the local reader reads pages (OCR for images, text layer for PDFs), how many demo
 * fields it reads back correctly, and what Textract would charge per document of each kind.
 * Run: npm run bench -- documents
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ReasonCode } from '../lambdas/core/contracts/common.js';
import type { DocumentKind } from '../lambdas/core/contracts/internal-events.js';
import { documentQueries, extractDocumentFields } from '../lambdas/core/documents/field-extraction.js';
import { parseTextractJson } from '../lambdas/core/documents/textract-normalise.js';
import {
  type DemoDocumentData,
  renderDemoPdf,
  renderDemoPng,
} from '../local/document-reader/demo-documents.js';
import { LocalDocumentReader } from '../local/document-reader/local-document-reader.js';

/**
 * Amazon Textract list prices, US East (N. Virginia), first 1 million pages per month, in USD per page.
 * Source: https://aws.amazon.com/textract/pricing/ (as read for this table 2026-11; check before budgeting:
 * prices differ by region and fall above 1 million pages a month). AnalyzeDocument with several features is
 * billed as the sum of the features requested.
 */
export const textractPricePerPage = {
  source: 'https://aws.amazon.com/textract/pricing/ (us-east-1, first 1M pages/month), read 2026-11',
  detectDocumentText: 0.0015,
  analyzeDocument: { forms: 0.05, tables: 0.015, queries: 0.015, signatures: 0.0035, layout: 0.004 },
  analyzeExpense: 0.01,
} as const;

type Feature = keyof typeof textractPricePerPage.analyzeDocument;

/** What the document workflow asks Textract for each kind, and the pages a typical document has. */
const plans: Readonly<
  Record<DocumentKind, { api: string; features?: readonly Feature[]; typicalPages: number }>
> = {
  return: { api: 'AnalyzeDocument', features: ['forms', 'queries'], typicalPages: 1 },
  claim: { api: 'AnalyzeDocument', features: ['forms', 'queries'], typicalPages: 2 },
  receipt: { api: 'AnalyzeExpense', typicalPages: 1 },
  invoice: { api: 'AnalyzeExpense', typicalPages: 2 },
};

function pricePerPage(kind: DocumentKind): number {
  const plan = plans[kind];
  if (plan.api === 'AnalyzeExpense') return textractPricePerPage.analyzeExpense;
  return (plan.features ?? []).reduce((sum, f) => sum + textractPricePerPage.analyzeDocument[f], 0);
}

const customers = [
  {
    name: 'Amélie Laurent',
    email: 'amelie.laurent@example.com',
    phone: '+33 6 12 34 56 78',
    address: '12 Rue des Lilas, 69003 Lyon, France',
  },
  {
    name: 'Jonas Becker',
    email: 'jonas.becker@example.org',
    phone: '+49 30 1234567',
    address: 'Hauptstrasse 5, 10115 Berlin',
  },
  {
    name: "Siobhan O'Neill",
    email: 'siobhan.oneill@example.net',
    phone: '+353 1 555 0199',
    address: '4 Harbour Road, Dublin 3',
  },
];
const reasons: readonly [string, ReasonCode][] = [
  ['The jacket is too small for me', 'size_or_fit'],
  ['The parcel arrived damaged and the zip is broken', 'damaged'],
  ['You sent the wrong colour', 'wrong_item'],
  ['It arrived two weeks late, after the trip', 'late_delivery'],
  ['I changed my mind', 'changed_mind'],
  ['The fabric is not as described on the website', 'not_as_described'],
];

function demoDocuments(count: number): DemoDocumentData[] {
  return Array.from({ length: count }, (_, i) => {
    const customer = customers[i % customers.length]!;
    const [reasonText, intendedReason] = reasons[i % reasons.length]!;
    return {
      kind: i % 2 === 0 ? 'return' : 'claim',
      retailerName: 'Northwind Outfitters',
      customer,
      orderNumber: `ORD-2026-${String(10_000 + i * 37)}`,
      documentDate: `2026-11-${String((i % 27) + 1).padStart(2, '0')}`,
      currency: 'EUR',
      items: [
        {
          sku: `JKT-${String(40 + i).padStart(4, '0')}`,
          description: 'Rain jacket',
          quantity: 1,
          amount: 89.9 + i,
        },
        { sku: 'SCF-0107', description: 'Wool scarf', quantity: 2, amount: 39.8 },
      ],
      reasonText,
      intendedReason,
    };
  });
}

/** Fields read back equal to what the document was generated with. */
function score(
  data: DemoDocumentData,
  x: ReturnType<typeof extractDocumentFields>,
): { right: number; total: number } {
  const total = data.items.reduce((s, i) => s + i.amount, 0);
  const checks = [
    x.kind.value === data.kind,
    x.fields.orderNumber?.value === data.orderNumber,
    x.fields.customerName?.value === data.customer.name,
    x.fields.email?.value === data.customer.email,
    x.fields.phone?.value === data.customer.phone,
    x.fields.documentDate?.value === data.documentDate,
    Math.abs((x.fields.total?.value.amount ?? Number.NaN) - total) < 0.005 &&
      x.fields.total?.value.currency === 'EUR',
    x.fields.reason?.value.code === data.intendedReason,
    x.items.length === data.items.length && x.items.every((item, i) => item.sku === data.items[i]?.sku),
  ];
  return { right: checks.filter(Boolean).length, total: checks.length };
}

export async function main(): Promise<void> {
  const reader = new LocalDocumentReader();
  try {
    // Warm the OCR worker (thread start and language data load) outside the measurement.
    await reader.read(renderDemoPng(demoDocuments(1)[0]!), 'warm-up.png');

    const ocrDocs = demoDocuments(6);
    const pngs = ocrDocs.map(renderDemoPng);
    const sources = resolve(process.cwd(), '../shared/data/textract/source-documents');
    const samples = ['receipt.jpg', 'default_invoice_1.png'].map((f) => readFileSync(resolve(sources, f)));
    let right = 0;
    let checked = 0;
    let t = performance.now();
    for (const [i, png] of pngs.entries()) {
      const s = score(ocrDocs[i]!, extractDocumentFields(await reader.read(png)));
      right += s.right;
      checked += s.total;
    }
    for (const sample of samples) await reader.read(sample);
    const ocrSeconds = (performance.now() - t) / 1000;
    const ocrPages = pngs.length + samples.length;
    console.log(
      `local reader, OCR (tesseract.js, 1 worker): ${ocrPages} pages in ${ocrSeconds.toFixed(1)} s = ${(ocrPages / ocrSeconds).toFixed(2)} pages/s`,
    );
    console.log(
      `  demo PNG round trip: ${right}/${checked} fields read back exactly (${((100 * right) / checked).toFixed(1)}%)`,
    );

    const pdfDocs = demoDocuments(40);
    const pdfs = await Promise.all(pdfDocs.map(renderDemoPdf));
    right = 0;
    checked = 0;
    t = performance.now();
    for (const [i, pdf] of pdfs.entries()) {
      const s = score(pdfDocs[i]!, extractDocumentFields(await reader.read(pdf)));
      right += s.right;
      checked += s.total;
    }
    const pdfSeconds = (performance.now() - t) / 1000;
    console.log(
      `local reader, PDF text layer (unpdf): ${pdfs.length} pages in ${pdfSeconds.toFixed(2)} s = ${(pdfs.length / pdfSeconds).toFixed(1)} pages/s`,
    );
    console.log(
      `  demo PDF round trip: ${right}/${checked} fields read back exactly (${((100 * right) / checked).toFixed(1)}%)`,
    );
  } finally {
    await reader.close();
  }

  const responses = resolve(process.cwd(), '../shared/data/textract/responses');
  const paystub = readFileSync(resolve(responses, 'analyzedoc_all-features_paystub.json'), 'utf8');
  const rounds = 50;
  const t = performance.now();
  for (let i = 0; i < rounds; i++) extractDocumentFields(parseTextractJson(paystub));
  const ms = (performance.now() - t) / rounds;
  console.log(`Textract normalise + extract, 647 KB all-features response: ${ms.toFixed(1)} ms per document`);

  console.log(`Textract cost per document (${textractPricePerPage.source}):`);
  for (const kind of Object.keys(plans) as DocumentKind[]) {
    const plan = plans[kind];
    const perPage = pricePerPage(kind);
    const what = plan.features
      ? `${plan.api} ${plan.features.join('+').toUpperCase()} (${documentQueries.length} queries)`
      : plan.api;
    console.log(
      `  ${kind.padEnd(8)} ${what.padEnd(40)} $${perPage.toFixed(4)}/page, ${plan.typicalPages} page(s) typical: $${(perPage * plan.typicalPages).toFixed(4)} per document, $${(perPage * plan.typicalPages * 1000).toFixed(2)} per 1,000`,
    );
  }
}
