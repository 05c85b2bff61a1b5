import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { header, jsonResponse, problemResponse, rawBody } from '../adapters/http/api-gateway.js';
import { channelSource } from '../core/contracts/names.js';
import {
  checkBodySize,
  checkContentType,
  parseJson,
  type RequestProblem,
  readEventBatch,
} from '../core/ingest/batch-request.js';
import { type EventVerdict, type IngestDependencies, ingestEvents } from '../core/ingest/ingest-batch.js';
import type { SourceKeyProvider } from '../core/ingest/ports.js';
import { SignatureHeader, verifySignature } from '../core/ingest/request-signature.js';
import type { Clock } from '../core/ports.js';

export interface IngestApiDependencies extends IngestDependencies {
  readonly sourceKeys: SourceKeyProvider;
  readonly clock: Clock;
  readonly maxClockSkewSeconds: number;
  readonly logger: Logger;
}

export interface IngestSummary {
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: number;
  readonly failed: number;
  readonly results: readonly EventVerdict[];
}

/** `POST /events`: a signed batch of channel events from one source. */
export function createIngestApiHandler(deps: IngestApiDependencies) {
  const handle = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const receivedAt = deps.clock.now();
    const body = rawBody(event);
    const sourceId = header(event, SignatureHeader.source);

    const unauthorized = (message: string) =>
      problemResponse({ statusCode: 401, error: 'Unauthorized', message } satisfies RequestProblem);
    if (!sourceId) return unauthorized(`missing ${SignatureHeader.source} header`);
    const key = await deps.sourceKeys.keyFor(sourceId);
    // The same answer for an unknown source and a bad signature: do not tell a prober which sources exist.
    const check = key
      ? verifySignature(
          key,
          {
            timestamp: header(event, SignatureHeader.timestamp),
            signature: header(event, SignatureHeader.signature),
            rawBody: body,
          },
          receivedAt,
          deps.maxClockSkewSeconds,
        )
      : ({ ok: false, reason: 'unknown source or signature does not match the body' } as const);
    if (!check.ok) {
      deps.logger.warn('request refused', { sourceId, reason: check.reason });
      return unauthorized(
        check.reason === 'signature does not match the body'
          ? 'unknown source or signature does not match the body'
          : check.reason,
      );
    }

    const problem = checkContentType(header(event, 'content-type')) ?? checkBodySize(body);
    if (problem) return problemResponse(problem);
    const json = parseJson(body);
    if (!json.ok) return problemResponse(json.problem);
    const batch = readEventBatch(json.value, deps.limits.maxEventsPerBatch);
    if (!batch.ok) return problemResponse(batch.problem);

    const results = await ingestEvents(sourceId, channelSource(sourceId), batch.events, receivedAt, deps);
    const summary = summarise(results);
    deps.logger.info('batch ingested', {
      sourceId,
      accepted: summary.accepted,
      duplicates: summary.duplicates,
      rejected: summary.rejected,
      failed: summary.failed,
    });
    // Like PutEvents: the request succeeded; each event says what became of it.
    return jsonResponse(200, summary);
  };

  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(deps.logger))
    .handler(handle);
}

export function summarise(results: readonly EventVerdict[]): IngestSummary {
  const count = (status: EventVerdict['status']) => results.filter((r) => r.status === status).length;
  return {
    accepted: count('accepted'),
    duplicates: count('duplicate'),
    rejected: count('rejected'),
    failed: count('failed'),
    results,
  };
}
