import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';
import type { IdentityConfig } from './config.js';
import { canonicalGivenName } from './nicknames.js';
import { foldText } from './text.js';

/** The canonical identity attributes, as a source writes them. */
export interface IdentityAttributes {
  readonly givenName?: string;
  readonly familyName?: string;
  readonly fullName?: string;
  readonly email?: string;
  readonly phone?: string;
  readonly birthDate?: string;
  readonly gender?: string;
  readonly streetNumber?: string;
  readonly street?: string;
  readonly addressLine2?: string;
  readonly city?: string;
  readonly postcode?: string;
  readonly state?: string;
  readonly country?: string;
  readonly loyaltyId?: string;
  readonly nationalId?: string;
  readonly sourceCustomerId?: string;
}
export type AttributeName = keyof IdentityAttributes;
export const ATTRIBUTE_NAMES: readonly AttributeName[] = [
  'givenName',
  'familyName',
  'fullName',
  'email',
  'phone',
  'birthDate',
  'gender',
  'streetNumber',
  'street',
  'addressLine2',
  'city',
  'postcode',
  'state',
  'country',
  'loyaltyId',
  'nationalId',
  'sourceCustomerId',
];

/** Attributes after normalisation: what matching compares. Absent means unknown (or flagged). */
export interface NormalisedAttributes {
  given?: string;
  /** The formal given name for an unambiguous nickname, for blocking. */
  givenCanonical?: string;
  family?: string;
  email?: string;
  phone?: string;
  /** YYYYMMDD, or YYYYMM / YYYY when the source gave only that */
  birthDate?: string;
  gender?: 'f' | 'm';
  streetNumber?: string;
  unit?: string;
  street?: string;
  addressLine2?: string;
  city?: string;
  postcode?: string;
  state?: string;
  country?: string;
  loyaltyId?: string;
  nationalId?: string;
  sourceCustomerId?: string;
}

export interface AttributeFlag {
  readonly attribute: AttributeName;
  readonly reason: string;
}

export interface NormalisedRecord {
  readonly attributes: NormalisedAttributes;
  /** Values that were present but not usable; they are kept out of matching. */
  readonly flags: readonly AttributeFlag[];
}

const TITLES = new Set([
  'mr',
  'mrs',
  'ms',
  'miss',
  'mx',
  'dr',
  'prof',
  'sir',
  'dame',
  'lady',
  'lord',
  'rev',
  'fr',
  'herr',
  'frau',
  'mme',
  'mlle',
  'sr',
  'sra',
  'srta',
]);
const SUFFIXES = new Set([
  'jr',
  'junior',
  'sr',
  'senior',
  'ii',
  'iii',
  'iv',
  'phd',
  'md',
  'esq',
  'dds',
  'mba',
]);
const MAX_NAME_CHARS = 100;
const MAX_TEXT_CHARS = 200;

const STREET_WORDS: Readonly<Record<string, string>> = {
  st: 'street',
  str: 'street',
  rd: 'road',
  ave: 'avenue',
  av: 'avenue',
  pl: 'place',
  cres: 'crescent',
  cr: 'crescent',
  cct: 'circuit',
  dr: 'drive',
  drv: 'drive',
  ct: 'court',
  ln: 'lane',
  hwy: 'highway',
  pde: 'parade',
  tce: 'terrace',
  ter: 'terrace',
  blvd: 'boulevard',
  sq: 'square',
  cl: 'close',
  gr: 'grove',
  gdns: 'gardens',
  pk: 'park',
  mt: 'mount',
  n: 'north',
  s: 'south',
  e: 'east',
  w: 'west',
};
const UNIT_WORDS = new Set(['unit', 'apt', 'apartment', 'flat', 'suite', 'ste', 'no', 'number']);

function nameTokens(value: string): string[] {
  const tokens = foldText(value).split(' ').filter(Boolean);
  while (tokens.length > 1 && TITLES.has(tokens[0]!)) tokens.shift();
  while (tokens.length > 1 && SUFFIXES.has(tokens[tokens.length - 1]!)) tokens.pop();
  return tokens;
}

function normaliseEmail(raw: string, config: IdentityConfig): string | Error {
  const value = raw.trim().toLowerCase();
  const at = value.lastIndexOf('@');
  if (at <= 0 || at === value.length - 1)
    return new Error('email without a local part and a domain around @');
  let local = value.slice(0, at);
  let domain = value.slice(at + 1);
  if (/\s/.test(value) || !domain.includes('.')) return new Error('email domain is not a domain name');
  const rule = config.emailProviders[domain];
  if (rule !== undefined) {
    if (rule.tagSeparator !== undefined) {
      const tag = local.indexOf(rule.tagSeparator);
      if (tag > 0) local = local.slice(0, tag);
    }
    if (rule.ignoreDots === true) local = local.replace(/\./g, '');
    if (rule.canonicalDomain !== undefined) domain = rule.canonicalDomain;
  }
  return `${local}@${domain}`;
}

