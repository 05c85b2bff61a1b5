/**
 * Typed Odoo failures. Every failure says whether trying again can help and, for calls that may have
 * changed data, whether the outcome is unknown (Odoo may have committed before answering 500 or before a
 * timeout): callers then look before they write again.
 */
export type OdooErrorKind =
  /** Connection refused, reset, DNS: retryable. */
  | 'network'
  /** No answer within the timeout: retryable, outcome unknown. */
  | 'timeout'
  /** 5xx or an unexpected server exception: retryable, outcome unknown. */
  | 'server'
  /** Serialization failure or lock contention inside Odoo: retryable. */
  | 'concurrency'
  /** 429 or 503 from Odoo or its proxy: retryable. */
  | 'throttled'
  /** Wrong API key or login (401, AccessDenied, authenticate answering false): permanent. */
  | 'auth'
  /** AccessError: the user lacks a right on the model or method: permanent. */
  | 'access'
  /** ValidationError, wrong field value: permanent. */
  | 'validation'
  /** MissingError: the record does not exist (any more): permanent. */
  | 'missing'
  /** Unknown model, method or field: permanent (install a module or fix the configuration). */
  | 'not_found'
  /** UserError raised by Odoo's business rules: permanent. */
  | 'user'
  /** Bad request we built, bad database name, bad answer shape: permanent. */
  | 'invalid'
  /** The webhook URL's uuid is unknown to Odoo (404): permanent. */
  | 'webhook_not_found';

const RETRYABLE: ReadonlySet<OdooErrorKind> = new Set([
  'network',
  'timeout',
  'server',
  'concurrency',
  'throttled',
]);

export interface OdooErrorInit {
  readonly kind: OdooErrorKind;
  /** The Odoo model, e.g. `res.partner`, or the webhook path. */
  readonly model: string;
  /** The method or operation, e.g. `create`, `message_post`, `authenticate`. */
  readonly operation: string;
  /** Odoo's own message (never contains our API key; may contain record names). */
  readonly detail: string;
  /** Odoo's exception class, e.g. `odoo.exceptions.AccessError`. */
  readonly odooName?: string;
  readonly httpStatus?: number;
  /** True when Odoo may have applied the call before it failed. */
  readonly outcomeUnknown?: boolean;
  readonly cause?: unknown;
}

export class OdooError extends Error {
  override readonly name = 'OdooError';
  readonly kind: OdooErrorKind;
  readonly model: string;
  readonly operation: string;
  readonly detail: string;
  readonly odooName: string | undefined;
  readonly httpStatus: number | undefined;
  readonly retryable: boolean;
  readonly outcomeUnknown: boolean;

  constructor(init: OdooErrorInit) {
    const what = init.odooName ? `${shortName(init.odooName)}: ` : '';
    super(`Odoo ${init.operation} on ${init.model} failed (${init.kind}): ${what}${firstLine(init.detail)}`, {
      cause: init.cause,
    });
    this.kind = init.kind;
    this.model = init.model;
    this.operation = init.operation;
    this.detail = init.detail;
    this.odooName = init.odooName;
    this.httpStatus = init.httpStatus;
    this.retryable = RETRYABLE.has(init.kind);
    this.outcomeUnknown = init.outcomeUnknown ?? false;
  }
}

export const isOdooError = (e: unknown): e is OdooError => e instanceof OdooError;
export const isRetryableOdooError = (e: unknown): boolean => e instanceof OdooError && e.retryable;

const shortName = (name: string): string => name.split('.').pop() ?? name;
const firstLine = (text: string): string => {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? text;
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
};
