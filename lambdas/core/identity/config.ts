import type { ModelParameters } from './model.js';
import { DEFAULT_MODEL } from './model.js';
import { DEFAULT_SURVIVORSHIP, type SurvivorshipConfig } from './survivorship.js';

export interface EmailProviderRule {
  /** The provider ignores dots in the local part (Gmail). */
  readonly ignoreDots?: boolean;
  /** Everything after this separator in the local part is a tag the provider ignores ("+"). */
  readonly tagSeparator?: string;
  /** Another domain of the same mailbox (googlemail.com -> gmail.com). */
  readonly canonicalDomain?: string;
}

export interface IdentityConfig {
  /** ISO 3166 region for phone numbers written without a country code. */
  readonly defaultRegion: string;
  /** How to read an ambiguous date such as 03/04/1990. */
  readonly dateOrder: 'dmy' | 'mdy';
  readonly emailProviders: Readonly<Record<string, EmailProviderRule>>;
  /** Fellegi-Sunter parameters (m and u per comparison level); `tessera identity train` fits them. */
  readonly model: ModelParameters;
  /** Total match weight (log2 Bayes factor, prior excluded) at or above which two records are one person. */
  readonly linkThreshold: number;
  /** At or above this (and below linkThreshold) the pair goes to the review queue. */
  readonly reviewThreshold: number;
  /** Largest number of source records one profile may hold; a merge past it goes to review instead. */
  readonly maxClusterSize: number;
  /** Records with different loyalty ids, or birth dates that cannot be typos of each other, never merge. */
  readonly allowConflictingStrongIds: boolean;
  /** Sources known to hold each person at most once: their records are never linked to each other. */
  readonly duplicateFreeSources: readonly string[];
  /** A block key shared by more records than this says little; only this many of its records are compared. */
  readonly maxBlockSize: number;
  /** What to do with a record that has nothing to match on. */
  readonly noIdentifier: 'anonymous' | 'reject';
  /** Birth years before this are taken as data errors (low, so historical records keep their dates). */
  readonly minBirthYear: number;
  /** Which value of each attribute the golden record keeps (survivorship.ts); default: the most recent verified. */
  readonly survivorship: SurvivorshipConfig;
}

export const DEFAULT_EMAIL_PROVIDERS: Readonly<Record<string, EmailProviderRule>> = {
  'gmail.com': { ignoreDots: true, tagSeparator: '+' },
  'googlemail.com': { ignoreDots: true, tagSeparator: '+', canonicalDomain: 'gmail.com' },
  'outlook.com': { tagSeparator: '+' },
  'hotmail.com': { tagSeparator: '+' },
  'live.com': { tagSeparator: '+' },
  'icloud.com': { tagSeparator: '+' },
  'me.com': { tagSeparator: '+', canonicalDomain: 'icloud.com' },
  'fastmail.com': { tagSeparator: '+' },
  'proton.me': { tagSeparator: '+' },
  'protonmail.com': { tagSeparator: '+', canonicalDomain: 'proton.me' },
  'yahoo.com': { tagSeparator: '-' },
};

export const DEFAULT_IDENTITY_CONFIG: IdentityConfig = {
  defaultRegion: 'GB',
  dateOrder: 'dmy',
  emailProviders: DEFAULT_EMAIL_PROVIDERS,
  model: DEFAULT_MODEL,
  // 12 bits, a Bayes factor of about 4,000: two exact names alone (about 14 bits before term frequency,
  // less for common names once frequencies are known) stay at or below it, so a name is never enough alone.
  linkThreshold: 12,
  reviewThreshold: 6,
  maxClusterSize: 200,
  allowConflictingStrongIds: false,
  duplicateFreeSources: [],
  maxBlockSize: 60,
  noIdentifier: 'anonymous',
  minBirthYear: 1500,
  survivorship: DEFAULT_SURVIVORSHIP,
};

export function identityConfig(overrides: Partial<IdentityConfig> = {}): IdentityConfig {
  return { ...DEFAULT_IDENTITY_CONFIG, ...overrides };
}
