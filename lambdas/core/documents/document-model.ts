/**
 * The one document model every reader produces: Textract (any response shape) in the cloud, the local
 * OCR / PDF-text reader on this machine. Field extraction only ever sees this model.
 *
 * Confidences are 0..1 everywhere (Textract reports 0..100; tesseract reports 0..100).
 */

export type DocumentReaderName =
  | 'textract-analyze-document'
  | 'textract-analyze-expense'
  | 'local-ocr'
  | 'local-pdf-text';

export interface DocumentLine {
  readonly text: string;
  readonly confidence: number;
}

export interface DocumentPage {
  /** 1-based, as Textract numbers pages. */
  readonly number: number;
  readonly lines: readonly DocumentLine[];
}

export interface KeyValuePair {
  /** Label as printed, trimmed, without its trailing colon. */
  readonly key: string;
  readonly value: string;
  readonly confidence: number;
  readonly page: number;
  /** Present when the value is a checkbox or radio button. */
  readonly selected?: boolean;
}

export interface DocumentTable {
  readonly page: number;
  readonly confidence: number;
  /** rows[r][c]: cell text; a merged cell repeats its text in each cell it spans, as Textract reports it. */
  readonly rows: readonly (readonly string[])[];
}

export interface QueryAnswer {
  readonly question: string;
  readonly alias?: string;
  readonly answer: string;
  readonly confidence: number;
  readonly page: number;
}

export interface ExpenseField {
  /** Textract's normalised type (TOTAL, INVOICE_RECEIPT_ID, ITEM, PRICE, ...), or OTHER. */
  readonly type: string;
  /** The label as printed on the document, when there is one. */
  readonly label?: string;
  readonly value: string;
  readonly confidence: number;
  readonly page: number;
  /** ISO 4217 code when Textract inferred one. */
  readonly currency?: string;
  /** Group types (VENDOR, RECEIVER, SHIP_TO, ...) when Textract grouped the field. */
  readonly groups?: readonly string[];
  /** Which expense document of the file (1-based) the field came from. */
  readonly expenseIndex: number;
}

export interface ExpenseLineItem {
  readonly expenseIndex: number;
  readonly page: number;
  readonly fields: readonly ExpenseField[];
}

export interface ExpenseData {
  readonly summary: readonly ExpenseField[];
  readonly lineItems: readonly ExpenseLineItem[];
}

export interface NormalisedDocument {
  readonly reader: DocumentReaderName;
  readonly pageCount: number;
  readonly pages: readonly DocumentPage[];
  readonly keyValues: readonly KeyValuePair[];
  readonly tables: readonly DocumentTable[];
  readonly queries: readonly QueryAnswer[];
  /** Present only when the document was read as an expense (receipt or invoice). */
  readonly expense?: ExpenseData;
  /** Non-fatal notes from the reader (Textract warnings, pages without text): shown, never dropped. */
  readonly warnings: readonly string[];
}

/** All text of the document, page by page, line by line. */
export function documentText(doc: NormalisedDocument): string {
  return doc.pages.map((p) => p.lines.map((l) => l.text).join('\n')).join('\n\f\n');
}

/** Textract and tesseract report percentages; the model keeps 0..1 with 4 decimals. */
export function fromPercent(value: number | undefined): number {
  if (value === undefined || !Number.isFinite(value)) return 0;
  return Math.round(Math.min(100, Math.max(0, value)) * 100) / 10_000;
}

/** "Full Name:" -> "Full Name"; collapses inner whitespace the way printed labels wrap. */
export function cleanKey(raw: string): string {
  return raw
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\s*[:：]+\s*$/, '')
    .trim();
}
