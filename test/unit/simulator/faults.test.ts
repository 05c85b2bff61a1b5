import { parsePhoneNumber } from 'libphonenumber-js';
import { describe, expect, it } from 'vitest';
import type { SourceCustomer } from '../../../lambdas/core/contracts/index.js';
import {
  DEFAULT_FAULTS,
  type FaultRates,
  type PersonTruth,
  recordKey,
  type SimSource,
  simulateRetailer,
} from '../../../local/simulator/index.js';
import { loadNicknames } from '../../../local/simulator/nicknames.js';
import { DOT_INSENSITIVE_PROVIDERS, PLUS_TAG_PROVIDERS } from '../../../local/simulator/vocabulary.js';
import { editDistance, firstViews, RateCounter } from './helpers.js';

// Raised rates on two sources, so the test also shows that configuration reaches the records.
const overrides = {
  service: { typo: 0.25, nickname: 0.35, swappedNames: 0.15, emailCase: 0.3, missingPhone: 0.25 },
  crm: { emailPlusTag: 0.3, phoneInternational: 0.6, sharedFamilyEmail: 0.4, missingBirthDate: 0.2 },
} satisfies Partial<Record<SimSource, Partial<FaultRates>>>;
const configured = (source: SimSource, fault: keyof FaultRates): number =>
  (overrides as Partial<Record<SimSource, Partial<FaultRates>>>)[source]?.[fault] ??
  DEFAULT_FAULTS[source][fault];

const { events, truth } = simulateRetailer({ seed: 11, customers: 3000, months: 12, faults: overrides });
const nicknames = loadNicknames();
const people = new Map(truth.people.map((p) => [p.personId, p]));
const households = new Map(truth.households.map((h) => [h.householdId, h]));
const records = new Map(truth.records.map((r) => [recordKey(r.sourceSystem, r.sourceCustomerId), r]));
const views = firstViews(events);

// Case-blind as an upper-casing source leaves a name: Turkish dotless ı goes up to I and comes back as i.
const lower = (s: string) => s.toUpperCase().toLowerCase();
const nicknameOf = (given: string, written: string) => {
  const list = nicknames.get(lower(given)) ?? [];
  return list.some((n) => editDistance(n, lower(written)) <= (n.length > 3 ? 1 : 0));
};
/** Canonical e-mail: lower case, no +tag, no dots where the provider ignores them. */
const canonicalEmail = (email: string) => {
  const [local = '', domain = ''] = lower(email).split('@');
  const untagged = local.split('+')[0] ?? '';
  return `${DOT_INSENSITIVE_PROVIDERS.has(domain) ? untagged.replaceAll('.', '') : untagged}@${domain}`;
};

/** Measures the faults a reader can see in each record's first view, against the person's true attributes. */
function measure(): RateCounter {
  const rates = new RateCounter();
  for (const [key, view] of views) {
    const record = records.get(key);
    const person = people.get(record?.personId ?? '') as PersonTruth;
    const household = households.get(person.householdId);
    const source = view.sourceSystem as SimSource;
    const count = (fault: keyof FaultRates, hit: boolean) => rates.count(`${source}.${fault}`, hit);

    // Names: split or full
    const [writtenGiven, writtenFamily] =
      view.fullName !== undefined
        ? [view.fullName.split(' ')[0] ?? '', view.fullName.split(' ').slice(1).join(' ')]
        : [view.givenName, view.familyName];
    if (writtenGiven !== undefined && writtenFamily !== undefined && !/^.\.$/.test(writtenGiven)) {
      const swapped =
        editDistance(lower(writtenGiven), lower(person.familyName)) <= 1 &&
        (editDistance(lower(writtenFamily), lower(person.givenName)) <= 1 ||
          nicknameOf(person.givenName, writtenFamily));
      count('swappedNames', swapped);
      count('upperCaseName', writtenGiven === writtenGiven.toUpperCase() && /[A-Z]/.test(writtenGiven));
      const given = swapped ? writtenFamily : writtenGiven;
      // Typos are checked on their own below; a slip on top of a nickname would hide it here.
      const list = nicknames.get(lower(person.givenName)) ?? [];
      if (list.length > 0 && !record?.faults.includes('typo')) {
        count('nickname', lower(given) !== lower(person.givenName) && list.includes(lower(given)));
      }
    }

    // E-mail
    if (source !== 'marketplace') {
      count('missingEmail', view.email === undefined);
      if (view.email) {
        const domain = lower(view.email.split('@')[1] ?? '');
        const local = view.email.split('@')[0] ?? '';
        count('emailCase', view.email !== lower(view.email));
        if (PLUS_TAG_PROVIDERS.has(domain)) count('emailPlusTag', local.includes('+'));
        if (household?.sharedEmail)
          count('sharedFamilyEmail', canonicalEmail(view.email) === canonicalEmail(household.sharedEmail));
        if (DOT_INSENSITIVE_PROVIDERS.has(domain)) {
          const base =
            canonicalEmail(view.email) === canonicalEmail(person.email)
              ? person.email
              : (household?.sharedEmail ?? '');
          count('emailDots', lower(local.split('+')[0] ?? '') !== (base.split('@')[0] ?? ''));
        }
      }
    }
    // Phone
    if (source !== 'campaigns') {
      count('missingPhone', view.phone === undefined);
      if (view.phone) {
        count('phoneInternational', /^(\+|00)/.test(view.phone));
        count('phoneCompact', !/[ -]/.test(view.phone));
        if (household?.sharedPhone) {
          count('sharedFamilyPhone', parsePhoneNumber(view.phone, 'GB').number === household.sharedPhone);
        }
      }
    }
    if (source === 'ecommerce' || source === 'loyalty' || source === 'crm') {
      count('missingBirthDate', view.birthDate === undefined);
    }
    if (source !== 'campaigns') count('missingAddress', (view as SourceCustomer).address === undefined);
  }
  return rates;
}

