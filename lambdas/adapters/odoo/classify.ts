import { OdooError, type OdooErrorKind } from '../../core/odoo/errors.js';

/** The exception Odoo reports, in JSON-RPC (`error.data`) or JSON-2 (the body) form. */
export interface OdooException {
  readonly name?: string;
  readonly message?: string;
}

export interface CallSite {
  readonly model: string;
  readonly operation: string;
  /** The call may change data, so a failure after sending leaves the outcome unknown. */
  readonly mayWrite: boolean;
}

const CONCURRENCY =
  /SerializationFailure|TransactionRollbackError|LockNotAvailable|DeadlockDetected|ConcurrencyError|could not serialize access|concurrent update/i;

/** Decides what an Odoo exception means for Tessera: the same rules for both APIs, by exception first. */
export function classifyOdooException(
  exception: OdooException,
  httpStatus: number | undefined,
  site: CallSite,
): OdooError {
  const name = exception.name ?? '';
  const message = exception.message ?? '';
  const kind = kindOf(name, message, httpStatus);
  const mayHaveApplied = site.mayWrite && (kind === 'server' || kind === 'timeout');
  return new OdooError({
    kind,
    model: site.model,
    operation: site.operation,
    detail: message || name || `HTTP ${httpStatus}`,
    ...(name ? { odooName: name } : {}),
    ...(httpStatus !== undefined ? { httpStatus } : {}),
    outcomeUnknown: mayHaveApplied,
  });
}

function kindOf(name: string, message: string, status: number | undefined): OdooErrorKind {
  if (CONCURRENCY.test(name) || CONCURRENCY.test(message)) return 'concurrency';
  switch (name) {
    case 'odoo.exceptions.AccessDenied':
    case 'werkzeug.exceptions.Unauthorized':
    case 'odoo.http.SessionExpiredException':
      return 'auth';
    case 'odoo.exceptions.AccessError':
    case 'werkzeug.exceptions.Forbidden':
      return 'access';
    case 'odoo.exceptions.ValidationError':
      return 'validation';
    case 'odoo.exceptions.MissingError':
      return 'missing';
    case 'werkzeug.exceptions.NotFound':
    case 'builtins.AttributeError':
      return 'not_found';
    case 'werkzeug.exceptions.UnprocessableEntity':
    case 'werkzeug.exceptions.BadRequest':
    // A KeyError names a field or service that does not exist (JSON-2 answers it with 500): retrying cannot help.
    case 'builtins.KeyError':
    case 'builtins.TypeError':
      return 'invalid';
    case 'builtins.ValueError':
      return /Invalid field/i.test(message) ? 'not_found' : 'validation';
    case 'odoo.exceptions.UserError':
    case 'odoo.exceptions.RedirectWarning':
      return /Object .* doesn't exist/i.test(message) ? 'not_found' : 'user';
    case 'psycopg2.OperationalError':
      // A database that does not exist is configuration; a dropped connection is transient.
      return /does not exist|authentication failed/i.test(message) ? 'invalid' : 'server';
    default:
      break;
  }
  if (status === 401) return 'auth';
  if (status === 403) return 'access';
  if (status === 404) return 'not_found';
  if (status === 429 || status === 503) return 'throttled';
  if (status === 422 || status === 400) return 'invalid';
  if (status !== undefined && status >= 500) return 'server';
  // An unknown exception inside a 200 JSON-RPC answer: Odoo rolled the transaction back; retry is reasonable.
  return 'server';
}

/** A failure before Odoo answered: a timeout, a refused or dropped connection, a DNS failure. */
export function transportError(
  error: unknown,
  site: CallSite,
  timedOut: boolean,
  timeoutMs: number,
): OdooError {
  if (timedOut) {
    return new OdooError({
      kind: 'timeout',
      model: site.model,
      operation: site.operation,
      detail: `no answer within ${timeoutMs} ms`,
      outcomeUnknown: site.mayWrite,
      cause: error,
    });
  }
  const code = errorCode(error);
  // Refused or unresolvable: the request never reached Odoo, so nothing can have been applied.
  const neverSent = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
  return new OdooError({
    kind: 'network',
    model: site.model,
    operation: site.operation,
    detail: code ? `network error ${code}` : `network error: ${describeChain(error)}`,
    outcomeUnknown: site.mayWrite && !neverSent,
    cause: error,
  });
}

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** "fetch failed: bad port": Node's fetch puts the reason in the cause. */
function describeChain(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    parts.push(current instanceof Error ? current.message : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(': ');
}
