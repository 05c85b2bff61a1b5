/**
 * Business fields from a NormalisedDocument: what kind of document it is, and the order number, customer,
 * items, total, date and return/claim reason it states. Pure and deterministic; each field carries the
 * confidence of what it was read from times how sure the mapping is, and where it came from.
 *
 * Sources, most trusted first: Textract query answers (asked by alias), expense fields (Textract's own
 * typing), key-value pairs by label, then patterns over the text lines.
 */
import type { ReasonCode } from '../contracts/common.js';
import type { DocumentKind } from '../contracts/internal-events.js';
import {
  documentText,
  type ExpenseField,
  type ExpenseLineItem,
  type NormalisedDocument,
} from './document-model.js';
import { type DateOrder, type MoneyValue, mapReason, parseDocumentDate, parseMoney } from './values.js';

export type FieldSource = 'query' | 'expense' | 'key-value' | 'table' | 'text' | 'hint' | 'review';

export interface ExtractedField<T> {
  readonly value: T;
  readonly confidence: number;
  readonly source: FieldSource;
}

export interface ReturnReason {
  readonly code: ReasonCode;
  /** The reason as the customer wrote it. */
  readonly text: string;
}

export interface DocumentItem {
  readonly sku?: string;
  readonly description?: string;
  readonly quantity?: number;
  readonly amount?: MoneyValue;
  readonly confidence: number;
  readonly source: FieldSource;
}

export interface DocumentFields {
  readonly orderNumber?: ExtractedField<string>;
  /** The invoice, receipt or claim reference printed on the document. */
  readonly documentNumber?: ExtractedField<string>;
  readonly customerName?: ExtractedField<string>;
  readonly email?: ExtractedField<string>;
  readonly phone?: ExtractedField<string>;
  readonly address?: ExtractedField<string>;
  readonly vendorName?: ExtractedField<string>;
  readonly total?: ExtractedField<MoneyValue>;
  /** yyyy-mm-dd */
  readonly documentDate?: ExtractedField<string>;
  readonly reason?: ExtractedField<ReturnReason>;
}

export type DocumentClass = DocumentKind | 'unknown';

export interface DocumentExtraction {
  readonly kind: ExtractedField<DocumentClass>;
  readonly fields: DocumentFields;
  readonly items: readonly DocumentItem[];
  readonly review: {
    readonly needed: boolean;
    readonly threshold: number;
    readonly reasons: readonly string[];
  };
}

export interface ExtractionOptions {
  /** Below this confidence (0..1) a field, or the classification, sends the document to a person. */
  readonly reviewThreshold?: number;
  /** Used when an amount names no currency; the field's confidence is lowered because it was assumed. */
  readonly defaultCurrency?: string;
  /** How to read 03/04/2026. */
  readonly dateOrder?: DateOrder;
  /** The kind the uploader declared, if any. It counts as evidence, not as the answer. */
  readonly kindHint?: DocumentKind;
}

export const defaultExtractionOptions = {
  reviewThreshold: 0.8,
  defaultCurrency: 'USD',
  dateOrder: 'MDY',
} as const satisfies ExtractionOptions;

type FieldName =
  | Exclude<keyof DocumentFields, 'total' | 'reason' | 'documentDate'>
  | 'total'
  | 'date'
  | 'reason';

