import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { z } from 'zod';
import { describeIssues } from '../../core/validation.js';

/** Header lookup that ignores case, as HTTP does (API Gateway passes them as sent). */
export function header(event: Pick<APIGatewayProxyEvent, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value ?? undefined;
  }
  return undefined;
}

export function rawBody(event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>): string {
  if (event.body == null) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      ...headers,
    },
    body: JSON.stringify(body),
  };
}

export const problemResponse = (problem: {
  statusCode: number;
  error: string;
  message: string;
}): APIGatewayProxyResult =>
  jsonResponse(problem.statusCode, { error: problem.error, message: problem.message });

/**
 * Reads a JSON body and validates it: the value, or a 400 response that names every bad field (or says the
 * body is not JSON), ready to return.
 */
export function parseJsonBody<T>(
  event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>,
  schema: z.ZodType<T>,
):
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly response: APIGatewayProxyResult } {
  let json: unknown;
  try {
    json = JSON.parse(rawBody(event));
  } catch {
    return {
      ok: false,
      response: problemResponse({ statusCode: 400, error: 'BadRequest', message: 'the body is not JSON' }),
    };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const message = describeIssues(parsed.error.issues, '(body)');
  return { ok: false, response: problemResponse({ statusCode: 400, error: 'BadRequest', message }) };
}
