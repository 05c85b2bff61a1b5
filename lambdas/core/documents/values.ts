/**
 * Parsing of printed values: money, dates, return/claim reasons. Pure; every parser says what it could not
 * read by returning undefined, never a guess.
 */
import type { ReasonCode } from '../contracts/common.js';

export interface MoneyValue {
  readonly amount: number;
  /** ISO 4217. */
  readonly currency: string;
}

export interface ParsedMoney {
  readonly amount: number;
  /** Undefined when the text names no currency (no symbol, no code). */
  readonly currency?: string;
}

const symbolCurrencies: Readonly<Record<string, string>> = {
  $: 'USD',
  '€': 'EUR',
  '£': 'GBP',
  '¥': 'JPY',
  '₹': 'INR',
};
const knownCodes = new Set([
  'USD',
  'EUR',
  'GBP',
  'JPY',
  'CHF',
  'CAD',
  'AUD',
  'NZD',
  'SEK',
  'NOK',
  'DKK',
  'PLN',
  'CZK',
  'INR',
]);

/**
 * "$1,810.46", "EUR 89.90", "89,90 €", "1.234,56", "$899.99 S" (receipt tax flag) -> amount and currency.
 * The decimal separator is the last of '.' or ',' when followed by one or two digits.
 */
export function parseMoney(text: string): ParsedMoney | undefined {
  const code = /\b([A-Z]{3})\b/.exec(text)?.[1];
  const symbol = /[$€£¥₹]/.exec(text)?.[0];
  const currency = code && knownCodes.has(code) ? code : symbol ? symbolCurrencies[symbol] : undefined;
  const numberText = /-?\d[\d.,\s]*\d|\d/.exec(text.replace(/(?<=\d)\s(?=\d{3}\b)/g, ''))?.[0];
  if (!numberText) return undefined;
  const negative = /^-|\(\s*[$€£]?\s*\d/.test(text.trim()) || numberText.startsWith('-');
  const digits = numberText.replace(/^-/, '').replace(/\s/g, '');
  const decimalMatch = /[.,](\d{1,2})$/.exec(digits);
  const integerPart = (decimalMatch ? digits.slice(0, -decimalMatch[0].length) : digits).replace(/[.,]/g, '');
  const amount = Number(`${integerPart}${decimalMatch ? `.${decimalMatch[1]}` : ''}`);
  if (!Number.isFinite(amount)) return undefined;
  const signed = negative ? -amount : amount;
  return currency ? { amount: signed, currency } : { amount: signed };
}

const months: Readonly<Record<string, number>> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

export type DateOrder = 'MDY' | 'DMY';

export interface ParsedDate {
  /** yyyy-mm-dd */
  readonly iso: string;
  /** True when day and month could be swapped (both <= 12) and the configured order decided. */
  readonly ambiguous: boolean;
}

/** 2021-01-31, 01/31/2021, 31.01.2021, 01-Jan-2021, 27 November 2026, November 27, 2026, 1/6/58. */
export function parseDocumentDate(text: string, order: DateOrder): ParsedDate | undefined {
  const t = text.trim();
  let m = /\b(\d{4})-(\d{1,2})-(\d{1,2})\b/.exec(t);
  if (m) return build(Number(m[1]), Number(m[2]), Number(m[3]), false);
  m = /\b(\d{1,2})[-\s.]([A-Za-z]{3,9})\.?[-\s.,]+(\d{2,4})\b/.exec(t);
  if (m && months[m[2]!.slice(0, 3).toLowerCase()]) {
    return build(year(m[3]!), months[m[2]!.slice(0, 3).toLowerCase()]!, Number(m[1]), false);
  }
  m = /\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b/.exec(t);
  if (m && months[m[1]!.slice(0, 3).toLowerCase()]) {
    return build(Number(m[3]), months[m[1]!.slice(0, 3).toLowerCase()]!, Number(m[2]), false);
  }
  m = /\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})\b/.exec(t);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    const y = year(m[3]!);
    // A first number above 12 can only be a day; a second above 12 only a day.
    if (a > 12) return build(y, b, a, false);
    if (b > 12) return build(y, a, b, false);
    return order === 'MDY' ? build(y, a, b, a !== b) : build(y, b, a, a !== b);
  }
  return undefined;
}

function year(text: string): number {
  const y = Number(text);
  if (text.length === 4) return y;
  // Two-digit years: documents are about recent purchases, but birth dates on forms go back; pivot at +10.
  const pivot = (new Date().getUTCFullYear() % 100) + 10;
  return y <= pivot ? 2000 + y : 1900 + y;
}

function build(y: number, month: number, day: number, ambiguous: boolean): ParsedDate | undefined {
  const date = new Date(Date.UTC(y, month - 1, day));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return undefined;
  return { iso: date.toISOString().slice(0, 10), ambiguous };
}

/** Keyword patterns per reason code, most specific first: "wrong size" is a fit problem, not a wrong item. */
const reasonPatterns: readonly (readonly [ReasonCode, RegExp])[] = [
  [
    'size_or_fit',
    /\b((?<!took [\w ]{0,24})too (small|big|large|tight|loose|short|long|narrow|wide)|wrong size|does(n'?t| not) fit|did(n'?t| not) fit|size|fit(ting)?)\b/i,
  ],
  [
    'damaged',
    /\b(damaged?|broken|cracked|torn|a tear|ripped|defect(ive)?|faulty|scratch(ed)?|dented|leak(ing|ed)?|shattered|stain(ed)?|(stopped|not) working|smashed)\b/i,
  ],
  [
    'wrong_item',
    /\b(wrong (item|product|model|colou?r|article|parcel)|incorrect (item|product)|not what i ordered|different (item|product) (was )?(sent|delivered)|sent (me )?the wrong|received the wrong|(received|got|sent( me)?) a different (colou?r|item|product|model)|not the (item|product|one) i ordered)\b/i,
  ],
  [
    'not_as_described',
    /\b(not as (described|pictured|advertised|shown)|different from the (picture|photo|description|website)|looks different|misleading|poor quality|quality (is|was) (poor|lower)|(cheaper|worse|smaller|thinner) than (described|pictured|advertised|shown))\b/i,
  ],
  [
    'late_delivery',
    /\b(late|delay(ed)?|arrived after|never arrived|not (been )?delivered|took [\w ]{0,24}too long|missed (the )?delivery|too late)\b/i,
  ],
  [
    'changed_mind',
    /\b(changed? (my )?mind|no longer (need|want)(ed)?|do(n'?t| not) (need|want)|ordered by mistake|found (it )?cheaper|bought (it )?elsewhere|unwanted|not needed)\b/i,
  ],
];

export interface MappedReason {
  readonly code: ReasonCode;
  /** How sure the mapping is (0..1), before the reader's own confidence is applied. */
  readonly certainty: number;
}

/** Free text -> taxonomy code. One matching family is near certain; several, less so; none is 'other'. */
export function mapReason(text: string): MappedReason {
  const matches = reasonPatterns.filter(([, pattern]) => pattern.test(text)).map(([code]) => code);
  const first = matches[0];
  if (!first) return { code: 'other', certainty: text.trim() === '' ? 0 : 0.6 };
  return { code: first, certainty: matches.length === 1 ? 0.95 : 0.7 };
}
