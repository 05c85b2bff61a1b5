import { describe, expect, it } from 'vitest';
import { namesakeCounts } from '../../../local/simulator/index.js';
import { resolveOptions } from '../../../local/simulator/options.js';
import { buildPopulation, mailboxKey, type Person } from '../../../local/simulator/population.js';

// The size of the 50,000-record identity benchmark's customer base.
const population = buildPopulation(resolveOptions({ customers: 18_000, seed: 42 }));
const { people, households } = population;

/** Share of `group` carried by its `top` most frequent family names. */
function topFamilyShare(group: readonly Person[], top: number): number {
  const counts = new Map<string, number>();
  for (const p of group) counts.set(p.familyName, (counts.get(p.familyName) ?? 0) + 1);
  const sorted = [...counts.values()].sort((a, b) => b - a);
  return sorted.slice(0, top).reduce((sum, n) => sum + n, 0) / group.length;
}

describe('simulated people', () => {
  it('gives every person and household a mailbox of their own, as the provider sees it', () => {
    // Prepare
    const addresses = [
      ...people.map((p) => p.email),
      ...households.flatMap((h) => (h.sharedEmail ? [h.sharedEmail] : [])),
    ];
    // Act
    const mailboxes = new Set(addresses.map(mailboxKey));
    // Assess: Gmail ignores dots and googlemail.com is gmail.com; other providers keep dots
    expect(mailboxKey('Margaret.Jones@googlemail.com')).toBe(mailboxKey('margaretjones@gmail.com'));
    expect(mailboxKey('margaret.jones@outlook.com')).not.toBe(mailboxKey('margaretjones@outlook.com'));
    expect(mailboxes.size).toBe(addresses.length);
  });

  it('never gives two members of one household the same given name', () => {
    // Prepare
    const shared = households.filter((h) => h.members.length > 1);
    // Act
    const repeats = shared.filter((h) => {
      const given = h.members.map((m) => people[m]?.givenName);
      return new Set(given).size < given.length;
    });
    // Assess
    expect(shared.length).toBeGreaterThan(4000);
    expect(repeats.map((h) => h.householdId)).toEqual([]);
  });

  it('has namesakes as a real British customer base does: about one person in ten', () => {
    // Act
    const counts = namesakeCounts(
      people.map((p) => ({
        givenName: p.givenName,
        familyName: p.familyName,
        city: households[p.householdIndex]?.address.city ?? '',
      })),
    );
    // Assess
    expect(counts.people).toBe(18_000);
    expect(counts.sharingFullName / counts.people).toBeGreaterThan(0.05);
    expect(counts.sharingFullName / counts.people).toBeLessThan(0.15);
    expect(counts.sharingFullNameAndCity / counts.people).toBeLessThan(0.04);
  });

  it('draws family names from a long tail: Smith is the commonest, but the top hundred cover a minority', () => {
    // Act
    const distinct = new Set(people.map((p) => p.familyName));
    const smith = people.filter((p) => p.familyName === 'Smith').length / people.length;
    // Assess
    expect(distinct.size).toBeGreaterThan(2500);
    expect(smith).toBeGreaterThan(0.008);
    expect(smith).toBeLessThan(0.025);
    expect(topFamilyShare(people, 1)).toBe(smith);
    expect(topFamilyShare(people, 100)).toBeLessThan(0.35);
  });

  it('keeps family names concentrated where a community really has few of them', () => {
    // Prepare
    const of = (background: string) => people.filter((p) => p.background === background);
    // Act
    const eastAsian = topFamilyShare(of('east-asian'), 5);
    const southAsian = topFamilyShare(of('south-asian'), 5);
    const british = topFamilyShare(of('british'), 5);
    // Assess
    expect(eastAsian).toBeGreaterThan(0.35);
    expect(southAsian).toBeGreaterThan(0.2);
    expect(british).toBeLessThan(0.1);
  });

  it('writes Polish family names in the form that agrees with the person, and Kaur for Sikh women', () => {
    // Prepare
    const polish = people.filter((p) => /(sk|ck|dzk)[ia]$/.test(p.familyName));
    const sikh = people.filter((p) => p.familyName === 'Singh' || p.familyName === 'Kaur');
    // Act
    const disagreeing = [
      ...polish.filter((p) => p.familyName.endsWith('a') !== (p.gender === 'female')),
      ...sikh.filter((p) => (p.familyName === 'Kaur') !== (p.gender === 'female')),
    ];
    // Assess
    expect(polish.length).toBeGreaterThan(50);
    expect(sikh.length).toBeGreaterThan(20);
    expect(disagreeing.map((p) => `${p.givenName} ${p.familyName} (${p.gender})`)).toEqual([]);
  });
});
