import type { IncomingEvent } from './ingest-batch.js';

/** A request that is refused as a whole, before any event is looked at. */
export interface RequestProblem {
  readonly statusCode: 400 | 401 | 403 | 413 | 415;
  readonly error: string;
  readonly message: string;
}

/** Lambda proxies accept 6 MB; a batch larger than that would fail before reaching us anyway. */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;

export function checkContentType(contentType: string | undefined): RequestProblem | undefined {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType === 'application/json') return undefined;
  return {
    statusCode: 415,
    error: 'UnsupportedMediaType',
    message: `Content-Type must be application/json, got ${contentType ? `'${contentType}'` : 'none'}`,
  };
}

export function checkBodySize(rawBody: string): RequestProblem | undefined {
  const bytes = Buffer.byteLength(rawBody);
  if (bytes <= MAX_BODY_BYTES) return undefined;
  return {
    statusCode: 413,
    error: 'PayloadTooLarge',
    message: `body is ${bytes} bytes; at most ${MAX_BODY_BYTES}`,
  };
}

export function parseJson(
  rawBody: string,
): { ok: true; value: unknown } | { ok: false; problem: RequestProblem } {
  try {
    return { ok: true, value: JSON.parse(rawBody) };
  } catch (error) {
    return {
      ok: false,
      problem: {
        statusCode: 400,
        error: 'MalformedJson',
        message: `body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
      },
    };
  }
}

/** `{"events": [{"detail-type": "...", "detail": {...}}, ...]}` */
export function readEventBatch(
  body: unknown,
  maxEvents: number,
): { ok: true; events: IncomingEvent[] } | { ok: false; problem: RequestProblem } {
  const bad = (message: string) => ({
    ok: false as const,
    problem: { statusCode: 400 as const, error: 'InvalidBatch', message },
  });
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return bad('body must be a JSON object {"events": [...]}');
  }
  const events = (body as Record<string, unknown>).events;
  if (!Array.isArray(events)) return bad('events: required array');
  if (events.length === 0) return bad('events: at least one event is required');
  if (events.length > maxEvents)
    return bad(`events: ${events.length} events; at most ${maxEvents} per request`);
  return { ok: true, events: events.map((raw) => ({ raw })) };
}
