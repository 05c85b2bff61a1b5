import { parsePhoneNumber } from 'libphonenumber-js';
import { familyNameFor, namesOf } from './names.js';
import type { ResolvedOptions } from './options.js';
import { Prng } from './prng.js';
import {
  CATEGORIES,
  CITIES,
  type City,
  DOT_INSENSITIVE_PROVIDERS,
  EMAIL_PROVIDERS,
  MAILBOX_DOMAIN_ALIASES,
  NAME_BACKGROUNDS,
  type NameBackground,
  PRODUCT_ADJECTIVES,
  STREET_NAMES,
  STREET_TYPES,
} from './vocabulary.js';

/** A true postal address; sources write it their own way. */
export interface TrueAddress {
  readonly streetNumber: string;
  readonly streetName: string;
  readonly streetType: string;
  readonly flat?: string;
  readonly city: string;
  readonly region: string;
  readonly postcode: string;
  readonly country: 'GB';
}

export interface Household {
  readonly householdId: string;
  address: TrueAddress;
  previousAddress?: TrueAddress;
  movedAt?: number;
  readonly sharedEmail?: string;
  /** a landline in E.164, shared by everyone at home */
  readonly sharedPhone?: string;
  readonly members: number[];
}

export interface PersonTraits {
  /** purchases per week while active */
  readonly purchaseRate: number;
  /** probability of dropping out after each repeat purchase */
  readonly dropoutProbability: number;
  readonly discountDriven: boolean;
  readonly frictionProne: boolean;
  /** baseline share of units this person sends back */
  readonly returnPropensity: number;
  readonly channelWeights: readonly (readonly ['store' | 'web' | 'app' | 'marketplace', number])[];
  readonly joinsLoyalty: boolean;
  readonly joinsCrm: boolean;
  readonly subscribes: boolean;
  /** when the person first buys, ms since epoch */
  readonly acquiredAt: number;
}

export interface Person {
  readonly index: number;
  readonly personId: string;
  readonly householdIndex: number;
  readonly background: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly gender: 'female' | 'male';
  /** YYYY-MM-DD */
  readonly birthDate: string;
  readonly email: string;
  /** mobile in E.164 */
  readonly phone: string;
  readonly traits: PersonTraits;
}

export interface Product {
  readonly sku: string;
  readonly name: string;
  readonly category: string;
  readonly price: number;
  readonly unitCost: number;
  readonly returnBase: number;
}

export interface Population {
  readonly people: Person[];
  readonly households: Household[];
  readonly catalog: Product[];
  /** stores by city: store id and city */
  readonly stores: readonly { readonly storeId: string; readonly city: string; readonly region: string }[];
}

const round2 = (value: number) => Math.round(value * 100) / 100;

