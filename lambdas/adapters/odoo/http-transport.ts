import type { CallSite } from './classify.js';
import { transportError } from './classify.js';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface HttpAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
  readonly headers: Headers;
}

export interface PostOptions {
  readonly fetch: FetchLike;
  readonly timeoutMs: number;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * One JSON POST with a deadline covering the whole exchange (headers and body): a server that stalls
 * mid-body is as unanswered as one that never replies.
 */
export async function postJson(
  url: string,
  body: unknown,
  site: CallSite,
  options: PostOptions,
): Promise<HttpAnswer> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  try {
    const response = await options.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...options.headers },
      body: JSON.stringify(body),
      signal: controller.signal,
    });
    const text = await response.text();
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      text,
      headers: response.headers,
    };
  } catch (error) {
    throw transportError(error, site, timedOut, options.timeoutMs);
  } finally {
    clearTimeout(timer);
  }
}

export const parseJsonText = (text: string): { ok: true; value: unknown } | { ok: false } => {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
};

/** Base URL without a trailing slash, validated once at start-up. */
export function normaliseBaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`Odoo URL '${url}' is not a URL (expected e.g. https://mycompany.odoo.com)`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new Error(`Odoo URL '${url}' must use http or https`);
  }
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}
