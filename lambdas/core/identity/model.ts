/**
 * The Fellegi-Sunter model: each comparison of two records lands in one level per attribute; a level
 * carries m = P(level | same person) and u = P(level | different people), and the evidence it adds is the
 * log2 Bayes factor log2(m/u). Missing values add nothing. Exact agreement on names is weighed by how rare
 * the value is (term-frequency adjustment).
 */
import { areNicknames } from './nicknames.js';
import type { NormalisedAttributes } from './normalise.js';
import { editDistance, jaroWinkler } from './text.js';

export interface LevelParameters {
  readonly m: number;
  readonly u: number;
}
export type ComparisonName =
  | 'given'
  | 'family'
  | 'birthDate'
  | 'email'
  | 'phone'
  | 'nationalId'
  | 'loyaltyId'
  | 'gender'
  | 'streetNumber'
  | 'street'
  | 'addressLine2'
  | 'city'
  | 'postcode'
  | 'state';
/** Level names per comparison, strongest first; the last is always "else" (disagreement). */
export const COMPARISON_LEVELS = {
  given: ['exact', 'nickname', 'fuzzy', 'weak', 'initial', 'else'],
  family: ['exact', 'fuzzy', 'weak', 'else'],
  birthDate: ['exact', 'transposed', 'oneEdit', 'twoEdits', 'sameYear', 'nearYear', 'else'],
  email: ['exact', 'samePrefix', 'fuzzy', 'else'],
  phone: ['exact', 'sameLocal', 'else'],
  nationalId: ['exact', 'oneEdit', 'else'],
  loyaltyId: ['exact', 'else'],
  gender: ['exact', 'else'],
  streetNumber: ['exact', 'else'],
  street: ['exact', 'fuzzy', 'else'],
  addressLine2: ['exact', 'fuzzy', 'else'],
  city: ['exact', 'fuzzy', 'else'],
  postcode: ['exact', 'oneEdit', 'else'],
  state: ['exact', 'else'],
} as const satisfies Record<ComparisonName, readonly string[]>;
export const COMPARISONS = Object.keys(COMPARISON_LEVELS) as ComparisonName[];
export type LevelName<C extends ComparisonName = ComparisonName> = (typeof COMPARISON_LEVELS)[C][number];

export interface ModelParameters {
  readonly version: 1;
  /** Where the numbers come from: "shipped defaults" or the training run. */
  readonly origin: string;
  readonly levels: { readonly [C in ComparisonName]: Readonly<Record<string, LevelParameters>> };
}

const p = (m: number, u: number): LevelParameters => ({ m, u });

/**
 * Shipped defaults: m from typical error rates of customer data (typos, nicknames, moves), u from the
 * chance agreement of random people in a population of millions. Sensible for person data in general;
 * `tessera identity train` replaces them with values fitted by EM on the retailer's own records.
 */
export const DEFAULT_MODEL: ModelParameters = {
  version: 1,
  origin: 'shipped defaults',
  levels: {
    given: {
      exact: p(0.8, 0.01),
      nickname: p(0.04, 0.002),
      fuzzy: p(0.08, 0.003),
      weak: p(0.03, 0.02),
      initial: p(0.02, 0.03),
      else: p(0.03, 0.935),
    },
    family: { exact: p(0.82, 0.003), fuzzy: p(0.09, 0.002), weak: p(0.04, 0.02), else: p(0.05, 0.975) },
    birthDate: {
      exact: p(0.84, 0.0004),
      transposed: p(0.01, 0.00003),
      oneEdit: p(0.1, 0.004),
      twoEdits: p(0.02, 0.03),
      // only a year (or month) known on one side: agreement as far as it goes, or one year apart
      sameYear: p(0.85, 0.02),
      nearYear: p(0.08, 0.04),
      else: p(0.03, 0.9656),
    },
    email: {
      exact: p(0.85, 0.00001),
      samePrefix: p(0.03, 0.0002),
      fuzzy: p(0.07, 0.0005),
      else: p(0.05, 0.9993),
    },
    phone: { exact: p(0.85, 0.00001), sameLocal: p(0.03, 0.0001), else: p(0.12, 0.99989) },
    nationalId: { exact: p(0.85, 0.000001), oneEdit: p(0.1, 0.0001), else: p(0.05, 0.9999) },
    loyaltyId: { exact: p(0.97, 0.000001), else: p(0.03, 0.999999) },
    gender: { exact: p(0.97, 0.5), else: p(0.03, 0.5) },
    streetNumber: { exact: p(0.8, 0.02), else: p(0.2, 0.98) },
    street: { exact: p(0.75, 0.0005), fuzzy: p(0.12, 0.001), else: p(0.13, 0.9985) },
    addressLine2: { exact: p(0.7, 0.001), fuzzy: p(0.1, 0.002), else: p(0.2, 0.997) },
    city: { exact: p(0.8, 0.01), fuzzy: p(0.1, 0.004), else: p(0.1, 0.986) },
    postcode: { exact: p(0.8, 0.003), oneEdit: p(0.1, 0.02), else: p(0.1, 0.977) },
    state: { exact: p(0.9, 0.25), else: p(0.1, 0.75) },
  },
};

