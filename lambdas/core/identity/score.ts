import type { IdentityConfig } from './config.js';
import { isMassMailDomain } from './mail-domains.js';
import {
  type ComparisonName,
  compareRecords,
  levelWeight,
  type TermFrequencies,
  termFrequencyWeight,
} from './model.js';
import type { NormalisedAttributes } from './normalise.js';
import { ADDRESS_PARTS } from './survivorship.js';
import { editDistance } from './text.js';

export interface ComparisonEvidence {
  readonly comparison: ComparisonName;
  readonly level: string;
  readonly weight: number;
  /** Why the weight differs from the level's model weight (term frequency, household rule). */
  readonly note?: string;
}

/** Everything that went into comparing two records: a person can read why they were (not) linked. */
export interface PairEvidence {
  readonly total: number;
  readonly comparisons: readonly ComparisonEvidence[];
  readonly swappedNames: boolean;
  /** Merge protections that applied; `veto` ones forbid a link whatever the total. */
  readonly protections: readonly { readonly rule: string; readonly veto: boolean }[];
}

const round = (x: number) => Math.round(x * 100) / 100;

/** The names a person goes by, as far as either record of a pair knows them. */
interface PairNames {
  readonly givens: readonly string[];
  readonly families: readonly string[];
}

/**
 * True when an address's local part is made of the person's own names (sana.patel, spatel, patel.sana,
 * sanap, sana1984): two people of one name pick such addresses alike.
 */
export function emailFromName(email: string, names: PairNames): boolean {
  const local = email.slice(0, email.indexOf('@')).replace(/[^\p{L}]/gu, '');
  if (local.length === 0) return false;
  const isGiven = (part: string) =>
    part === '' || names.givens.some((g) => g === part || (part.length === 1 && g.startsWith(part)));
  for (const family of names.families) {
    const at = local.indexOf(family);
    if (at >= 0 && isGiven(local.slice(0, at) + local.slice(at + family.length))) return true;
    if (names.givens.some((g) => local === g + family[0])) return true;
  }
  return isGiven(local);
}

const pairNames = (a: NormalisedAttributes, b: NormalisedAttributes): PairNames => ({
  givens: [a.given, a.givenCanonical, b.given, b.givenCanonical].filter((g): g is string => !!g),
  families: [a.family, b.family].filter((f): f is string => !!f),
});

/**
 * Similar (not equal) addresses that namesakes would have anyway: both made of the names, at mass mail
 * services, without the same number in them. Such a pair says nothing beyond the names, which are counted
 * already; the same digits (gabriel.t54) or the same small domain (a typo of it included) still say more.
 */
function emailEchoesNames(
  a: NormalisedAttributes,
  b: NormalisedAttributes,
  level: string | undefined,
): boolean {
  if (level !== 'samePrefix' && level !== 'fuzzy') return false;
  const [localA = '', domainA = ''] = a.email!.split('@');
  const [localB = '', domainB = ''] = b.email!.split('@');
  const digitsA = localA.replace(/\D/g, '');
  if (digitsA !== '' && digitsA === localB.replace(/\D/g, '')) return false;
  const sameSmallDomain =
    !(isMassMailDomain(domainA) && isMassMailDomain(domainB)) && editDistance(domainA, domainB, 2) <= 2;
  if (sameSmallDomain) return false;
  const names = pairNames(a, b);
  return emailFromName(a.email!, names) && emailFromName(b.email!, names);
}

/** The compared parts of the one postal address (survivorship.ts keeps them together too); country is not compared. */
const ADDRESS_COMPARISONS: ReadonlySet<string> = new Set(ADDRESS_PARTS.filter((part) => part !== 'country'));

