/**
 * Survivorship: which of the values the sources gave for an attribute becomes the golden record's value.
 * One rule per attribute, chosen per deployment:
 *   most-recent      the value observed last (ties: the source earlier in the priority list)
 *   most-frequent    the value observed most often (ties: the most recent)
 *   source-priority  the value from the source earliest in an ordered list (ties: the most recent)
 * Under every rule a verified value beats an unverified one ("most recent verified"), as it always has.
 * The address parts survive together, from one observation, so that a golden address is never a street
 * from one source and a postcode from another.
 */
import { z } from 'zod';
import { describeIssues } from '../validation.js';
import { ATTRIBUTE_NAMES, type AttributeName } from './normalise.js';

export const SURVIVORSHIP_RULES = ['most-recent', 'most-frequent', 'source-priority'] as const;
export type SurvivorshipRuleName = (typeof SURVIVORSHIP_RULES)[number];

/** Parts of the postal address, chosen together under the rule of `address`. */
export const ADDRESS_PARTS = [
  'streetNumber',
  'street',
  'addressLine2',
  'city',
  'postcode',
  'state',
  'country',
] as const satisfies readonly AttributeName[];
type AddressPart = (typeof ADDRESS_PARTS)[number];

/** The attributes a golden record holds one by one: the identity attributes but the address parts. */
export const GOLDEN_ATTRIBUTES = ATTRIBUTE_NAMES.filter(
  (name): name is Exclude<AttributeName, AddressPart> => !(ADDRESS_PARTS as readonly string[]).includes(name),
);

/** What a rule is set for: one attribute, or `address` for all its parts. */
export type SurvivorshipUnit = (typeof GOLDEN_ATTRIBUTES)[number] | 'address';
export const SURVIVORSHIP_UNITS: readonly SurvivorshipUnit[] = [...GOLDEN_ATTRIBUTES, 'address'];

export interface AttributeRule {
  readonly rule: SurvivorshipRuleName;
  /** For source-priority: the sources in order of trust; none: the deployment's `sourcePriority`. */
  readonly sources?: readonly string[];
}

export interface SurvivorshipConfig {
  /** The rule of every unit not named in `attributes`. */
  readonly defaultRule: AttributeRule;
  readonly attributes: Readonly<Partial<Record<SurvivorshipUnit, AttributeRule>>>;
  /** Sources in order of trust: the tie-break of every rule, and the list of source-priority by default. */
  readonly sourcePriority: readonly string[];
}

/** Sources trusted more when two values are otherwise equal. */
export const DEFAULT_SOURCE_PRIORITY: readonly string[] = [
  'crm',
  'loyalty',
  'ecommerce',
  'odoo',
  'pos',
  'service',
  'marketplace',
  'campaigns',
  'documents',
  'backfill',
];

/** Today's behaviour for every attribute: the most recent verified value, the source priority on a tie. */
export const DEFAULT_SURVIVORSHIP: SurvivorshipConfig = {
  defaultRule: { rule: 'most-recent' },
  attributes: {},
  sourcePriority: DEFAULT_SOURCE_PRIORITY,
};

export function ruleFor(config: SurvivorshipConfig, unit: SurvivorshipUnit): AttributeRule {
  return config.attributes[unit] ?? config.defaultRule;
}

export const unitOf = (attribute: string): SurvivorshipUnit | undefined =>
  (ADDRESS_PARTS as readonly string[]).includes(attribute)
    ? 'address'
    : (GOLDEN_ATTRIBUTES as readonly string[]).includes(attribute)
      ? (attribute as SurvivorshipUnit)
      : undefined;

/** One value a unit was observed with, and where it was seen (the explanation of a golden value). */
export interface Candidate {
  /** The value as the source wrote it; for `address`, the parts as a JSON object. */
  readonly value: string;
  readonly source: string;
  /** The source record (`<source>#...`) the value came from, when the caller knows it. */
  readonly recordKey?: string;
  readonly observedAt: string;
  readonly verified: boolean;
  /** How many observations carried this value (most-frequent keeps it). */
  readonly count?: number;
}

/** Values that differ only in case, spacing or punctuation are the same value for counting. */
export const sameValueKey = (value: string): string =>
  value
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s.,'()\-_/]+/g, '');

const rank = (priority: readonly string[], source: string) => {
  const i = priority.indexOf(source);
  return i < 0 ? priority.length : i;
};

