import { isMassMailDomain } from './mail-domains.js';
import type { NormalisedAttributes } from './normalise.js';
import { phoneticKey } from './text.js';

/**
 * Birth date with day and month in sorted order, so a day/month transposition lands in the same block.
 */
function dateKey(birthDate: string): string {
  const m = birthDate.slice(4, 6);
  const d = birthDate.slice(6, 8);
  return birthDate.slice(0, 4) + (m < d ? m + d : d + m);
}

/** The key of an e-mail's handle (the local part), when it is long enough to tell people apart. */
function handleKey(email: string): string | undefined {
  const local = email.slice(0, email.indexOf('@'));
  return local.length >= 6 ? `el:${local}` : undefined;
}

/**
 * Blocking keys: a record is only compared with records sharing at least one key. Several independent
 * keys keep recall high when any one attribute has a typo (each key leaves out different attributes);
 * phonetic codes absorb spelling variants; name keys use the sorted pair so swapped names still meet.
 * Each key costs one index write per new record in DynamoDB, so keys that added no recall on the
 * reference sets (date+given, date+family, postcode+family, postcode+date, date+house number) were dropped:
 * the birth date key alone (day and month in either order) finds every pair date+family would.
 */
export function blockingKeys(a: NormalisedAttributes): string[] {
  const keys = new Set<string>();
  if (a.email) keys.add(`e:${a.email}`);
  const handle = a.email ? handleKey(a.email) : undefined;
  // The same handle at another domain: worth a key of its own only when the names cannot find the pair
  // (a record without both names) or at a small domain, whose typos (a domain mistyped) it catches.
  if (handle && (!isMassMailDomain(a.email!.slice(a.email!.indexOf('@') + 1)) || !a.given || !a.family)) {
    keys.add(handle);
  }
  if (a.phone) keys.add(`p:${a.phone}`);
  if (a.loyaltyId) keys.add(`l:${a.loyaltyId}`);
  if (a.nationalId) keys.add(`n:${a.nationalId}`);
  const given = a.givenCanonical ? phoneticKey(a.givenCanonical) : '';
  const family = a.family ? phoneticKey(a.family) : '';
  const dob = a.birthDate ? dateKey(a.birthDate) : '';
  if (dob) keys.add(`d:${dob}`);
  if (given && family) keys.add(`nm:${given < family ? `${given}:${family}` : `${family}:${given}`}`);
  // Name and town are the backstop for a changed name (a marriage, a typo beyond the phonetic key). A
  // record with both an e-mail and a phone is found through them across such a change: people keep their
  // contacts when their name changes, so it needs no town keys.
  if (!(a.email && a.phone)) {
    if (a.family && a.city) keys.add(`fc:${a.family}:${a.city}`);
    if (a.given && a.city) keys.add(`gc:${a.given}:${a.city}`);
  }
  if (a.postcode && a.streetNumber && a.street)
    keys.add(`ad:${a.postcode}:${a.streetNumber}:${phoneticKey(a.street)}`);
  return [...keys];
}

/**
 * Keys that earlier versions wrote and blockingKeys no longer does (the e-mail handle of every address, the
 * exact birth date, date+family, the town keys of a record with an e-mail and a phone). Their entries hold a copy of the attributes, so an erasure deletes them
 * too; deleting an entry that was never written costs one write and harms nothing.
 */
export function retiredBlockingKeys(a: NormalisedAttributes): string[] {
  const current = new Set(blockingKeys(a));
  const keys: string[] = [];
  const handle = a.email ? handleKey(a.email) : undefined;
  if (handle) keys.push(handle);
  if (a.birthDate) {
    keys.push(`d:${a.birthDate}`);
    if (a.family) keys.push(`df:${dateKey(a.birthDate)}:${phoneticKey(a.family)}`);
  }
  if (a.family && a.city) keys.push(`fc:${a.family}:${a.city}`);
  if (a.given && a.city) keys.push(`gc:${a.given}:${a.city}`);
  return keys.filter((k) => !current.has(k));
}