/** Scores a pair of records in the Fellegi-Sunter model and applies the pairwise merge protections. */
export function scorePair(
  a: NormalisedAttributes,
  b: NormalisedAttributes,
  config: IdentityConfig,
  tf?: TermFrequencies,
): PairEvidence {
  const { vector, swappedNames } = compareRecords(a, b);
  const comparisons: ComparisonEvidence[] = [];
  const protections: { rule: string; veto: boolean }[] = [];
  // A shared email or phone between people with clearly different first names is a household, not a person.
  const household = vector.given === 'else' && !swappedNames;
  // At one address, merely similar first names are family too (Sunil and Sunita); in a contact they are
  // more often a typo of one person's name, which the contact itself then confirms.
  const householdAtAddress = (household || vector.given === 'weak') && !swappedNames;
  const personalAgrees =
    vector.nationalId === 'exact' ||
    vector.birthDate === 'exact' ||
    vector.birthDate === 'transposed' ||
    vector.birthDate === 'oneEdit';
  const emailEchoesName = vector.given !== 'else' && emailEchoesNames(a, b, vector.email);
  let total = 0;
  for (const [c, level] of Object.entries(vector) as [ComparisonName, string][]) {
    let weight = levelWeight(config.model, c, level);
    let note: string | undefined;
    if (level === 'exact' && (c === 'given' || c === 'family') && tf !== undefined && !swappedNames) {
      const value = c === 'given' ? a.given! : a.family!;
      weight = termFrequencyWeight(config.model, c, value, tf);
      note = 'term frequency';
    }
    if (c === 'email' && emailEchoesName && weight > 0) {
      weight = 0;
      note = 'addresses made of the same names: no evidence beyond them';
    }
    if (household && (c === 'email' || c === 'phone') && weight > 0) {
      weight = 0;
      note = 'household: shared contact with a different given name';
      protections.push({ rule: `household ${c}`, veto: false });
    }
    // The parts of one address agree together, so their weights are not independent evidence: summed they
    // outweigh a different given name, and family members at one address would merge. Unless something
    // personal agrees too (a birth date or a national id, which a household does not share).
    if (householdAtAddress && !personalAgrees && ADDRESS_COMPARISONS.has(c) && weight > 0) {
      weight = 0;
      note = 'household: shared address with a different or only similar given name';
      if (!protections.some((p) => p.rule === 'household address'))
        protections.push({ rule: 'household address', veto: false });
    }
    total += weight;
    comparisons.push(
      note
        ? { comparison: c, level, weight: round(weight), note }
        : { comparison: c, level, weight: round(weight) },
    );
  }
  if (!config.allowConflictingStrongIds) {
    if (vector.loyaltyId === 'else') protections.push({ rule: 'different loyalty ids', veto: true });
    // A birth date typed wrong is common; one that disagrees beyond a typo vetoes the link unless another
    // strong identifier agrees outright (a national id, or an email or phone that is not a household's).
    const strongAgrees =
      vector.nationalId === 'exact' ||
      vector.loyaltyId === 'exact' ||
      (!household && (vector.email === 'exact' || vector.phone === 'exact'));
    if (vector.birthDate === 'else' && !strongAgrees) {
      protections.push({ rule: 'birth dates disagree', veto: true });
    }
  }
  // Names and a town are shared by strangers: without something only one person has in common (a birth
  // date, a contact, an id, the same postcode or house), they make a possible match, never a link.
  const corroborated =
    personalAgrees ||
    vector.birthDate === 'twoEdits' ||
    vector.birthDate === 'sameYear' ||
    vector.birthDate === 'nearYear' ||
    vector.loyaltyId === 'exact' ||
    (!household && !emailEchoesName && vector.email !== undefined && vector.email !== 'else') ||
    (!household && vector.phone === 'exact') ||
    vector.postcode === 'exact' ||
    (vector.street === 'exact' && vector.streetNumber === 'exact');
  if (!corroborated && total >= config.linkThreshold) {
    protections.push({ rule: 'names and place only', veto: true });
  }
  return { total: round(total), comparisons, swappedNames, protections };
}

export const isVetoed = (e: PairEvidence): boolean => e.protections.some((p) => p.veto);
