import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { z } from 'zod';
import { jsonResponse, parseJsonBody, problemResponse } from '../adapters/http/api-gateway.js';
import { IdentityReviewError } from '../core/identity/store.js';
import { describeIssues } from '../core/validation.js';
import type { IdentityReviewService } from './review-service.js';

const Decision = z.strictObject({
  verdict: z.enum(['accept', 'reject']),
  reviewer: z.string().trim().min(1).max(200),
});

const ListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(2000).optional(),
});

export interface IdentityReviewApiDependencies {
  readonly review: IdentityReviewService;
  readonly logger: Logger;
}

const STATUS = { 'not-found': 404, conflict: 409, invalid: 400 } as const;

/**
 * The identity review queue over HTTP (IAM-authorised on AWS):
 *   GET  /identity/reviews?limit&cursor             possible matches waiting, oldest first, without personal data
 *   GET  /identity/reviews/{reviewId}               the evidence, and the two records side by side
 *   POST /identity/reviews/{reviewId}/decision      {verdict: accept|reject, reviewer}: once; a second is 409
 */
export function createIdentityReviewApiHandler(deps: IdentityReviewApiDependencies) {
  const handle = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const id = event.pathParameters?.reviewId;
    try {
      if (event.httpMethod === 'GET' && event.resource === '/identity/reviews') {
        const query = ListQuery.safeParse(event.queryStringParameters ?? {});
        if (!query.success) {
          const message = describeIssues(query.error.issues, '(query)');
          return problemResponse({ statusCode: 400, error: 'BadRequest', message });
        }
        return jsonResponse(200, await deps.review.list(query.data.limit, query.data.cursor));
      }
      if (event.httpMethod === 'GET' && event.resource === '/identity/reviews/{reviewId}' && id) {
        return jsonResponse(200, await deps.review.show(id));
      }
      if (event.httpMethod === 'POST' && event.resource === '/identity/reviews/{reviewId}/decision' && id) {
        const body = parseJsonBody(event, Decision);
        if (!body.ok) return body.response;
        const outcome = await deps.review.decide(id, body.value.verdict, body.value.reviewer);
        deps.logger.info('identity review decided', { ...outcome });
        return jsonResponse(200, outcome);
      }
      return problemResponse({
        statusCode: 404,
        error: 'NotFound',
        message: `no route ${event.httpMethod} ${event.resource}`,
      });
    } catch (error) {
      if (error instanceof IdentityReviewError) {
        return problemResponse({
          statusCode: STATUS[error.reason],
          error: error.reason,
          message: error.message,
        });
      }
      throw error;
    }
  };
  return middy(handle).use(injectLambdaContext(deps.logger));
}
