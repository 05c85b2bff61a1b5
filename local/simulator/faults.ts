import { parsePhoneNumber } from 'libphonenumber-js';
import type { SourceCustomer } from '../../lambdas/core/contracts/index.js';
import type { NicknameTable } from './nicknames.js';
import type { FaultRates, SimSource } from './options.js';
import type { Household, Person, TrueAddress } from './population.js';
import type { Prng } from './prng.js';
import { DOT_INSENSITIVE_PROVIDERS, PLUS_TAG_PROVIDERS, STREET_TYPES } from './vocabulary.js';

/** Names of the faults a record can carry; ground truth lists them per record. */
export type FaultName = keyof FaultRates | 'initialOnly' | 'relayEmail' | 'staleAddress' | 'guestCheckout';

/** How each source lays out a customer: which fields it has and how it writes them. */
interface SourceLayout {
  readonly names: 'split' | 'full' | 'given';
  readonly birthDate?: 'iso' | 'dmy' | 'compact';
  readonly address: 'lines' | 'parts' | 'postcode' | 'none';
  readonly country?: string;
  readonly gender?: 'letter' | 'word';
  readonly consent: boolean;
}

const LAYOUTS: Readonly<Record<SimSource, SourceLayout>> = {
  pos: { names: 'split', address: 'postcode', consent: false },
  ecommerce: { names: 'split', birthDate: 'iso', address: 'lines', country: 'GB', consent: true },
  marketplace: { names: 'full', address: 'lines', country: 'GB', consent: false },
  loyalty: { names: 'split', birthDate: 'dmy', address: 'lines', gender: 'word', consent: true },
  crm: {
    names: 'split',
    birthDate: 'compact',
    address: 'parts',
    country: 'United Kingdom',
    gender: 'letter',
    consent: true,
  },
  service: { names: 'full', address: 'lines', consent: false },
  campaigns: { names: 'given', address: 'none', consent: false },
};

const KEYBOARD_NEIGHBOURS: Readonly<Record<string, string>> = {
  a: 'qwsz',
  b: 'vghn',
  c: 'xdfv',
  d: 'serfcx',
  e: 'wsdr',
  f: 'drtgvc',
  g: 'ftyhbv',
  h: 'gyujnb',
  i: 'ujko',
  j: 'huikmn',
  k: 'jiolm',
  l: 'kop',
  m: 'njk',
  n: 'bhjm',
  o: 'iklp',
  p: 'ol',
  q: 'wa',
  r: 'edft',
  s: 'awedxz',
  t: 'rfgy',
  u: 'yhji',
  v: 'cfgb',
  w: 'qase',
  x: 'zsdc',
  y: 'tghu',
  z: 'asx',
};

/** One keyboard slip: a neighbouring key, a dropped or doubled letter, or two letters swapped. */
export function typo(rng: Prng, word: string): string {
  if (word.length < 3) return word;
  const chars = [...word];
  // The first letter is rarely wrong in practice, and blocking keys rely on it less than one might think.
  const at = rng.int(1, chars.length - 1);
  const current = chars[at] ?? '';
  const lower = current.toLowerCase();
  const op = rng.int(0, 3);
  if (op === 0 && KEYBOARD_NEIGHBOURS[lower]) {
    const replacement = rng.pick([...(KEYBOARD_NEIGHBOURS[lower] ?? '')]);
    chars[at] = current === lower ? replacement : replacement.toUpperCase();
  } else if (op === 1) {
    chars.splice(at, 1);
  } else if (op === 2) {
    chars.splice(at, 0, current);
  } else {
    const before = chars[at - 1] ?? '';
    if (before.toLowerCase() === lower) chars.splice(at, 1);
    else {
      chars[at - 1] = current;
      chars[at] = before;
    }
  }
  const result = chars.join('');
  return result === word ? `${word.slice(0, -1)}` : result;
}

const capitalise = (value: string) => value.charAt(0).toUpperCase() + value.slice(1);

