import type { NormalisedAttributes } from './normalise.js';

/**
 * Attributes that describe one fact together: a newer event that carries any of them replaces the whole
 * group, so a new postcode is never combined with the old street.
 */
const GROUPS: readonly (readonly (keyof NormalisedAttributes)[])[] = [
  ['given', 'givenCanonical', 'family'],
  ['streetNumber', 'unit', 'street', 'addressLine2', 'city', 'postcode', 'state', 'country'],
  ['email'],
  ['phone'],
  ['birthDate'],
  ['gender'],
  ['loyaltyId'],
  ['nationalId'],
  ['sourceCustomerId'],
];

/**
 * What a source has said about its customer so far. Channel events carry the customer as the source saw
 * it at that moment, often partly (a till receipt with the card but no address): a missing attribute
 * means "not sent", not "deleted", so it keeps its earlier value. Erasure is the explicit way to remove
 * data. Events arrive out of order: a group the older event carries never overwrites a newer one, it only
 * fills a group the record does not have yet.
 */
export function accumulateAttributes(
  stored: { readonly attributes: NormalisedAttributes; readonly observedAt: string },
  incoming: NormalisedAttributes,
  observedAt: string,
): NormalisedAttributes {
  const incomingIsNewer = !isEarlier(observedAt, stored.observedAt);
  const [older, newer] = incomingIsNewer ? [stored.attributes, incoming] : [incoming, stored.attributes];
  const result: Record<string, string> = {};
  for (const group of GROUPS) {
    const from = group.some((k) => newer[k] !== undefined) ? newer : older;
    for (const k of group) {
      const value = from[k];
      if (value !== undefined) result[k] = value;
    }
  }
  return result as NormalisedAttributes;
}

/** Sources write times with different precision and offsets: compare instants, not strings. */
const isEarlier = (a: string, b: string): boolean => Date.parse(a) < Date.parse(b);

export const latestOf = (a: string, b: string): string => (isEarlier(a, b) ? b : a);

/** The source the documents workflow resolves a return form's or claim letter's customer as. */
export const DOCUMENTS_IDENTITY_SOURCE = 'documents';

/** The identity record of one document's customer details, as the documents workflow resolved them. */
export const documentRecordKey = (documentId: string): string => `${DOCUMENTS_IDENTITY_SOURCE}:${documentId}`;