type Attrs = NormalisedAttributes;

function nameLevel(a: string, b: string, nicknames: boolean): LevelName<'given'> {
  if (a === b) return 'exact';
  if (nicknames && areNicknames(a, b)) return 'nickname';
  if (a.length === 1 || b.length === 1) return a[0] === b[0] ? 'initial' : 'else';
  const jw = jaroWinkler(a, b);
  if (jw >= 0.92) return 'fuzzy';
  if (jw >= 0.8) return 'weak';
  return 'else';
}

export function dateLevel(a: string, b: string): LevelName<'birthDate'> {
  if (a.length < 8 || b.length < 8) {
    const n = Math.min(a.length, b.length);
    if (a.slice(0, n) === b.slice(0, n)) return a.length === b.length && n === 8 ? 'exact' : 'sameYear';
    // One year apart, or one keystroke apart (1932 and 1938, 1932 and 1923): what a clerk's slip makes of a
    // year; with nothing finer known, not a disagreement to veto a link on.
    const [ya, yb] = [a.slice(0, 4), b.slice(0, 4)];
    const slip =
      editDistance(ya, yb, 1) <= 1 ||
      (ya.slice(0, 2) === yb.slice(0, 2) && ya[2] === yb[3] && ya[3] === yb[2]);
    return Math.abs(Number(ya) - Number(yb)) <= 1 || slip ? 'nearYear' : 'else';
  }
  if (a === b) return 'exact';
  // YYYYMMDD with day and month swapped
  if (a.slice(0, 4) === b.slice(0, 4) && a.slice(4, 6) === b.slice(6, 8) && a.slice(6, 8) === b.slice(4, 6)) {
    return 'transposed';
  }
  const d = editDistance(a, b, 2);
  if (d === 1) return 'oneEdit';
  if (d === 2) return 'twoEdits';
  return 'else';
}

function fuzzyLevel(a: string, b: string, threshold: number): 'exact' | 'fuzzy' | 'else' {
  if (a === b) return 'exact';
  return jaroWinkler(a, b) >= threshold ? 'fuzzy' : 'else';
}

