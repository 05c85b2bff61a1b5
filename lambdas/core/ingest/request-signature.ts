import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Channel systems sign each request: `X-Tessera-Signature: v1=<hex HMAC-SHA256(key, "<timestamp>.<raw body>")>`
 * with `X-Tessera-Timestamp: <unix seconds>` and `X-Tessera-Source: <source id>`. Binding the timestamp into
 * the MAC stops a captured request from being replayed outside the skew window.
 */
export const SignatureHeader = {
  source: 'x-tessera-source',
  timestamp: 'x-tessera-timestamp',
  signature: 'x-tessera-signature',
} as const;

const SCHEME = 'v1=';

export function signPayload(key: string, timestampSeconds: number, rawBody: string): string {
  return SCHEME + createHmac('sha256', key).update(`${timestampSeconds}.${rawBody}`).digest('hex');
}

export type SignatureCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export interface SignedRequest {
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
  readonly rawBody: string;
}

export function verifySignature(
  key: string,
  request: SignedRequest,
  now: Date,
  maxSkewSeconds: number,
): SignatureCheck {
  if (!request.timestamp) return { ok: false, reason: `missing ${SignatureHeader.timestamp} header` };
  if (!/^\d{1,12}$/.test(request.timestamp)) {
    return { ok: false, reason: `${SignatureHeader.timestamp} must be unix seconds` };
  }
  const timestamp = Number(request.timestamp);
  const skew = timestamp - Math.floor(now.getTime() / 1000);
  if (Math.abs(skew) > maxSkewSeconds) {
    return {
      ok: false,
      reason: `${SignatureHeader.timestamp} is ${Math.abs(skew)}s ${skew > 0 ? 'in the future' : 'old'}; at most ${maxSkewSeconds}s allowed`,
    };
  }
  if (!request.signature) return { ok: false, reason: `missing ${SignatureHeader.signature} header` };
  if (!request.signature.startsWith(SCHEME)) {
    return { ok: false, reason: `${SignatureHeader.signature} must start with ${SCHEME}` };
  }
  const expected = Buffer.from(signPayload(key, timestamp, request.rawBody));
  const given = Buffer.from(request.signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'signature does not match the body' };
  }
  return { ok: true };
}

/** Constant-time comparison for shared secrets such as the Odoo webhook path secret. */
export function secretsEqual(expected: string, given: string): boolean {
  const a = createHmac('sha256', 'tessera').update(expected).digest();
  const b = createHmac('sha256', 'tessera').update(given).digest();
  return timingSafeEqual(a, b) && expected.length === given.length;
}
