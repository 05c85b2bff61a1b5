import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { z } from 'zod';
import { jsonResponse, parseJsonBody, problemResponse } from '../adapters/http/api-gateway.js';
import { ReviewError, type ReviewService } from '../documents-workflow/review-service.js';

const Decision = z.discriminatedUnion('action', [
  z.object({ action: z.literal('confirm'), reviewer: z.string().trim().min(1).max(200) }).strict(),
  z
    .object({
      action: z.literal('correct'),
      reviewer: z.string().trim().min(1).max(200),
      corrections: z.unknown(),
    })
    .strict(),
]);

export interface DocumentReviewApiDependencies {
  readonly review: ReviewService;
  readonly logger: Logger;
}

/**
 * The review queue over HTTP:
 *   GET  /documents/review              documents waiting for a person
 *   GET  /documents/failed              documents that failed, with their error
 *   GET  /documents/{documentId}        one document: status, extracted fields, failure
 *   POST /documents/{documentId}/review {action: confirm|correct, reviewer, corrections?}
 */
export function createDocumentReviewApiHandler(deps: DocumentReviewApiDependencies) {
  const handle = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const id = event.pathParameters?.documentId;
    try {
      if (event.httpMethod === 'GET' && event.resource === '/documents/review') {
        return jsonResponse(200, { documents: await deps.review.list() });
      }
      if (event.httpMethod === 'GET' && event.resource === '/documents/failed') {
        return jsonResponse(200, { documents: await deps.review.listFailed() });
      }
      if (event.httpMethod === 'GET' && id) {
        const { reviewTaskToken: _token, ...record } = await deps.review.show(id);
        return jsonResponse(200, record);
      }
      if (event.httpMethod === 'POST' && id) {
        const decision = parseJsonBody(event, Decision);
        if (!decision.ok) return decision.response;
        const d = decision.value;
        const record =
          d.action === 'confirm'
            ? await deps.review.confirm(id, d.reviewer)
            : await deps.review.correct(id, d.corrections, d.reviewer);
        deps.logger.info('review decided', { documentId: id, action: d.action });
        return jsonResponse(200, { documentId: id, status: record.status, action: d.action });
      }
      return problemResponse({
        statusCode: 404,
        error: 'NotFound',
        message: `no route ${event.httpMethod} ${event.resource}`,
      });
    } catch (error) {
      if (error instanceof ReviewError) {
        const statusCode = error.reason === 'not-found' ? 404 : error.reason === 'invalid' ? 400 : 409;
        return problemResponse({ statusCode, error: error.reason, message: error.message });
      }
      throw error;
    }
  };
  return middy(handle).use(injectLambdaContext(deps.logger));
}