function changeCase(rng: Prng, email: string): string {
  const [local = '', domain = ''] = email.split('@');
  const style = rng.int(0, 2);
  if (style === 0) return email.toUpperCase();
  if (style === 1) return `${local.split('.').map(capitalise).join('.')}@${capitalise(domain)}`;
  return `${capitalise(local)}@${domain}`;
}

export interface PhoneForms {
  readonly national: string;
  readonly international: string;
}

const phoneCache = new Map<string, PhoneForms>();

export function phoneForms(e164: string): PhoneForms {
  // UK mobiles (+447xxx xxxxxx) have one layout; formatting them by hand spares a regex-heavy parse each.
  if (/^\+447\d{9}$/.test(e164)) {
    return {
      national: `0${e164.slice(3, 7)} ${e164.slice(7)}`,
      international: `+44 ${e164.slice(3, 7)} ${e164.slice(7)}`,
    };
  }
  let forms = phoneCache.get(e164);
  if (!forms) {
    const parsed = parsePhoneNumber(e164);
    forms = { national: parsed.formatNational(), international: parsed.formatInternational() };
    phoneCache.set(e164, forms);
  }
  return forms;
}

function formatBirthDate(iso: string, style: NonNullable<SourceLayout['birthDate']>): string {
  const [y, m, d] = iso.split('-');
  if (style === 'dmy') return `${d}/${m}/${y}`;
  if (style === 'compact') return `${y}${m}${d}`;
  return iso;
}

/** The address a source holds, written its way. */
export function addressView(
  address: TrueAddress,
  layout: SourceLayout['address'],
  abbreviate: boolean,
  country?: string,
): SourceCustomer['address'] | undefined {
  const streetType = abbreviate
    ? (STREET_TYPES.find(([full]) => full === address.streetType)?.[1] ?? address.streetType)
    : address.streetType;
  const street = `${address.streetName} ${streetType}`;
  const postcode = abbreviate ? address.postcode.replace(' ', '').toLowerCase() : address.postcode;
  if (layout === 'none') return undefined;
  if (layout === 'postcode') return { postcode };
  if (layout === 'parts') {
    return {
      streetNumber: address.streetNumber,
      street,
      ...(address.flat ? { line2: address.flat } : {}),
      city: address.city,
      postcode,
      ...(country ? { country } : {}),
    };
  }
  return {
    line1:
      address.flat && abbreviate
        ? `${address.flat}, ${address.streetNumber} ${street}`
        : `${address.streetNumber} ${street}`,
    ...(address.flat && !abbreviate ? { line2: address.flat } : {}),
    city: address.city,
    postcode,
    ...(country ? { country } : {}),
  };
}

export interface RecordViewInput {
  readonly source: SimSource;
  readonly sourceCustomerId: string;
  readonly person: Person;
  readonly household: Household;
  /** the address the household had when the record was made */
  readonly address: TrueAddress;
  readonly rates: FaultRates;
  readonly nicknames: NicknameTable;
  readonly rng: Prng;
  readonly loyaltyId?: string;
  /** marketplaces give sellers a relay address instead of the buyer's own */
  readonly relayEmail?: string;
  readonly consentEmail?: boolean;
}

export interface RecordView {
  readonly customer: SourceCustomer;
  readonly faults: FaultName[];
}