describe('data-quality faults', () => {
  it('shows each fault in the events at its configured rate, per source (measured against the truth)', () => {
    // Act
    const measured = measure().entries();
    // Assess: every fault measured on enough records lies near its configured rate
    const checked: string[] = [];
    for (const [key, { rate, eligible }] of measured) {
      if (eligible < 150) continue;
      const [source, fault] = key.split('.') as [SimSource, keyof FaultRates];
      const expected = configured(source, fault);
      const tolerance = Math.max(0.04, expected * 0.2);
      checked.push(key);
      if (process.env.SIM_FAULTS_VERBOSE) console.log(key, eligible, rate.toFixed(3), expected);
      expect(
        Math.abs(rate - expected),
        `${key}: measured ${rate.toFixed(3)} on ${eligible}, configured ${expected}`,
      ).toBeLessThanOrEqual(tolerance);
    }
    expect(checked.length).toBeGreaterThan(50);
    expect(checked).toEqual(
      expect.arrayContaining([
        'service.nickname',
        'service.swappedNames',
        'crm.emailPlusTag',
        'crm.sharedFamilyEmail',
      ]),
    );
  });

  it('labels typos truthfully: a labelled name is one slip away from the true one, at the configured rate', () => {
    // Prepare
    const labelled = new RateCounter();
    // Act
    for (const [key, view] of views) {
      const record = records.get(key);
      if (!record) continue;
      const person = people.get(record.personId) as PersonTruth;
      const written = lower(view.fullName ?? `${view.givenName ?? ''} ${view.familyName ?? ''}`);
      if (record.sourceSystem === 'campaigns' || record.faults.includes('initialOnly')) continue;
      const hasTypo = record.faults.includes('typo');
      labelled.count(record.sourceSystem, hasTypo);
      if (hasTypo && !record.faults.includes('nickname') && !record.faults.includes('swappedNames')) {
        const distance = editDistance(written, lower(`${person.givenName} ${person.familyName}`));
        expect(distance, `${key}: '${written}'`).toBeGreaterThanOrEqual(1);
        expect(distance, `${key}: '${written}'`).toBeLessThanOrEqual(2);
      }
    }
    // Assess
    for (const [source, { rate, eligible }] of labelled.entries()) {
      const expected = configured(source as SimSource, 'typo');
      expect(Math.abs(rate - expected), `${source}: ${rate} on ${eligible}`).toBeLessThanOrEqual(
        Math.max(0.03, expected * 0.25),
      );
    }
  });

  it('keeps moved households at their old address where the source was not told', () => {
    // Prepare
    const lastViews = new Map<string, SourceCustomer>();
    for (const event of events) {
      const { customer } = event.detail as { customer: SourceCustomer };
      if (customer.sourceCustomerId)
        lastViews.set(recordKey(customer.sourceSystem, customer.sourceCustomerId), customer);
    }
    const postcode = (value?: string) => value?.replace(/\s+/g, '').toUpperCase();
    let stale = 0;
    // Act
    for (const record of truth.records) {
      if (!record.faults.includes('staleAddress')) continue;
      const view = lastViews.get(recordKey(record.sourceSystem, record.sourceCustomerId));
      const person = people.get(record.personId) as PersonTruth;
      if (!view?.address?.postcode || !person.previousAddress) continue;
      // Assess
      expect(postcode(view.address.postcode)).toBe(postcode(person.previousAddress.postcode));
      stale++;
    }
    expect(stale).toBeGreaterThan(30);
  });

  it('gives some people a second record in the same source (forgotten accounts, new service contacts)', () => {
    // Act
    const perPersonSource = new Map<string, number>();
    for (const r of truth.records) {
      if (r.faults.includes('guestCheckout')) continue;
      const key = `${r.personId}|${r.sourceSystem}`;
      perPersonSource.set(key, (perPersonSource.get(key) ?? 0) + 1);
    }
    const duplicated = [...perPersonSource.entries()].filter(([, n]) => n > 1).map(([k]) => k.split('|')[1]);
    // Assess
    expect(duplicated.filter((s) => s === 'service').length).toBeGreaterThan(5);
    expect(duplicated.filter((s) => s === 'pos').length).toBeGreaterThan(5);
    expect(truth.records.filter((r) => r.faults.includes('duplicateRecord')).length).toBe(duplicated.length);
    expect(truth.records.some((r) => r.faults.includes('guestCheckout'))).toBe(true);
  });
});