/** The level of one comparison, or undefined when either side is unknown. */
export function compareAttribute(c: ComparisonName, a: Attrs, b: Attrs): string | undefined {
  switch (c) {
    case 'given':
      return a.given && b.given ? nameLevel(a.given, b.given, true) : undefined;
    case 'family': {
      if (!a.family || !b.family) return undefined;
      const level = nameLevel(a.family, b.family, false);
      return level === 'initial' || level === 'nickname' ? 'else' : level;
    }
    case 'birthDate':
      return a.birthDate && b.birthDate ? dateLevel(a.birthDate, b.birthDate) : undefined;
    case 'email': {
      if (!a.email || !b.email) return undefined;
      if (a.email === b.email) return 'exact';
      const la = a.email.slice(0, a.email.indexOf('@'));
      const lb = b.email.slice(0, b.email.indexOf('@'));
      if (la === lb && la.length >= 4) return 'samePrefix';
      return jaroWinkler(a.email, b.email) >= 0.92 ? 'fuzzy' : 'else';
    }
    case 'phone': {
      if (!a.phone || !b.phone) return undefined;
      if (a.phone === b.phone) return 'exact';
      return a.phone.slice(-8) === b.phone.slice(-8) ? 'sameLocal' : 'else';
    }
    case 'nationalId': {
      if (!a.nationalId || !b.nationalId) return undefined;
      if (a.nationalId === b.nationalId) return 'exact';
      return editDistance(a.nationalId, b.nationalId, 1) <= 1 ? 'oneEdit' : 'else';
    }
    case 'loyaltyId':
      return a.loyaltyId && b.loyaltyId ? (a.loyaltyId === b.loyaltyId ? 'exact' : 'else') : undefined;
    case 'gender':
      return a.gender && b.gender ? (a.gender === b.gender ? 'exact' : 'else') : undefined;
    case 'streetNumber':
      return a.streetNumber && b.streetNumber
        ? a.streetNumber === b.streetNumber
          ? 'exact'
          : 'else'
        : undefined;
    case 'street':
      return a.street && b.street ? fuzzyLevel(a.street, b.street, 0.9) : undefined;
    case 'addressLine2':
      return a.addressLine2 && b.addressLine2 ? fuzzyLevel(a.addressLine2, b.addressLine2, 0.9) : undefined;
    case 'city':
      return a.city && b.city ? fuzzyLevel(a.city, b.city, 0.88) : undefined;
    case 'postcode': {
      if (!a.postcode || !b.postcode) return undefined;
      if (a.postcode === b.postcode) return 'exact';
      return editDistance(a.postcode, b.postcode, 1) <= 1 ? 'oneEdit' : 'else';
    }
    case 'state':
      return a.state && b.state ? (a.state === b.state ? 'exact' : 'else') : undefined;
  }
}

/** The comparison vector of two records: level per comparison (undefined when not comparable). */
export type ComparisonVector = Partial<Record<ComparisonName, string>>;

export function compareRecords(a: Attrs, b: Attrs): { vector: ComparisonVector; swappedNames: boolean } {
  const vector: ComparisonVector = {};
  for (const c of COMPARISONS) {
    const level = compareAttribute(c, a, b);
    if (level !== undefined) vector[c] = level;
  }
  // Given and family names entered the wrong way round: compare them crosswise when that agrees better.
  let swappedNames = false;
  if (a.given && a.family && b.given && b.family && (vector.given === 'else' || vector.family === 'else')) {
    const crossGiven = nameLevel(a.given, b.family, false);
    const crossFamily = nameLevel(a.family, b.given, false);
    const good = (l: string) => l === 'exact' || l === 'fuzzy';
    if (good(crossGiven) && good(crossFamily)) {
      vector.given = crossGiven;
      vector.family = crossFamily;
      swappedNames = true;
    }
  }
  return { vector, swappedNames };
}

/** Term frequencies for exact name agreement: how many stored records carry the value, out of how many. */
export interface TermFrequencies {
  readonly total: number;
  count(comparison: 'given' | 'family', value: string): number;
}

/** Pseudo-records of prior: early in a stream few counts are known, so the model's u carries most weight. */
const TF_PRIOR_RECORDS = 200;

export function levelWeight(params: ModelParameters, c: ComparisonName, level: string): number {
  const lp = params.levels[c][level];
  if (lp === undefined) throw new Error(`model has no parameters for ${c}.${level}`);
  return Math.log2(lp.m / lp.u);
}

export function termFrequencyWeight(
  params: ModelParameters,
  c: 'given' | 'family',
  value: string,
  tf: TermFrequencies,
): number {
  const lp = params.levels[c].exact!;
  const count = Math.max(1, tf.count(c, value));
  const u = (count + TF_PRIOR_RECORDS * lp.u) / (tf.total + TF_PRIOR_RECORDS);
  return Math.log2(lp.m / Math.min(Math.max(u, lp.u / 20), 0.5));
}