/** Labels as printed, normalised by labelKey(): lower case, punctuation other than # dropped. */
const labelPatterns: Readonly<Record<FieldName, RegExp>> = {
  orderNumber: /^(order|purchase order|po|p o)( ?(number|no|nr|#|id|ref|reference))*$/,
  documentNumber:
    /^(invoice|receipt|claim|rma|return|return authori[sz]ation|credit note|case|ticket)( ?(number|no|nr|#|id|ref|reference))+$/,
  customerName:
    /^(customer|customer name|name|full name|your name|client|client name|policy ?holder|claimant|bill to|sold to)$/,
  email: /^(e ?mail|e ?mail address|email address|customer email)$/,
  phone: /^(phone|phone number|telephone|tel|mobile|mobile number|contact number|phone #)$/,
  address:
    /^(address|home address|shipping address|delivery address|customer address|ship to|billing address|postal address)$/,
  vendorName: /^(vendor|seller|merchant|store|shop|retailer)( name)?$/,
  total:
    /^(total|grand total|total due|amount due|total amount|total refund|refund amount|refund total|amount claimed|claim amount|claimed amount|total claimed|amount)$/,
  date: /^(date|document date|invoice date|receipt date|return date|claim date|date of claim|date of return|issued|issue date)$/,
  reason:
    /^(reason|return reason|reason for return|reason for returning|claim reason|reason for claim|description of (the )?(damage|problem|issue)|complaint|details)$/,
};

/** Query aliases a document workflow asks Textract (the adapter's QueriesConfig uses the same names). */
export const documentQueries: readonly {
  readonly alias: string;
  readonly text: string;
  readonly field: FieldName;
}[] = [
  { alias: 'ORDER_NUMBER', text: 'What is the order number?', field: 'orderNumber' },
  { alias: 'CUSTOMER_NAME', text: 'What is the customer name?', field: 'customerName' },
  { alias: 'CUSTOMER_EMAIL', text: 'What is the customer email address?', field: 'email' },
  { alias: 'CUSTOMER_PHONE', text: 'What is the customer phone number?', field: 'phone' },
  { alias: 'CUSTOMER_ADDRESS', text: 'What is the customer address?', field: 'address' },
  { alias: 'RETURN_REASON', text: 'What is the reason for the return or claim?', field: 'reason' },
  { alias: 'TOTAL_AMOUNT', text: 'What is the total amount?', field: 'total' },
  { alias: 'DOCUMENT_DATE', text: 'What is the date of the document?', field: 'date' },
];

const expenseTypes: Readonly<Partial<Record<FieldName, readonly string[]>>> = {
  orderNumber: ['PO_NUMBER', 'ORDER_NUMBER'],
  documentNumber: ['INVOICE_RECEIPT_ID'],
  customerName: ['RECEIVER_NAME'],
  phone: ['RECEIVER_PHONE'],
  address: ['RECEIVER_ADDRESS'],
  vendorName: ['VENDOR_NAME'],
  // TOTAL before AMOUNT_PAID: a receipt's tender can differ from its total (cash back, split payment).
  total: ['TOTAL', 'AMOUNT_DUE', 'AMOUNT_PAID'],
  date: ['INVOICE_RECEIPT_DATE', 'ORDER_DATE'],
};

interface Candidate {
  readonly text: string;
  readonly confidence: number;
  readonly source: FieldSource;
}

export function extractDocumentFields(
  doc: NormalisedDocument,
  options: ExtractionOptions = {},
): DocumentExtraction {
  const threshold = options.reviewThreshold ?? defaultExtractionOptions.reviewThreshold;
  const dateOrder = options.dateOrder ?? defaultExtractionOptions.dateOrder;
  const text = documentText(doc);
  const currencyInText = detectCurrency(doc);
  const defaultCurrency = options.defaultCurrency ?? defaultExtractionOptions.defaultCurrency;

  const pick = (field: FieldName): Candidate | undefined => candidatesFor(doc, field)[0];
  const asString = (field: FieldName): ExtractedField<string> | undefined => {
    const c = pick(field);
    return c ? { value: c.text, confidence: c.confidence, source: c.source } : undefined;
  };

  const fields: {
    -readonly [K in keyof DocumentFields]: DocumentFields[K];
  } = {};
  for (const name of ['orderNumber', 'documentNumber', 'customerName', 'vendorName'] as const) {
    const value = asString(name);
    if (value) fields[name] = { ...value, value: value.value.replace(/\s+/g, ' ') };
  }
  const address = asString('address');
  if (address) fields.address = { ...address, value: address.value.replace(/\s*\n\s*/g, ', ') };
  const email = asString('email') ?? emailFromText(doc);
  if (email) fields.email = { ...email, value: email.value.replace(/\s+/g, '').toLowerCase() };
  const phone = asString('phone');
  if (phone) fields.phone = phone;

  const total = moneyOf(candidatesFor(doc, 'total'), currencyInText, defaultCurrency);
  if (total) fields.total = total;

  for (const candidate of [...candidatesFor(doc, 'date'), ...unlabelledDates(doc)]) {
    const parsed = parseDocumentDate(candidate.text, dateOrder);
    if (!parsed) continue;
    fields.documentDate = {
      value: parsed.iso,
      confidence: round(candidate.confidence * (parsed.ambiguous ? 0.9 : 1)),
      source: candidate.source,
    };
    break;
  }

  const reason = reasonOf(doc);
  if (reason) fields.reason = reason;

  const items = itemsOf(doc, currencyInText ?? defaultCurrency);
  const kind = classify(doc, text, options.kindHint);
  return { kind, fields, items, review: reviewOf(kind, fields, items, threshold) };
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

function labelKey(key: string): string {
  return key
    .toLowerCase()
    .replace(/#/g, ' # ')
    .replace(/[^a-z0-9# ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function candidatesFor(doc: NormalisedDocument, field: FieldName): Candidate[] {
  const out: Candidate[] = [];
  const aliases = documentQueries.filter((q) => q.field === field).map((q) => q.alias.toLowerCase());
  for (const q of doc.queries) {
    if (q.alias && aliases.includes(q.alias.toLowerCase())) {
      out.push({ text: q.answer, confidence: q.confidence, source: 'query' });
    }
  }
  for (const type of expenseTypes[field] ?? []) {
    for (const f of doc.expense?.summary ?? []) {
      if (f.type === type && f.value !== '')
        out.push({ text: f.value, confidence: f.confidence, source: 'expense' });
    }
  }
  const pattern = labelPatterns[field];
  // Within one source the more specific label wins: "Grand Total" over "Total", "Order number" over "Order".
  const bySpecificity = (a: Labelled, b: Labelled) => b.words - a.words;
  const labelled: Labelled[] = [];
  for (const kv of doc.keyValues) {
    const key = labelKey(kv.key);
    if (kv.value.trim() !== '' && kv.selected === undefined && pattern.test(key)) {
      labelled.push({
        text: kv.value.trim(),
        confidence: kv.confidence,
        source: 'key-value',
        words: wordCount(key),
      });
    }
  }
  // Expense documents print labelled values too (OTHER fields with a label).
  for (const f of doc.expense?.summary ?? []) {
    const key = labelKey(f.label ?? '');
    if (f.type === 'OTHER' && f.value !== '' && pattern.test(key)) {
      labelled.push({
        text: f.value,
        confidence: f.confidence * 0.9,
        source: 'expense',
        words: wordCount(key),
      });
    }
  }
  out.push(...labelled.sort(bySpecificity));
  out.push(...labelledLines(doc, pattern).sort(bySpecificity));
  return out.map((c) => ({ ...c, confidence: round(c.confidence) }));
}

interface Labelled extends Candidate {
  readonly words: number;
}

function wordCount(label: string): number {
  return label.split(' ').filter((w) => w !== '').length;
}

/**
 * "TOTAL $1810.46", "123 Some Street INVOICE # 123PQR456": a known label followed by its value, at the start
 * of a line or after another column's text (OCR reads two-column layouts as one line). Lines with a colon
 * are key-value pairs already. A value that itself starts with a label is another column's label, not a value.
 */
function labelledLines(doc: NormalisedDocument, pattern: RegExp): Labelled[] {
  const out: Labelled[] = [];
  for (const page of doc.pages) {
    for (const line of page.lines) {
      if (/^[^:]{1,50}:/.test(line.text)) continue;
      const words = line.text.trim().split(/\s+/);
      match: for (let start = 0; start < words.length - 1; start++) {
        for (let n = Math.min(4, words.length - 1 - start); n >= 1; n--) {
          if (!pattern.test(labelKey(words.slice(start, start + n).join(' ')))) continue;
          const rest = words.slice(start + n);
          if (startsWithLabel(rest)) continue;
          const value = rest
            .join(' ')
            .split(/\s+\|\s+/)[0]!
            .trim();
          // Mid-line, only a label whose value looks like one ("DATE 01-Jan-2021", "P.O. # 0987"), so prose
          // such as "contact Customer Service" is not read as a customer called Service.
          if (start > 0 && !/^[\d+$€£(]/.test(value) && !/#$/.test(words[start + n - 1] ?? '')) continue;
          const factor = start === 0 ? 0.85 : 0.75;
          out.push({ text: value, confidence: line.confidence * factor, source: 'text', words: n });
          break match;
        }
      }
    }
  }
  return out;
}

function startsWithLabel(words: readonly string[]): boolean {
  for (let n = Math.min(4, words.length - 1); n >= 1; n--) {
    const key = labelKey(words.slice(0, n).join(' '));
    if (Object.values(labelPatterns).some((p) => p.test(key))) return true;
  }
  return false;
}

function detectCurrency(doc: NormalisedDocument): string | undefined {
  const coded = doc.expense?.summary.find((f) => f.currency)?.currency;
  if (coded) return coded;
  for (const page of doc.pages) {
    for (const line of page.lines) {
      const parsed = parseMoney(line.text);
      if (parsed?.currency && /\d/.test(line.text)) return parsed.currency;
    }
  }
  return undefined;
}

function moneyOf(
  candidates: readonly Candidate[],
  currencyInDocument: string | undefined,
  defaultCurrency: string,
): ExtractedField<MoneyValue> | undefined {
  for (const c of candidates) {
    const parsed = parseMoney(c.text);
    if (!parsed) continue;
    const currency = parsed.currency ?? currencyInDocument;
    // An assumed currency is a guess: lower the confidence so it is looked at when it matters.
    return currency
      ? { value: { amount: parsed.amount, currency }, confidence: c.confidence, source: c.source }
      : {
          value: { amount: parsed.amount, currency: defaultCurrency },
          confidence: round(c.confidence * 0.75),
          source: c.source,
        };
  }
  return undefined;
}

/** A date printed without a label (a till receipt's footer) is weaker evidence than a labelled one. */
function unlabelledDates(doc: NormalisedDocument): Candidate[] {
  return doc.pages.flatMap((page) =>
    page.lines
      .filter((line) => /\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}/.test(line.text))
      .map((line) => ({
        text: line.text,
        confidence: round(line.confidence * 0.7),
        source: 'text' as const,
      })),
  );
}

function emailFromText(doc: NormalisedDocument): ExtractedField<string> | undefined {
  for (const page of doc.pages) {
    for (const line of page.lines) {
      const m = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/.exec(line.text);
      if (m) return { value: m[0], confidence: round(line.confidence * 0.9), source: 'text' };
    }
  }
  return undefined;
}

/** Ticked reason boxes on a return form, then a written reason, then a query answer. */
function reasonOf(doc: NormalisedDocument): ExtractedField<ReturnReason> | undefined {
  for (const kv of doc.keyValues) {
    if (kv.selected !== true) continue;
    const mapped = mapReason(kv.key);
    if (mapped.code !== 'other') {
      return {
        value: { code: mapped.code, text: kv.key },
        confidence: round(kv.confidence * mapped.certainty),
        source: 'key-value',
      };
    }
  }
  const written = candidatesFor(doc, 'reason')[0];
  if (written) {
    const mapped = mapReason(written.text);
    return {
      value: { code: mapped.code, text: written.text },
      confidence: round(written.confidence * mapped.certainty),
      source: written.source,
    };
  }
  return undefined;
}

function itemsOf(doc: NormalisedDocument, currency: string): DocumentItem[] {
  const fromExpense = (doc.expense?.lineItems ?? []).map((li) => itemFromExpense(li, currency));
  if (fromExpense.length > 0) return fromExpense;
  const fromTables = doc.tables.flatMap((t) => itemsFromTable(t.rows, t.confidence, currency));
  if (fromTables.length > 0) return fromTables;
  return doc.keyValues
    .filter((kv) => /^(item|line|article|product)( ?\d+)?$/.test(labelKey(kv.key)))
    .flatMap((kv) => {
      const item = itemFromText(kv.value, kv.confidence, currency);
      return item ? [item] : [];
    });
}

function itemFromExpense(lineItem: ExpenseLineItem, currency: string): DocumentItem {
  const get = (type: string): ExpenseField | undefined =>
    lineItem.fields.find((f) => f.type === type && f.value !== '');
  const used: ExpenseField[] = [];
  const take = (type: string) => {
    const f = get(type);
    if (f) used.push(f);
    return f;
  };
  const description = take('ITEM');
  const sku = take('PRODUCT_CODE');
  const quantity = take('QUANTITY');
  const price = take('PRICE') ?? take('UNIT_PRICE');
  const money = price ? parseMoney(price.value) : undefined;
  const qty = quantity ? Number.parseFloat(quantity.value.replace(',', '.')) : undefined;
  return {
    ...(sku ? { sku: sku.value } : {}),
    ...(description ? { description: description.value } : {}),
    ...(qty !== undefined && Number.isFinite(qty) ? { quantity: qty } : {}),
    ...(money
      ? { amount: { amount: money.amount, currency: price?.currency ?? money.currency ?? currency } }
      : {}),
    confidence: round(Math.min(1, ...used.map((f) => f.confidence))),
    source: 'expense',
  };
}

function itemsFromTable(
  rows: readonly (readonly string[])[],
  confidence: number,
  currency: string,
): DocumentItem[] {
  const header = rows[0]?.map(labelKey) ?? [];
  const col = (pattern: RegExp) => header.findIndex((h) => pattern.test(h));
  const skuCol = col(/^(sku|item code|article( number| no)?|product code|ref(erence)?|code)$/);
  const descCol = col(/^(description|item|product|article name|name)$/);
  const qtyCol = col(/^(qty|quantity|units|qte)$/);
  const amountCol = col(/^(amount|total|line total|price|unit price|refund)$/);
  if (skuCol < 0 && (qtyCol < 0 || amountCol < 0)) return [];
  return rows.slice(1).flatMap((row) => {
    const sku = skuCol >= 0 ? row[skuCol]?.trim() : undefined;
    const description = descCol >= 0 ? row[descCol]?.trim() : undefined;
    const qty = qtyCol >= 0 ? Number.parseFloat(row[qtyCol] ?? '') : Number.NaN;
    const money = amountCol >= 0 ? parseMoney(row[amountCol] ?? '') : undefined;
    if (!sku && !description && !money) return [];
    return [
      {
        ...(sku ? { sku } : {}),
        ...(description ? { description } : {}),
        ...(Number.isFinite(qty) ? { quantity: qty } : {}),
        ...(money ? { amount: { amount: money.amount, currency: money.currency ?? currency } } : {}),
        confidence: confidence,
        source: 'table' as const,
      },
    ];
  });
}

/** "JKT-0042 Rain jacket, qty 1, EUR 89.90" or "SKU JKT-0042 x 2 179.80" as one item. */
function itemFromText(text: string, confidence: number, currency: string): DocumentItem | undefined {
  const skuMatch = /\b(?:SKU|art(?:icle)?\.?|item code)?[\s:#]*([A-Z0-9]{2,}(?:-[A-Z0-9]+)+)\b/i.exec(text);
  const sku = skuMatch?.[1];
  const rest = skuMatch ? text.replace(skuMatch[0], ' ') : text;
  const qtyMatch = /\b(?:qty|quantity|x)\s*[:.]?\s*(\d{1,4})\b/i.exec(rest);
  // Money is the last amount with decimals or a currency; the SKU is removed first so "JKT-0042" is no amount.
  const moneyTexts = rest.match(
    /(?:\b[A-Z]{3}\s?|[$€£]\s?)?\d[\d,.]*[.,]\d{2}\b(?:\s?[A-Z]{3}\b|\s?[$€£])?|(?:\b[A-Z]{3}\s?|[$€£]\s?)\d[\d,.]*/g,
  );
  const money = moneyTexts ? parseMoney(moneyTexts[moneyTexts.length - 1]!) : undefined;
  const description = rest
    .split(',')[0]!
    .replace(qtyMatch?.[0] ?? '\u0000', '')
    .replace(/\s+/g, ' ')
    .trim();
  if (!sku && !money) return undefined;
  return {
    ...(sku ? { sku: sku.toUpperCase() } : {}),
    ...(description && !/\d[.,]\d{2}/.test(description) ? { description } : {}),
    ...(qtyMatch ? { quantity: Number(qtyMatch[1]) } : {}),
    ...(money ? { amount: { amount: money.amount, currency: money.currency ?? currency } } : {}),
    confidence: round(confidence),
    source: 'key-value',
  };
}

const kindSignals: Readonly<Record<DocumentKind, readonly (readonly [RegExp, number])[]>> = {
  return: [
    [/\breturns? (request |authori[sz]ation )?form\b/i, 4],
    [/\breason for (the )?return(ing)?\b/i, 3],
    [/\breturn reason\b/i, 3],
    [/\b(rma|return authori[sz]ation)\b/i, 2],
    [/\brefund\b/i, 1],
    [/\breturn(ed|ing|s)?\b/i, 1],
  ],
  claim: [
    [/\bclaim (letter|form|number|reference)\b/i, 3],
    [/\b(i|we) (would like|wish|want) to (make|submit|file|raise) a claim\b/i, 4],
    [/\bclaim(s|ed|ing)?\b/i, 2],
    [/\bcompensation\b/i, 2],
    [/\bdear\b/i, 1],
    [/\b(yours (sincerely|faithfully)|kind regards|sincerely)\b/i, 1],
    [/\b(damaged|broken|defective) (in transit|on arrival|when (it )?arrived)\b/i, 2],
  ],
  receipt: [
    [/\breceipt\b/i, 3],
    [/\b(change due|tend(er(ed)?)?|cashier|items sold|customer copy|approval #|terminal #?)\b/i, 2],
    [/\b(visa|mastercard|amex|cash)\b/i, 1],
    [/\bsubtotal\b/i, 1],
  ],
  invoice: [
    [/\binvoice\b/i, 4],
    [/\b(due date|payment terms|bill to|vat (id|number)|p\.?o\.? ?#)\b/i, 2],
    [/\b(remit|payable to)\b/i, 1],
  ],
};

function classify(
  doc: NormalisedDocument,
  text: string,
  hint: DocumentKind | undefined,
): ExtractedField<DocumentClass> {
  const scores = new Map<DocumentKind, number>();
  for (const [kind, signals] of Object.entries(kindSignals) as [
    DocumentKind,
    (readonly [RegExp, number])[],
  ][]) {
    scores.set(
      kind,
      signals.reduce((sum, [pattern, weight]) => sum + (pattern.test(text) ? weight : 0), 0),
    );
  }
  // Textract's expense typing is strong evidence of receipt vs. invoice.
  const types = new Set((doc.expense?.summary ?? []).map((f) => f.type));
  if (doc.expense) {
    const invoiceish = ['DUE_DATE', 'PO_NUMBER', 'RECEIVER_NAME', 'RECEIVER_ADDRESS', 'PAYMENT_TERMS'].filter(
      (t) => types.has(t),
    ).length;
    scores.set('invoice', (scores.get('invoice') ?? 0) + invoiceish * 2);
    scores.set(
      'receipt',
      (scores.get('receipt') ?? 0) + (types.has('AMOUNT_PAID') ? 3 : 0) + (invoiceish === 0 ? 2 : 0),
    );
  }
  if (hint) scores.set(hint, (scores.get(hint) ?? 0) + 2);
  const ranked = [...scores.entries()].sort((a, b) => b[1] - a[1]);
  const [best, second] = [ranked[0]!, ranked[1]!];
  if (best[1] < 3) return { value: 'unknown', confidence: 0, source: hint ? 'hint' : 'text' };
  // Clear margin -> high confidence; a close second (a claim letter mentioning its receipt) -> a person looks.
  const confidence = round(
    Math.min(0.99, 0.5 + (0.5 * (best[1] - second[1])) / best[1] + (best[1] >= 6 ? 0.1 : 0)),
  );
  return { value: best[0], confidence, source: doc.expense ? 'expense' : 'text' };
}

const requiredFields: Readonly<Record<DocumentKind, readonly (keyof DocumentFields)[]>> = {
  return: ['orderNumber', 'reason'],
  claim: ['reason', 'total'],
  receipt: ['total', 'documentDate'],
  invoice: ['documentNumber', 'total'],
};

function reviewOf(
  kind: ExtractedField<DocumentClass>,
  fields: DocumentFields,
  items: readonly DocumentItem[],
  threshold: number,
): DocumentExtraction['review'] {
  const reasons: string[] = [];
  if (kind.value === 'unknown')
    reasons.push('the document could not be classified as a return form, claim letter, receipt or invoice');
  else if (kind.confidence < threshold) {
    reasons.push(`classification as ${kind.value} has confidence ${kind.confidence} below ${threshold}`);
  }
  if (kind.value !== 'unknown') {
    for (const name of requiredFields[kind.value]) {
      if (!fields[name]) reasons.push(`${name} was not found (required for a ${kind.value})`);
    }
  }
  for (const [name, field] of Object.entries(fields) as [string, ExtractedField<unknown>][]) {
    if (field.confidence < threshold)
      reasons.push(`${name} has confidence ${field.confidence} below ${threshold}`);
  }
  items.forEach((item, i) => {
    if (item.confidence < threshold)
      reasons.push(`item ${i + 1} has confidence ${item.confidence} below ${threshold}`);
  });
  return { needed: reasons.length > 0, threshold, reasons };
}
