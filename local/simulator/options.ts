/** What the demo retailer generator can be asked for, with defaults sized for the local demo. */

import { SIGNING_CHANNEL_SOURCES } from '../../lambdas/core/contracts/common.js';

/** Channel systems the demo retailer runs: the signing channels; each is also the sender's source id (`channelSource(id)`). */
export const SIM_SOURCES = SIGNING_CHANNEL_SOURCES;
export type SimSource = (typeof SIM_SOURCES)[number];

/**
 * Data-quality faults of one source, as the probability that a record of that source shows the fault.
 * A fault that does not apply to a person (no nickname for the name, no household email, a provider that
 * ignores no dots) is skipped, so the measured rate is over the records where it can occur.
 */
export interface FaultRates {
  /** one keyboard slip in the given or family name */
  typo: number;
  /** the given name replaced by a nickname from ../shared/data/names/nicknames.csv */
  nickname: number;
  /** given and family name swapped */
  swappedNames: number;
  /** name written in capitals (tills and some service desks) */
  upperCaseName: number;
  /** e-mail with changed letter case */
  emailCase: number;
  /** dots added or removed in the local part, only where the provider ignores them (Gmail) */
  emailDots: number;
  /** a +tag in the local part, only where the provider honours them */
  emailPlusTag: number;
  /** the household's shared e-mail instead of the person's own */
  sharedFamilyEmail: number;
  /** the household's landline instead of the person's mobile */
  sharedFamilyPhone: number;
  /** phone in international form (+44 ...) instead of national (07...) */
  phoneInternational: number;
  /** phone without spaces */
  phoneCompact: number;
  /** street type abbreviated (Road -> Rd), postcode without its space */
  addressAbbreviation: number;
  missingEmail: number;
  missingPhone: number;
  missingAddress: number;
  missingBirthDate: number;
  /** the person gets a second record in the same source later (forgotten account, new contact) */
  duplicateRecord: number;
}

const rates = (overrides: Partial<FaultRates>): FaultRates => ({
  typo: 0,
  nickname: 0,
  swappedNames: 0,
  upperCaseName: 0,
  emailCase: 0,
  emailDots: 0,
  emailPlusTag: 0,
  sharedFamilyEmail: 0,
  sharedFamilyPhone: 0,
  phoneInternational: 0,
  phoneCompact: 0,
  addressAbbreviation: 0,
  missingEmail: 0,
  missingPhone: 0,
  missingAddress: 0,
  missingBirthDate: 0,
  duplicateRecord: 0,
  ...overrides,
});

