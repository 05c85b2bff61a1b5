import { describe, expect, it } from 'vitest';
import {
  secretsEqual,
  signPayload,
  verifySignature,
} from '../../../lambdas/core/ingest/request-signature.js';

const key = 'k'.repeat(32);
const now = new Date('2026-05-01T12:00:00Z');
const at = Math.floor(now.getTime() / 1000);
const body = '{"events":[]}';

describe('request signatures', () => {
  it('signs "<timestamp>.<body>" with HMAC-SHA256, the wire format channel systems implement', () => {
    // Vector computed with `openssl dgst -sha256 -hmac Jefe` over "0.what do ya want for nothing?";
    // the README documents the same one for channel teams.
    expect(signPayload('Jefe', 0, 'what do ya want for nothing?')).toBe(
      'v1=37f471929915ccd2cbbe79feb84ffcff4f2bb25e15fc41c2506687331ae179cc',
    );
  });

  it('accepts the signature of the exact body and timestamp', () => {
    const signature = signPayload(key, at, body);
    expect(verifySignature(key, { timestamp: String(at), signature, rawBody: body }, now, 300)).toEqual({
      ok: true,
    });
  });

  it.each([
    [
      'a changed body',
      { timestamp: String(at), signature: signPayload(key, at, body), rawBody: `${body} ` },
      /does not match/,
    ],
    [
      'a changed timestamp',
      { timestamp: String(at + 1), signature: signPayload(key, at, body), rawBody: body },
      /does not match/,
    ],
    [
      'another key',
      { timestamp: String(at), signature: signPayload('x'.repeat(32), at, body), rawBody: body },
      /does not match/,
    ],
    [
      'no timestamp',
      { timestamp: undefined, signature: signPayload(key, at, body), rawBody: body },
      /missing x-tessera-timestamp/,
    ],
    ['a non-numeric timestamp', { timestamp: '2026-05-01', signature: 'v1=', rawBody: body }, /unix seconds/],
    [
      'an old timestamp',
      { timestamp: String(at - 301), signature: signPayload(key, at - 301, body), rawBody: body },
      /301s old/,
    ],
    [
      'a future timestamp',
      { timestamp: String(at + 900), signature: signPayload(key, at + 900, body), rawBody: body },
      /900s in the future/,
    ],
    [
      'another scheme',
      { timestamp: String(at), signature: 'sha1=abc', rawBody: body },
      /must start with v1=/,
    ],
  ])('refuses %s', (_name, request, reason) => {
    const result = verifySignature(key, request, now, 300);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('compares path secrets by value only', () => {
    expect(secretsEqual('abcdefghijklmnop', 'abcdefghijklmnop')).toBe(true);
    expect(secretsEqual('abcdefghijklmnop', 'abcdefghijklmnoq')).toBe(false);
    expect(secretsEqual('abcdefghijklmnop', 'abcdefghijklmno')).toBe(false);
  });
});