/** Positive when `a` survives over `b` under the rule. */
export function compareCandidates(
  a: Candidate,
  b: Candidate,
  rule: AttributeRule,
  config: SurvivorshipConfig,
): number {
  if (a.verified !== b.verified) return a.verified ? 1 : -1;
  const recency = a.observedAt === b.observedAt ? 0 : a.observedAt > b.observedAt ? 1 : -1;
  const tieBreak = rank(config.sourcePriority, b.source) - rank(config.sourcePriority, a.source);
  switch (rule.rule) {
    case 'most-recent':
      return recency || tieBreak;
    case 'most-frequent':
      return (a.count ?? 1) - (b.count ?? 1) || recency || tieBreak;
    case 'source-priority': {
      const list = rule.sources ?? config.sourcePriority;
      return rank(list, b.source) - rank(list, a.source) || recency;
    }
  }
}

/** The surviving candidate (the first of equals), or undefined when there is none. */
export function survivor(
  candidates: readonly Candidate[],
  rule: AttributeRule,
  config: SurvivorshipConfig,
): Candidate | undefined {
  let best: Candidate | undefined;
  for (const c of candidates)
    if (best === undefined || compareCandidates(c, best, rule, config) > 0) best = c;
  return best;
}

/** Most distinct values a most-frequent tally keeps per unit; the rarest oldest goes first (the item stays small). */
export const MAX_TALLY = 8;

/** Adds an observation to a tally: the same value counts up and takes the latest provenance. */
export function addToTally(tally: readonly Candidate[], incoming: Candidate): Candidate[] {
  const key = sameValueKey(incoming.value);
  const next = [...tally];
  const i = next.findIndex((c) => sameValueKey(c.value) === key);
  const existing = i < 0 ? undefined : next[i];
  if (existing === undefined) {
    next.push({ ...incoming, count: incoming.count ?? 1 });
  } else {
    const latest = incoming.observedAt >= existing.observedAt ? incoming : existing;
    next[i] = {
      ...latest,
      verified: existing.verified || incoming.verified,
      count: (existing.count ?? 1) + (incoming.count ?? 1),
    };
  }
  if (next.length > MAX_TALLY) {
    next.sort((a, b) => (b.count ?? 1) - (a.count ?? 1) || (b.observedAt > a.observedAt ? 1 : -1));
    next.length = MAX_TALLY;
  }
  return next;
}

const ruleSchema = z.union(
  [
    z.enum(SURVIVORSHIP_RULES).transform((rule) => ({ rule })),
    z
      .strictObject({
        rule: z.enum(SURVIVORSHIP_RULES),
        sources: z.array(z.string().min(1)).min(1).optional(),
      })
      .refine((r) => r.sources === undefined || r.rule === 'source-priority', {
        message: 'sources only applies to the source-priority rule',
      }),
  ],
  { error: `a rule (${SURVIVORSHIP_RULES.join(', ')}) or {"rule": ..., "sources": [...]}` },
);

/**
 * The survivorship setting (cdk context `identitySurvivorship`, environment IDENTITY_SURVIVORSHIP), e.g.
 * `{"attributes": {"email": "most-recent", "givenName": "most-frequent",
 *   "address": {"rule": "source-priority", "sources": ["crm", "ecommerce"]}},
 *   "sourcePriority": ["crm", "loyalty", "pos"]}`.
 */
export const SurvivorshipSettingSchema = z.strictObject({
  default: ruleSchema.optional(),
  attributes: z
    .partialRecord(z.enum(SURVIVORSHIP_UNITS as [SurvivorshipUnit, ...SurvivorshipUnit[]]), ruleSchema)
    .optional(),
  sourcePriority: z
    .array(z.string().min(1))
    .refine((s) => new Set(s).size === s.length, 'sources must be unique')
    .optional(),
});

/** Reads the setting (an object, or its JSON text); throws naming the bad field. */
export function parseSurvivorship(raw: unknown): SurvivorshipConfig {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new Error('identity survivorship setting is not JSON');
    }
  }
  const parsed = SurvivorshipSettingSchema.safeParse(value);
  if (!parsed.success) {
    throw new Error(`identity survivorship setting: ${describeIssues(parsed.error.issues, '(setting)')}`);
  }
  const s = parsed.data;
  return {
    defaultRule: s.default ?? DEFAULT_SURVIVORSHIP.defaultRule,
    attributes: (s.attributes ?? {}) as SurvivorshipConfig['attributes'],
    sourcePriority: s.sourcePriority ?? DEFAULT_SURVIVORSHIP.sourcePriority,
  };
}