/** Defaults per source: tills and service desks type in a hurry, the web shop has verified e-mails. */
export const DEFAULT_FAULTS: Readonly<Record<SimSource, FaultRates>> = {
  pos: rates({
    typo: 0.06,
    nickname: 0.15,
    swappedNames: 0.03,
    upperCaseName: 0.2,
    emailCase: 0.1,
    sharedFamilyEmail: 0.1,
    sharedFamilyPhone: 0.15,
    phoneInternational: 0.1,
    phoneCompact: 0.5,
    addressAbbreviation: 0.5,
    missingEmail: 0.5,
    missingPhone: 0.2,
    missingAddress: 0.7,
    missingBirthDate: 1,
    duplicateRecord: 0.05,
  }),
  ecommerce: rates({
    typo: 0.02,
    nickname: 0.1,
    swappedNames: 0.01,
    emailCase: 0.15,
    emailDots: 0.3,
    emailPlusTag: 0.1,
    sharedFamilyEmail: 0.05,
    sharedFamilyPhone: 0.05,
    phoneInternational: 0.3,
    phoneCompact: 0.4,
    addressAbbreviation: 0.3,
    missingPhone: 0.3,
    missingAddress: 0.05,
    missingBirthDate: 0.75,
    duplicateRecord: 0.04,
  }),
  marketplace: rates({
    typo: 0.03,
    nickname: 0.1,
    swappedNames: 0.02,
    phoneInternational: 0.5,
    phoneCompact: 0.5,
    addressAbbreviation: 0.4,
    // Marketplaces hand the seller a relay address, never the buyer's own: missingEmail is about that relay.
    missingPhone: 0.7,
    missingBirthDate: 1,
    duplicateRecord: 0.03,
  }),
  loyalty: rates({
    typo: 0.04,
    nickname: 0.1,
    swappedNames: 0.02,
    emailCase: 0.1,
    emailDots: 0.1,
    emailPlusTag: 0.02,
    sharedFamilyEmail: 0.1,
    sharedFamilyPhone: 0.1,
    phoneInternational: 0.1,
    phoneCompact: 0.3,
    addressAbbreviation: 0.3,
    missingEmail: 0.1,
    missingPhone: 0.2,
    missingAddress: 0.4,
    missingBirthDate: 0.2,
    duplicateRecord: 0.02,
  }),
  crm: rates({
    typo: 0.03,
    nickname: 0.05,
    swappedNames: 0.04,
    emailCase: 0.1,
    emailDots: 0.1,
    emailPlusTag: 0.05,
    sharedFamilyEmail: 0.08,
    sharedFamilyPhone: 0.1,
    phoneInternational: 0.2,
    phoneCompact: 0.3,
    addressAbbreviation: 0.3,
    missingEmail: 0.05,
    missingPhone: 0.4,
    missingAddress: 0.3,
    missingBirthDate: 0.5,
    duplicateRecord: 0.03,
  }),
  service: rates({
    typo: 0.12,
    nickname: 0.2,
    swappedNames: 0.06,
    upperCaseName: 0.05,
    emailCase: 0.2,
    emailDots: 0.1,
    emailPlusTag: 0.02,
    sharedFamilyEmail: 0.1,
    sharedFamilyPhone: 0.15,
    phoneInternational: 0.3,
    phoneCompact: 0.5,
    addressAbbreviation: 0.5,
    missingEmail: 0.4,
    missingPhone: 0.5,
    missingAddress: 0.9,
    missingBirthDate: 1,
    duplicateRecord: 0.15,
  }),
  campaigns: rates({
    nickname: 0.1,
    emailCase: 0.05,
    emailDots: 0.05,
    emailPlusTag: 0.1,
    sharedFamilyEmail: 0.1,
    missingPhone: 1,
    missingAddress: 1,
    missingBirthDate: 1,
    duplicateRecord: 0.02,
  }),
};

/** BG/NBD-like purchase dynamics (Fader, Hardie and Lee 2005): lambda ~ Gamma(r, alpha), p ~ Beta(a, b). */
export interface PurchaseDynamics {
  /** Gamma shape of the purchase rate */
  r: number;
  /** Gamma rate parameter, in weeks: the mean purchase rate is r / alpha per week */
  alpha: number;
  /** Beta parameters of the probability of dropping out after each repeat purchase */
  a: number;
  b: number;
}

export interface SimulationOptions {
  /** the same seed gives the same bytes */
  seed: number;
  /** number of people (customers of the retailer) */
  customers: number;
  /** length of the simulated period */
  months: number;
  /** first day of the simulated period, YYYY-MM-DD (UTC) */
  start: string;
  /** share of events delivered twice (the same event, same id) */
  duplicateRate: number;
  /** share of events delivered late, behind up to `outOfOrderWindow` later events */
  outOfOrderRate: number;
  outOfOrderWindow: number;
  /** customers are acquired over this share of the period (the rest of the period is history to watch) */
  acquisitionShare: number;
  dynamics: PurchaseDynamics;
  /** share of people who buy mostly on deep discounts and return a lot */
  discountDrivenShare: number;
  /** share of people who live where deliveries are often late */
  frictionProneShare: number;
  /** share of store purchases made without identifying the customer */
  anonymousStoreRate: number;
  /** share of web orders placed as a guest (each a new eCommerce record) */
  guestCheckoutRate: number;
  /** a campaign every this many weeks */
  campaignEveryWeeks: number;
  /** share of subscribers each campaign is sent to */
  campaignAudienceShare: number;
  /** per source overrides of the fault rates */
  faults: Partial<Record<SimSource, Partial<FaultRates>>>;
  currency: string;
}

