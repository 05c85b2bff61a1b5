import type { IdentityConfig } from './config.js';
import {
  type ComparisonName,
  compareRecords,
  levelWeight,
  type TermFrequencies,
  termFrequencyWeight,
} from './model.js';
import type { NormalisedAttributes } from './normalise.js';

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

const ADDRESS_COMPARISONS: ReadonlySet<ComparisonName> = new Set([
  'streetNumber',
  'street',
  'addressLine2',
  'city',
  'postcode',
  'state',
]);

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
  const personalAgrees =
    vector.nationalId === 'exact' ||
    vector.birthDate === 'exact' ||
    vector.birthDate === 'transposed' ||
    vector.birthDate === 'oneEdit';
  let total = 0;
  for (const [c, level] of Object.entries(vector) as [ComparisonName, string][]) {
    let weight = levelWeight(config.model, c, level);
    let note: string | undefined;
    if (level === 'exact' && (c === 'given' || c === 'family') && tf !== undefined && !swappedNames) {
      const value = c === 'given' ? a.given! : a.family!;
      weight = termFrequencyWeight(config.model, c, value, tf);
      note = 'term frequency';
    }
    if (household && (c === 'email' || c === 'phone') && weight > 0) {
      weight = 0;
      note = 'household: shared contact with a different given name';
      protections.push({ rule: `household ${c}`, veto: false });
    }
    // The parts of one address agree together, so their weights are not independent evidence: summed they
    // outweigh a different given name, and family members at one address would merge. Unless something
    // personal agrees too (a birth date or a national id, which a household does not share).
    if (household && !personalAgrees && ADDRESS_COMPARISONS.has(c) && weight > 0) {
      weight = 0;
      note = 'household: shared address with a different given name';
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
    vector.loyaltyId === 'exact' ||
    (!household && vector.email !== undefined && vector.email !== 'else') ||
    (!household && vector.phone === 'exact') ||
    vector.postcode === 'exact' ||
    (vector.street === 'exact' && vector.streetNumber === 'exact');
  if (!corroborated && total >= config.linkThreshold) {
    protections.push({ rule: 'names and place only', veto: true });
  }
  return { total: round(total), comparisons, swappedNames, protections };
}

export const isVetoed = (e: PairEvidence): boolean => e.protections.some((p) => p.veto);