/** The customer as one source recorded them, with that source's faults applied once, at creation. */
export function makeRecordView(input: RecordViewInput): RecordView {
  const { source, person, household, rates, rng, nicknames } = input;
  const layout = LAYOUTS[source];
  const faults: FaultName[] = [];
  const hit = (fault: keyof FaultRates) => {
    const yes = rng.chance(rates[fault]);
    if (yes) faults.push(fault);
    return yes;
  };

  // Names
  let given = person.givenName;
  let family = person.familyName;
  const nicknameList = nicknames.get(given.toLowerCase());
  if (nicknameList && nicknameList.length > 0 && hit('nickname')) given = capitalise(rng.pick(nicknameList));
  // A slip needs a word of three letters or more to land in; 'Li' or 'Ng' are left alone.
  const typoTargets = [given.length >= 3 ? 'given' : '', family.length >= 3 ? 'family' : ''].filter(Boolean);
  if (typoTargets.length > 0 && hit('typo')) {
    if (rng.pick(typoTargets) === 'given') given = typo(rng, given);
    else family = typo(rng, family);
  }
  if (layout.names !== 'given' && hit('swappedNames')) [given, family] = [family, given];
  if (layout.names !== 'given' && hit('upperCaseName')) {
    given = given.toUpperCase();
    family = family.toUpperCase();
  }
  const customer: SourceCustomer = { sourceSystem: source, sourceCustomerId: input.sourceCustomerId };
  if (layout.names === 'split') {
    customer.givenName = given;
    customer.familyName = family;
  } else if (layout.names === 'full') {
    if (source === 'marketplace' && rng.chance(0.25)) {
      faults.push('initialOnly');
      customer.fullName = `${given.charAt(0)}. ${family}`;
    } else customer.fullName = `${given} ${family}`;
  } else if (rng.chance(0.7)) customer.givenName = given;

  // E-mail
  if (input.relayEmail) {
    faults.push('relayEmail');
    customer.email = input.relayEmail;
  } else if (!hit('missingEmail')) {
    let email = household.sharedEmail && hit('sharedFamilyEmail') ? household.sharedEmail : person.email;
    const [local = '', domain = ''] = email.split('@');
    if (DOT_INSENSITIVE_PROVIDERS.has(domain) && hit('emailDots')) {
      const changed = local.includes('.')
        ? local.replaceAll('.', '')
        : `${local.slice(0, Math.max(1, Math.floor(local.length / 2)))}.${local.slice(Math.max(1, Math.floor(local.length / 2)))}`;
      email = `${changed}@${domain}`;
    }
    if (PLUS_TAG_PROVIDERS.has(domain) && hit('emailPlusTag')) {
      const [l = '', d = ''] = email.split('@');
      email = `${l}+${rng.pick(['shop', 'retail', 'offers', 'orders', 'newsletter', String(rng.int(1, 99))])}@${d}`;
    }
    if (hit('emailCase')) email = changeCase(rng, email);
    customer.email = email;
  }

  // Phone
  if (source !== 'campaigns' && !hit('missingPhone')) {
    const number = household.sharedPhone && hit('sharedFamilyPhone') ? household.sharedPhone : person.phone;
    const forms = phoneForms(number);
    let phone = hit('phoneInternational')
      ? rng.chance(0.1)
        ? forms.international.replace('+', '00')
        : forms.international
      : forms.national;
    if (hit('phoneCompact')) phone = phone.replaceAll(' ', '');
    else if (rng.chance(0.05)) phone = phone.replaceAll(' ', '-');
    customer.phone = phone;
  }

  // Birth date, gender
  if (layout.birthDate && !hit('missingBirthDate'))
    customer.birthDate = formatBirthDate(person.birthDate, layout.birthDate);
  if (layout.gender === 'letter') customer.gender = person.gender === 'female' ? 'F' : 'M';
  else if (layout.gender === 'word') customer.gender = person.gender;

  // Address
  if (layout.address !== 'none' && !hit('missingAddress')) {
    const address = addressView(input.address, layout.address, hit('addressAbbreviation'), layout.country);
    if (address) customer.address = address;
  }

  if (input.loyaltyId) customer.loyaltyId = input.loyaltyId;
  if (layout.consent) customer.consent = { email: input.consentEmail ?? false, sms: rng.chance(0.3) };
  if (source === 'ecommerce' && customer.email && !input.relayEmail) customer.verified = ['email'];
  return { customer, faults };
}

export { LAYOUTS as SOURCE_LAYOUTS };
