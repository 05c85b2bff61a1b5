import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { packJson, unpackJson } from '../../../lambdas/adapters/dynamodb/packed-json.js';

/** A profile body as the identity consumer writes it for a customer with two records. */
const body = {
  golden: {
    givenName: {
      value: 'Tunde',
      source: 'ecommerce',
      observedAt: '2026-08-28T23:29:52Z',
      verified: false,
      record: 0,
    },
    email: {
      value: 'teze@example.org',
      source: 'ecommerce',
      observedAt: '2026-08-28T23:29:52Z',
      verified: true,
      record: 0,
    },
    loyaltyId: {
      value: '6335007752446854',
      source: 'loyalty',
      observedAt: '2026-08-26T19:13:27Z',
      verified: false,
      record: 1,
    },
    city: {
      value: 'Manchester',
      source: 'ecommerce',
      observedAt: '2026-08-28T23:29:52Z',
      verified: false,
      record: 0,
    },
  },
  goldenRecords: ['ecommerce#ecommerce#EC-QSRWL4LK', 'loyalty#loyalty#6335007752446854'],
  consent: { email: { granted: true, at: '2026-08-28T23:29:52Z', source: 'ecommerce' } },
  eventCount: 11,
  recentEvents: ['loyalty#loy-0000100', 'pos#pos-tx-0000079', 'ecommerce#web-evt-0000913'],
  firstSeenAt: '2025-11-13T20:56:32Z',
  lastSeenAt: '2026-08-28T23:29:52Z',
};

describe('packed profile values', () => {
  it('read back exactly what was packed, in fewer bytes than gzip', () => {
    const packed = packJson(body);
    expect(unpackJson(packed)).toEqual(body);
    expect(packed.length).toBeLessThan(gzipSync(JSON.stringify(body)).length * 0.75);
  });

  it('still read items written before: gzip, and plain values', () => {
    expect(unpackJson(new Uint8Array(gzipSync(JSON.stringify(body))))).toEqual(body);
    expect(unpackJson(body)).toBe(body);
  });

  it('refuse a format they do not know, naming it', () => {
    expect(() => unpackJson(new Uint8Array([0x7f, 1, 2]))).toThrow(/unknown format byte 127/);
  });
});
