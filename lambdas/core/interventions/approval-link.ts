import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Approval links carry an opaque approval id, an expiry and an HMAC over both, never the task token:
 * a forwarded or scanned link can show the page, and only a signed, unexpired link can reach the form.
 */
export interface SignedApprovalLink {
  readonly approvalId: string;
  /** Unix seconds. */
  readonly expiresAt: number;
  readonly signature: string;
}

export type LinkCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly problem: 'malformed' | 'tampered' | 'expired' };

const APPROVAL_ID = /^apv_[0-9a-f]{32}$/;

/** The approval id for one approver level of one intervention: deterministic so a retried request reuses it, opaque because keyed. */
export function approvalIdFor(key: string, interventionId: string, level: number): string {
  return `apv_${createHmac('sha256', key).update(`approval-id|${interventionId}|${level}`).digest('hex').slice(0, 32)}`;
}

export function signApprovalLink(key: string, approvalId: string, expiresAt: number): SignedApprovalLink {
  return { approvalId, expiresAt, signature: mac(key, `approval-link|${approvalId}|${expiresAt}`) };
}

export function approvalUrl(baseUrl: string, link: SignedApprovalLink): string {
  const url = new URL(`approvals/${link.approvalId}`, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  url.searchParams.set('exp', String(link.expiresAt));
  url.searchParams.set('sig', link.signature);
  return url.toString();
}

/** Checks signature before expiry, so a tampered link is reported as tampered even when also old. */
export function verifyApprovalLink(
  key: string,
  input: { approvalId?: string | null; exp?: string | null; sig?: string | null },
  now: Date,
): LinkCheck {
  const { approvalId, exp, sig } = input;
  if (!approvalId || !APPROVAL_ID.test(approvalId) || !exp || !/^\d{1,12}$/.test(exp) || !sig)
    return { ok: false, problem: 'malformed' };
  if (!safeEqual(sig, mac(key, `approval-link|${approvalId}|${exp}`)))
    return { ok: false, problem: 'tampered' };
  if (Number(exp) * 1000 <= now.getTime()) return { ok: false, problem: 'expired' };
  return { ok: true };
}

/**
 * CSRF protection for a page without sessions or JavaScript (double submit): the GET sets a random nonce
 * in a SameSite=Strict cookie and puts a token signed over (approval id, nonce, expiry) in the form. A
 * POST must bring both, matching: another site can neither read the cookie nor forge the token.
 */
export interface CsrfPair {
  readonly cookieNonce: string;
  readonly token: string;
}

export function issueCsrf(key: string, approvalId: string, now: Date, ttlSeconds = 3600): CsrfPair {
  const cookieNonce = randomBytes(18).toString('base64url');
  const exp = Math.floor(now.getTime() / 1000) + ttlSeconds;
  return { cookieNonce, token: `${exp}.${mac(key, `csrf|${approvalId}|${cookieNonce}|${exp}`)}` };
}

export function verifyCsrf(
  key: string,
  approvalId: string,
  token: string | undefined,
  cookieNonce: string | undefined,
  now: Date,
): { ok: true } | { ok: false; reason: string } {
  if (!token || !cookieNonce)
    return {
      ok: false,
      reason: 'the form was not sent from the approval page (missing CSRF token or cookie)',
    };
  const [exp, signature] = token.split('.', 2);
  if (!exp || !signature || !/^\d{1,12}$/.test(exp))
    return { ok: false, reason: 'the CSRF token is malformed' };
  if (!safeEqual(signature, mac(key, `csrf|${approvalId}|${cookieNonce}|${exp}`)))
    return { ok: false, reason: 'the CSRF token does not match this page' };
  if (Number(exp) * 1000 <= now.getTime())
    return { ok: false, reason: 'the form is too old: reload the page' };
  return { ok: true };
}

function mac(key: string, message: string): string {
  return createHmac('sha256', key).update(message).digest('base64url');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
