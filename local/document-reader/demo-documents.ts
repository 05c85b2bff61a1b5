/**
 * Return forms and claim letters for the demo retailer's customers, as PDF (pdf-lib, with a text layer) and
 * as PNG (a photographed/scanned document, drawn with @napi-rs/canvas, whose prebuilt binary comes as an
 * optional dependency: no install script, no download). Both carry the same lines, so the local reader must
 * find the same fields in either.
 */
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import { PDFDocument, rgb, StandardFonts } from 'pdf-lib';
import type { ReasonCode } from '../../lambdas/core/contracts/common.js';

export interface DemoDocumentItem {
  readonly sku: string;
  readonly description: string;
  readonly quantity: number;
  /** Line amount (quantity times unit price). */
  readonly amount: number;
}

export interface DemoDocumentData {
  readonly kind: 'return' | 'claim';
  readonly retailerName: string;
  readonly customer: {
    readonly name: string;
    readonly email: string;
    readonly phone?: string;
    readonly address?: string;
  };
  readonly orderNumber: string;
  /** yyyy-mm-dd */
  readonly documentDate: string;
  readonly currency: string;
  readonly items: readonly DemoDocumentItem[];
  /** The reason in the customer's words. */
  readonly reasonText: string;
  /** The taxonomy code the simulator meant; kept so a demo can score extraction against it. */
  readonly intendedReason?: ReasonCode;
}

interface RenderedLine {
  readonly text: string;
  readonly style: 'title' | 'body' | 'gap';
}

const money = (amount: number, currency: string) => `${currency} ${amount.toFixed(2)}`;

/** The document's content as lines: the one layout both renderers draw. */
function demoDocumentLines(data: DemoDocumentData): RenderedLine[] {
  const total = data.items.reduce((sum, item) => sum + item.amount, 0);
  const c = data.customer;
  const itemLines = data.items.map((item, i) => ({
    text: `Item ${i + 1}: ${item.sku} ${item.description}, qty ${item.quantity}, ${money(item.amount, data.currency)}`,
    style: 'body' as const,
  }));
  const body = (text: string) => ({ text, style: 'body' as const });
  const gap = { text: '', style: 'gap' as const };
  if (data.kind === 'return') {
    return [
      { text: `${data.retailerName} - Returns Form`, style: 'title' },
      gap,
      body(`Order number: ${data.orderNumber}`),
      body(`Return date: ${data.documentDate}`),
      body(`Customer name: ${c.name}`),
      body(`Email: ${c.email}`),
      ...(c.phone ? [body(`Phone: ${c.phone}`)] : []),
      ...(c.address ? [body(`Address: ${c.address}`)] : []),
      gap,
      ...itemLines,
      gap,
      body(`Reason for return: ${data.reasonText}`),
      body(`Total refund: ${money(total, data.currency)}`),
      gap,
      body('Please pack the items in their original packaging.'),
    ];
  }
  return [
    { text: `Claim letter to ${data.retailerName}`, style: 'title' },
    gap,
    body(`Date: ${data.documentDate}`),
    gap,
    body(`Dear ${data.retailerName} customer care team,`),
    gap,
    body(`I would like to make a claim for my order ${data.orderNumber}.`),
    body('Please find the details below and let me know how you will compensate me.'),
    gap,
    body(`Order number: ${data.orderNumber}`),
    body(`Customer name: ${c.name}`),
    body(`Email: ${c.email}`),
    ...(c.phone ? [body(`Phone: ${c.phone}`)] : []),
    ...(c.address ? [body(`Address: ${c.address}`)] : []),
    ...itemLines,
    body(`Reason for claim: ${data.reasonText}`),
    body(`Amount claimed: ${money(total, data.currency)}`),
    gap,
    body('Yours sincerely,'),
    body(c.name),
  ];
}

/** A4 PDF with a real text layer (Helvetica, WinAnsi: characters outside it are replaced by '?'). */
export async function renderDemoPdf(data: DemoDocumentData): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(`${data.kind === 'return' ? 'Returns form' : 'Claim letter'} ${data.orderNumber}`);
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const page = pdf.addPage([595.28, 841.89]);
  let y = 780;
  for (const line of wrap(demoDocumentLines(data), 90)) {
    if (line.style === 'gap') {
      y -= 10;
      continue;
    }
    const size = line.style === 'title' ? 18 : 11;
    page.drawText(winAnsi(line.text), {
      x: 56,
      y,
      size,
      font: line.style === 'title' ? bold : regular,
      color: rgb(0.1, 0.1, 0.1),
    });
    y -= size * 1.6;
  }
  return pdf.save();
}

/** A4 at 150 dpi, black on white, as a scanner would deliver it. */
export function renderDemoPng(data: DemoDocumentData): Uint8Array {
  const width = 1240;
  const height = 1754;
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#111111';
  ctx.textBaseline = 'top';
  const family = fontFamily();
  let y = 110;
  for (const line of wrap(demoDocumentLines(data), 62)) {
    if (line.style === 'gap') {
      y += 18;
      continue;
    }
    const size = line.style === 'title' ? 40 : 26;
    ctx.font = `${line.style === 'title' ? 'bold ' : ''}${size}px "${family}"`;
    ctx.fillText(line.text, 110, y);
    y += Math.round(size * 1.6);
  }
  return canvas.toBuffer('image/png');
}

/** A sans-serif the machine has; skia finds system fonts (Debian: fonts-dejavu-core). */
function fontFamily(): string {
  const families = GlobalFonts.families.map((f) => f.family);
  const preferred = ['DejaVu Sans', 'Liberation Sans', 'Noto Sans', 'Arial', 'Helvetica'].find((f) =>
    families.includes(f),
  );
  const chosen = preferred ?? families[0];
  if (!chosen) {
    throw new Error(
      'no font is installed to draw demo PNG documents; install one (Debian: apt-get install fonts-dejavu-core)',
    );
  }
  return chosen;
}

function wrap(lines: readonly RenderedLine[], width: number): RenderedLine[] {
  return lines.flatMap((line) => {
    if (line.text.length <= width) return [line];
    const out: RenderedLine[] = [];
    let current = '';
    for (const word of line.text.split(' ')) {
      if (current !== '' && current.length + 1 + word.length > width) {
        out.push({ text: current, style: line.style });
        current = `  ${word}`;
      } else current = current === '' ? word : `${current} ${word}`;
    }
    if (current !== '') out.push({ text: current, style: line.style });
    return out;
  });
}

function winAnsi(text: string): string {
  // Latin-1 covers the accented names the demo uses; anything else would make pdf-lib throw.
  return text.replace(/[^\x20-\x7e\xa0-\xff]/g, '?');
}

export interface RenderedDemoDocument {
  readonly fileName: string;
  readonly contentType: 'application/pdf' | 'image/png';
  readonly bytes: Uint8Array;
}

/** Both renderings of one document, named after its kind and order so a demo run can upload them. */
export async function renderDemoDocuments(data: DemoDocumentData): Promise<RenderedDemoDocument[]> {
  const stem = `${data.kind === 'return' ? 'return-form' : 'claim-letter'}-${data.orderNumber.replace(/[^A-Za-z0-9-]/g, '_')}`;
  return [
    { fileName: `${stem}.pdf`, contentType: 'application/pdf', bytes: await renderDemoPdf(data) },
    { fileName: `${stem}.png`, contentType: 'image/png', bytes: renderDemoPng(data) },
  ];
}