/** ASCII for e-mail local parts: Zoë -> zoe, Łukasz -> lukasz, O'Brien -> obrien. */
export function asciiFold(value: string): string {
  return value
    .replace(/[łŁ]/g, 'l')
    .replace(/ß/g, 'ss')
    .replace(/ı/g, 'i')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

const POSTCODE_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

function makeAddress(rng: Prng, city: City): TrueAddress {
  const area = rng.pick(city.areas);
  const district = rng.int(1, area.length === 1 ? 30 : 20);
  const postcode = `${area}${district} ${rng.int(1, 9)}${rng.pick([...POSTCODE_LETTERS])}${rng.pick([...POSTCODE_LETTERS])}`;
  const [streetType] = rng.pick(STREET_TYPES);
  const flat = rng.chance(0.25) ? `Flat ${rng.int(1, 24)}` : undefined;
  return {
    streetNumber: String(rng.int(1, 180)),
    streetName: rng.pick(STREET_NAMES),
    streetType,
    ...(flat ? { flat } : {}),
    city: city.name,
    region: city.region,
    postcode,
    country: 'GB',
  };
}

function mobileNumber(rng: Prng, taken: Set<string>): string {
  for (;;) {
    // 07 then a valid mobile block: 071-075 and 077-079 (076 is pagers).
    const candidate = `07${rng.pick(['1', '2', '3', '4', '5', '7', '8', '9'])}${String(rng.int(0, 99_999_999)).padStart(8, '0')}`;
    const parsed = parsePhoneNumber(candidate, 'GB');
    if (parsed.isValid() && !taken.has(parsed.number)) {
      taken.add(parsed.number);
      return parsed.number;
    }
  }
}

function landlineNumber(rng: Prng, city: City, taken: Set<string>): string | undefined {
  for (let attempt = 0; attempt < 20; attempt++) {
    const subscriberLength = 11 - city.landline.length;
    const first = rng.int(2, 8);
    const rest = String(rng.int(0, 10 ** (subscriberLength - 1) - 1)).padStart(subscriberLength - 1, '0');
    const parsed = parsePhoneNumber(`${city.landline}${first}${rest}`, 'GB');
    if (parsed.isValid() && !taken.has(parsed.number)) {
      taken.add(parsed.number);
      return parsed.number;
    }
  }
  return undefined;
}

function birthDate(rng: Prng, startMs: number, minAge: number, maxAge: number): string {
  const year = new Date(startMs).getUTCFullYear() - rng.int(minAge, maxAge);
  const month = rng.int(1, 12);
  const day = rng.int(1, [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 28);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * The mailbox an address reaches, as its provider sees it: case-folded, dots dropped where the provider
 * ignores them, alias domains folded. Two people never get addresses with one mailbox key
 * (margaret.jones@gmail.com and margaretjones@googlemail.com are one inbox).
 */
export function mailboxKey(email: string): string {
  const at = email.lastIndexOf('@');
  const domainRaw = email.slice(at + 1).toLowerCase();
  const domain = MAILBOX_DOMAIN_ALIASES.get(domainRaw) ?? domainRaw;
  const local = email.slice(0, at).toLowerCase();
  return `${DOT_INSENSITIVE_PROVIDERS.has(domain) ? local.replaceAll('.', '') : local}@${domain}`;
}

/** Takes the address when its mailbox is free; false when someone already has that mailbox. */
function claimMailbox(email: string, taken: Set<string>): boolean {
  const key = mailboxKey(email);
  if (taken.has(key)) return false;
  taken.add(key);
  return true;
}

function personalEmail(rng: Prng, given: string, family: string, birth: string, taken: Set<string>): string {
  const g = asciiFold(given) || 'customer';
  const f = asciiFold(family) || 'shopper';
  const year = birth.slice(0, 4);
  for (let attempt = 0; ; attempt++) {
    const provider = rng.weighted(EMAIL_PROVIDERS);
    const local = rng.weighted<string>([
      [`${g}.${f}`, 30],
      [`${g}${f}`, 15],
      [`${g[0]}${f}`, 12],
      [`${g}.${f}${year.slice(2)}`, 10],
      [`${f}.${g}`, 6],
      [`${g}_${f}`, 6],
      [`${g}${year}`, 6],
      [`${g}.${f}${rng.int(1, 99)}`, 10],
      [`${g}${f[0]}${rng.int(100, 999)}`, 5],
    ]);
    const suffix = attempt > 3 ? String(rng.int(1000, 9999)) : '';
    const email = `${local}${suffix}@${provider}`;
    if (claimMailbox(email, taken)) return email;
  }
}

function familyEmail(rng: Prng, family: string, taken: Set<string>): string | undefined {
  const f = asciiFold(family) || 'home';
  for (let attempt = 0; attempt < 10; attempt++) {
    const provider = rng.weighted(EMAIL_PROVIDERS);
    const local = rng.pick([`the${f}s`, `${f}family`, `${f}.household`, `${f}home`, `team${f}`]);
    const email = `${local}${attempt > 0 ? rng.int(1, 99) : ''}@${provider}`;
    if (claimMailbox(email, taken)) return email;
  }
  return undefined;
}

function pickBackground(rng: Prng): NameBackground {
  return rng.weighted(NAME_BACKGROUNDS.map((b) => [b, b.weight] as const));
}

export function buildCatalog(seed: number): Product[] {
  const rng = Prng.derive(seed, 'catalog');
  const products: Product[] = [];
  for (const category of CATEGORIES) {
    let serial = 1000;
    for (const item of category.items) {
      for (const adjective of rng.shuffle([...PRODUCT_ADJECTIVES]).slice(0, 3)) {
        serial += rng.int(1, 40);
        const [low, high] = category.priceRange;
        const price = Math.round(rng.uniform(low, high)) - 0.01;
        const costShare = rng.uniform(category.costRatio[0], category.costRatio[1]);
        products.push({
          sku: `${category.code}-${serial}`,
          name: `${adjective} ${item}`,
          category: category.id,
          price: round2(Math.max(price, 2.99)),
          unitCost: round2(price * costShare),
          returnBase: category.returnBase,
        });
      }
    }
  }
  return products;
}

/**
 * People in households. Each person's attributes come from their own random stream, so person 17 is the
 * same whatever the total size; the only shared state is what came before them: the sets that keep mailboxes
 * and phones unique, and the given names already used in their household (members get distinct ones).
 */
export function buildPopulation(options: ResolvedOptions): Population {
  const { seed, customers, startMs, endMs, dynamics } = options;
  const people: Person[] = [];
  const households: Household[] = [];
  /** mailbox keys (see mailboxKey), not raw addresses */
  const emails = new Set<string>();
  const phones = new Set<string>();
  const cityWeights = CITIES.map((c) => [c, c.weight] as const);
  const acquisitionEnd = startMs + (endMs - startMs) * options.acquisitionShare;

  while (people.length < customers) {
    const householdIndex = households.length;
    const rng = Prng.derive(seed, 'household', householdIndex);
    const size = Math.min(
      customers - people.length,
      rng.weighted([
        [1, 45],
        [2, 35],
        [3, 12],
        [4, 8],
      ]),
    );
    const city = rng.weighted(cityWeights);
    const background = pickBackground(rng);
    const familyName = namesOf(background).family.pick(rng);
    const members: number[] = [];
    const sharedEmail = size > 1 && rng.chance(0.35) ? familyEmail(rng, familyName, emails) : undefined;
    const sharedPhone = rng.chance(size > 1 ? 0.45 : 0.15) ? landlineNumber(rng, city, phones) : undefined;
    const household: Household = {
      householdId: `H${String(householdIndex + 1).padStart(6, '0')}`,
      address: makeAddress(rng, city),
      members,
      ...(sharedEmail ? { sharedEmail } : {}),
      ...(sharedPhone ? { sharedPhone } : {}),
    };
    if (rng.chance(0.1)) {
      // Some households move during the period: sources that are not told keep the old address.
      household.previousAddress = household.address;
      household.address = makeAddress(rng, rng.chance(0.7) ? city : rng.weighted(cityWeights));
      household.movedAt = Math.round(
        rng.uniform(startMs + (endMs - startMs) * 0.15, endMs - 86_400_000 * 14),
      );
    }
    households.push(household);

    for (let m = 0; m < size; m++) {
      const index = people.length;
      const prng = Prng.derive(seed, 'person', index);
      // Couples often share a family name; adult children do; some keep their own or come from elsewhere.
      const ownBackground = m > 0 && prng.chance(0.12) ? pickBackground(prng) : background;
      const names = namesOf(ownBackground);
      let family = familyName;
      if (m > 0 && (ownBackground !== background || !prng.chance(0.78))) {
        family = names.family.pick(prng);
      }
      const gender = prng.chance(0.52) ? 'female' : 'male';
      // Kowalski's wife is Kowalska; a Sikh family's women are Kaur and its men Singh.
      family = familyNameFor(family, gender);
      const givenNames = gender === 'female' ? names.female : names.male;
      let given = givenNames.pick(prng);
      // Two members of a household with one full name is next to unheard of (bar Jr/Sr): redraw. The
      // redraws come from a stream of their own so the person's other attributes do not shift.
      const used = new Set(members.map((i) => people[i]?.givenName));
      const redraw = used.has(given) ? Prng.derive(seed, 'given-redraw', index) : undefined;
      for (let attempt = 0; redraw && used.has(given) && attempt < 50; attempt++)
        given = givenNames.pick(redraw);
      // Only a household of 50 unlucky draws gets here; the first free name keeps the rule absolute.
      if (used.has(given)) given = givenNames.names.find((n) => !used.has(n)) ?? given;
      const birth = m >= 2 ? birthDate(prng, startMs, 18, 30) : birthDate(prng, startMs, 22, 84);
      const discountDriven = prng.chance(options.discountDrivenShare);
      const frictionProne = prng.chance(options.frictionProneShare);
      const purchaseRate = prng.gamma(dynamics.r, 1 / dynamics.alpha) * (discountDriven ? 1.4 : 1);
      const dropoutProbability = prng.beta(dynamics.a, dynamics.b);
      const online = prng.uniform(0.1, 0.9);
      const marketplace = prng.chance(0.35) ? prng.uniform(0.1, 0.5) : 0.02;
      const person: Person = {
        index,
        personId: `P${String(index + 1).padStart(7, '0')}`,
        householdIndex,
        background: ownBackground.id,
        givenName: given,
        familyName: family,
        gender,
        birthDate: birth,
        email: personalEmail(prng, given, family, birth, emails),
        phone: mobileNumber(prng, phones),
        traits: {
          purchaseRate: Math.max(purchaseRate, 0.002),
          dropoutProbability,
          discountDriven,
          frictionProne,
          returnPropensity: discountDriven ? prng.uniform(0.35, 0.6) : prng.beta(1.2, 18),
          channelWeights: [
            ['store', 1 - online],
            ['web', online * 0.65],
            ['app', online * 0.35],
            ['marketplace', marketplace],
          ],
          joinsLoyalty: prng.chance(discountDriven ? 0.55 : 0.4),
          joinsCrm: prng.chance(0.5),
          subscribes: prng.chance(discountDriven ? 0.9 : 0.55),
          acquiredAt: Math.round(prng.uniform(startMs, acquisitionEnd)),
        },
      };
      members.push(index);
      people.push(person);
    }
  }

  const stores = CITIES.flatMap((city, cityIndex) =>
    Array.from({ length: Math.max(1, Math.round(city.weight / 6)) }, (_, n) => ({
      storeId: `ST${String(cityIndex * 10 + n + 1).padStart(3, '0')}`,
      city: city.name,
      region: city.region,
    })),
  );
  return { people, households, catalog: buildCatalog(seed), stores };
}