export const DEFAULT_OPTIONS: SimulationOptions = {
  seed: 42,
  customers: 2000,
  months: 12,
  // A fixed date, not "a year ago": the same options must give the same bytes on every day.
  start: '2025-09-01',
  duplicateRate: 0.02,
  outOfOrderRate: 0.03,
  outOfOrderWindow: 20,
  acquisitionShare: 0.6,
  dynamics: { r: 1.2, alpha: 14, a: 0.9, b: 3.5 },
  discountDrivenShare: 0.1,
  frictionProneShare: 0.08,
  anonymousStoreRate: 0.03,
  guestCheckoutRate: 0.06,
  campaignEveryWeeks: 6,
  campaignAudienceShare: 0.3,
  faults: {},
  currency: 'GBP',
};

export interface ResolvedOptions extends SimulationOptions {
  readonly faultRates: Readonly<Record<SimSource, FaultRates>>;
  readonly startMs: number;
  readonly endMs: number;
}

const isRate = (value: number) => Number.isFinite(value) && value >= 0 && value <= 1;

/** Fills defaults and refuses nonsense with an error naming the option. */
export function resolveOptions(input: Partial<SimulationOptions> = {}): ResolvedOptions {
  const options: SimulationOptions = {
    ...DEFAULT_OPTIONS,
    ...input,
    dynamics: { ...DEFAULT_OPTIONS.dynamics, ...input.dynamics },
  };
  const problems: string[] = [];
  if (!Number.isInteger(options.seed)) problems.push(`seed must be an integer, got ${options.seed}`);
  if (!Number.isInteger(options.customers) || options.customers < 1)
    problems.push(`customers must be a positive integer, got ${options.customers}`);
  if (!(options.months > 0 && options.months <= 120))
    problems.push(`months must be more than 0 and at most 120, got ${options.months}`);
  const startMs = Date.parse(`${options.start}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(options.start) || Number.isNaN(startMs))
    problems.push(`start must be a date as YYYY-MM-DD, got '${options.start}'`);
  for (const key of [
    'duplicateRate',
    'outOfOrderRate',
    'acquisitionShare',
    'discountDrivenShare',
    'frictionProneShare',
    'anonymousStoreRate',
    'guestCheckoutRate',
    'campaignAudienceShare',
  ] as const) {
    if (!isRate(options[key])) problems.push(`${key} must be a share between 0 and 1, got ${options[key]}`);
  }
  if (!Number.isInteger(options.outOfOrderWindow) || options.outOfOrderWindow < 1)
    problems.push(`outOfOrderWindow must be a positive integer, got ${options.outOfOrderWindow}`);
  if (!(options.campaignEveryWeeks > 0)) problems.push('campaignEveryWeeks must be positive');
  for (const [key, value] of Object.entries(options.dynamics)) {
    if (!(value > 0)) problems.push(`dynamics.${key} must be positive, got ${value}`);
  }
  if (!/^[A-Z]{3}$/.test(options.currency))
    problems.push(`currency must be an ISO 4217 code, got '${options.currency}'`);
  const faultRates = {} as Record<SimSource, FaultRates>;
  for (const source of SIM_SOURCES) faultRates[source] = { ...DEFAULT_FAULTS[source] };
  for (const [source, overrides] of Object.entries(options.faults)) {
    if (!(SIM_SOURCES as readonly string[]).includes(source)) {
      problems.push(`faults.${source}: unknown source (known: ${SIM_SOURCES.join(', ')})`);
      continue;
    }
    for (const [fault, value] of Object.entries(overrides ?? {})) {
      if (!Object.hasOwn(DEFAULT_FAULTS.pos, fault))
        problems.push(`faults.${source}.${fault}: unknown fault`);
      else if (!isRate(value as number)) problems.push(`faults.${source}.${fault} must be between 0 and 1`);
      else faultRates[source as SimSource][fault as keyof FaultRates] = value as number;
    }
  }
  if (problems.length > 0) throw new Error(`invalid simulation options: ${problems.join('; ')}`);
  const end = new Date(startMs);
  const wholeMonths = Math.floor(options.months);
  end.setUTCMonth(end.getUTCMonth() + wholeMonths);
  const endMs = end.getTime() + (options.months - wholeMonths) * 30 * 86_400_000;
  return { ...options, faultRates, startMs, endMs };
}
