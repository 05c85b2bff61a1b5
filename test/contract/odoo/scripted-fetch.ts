import type { FetchLike } from '../../../lambdas/adapters/odoo/http-transport.js';
import { OdooError } from '../../../lambdas/core/odoo/errors.js';
import type { RetryEnvironment } from '../../../lambdas/core/odoo/retry.js';

export interface SeenRequest {
  readonly url: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

export type ScriptedAnswer =
  | { readonly status: number; readonly body: unknown; readonly contentType?: string }
  /** Never answers: the caller's timeout must fire. */
  | 'hang'
  /** A refused connection, as Node's fetch reports it. */
  | 'refused';

/** A fetch that answers from a script and keeps every request it was given. */
export function scriptedFetch(respond: (request: SeenRequest, index: number) => ScriptedAnswer): {
  fetch: FetchLike;
  requests: SeenRequest[];
} {
  const requests: SeenRequest[] = [];
  const fetch: FetchLike = async (input, init) => {
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, key) => {
      headers[key] = value;
    });
    const text = typeof init.body === 'string' ? init.body : '';
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // kept as text: a test may send malformed JSON on purpose
    }
    const request = { url: input, path: new URL(input).pathname, headers, body };
    requests.push(request);
    const answer = respond(request, requests.length - 1);
    if (answer === 'refused') {
      throw Object.assign(new TypeError('fetch failed'), {
        cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      });
    }
    if (answer === 'hang') {
      return new Promise<Response>((_resolve, reject) => {
        init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      });
    }
    const payload = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    return new Response(payload, {
      status: answer.status,
      headers: { 'content-type': answer.contentType ?? 'application/json; charset=utf-8' },
    });
  };
  return { fetch, requests };
}

/** Retries without waiting, with a fixed jitter draw; the delays asked for are kept. */
export function instantRetries(): RetryEnvironment & { delays: number[] } {
  const delays: number[] = [];
  return {
    delays,
    sleep: async (ms) => {
      delays.push(ms);
    },
    random: () => 0.5,
  };
}

/** The JSON-RPC body of a call, for routing scripted answers. */
export const rpcCall = (request: SeenRequest): { service?: string; method?: string; args?: unknown[] } =>
  (request.body as { params?: { service?: string; method?: string; args?: unknown[] } }).params ?? {};

/** A JSON-RPC success answer. */
export const rpcResult = (result: unknown, id = 1): ScriptedAnswer => ({
  status: 200,
  body: { jsonrpc: '2.0', id, result },
});

/** The OdooError a call fails with; any other outcome (success or another error) fails the test. */
export async function failure(promise: Promise<unknown>): Promise<OdooError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OdooError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}