function normalisePhone(raw: string, config: IdentityConfig): string | Error {
  const parsed = parsePhoneNumberFromString(raw, { defaultCountry: config.defaultRegion as CountryCode });
  if (parsed === undefined || !parsed.isPossible()) return new Error('phone number is not a possible number');
  return parsed.number;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Reads a birth date as sources write it; returns YYYYMMDD. */
export function parseBirthDate(raw: string, config: IdentityConfig, today: Date): string | Error {
  const value = raw.trim();
  let y: number;
  let m: number;
  let d: number;
  const compact = value.match(/^(\d{4})(\d{2})(\d{2})$/);
  const iso = value.match(/^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ].*)?$/);
  const local = value.match(/^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/);
  const yearFirst = compact ?? iso;
  // Only a year (or year and month): common in older records; kept at the precision given.
  const partial = value.match(/^(\d{4})(?:[-/.]?(\d{2}))?$/);
  if (partial && !compact) {
    const year = Number(partial[1]);
    const month = partial[2] === undefined ? undefined : Number(partial[2]);
    if (month !== undefined && (month < 1 || month > 12)) return new Error('birth date has no such month');
    if (year < config.minBirthYear) return new Error(`birth year before ${config.minBirthYear}`);
    if (year > today.getUTCFullYear()) return new Error('birth date in the future');
    return month === undefined ? String(year) : `${year}${pad2(month)}`;
  }
  if (yearFirst) {
    [y, m, d] = [Number(yearFirst[1]), Number(yearFirst[2]), Number(yearFirst[3])];
  } else if (local) {
    const a = Number(local[1]);
    const b = Number(local[2]);
    y = Number(local[3]);
    const dayFirst = a > 12 ? true : b > 12 ? false : config.dateOrder === 'dmy';
    [d, m] = dayFirst ? [a, b] : [b, a];
  } else {
    return new Error('birth date is in no known format (YYYYMMDD, YYYY-MM-DD, DD/MM/YYYY ...)');
  }
  if (m < 1 || m > 12 || d < 1 || d > 31) return new Error('birth date has no such month or day');
  if (d > daysInMonth(y, m)) return new Error('birth date has no such day in that month');
  if (y < config.minBirthYear) return new Error(`birth year before ${config.minBirthYear}`);
  const key = `${y}${pad2(m)}${pad2(d)}`;
  const todayKey = `${today.getUTCFullYear()}${pad2(today.getUTCMonth() + 1)}${pad2(today.getUTCDate())}`;
  if (key > todayKey) return new Error('birth date in the future');
  return key;
}

function normaliseStreet(raw: string): { street?: string; number?: string; unit?: string } {
  let tokens = foldText(raw).split(' ').filter(Boolean);
  let unit: string | undefined;
  let number: string | undefined;
  // "unit 5 12 high st", "flat 2, 12 high st"
  if (tokens.length > 1 && UNIT_WORDS.has(tokens[0]!)) {
    unit = tokens[1];
    tokens = tokens.slice(2);
  }
  // "5/12 high st" folds to "5 12 high st" only when written with a slash; detect it on the raw text.
  const slash = raw.trim().match(/^(\w+)\s*\/\s*(\d+\w?)\s+/);
  if (slash && unit === undefined) {
    unit = slash[1]!.toLowerCase();
    number = slash[2]!.toLowerCase();
    tokens = foldText(raw.trim().slice(slash[0].length)).split(' ').filter(Boolean);
  } else if (tokens.length > 1 && /^\d+[a-z]?$/.test(tokens[0]!)) {
    number = tokens[0];
    tokens = tokens.slice(1);
  }
  const street = tokens.map((t) => STREET_WORDS[t] ?? t).join(' ');
  return {
    ...(street ? { street } : {}),
    ...(number ? { number } : {}),
    ...(unit ? { unit } : {}),
  };
}

/**
 * Normalises every identity attribute. Values that are present but absurd (a future birth date, a 400
 * character name, an email without @) are flagged and left out, so they can neither link nor block.
 */
