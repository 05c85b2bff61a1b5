import { describe, expect, it } from 'vitest';
import { identityConfig } from '../../../lambdas/core/identity/config.js';
import { areNicknames } from '../../../lambdas/core/identity/nicknames.js';
import { normaliseAttributes } from '../../../lambdas/core/identity/normalise.js';

const config = identityConfig();
const today = new Date('2025-06-01T00:00:00Z');
const norm = (input: Parameters<typeof normaliseAttributes>[0], c = config) =>
  normaliseAttributes(input, c, today);

describe('normalising identity attributes', () => {
  it('folds accents, case, titles and suffixes out of names', () => {
    // Act
    const { attributes } = norm({ givenName: '  Dr. José-María ', familyName: "O'Brien Jr." });
    // Assess
    expect(attributes.given).toBe('josemaria');
    expect(attributes.family).toBe('obrien');
  });

  it('splits a full name written either way round', () => {
    expect(norm({ fullName: 'Mrs Anna Maria Schmidt' }).attributes).toMatchObject({
      given: 'anna',
      family: 'schmidt',
    });
    expect(norm({ fullName: 'Schmidt, Anna' }).attributes).toMatchObject({
      given: 'anna',
      family: 'schmidt',
    });
  });

  it('applies provider rules to emails: Gmail ignores dots and plus-tags, other domains keep them', () => {
    expect(norm({ email: ' John.Smith+shop@GoogleMail.com ' }).attributes.email).toBe('johnsmith@gmail.com');
    expect(norm({ email: 'john.smith+shop@example.com' }).attributes.email).toBe(
      'john.smith+shop@example.com',
    );
  });

  it('lets the retailer configure provider rules', () => {
    // Prepare
    const custom = identityConfig({ emailProviders: { 'example.com': { tagSeparator: '+' } } });
    // Act / Assess
    expect(norm({ email: 'ann+x@example.com' }, custom).attributes.email).toBe('ann@example.com');
  });

  it('writes phone numbers in E.164 using the configured default region', () => {
    expect(norm({ phone: '020 7946 0958' }).attributes.phone).toBe('+442079460958');
    expect(norm({ phone: '(415) 555-2671' }, identityConfig({ defaultRegion: 'US' })).attributes.phone).toBe(
      '+14155552671',
    );
    expect(norm({ phone: '+33 1 42 68 53 00' }).attributes.phone).toBe('+33142685300');
  });

  it('reads birth dates in the formats sources write', () => {
    for (const raw of ['19560409', '1956-04-09', '09/04/1956', '9.4.1956', '1956-04-09T00:00:00Z']) {
      expect(norm({ birthDate: raw }).attributes.birthDate, raw).toBe('19560409');
    }
    expect(norm({ birthDate: '04/09/1956' }, identityConfig({ dateOrder: 'mdy' })).attributes.birthDate).toBe(
      '19560409',
    );
    // a day above 12 settles the order whatever the configuration says
    expect(norm({ birthDate: '04/25/1956' }).attributes.birthDate).toBe('19560425');
  });

  it('keeps a birth year (or year and month) when that is all the source has', () => {
    expect(norm({ birthDate: '1856' }).attributes.birthDate).toBe('1856');
    expect(norm({ birthDate: '1856-04' }).attributes.birthDate).toBe('185604');
  });

  it('flags absurd values and keeps them out of matching', () => {
    // Act
    const { attributes, flags } = norm({
      givenName: 'x'.repeat(400),
      email: 'not-an-email',
      birthDate: '2031-01-01',
      phone: '12',
      familyName: 'Smith',
    });
    // Assess
    expect(attributes).toEqual({ family: 'smith' });
    expect(flags.map((f) => f.attribute).sort()).toEqual(['birthDate', 'email', 'givenName', 'phone']);
    expect(flags.find((f) => f.attribute === 'birthDate')?.reason).toMatch(/future/);
  });

  it('expands street abbreviations and separates unit and house numbers', () => {
    expect(norm({ street: 'Unit 5, 12 High St' }).attributes).toMatchObject({
      unit: '5',
      streetNumber: '12',
      street: 'high street',
    });
    expect(norm({ street: '3/27 Pinkerton Cct' }).attributes).toMatchObject({
      unit: '3',
      streetNumber: '27',
      street: 'pinkerton circuit',
    });
    expect(norm({ postcode: 'sw1a 1aa' }).attributes.postcode).toBe('SW1A1AA');
  });

  it('knows nicknames from the shipped table', () => {
    expect(areNicknames('bob', 'robert')).toBe(true);
    expect(areNicknames('peggy', 'margaret')).toBe(true);
    expect(areNicknames('robert', 'margaret')).toBe(false);
  });
});
