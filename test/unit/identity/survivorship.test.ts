import { describe, expect, it } from 'vitest';
import { identityConfig } from '../../../lambdas/core/identity/config.js';
import {
  applyObservation,
  type CustomerProfile,
  explainGolden,
  mergeProfiles,
  type ProfileObservation,
} from '../../../lambdas/core/identity/profile.js';
import {
  DEFAULT_SURVIVORSHIP,
  parseSurvivorship,
  type SurvivorshipConfig,
} from '../../../lambdas/core/identity/survivorship.js';

let n = 0;
const obs = (
  source: string,
  observedAt: string,
  values: Record<string, string>,
  verified: string[] = [],
): ProfileObservation => ({
  eventKey: `${source}#evt-${++n}`,
  source,
  recordKey: `${source}#${source}-system#C${n}`,
  observedAt,
  values,
  verified,
});

/** The same four sightings of one person's email, in arrival order. */
const SIGHTINGS = [
  obs('pos', '2026-01-01T10:00:00Z', { email: 'ann@work.example' }),
  obs('crm', '2026-01-15T10:00:00Z', { email: 'ann@crm.example' }),
  obs('pos', '2026-02-01T10:00:00Z', { email: 'ANN@work.example ' }),
  obs('ecommerce', '2026-03-01T10:00:00Z', { email: 'ann@new.example' }),
];

function build(observations: readonly ProfileObservation[], config: SurvivorshipConfig): CustomerProfile {
  let profile: CustomerProfile | undefined;
  for (const o of observations) profile = applyObservation(profile, 'cus_1', o, config);
  return profile!;
}

const withEmailRule = (rule: unknown): SurvivorshipConfig =>
  parseSurvivorship({ attributes: { email: rule }, sourcePriority: ['crm', 'ecommerce', 'pos'] });