export function normaliseAttributes(
  input: IdentityAttributes,
  config: IdentityConfig,
  today: Date = new Date(),
): NormalisedRecord {
  const out: NormalisedAttributes = {};
  const flags: AttributeFlag[] = [];
  const present = (attribute: AttributeName): string | undefined => {
    const value = input[attribute];
    if (value === undefined || value === null) return undefined;
    const trimmed = String(value).trim();
    if (trimmed.length === 0) return undefined;
    const limit = attribute === 'givenName' || attribute === 'familyName' ? MAX_NAME_CHARS : MAX_TEXT_CHARS;
    if (trimmed.length > (attribute === 'fullName' ? 2 * MAX_NAME_CHARS : limit)) {
      flags.push({ attribute, reason: `longer than ${limit} characters` });
      return undefined;
    }
    return trimmed;
  };

  let givenTokens = present('givenName') ? nameTokens(present('givenName')!) : [];
  let familyTokens = present('familyName') ? nameTokens(present('familyName')!) : [];
  const full = present('fullName');
  if (full && givenTokens.length === 0 && familyTokens.length === 0) {
    if (full.includes(',')) {
      // "Family, Given"
      const [family = '', given = ''] = full.split(',', 2);
      familyTokens = nameTokens(family);
      givenTokens = nameTokens(given);
    } else {
      const tokens = nameTokens(full);
      if (tokens.length === 1) givenTokens = tokens;
      else if (tokens.length > 1) {
        givenTokens = tokens.slice(0, 1);
        familyTokens = tokens.slice(-1);
      }
    }
  }
  const given = givenTokens.join('');
  if (given) {
    out.given = given;
    out.givenCanonical = canonicalGivenName(givenTokens[0]!);
  }
  const family = familyTokens.join('');
  if (family) out.family = family;

  const email = present('email');
  if (email) {
    const n = normaliseEmail(email, config);
    if (n instanceof Error) flags.push({ attribute: 'email', reason: n.message });
    else out.email = n;
  }
  const phone = present('phone');
  if (phone) {
    const n = normalisePhone(phone, config);
    if (n instanceof Error) flags.push({ attribute: 'phone', reason: n.message });
    else out.phone = n;
  }
  const birthDate = present('birthDate');
  if (birthDate) {
    const n = parseBirthDate(birthDate, config, today);
    if (n instanceof Error) flags.push({ attribute: 'birthDate', reason: n.message });
    else out.birthDate = n;
  }
  const gender = present('gender')?.toLowerCase();
  if (gender) {
    if (/^(m|male|man|h|homme|masculin)$/.test(gender)) out.gender = 'm';
    else if (/^(f|female|woman|w|femme|feminin)$/.test(gender)) out.gender = 'f';
  }
  const street = present('street');
  if (street) {
    const s = normaliseStreet(street);
    if (s.street) out.street = s.street;
    if (s.number) out.streetNumber = s.number;
    if (s.unit) out.unit = s.unit;
  }
  const streetNumber = present('streetNumber');
  if (streetNumber) {
    const folded = foldText(streetNumber).replace(/ /g, '');
    if (folded) out.streetNumber = folded;
  }
  const line2 = present('addressLine2');
  if (line2) {
    const folded = foldText(line2);
    if (folded) out.addressLine2 = folded;
  }
  for (const [attribute, key] of [
    ['city', 'city'],
    ['state', 'state'],
    ['country', 'country'],
  ] as const) {
    const value = present(attribute);
    if (value) {
      const folded = foldText(value);
      if (folded) out[key] = folded;
    }
  }
  const postcode = present('postcode');
  if (postcode) {
    const compact = postcode.toUpperCase().replace(/[^0-9A-Z]/g, '');
    if (compact) out.postcode = compact;
  }
  const loyaltyId = present('loyaltyId');
  if (loyaltyId) out.loyaltyId = loyaltyId.toUpperCase().replace(/[\s-]/g, '');
  const nationalId = present('nationalId');
  if (nationalId) {
    const compact = nationalId.toUpperCase().replace(/[^0-9A-Z]/g, '');
    if (compact) out.nationalId = compact;
  }
  const sourceCustomerId = present('sourceCustomerId');
  if (sourceCustomerId) out.sourceCustomerId = sourceCustomerId;
  return { attributes: out, flags };
}

/** True when the record carries something a person could be recognised by. */
export function hasIdentifier(a: NormalisedAttributes): boolean {
  return Boolean(
    a.email ||
      a.phone ||
      a.loyaltyId ||
      a.nationalId ||
      a.sourceCustomerId ||
      ((a.given || a.family) && (a.birthDate || a.postcode || a.street || a.city)) ||
      (a.given && a.family),
  );
}
