import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { header, rawBody } from '../adapters/http/api-gateway.js';
import { noticePage } from '../core/interventions/approval-page.js';
import {
  type ApprovalPageDeps,
  type PageRequest,
  type PageResult,
  showApproval,
  submitDecision,
} from '../core/interventions/approvals.js';

export interface ApprovalPageDependencies extends Omit<ApprovalPageDeps, 'signingKey'> {
  readonly signingKey: () => Promise<string>;
  readonly logger: Logger;
}

export const CSRF_COOKIE = 'tessera_csrf';
const MAX_FORM_BYTES = 8 * 1024;

/**
 * GET and POST /approvals/{approvalId}: server-rendered HTML that works without JavaScript. GET shows the
 * proposal and never decides (mail scanners open links); POST decides once, with CSRF protection.
 */
export function createApprovalPageHandler(deps: ApprovalPageDependencies) {
  const handle = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const signingKey = await deps.signingKey();
    const pageDeps = { ...deps, signingKey };
    const request: PageRequest = {
      approvalId: event.pathParameters?.approvalId,
      exp: event.queryStringParameters?.exp,
      sig: event.queryStringParameters?.sig,
      ...(event.requestContext?.identity?.sourceIp
        ? { sourceIp: event.requestContext.identity.sourceIp }
        : {}),
      ...(header(event, 'user-agent') ? { userAgent: header(event, 'user-agent') } : {}),
    };
    const secure = header(event, 'x-forwarded-proto') === 'https';
    let page: PageResult;
    if (event.httpMethod === 'GET') {
      page = await showApproval(request, pageDeps);
    } else if (event.httpMethod === 'POST') {
      const body = rawBody(event);
      const type = header(event, 'content-type')?.split(';')[0]?.trim().toLowerCase();
      if (type !== 'application/x-www-form-urlencoded') {
        page = noticePage(
          415,
          'Form not accepted',
          'Nothing was changed: the decision must be sent from the approval form.',
        );
      } else if (Buffer.byteLength(body) > MAX_FORM_BYTES) {
        page = noticePage(413, 'Form not accepted', 'Nothing was changed: the form is too large.');
      } else {
        page = await submitDecision(
          {
            ...request,
            fields: Object.fromEntries(new URLSearchParams(body)),
            ...(readCookie(header(event, 'cookie'), CSRF_COOKIE)
              ? { csrfCookie: readCookie(header(event, 'cookie'), CSRF_COOKIE) }
              : {}),
          },
          pageDeps,
        );
      }
    } else {
      page = noticePage(405, 'Not allowed', 'Open the link from the email.');
    }
    deps.logger.info('approval page', {
      method: event.httpMethod,
      approvalId: request.approvalId,
      statusCode: page.statusCode,
    });
    return toResponse(page, secure);
  };
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(deps.logger))
    .handler(handle);
}

function toResponse(page: PageResult, secure: boolean): APIGatewayProxyResult {
  return {
    statusCode: page.statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      // The page runs no script and posts only to itself; the signed link must not leak through Referer.
      'content-security-policy':
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      ...(page.csrfCookie
        ? {
            'set-cookie': `${CSRF_COOKIE}=${page.csrfCookie}; Path=/; HttpOnly; SameSite=Strict; Max-Age=3600${secure ? '; Secure' : ''}`,
          }
        : {}),
    },
    body: page.html,
  };
}

function readCookie(cookieHeader: string | undefined, name: string): string | undefined {
  for (const part of cookieHeader?.split(';') ?? []) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