describe('golden record survivorship', () => {
  it('picks a different email from the same sightings under each rule', () => {
    // Act
    const recent = build(SIGHTINGS, withEmailRule('most-recent')).golden.email;
    const frequent = build(SIGHTINGS, withEmailRule('most-frequent')).golden.email;
    const priority = build(SIGHTINGS, withEmailRule('source-priority')).golden.email;
    const posFirst = build(SIGHTINGS, withEmailRule({ rule: 'source-priority', sources: ['pos'] })).golden
      .email;

    // Assess
    expect(recent?.value).toBe('ann@new.example');
    expect(frequent?.value.toLowerCase().trim()).toBe('ann@work.example');
    expect(priority?.value).toBe('ann@crm.example');
    expect(posFirst?.value.toLowerCase().trim()).toBe('ann@work.example');
  });

  it('explains each golden value: the rule, the source record and, for most-frequent, the count', () => {
    // Act
    const frequent = explainGolden(build(SIGHTINGS, withEmailRule('most-frequent'))).email;
    const recent = explainGolden(build(SIGHTINGS, withEmailRule('most-recent'))).email;

    // Assess
    expect(frequent).toMatchObject({
      rule: 'most-frequent',
      source: 'pos',
      recordKey: SIGHTINGS[2]?.recordKey,
      observedAt: '2026-02-01T10:00:00Z',
      count: 2,
    });
    expect(recent).toMatchObject({
      rule: 'most-recent',
      source: 'ecommerce',
      recordKey: SIGHTINGS[3]?.recordKey,
    });
    expect(recent?.count).toBeUndefined();
  });

  it('by default keeps the most recent value, as before rules were configurable', () => {
    // Act
    const profile = build(SIGHTINGS, DEFAULT_SURVIVORSHIP);

    // Assess
    expect(explainGolden(profile).email).toMatchObject({ value: 'ann@new.example', rule: 'most-recent' });
    expect(identityConfig().survivorship).toEqual(DEFAULT_SURVIVORSHIP);
    expect(profile.tallies).toBeUndefined();
  });

  it('lets a verified value beat every unverified one, whatever the rule', () => {
    // Prepare
    const sightings = [
      obs('service', '2025-06-01T10:00:00Z', { phone: '+44 7700 900001' }, ['phone']),
      obs('pos', '2026-01-01T10:00:00Z', { phone: '+44 7700 900002' }),
      obs('pos', '2026-02-01T10:00:00Z', { phone: '+44 7700 900002' }),
    ];

    // Act
    const picks = (['most-recent', 'most-frequent', 'source-priority'] as const).map(
      (rule) =>
        build(sightings, parseSurvivorship({ attributes: { phone: rule }, sourcePriority: ['pos'] })).golden
          .phone?.value,
    );

    // Assess
    expect(picks).toEqual(['+44 7700 900001', '+44 7700 900001', '+44 7700 900001']);
  });

  it('takes the address parts together from one source, never a street from one and a postcode from another', () => {
    // Prepare
    const sightings = [
      obs('crm', '2026-01-01T10:00:00Z', { street: '1 High Street', city: 'Leeds', postcode: 'LS1 1AA' }),
      obs('marketplace', '2026-02-01T10:00:00Z', { street: '9 Low Road', postcode: 'M1 1AA' }),
    ];

    // Act
    const recent = build(sightings, DEFAULT_SURVIVORSHIP).golden;
    const crmFirst = build(
      sightings,
      parseSurvivorship({ attributes: { address: 'source-priority' } }),
    ).golden;

    // Assess
    expect([recent.street?.value, recent.postcode?.value, recent.city]).toEqual([
      '9 Low Road',
      'M1 1AA',
      undefined,
    ]);
    expect([crmFirst.street?.value, crmFirst.city?.value, crmFirst.postcode?.value]).toEqual([
      '1 High Street',
      'Leeds',
      'LS1 1AA',
    ]);
    expect(crmFirst.postcode).toMatchObject({ rule: 'source-priority', source: 'crm' });
    expect(explainGolden(build(sightings, DEFAULT_SURVIVORSHIP)).city).toBeUndefined();
  });

  it('counts the sightings of both profiles when two profiles merge', () => {
    // Prepare
    const config = withEmailRule('most-frequent');
    const survivor = build([SIGHTINGS[3]!, SIGHTINGS[1]!], config);
    const absorbed = build([SIGHTINGS[0]!, SIGHTINGS[2]!], config);

    // Act
    const merged = mergeProfiles(survivor, absorbed, 'cus_1', config);
    const mergedRecent = mergeProfiles(
      build([SIGHTINGS[3]!], DEFAULT_SURVIVORSHIP),
      build([SIGHTINGS[0]!], DEFAULT_SURVIVORSHIP),
      'cus_1',
    );

    // Assess
    expect(merged.golden.email).toMatchObject({ source: 'pos', count: 2 });
    expect(merged.eventCount).toBe(4);
    expect(mergedRecent.golden.email?.value).toBe('ann@new.example');
  });

  it('keeps each source record once on the profile, however many golden values came from it', () => {
    // Prepare
    const one = obs('crm', '2026-01-01T10:00:00Z', {
      givenName: 'Ann',
      familyName: 'Lee',
      street: '1 High Street',
      postcode: 'LS1 1AA',
    });

    // Act
    const profile = build([one, SIGHTINGS[3]!], DEFAULT_SURVIVORSHIP);

    // Assess
    expect(profile.goldenRecords).toEqual([one.recordKey, SIGHTINGS[3]?.recordKey]);
    expect(explainGolden(profile).postcode?.recordKey).toBe(one.recordKey);
    expect(explainGolden(profile).email?.recordKey).toBe(SIGHTINGS[3]?.recordKey);
  });

  it('rejects a setting naming the field that is wrong', () => {
    expect(() => parseSurvivorship({ attributes: { email: 'newest' } })).toThrow(/attributes\.email/);
    expect(() => parseSurvivorship({ attributes: { emial: 'most-recent' } })).toThrow(/attributes/);
    expect(() =>
      parseSurvivorship({ attributes: { email: { rule: 'most-recent', sources: ['crm'] } } }),
    ).toThrow(/sources only applies to the source-priority rule/);
    expect(() => parseSurvivorship('{not json')).toThrow(/not JSON/);
    expect(parseSurvivorship('{"default":"most-frequent"}').defaultRule).toEqual({ rule: 'most-frequent' });
  });
});
