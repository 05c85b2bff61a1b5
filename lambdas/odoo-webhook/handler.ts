import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { header, jsonResponse, problemResponse, rawBody } from '../adapters/http/api-gateway.js';
import { channelSource } from '../core/contracts/names.js';
import { checkBodySize, checkContentType, parseJson } from '../core/ingest/batch-request.js';
import { buildRejection, type IngestDependencies, ingestEvents } from '../core/ingest/ingest-batch.js';
import type { SecretReader } from '../core/ingest/ports.js';
import { ODOO_SOURCE_ID } from '../core/ingest/redrive.js';
import { secretsEqual } from '../core/ingest/request-signature.js';
import { mapOdooWebhook, type OdooInboundOptions } from '../core/odoo/inbound.js';
import type { Clock } from '../core/ports.js';

export interface OdooWebhookDependencies extends IngestDependencies {
  readonly webhookSecret: SecretReader;
  /**
   * Reads what a payload only names by id (order lines, the partner, the currency) through the Odoo API,
   * when one is configured; without it, payloads are mapped from the fields the webhook selected.
   */
  readonly enrich?: (payload: unknown, base: OdooInboundOptions) => Promise<OdooInboundOptions>;
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * Odoo's outgoing webhooks are not signed: the secret in the path is what authenticates them.
 * `POST /odoo/webhook/{secret}`: one Odoo "Send Webhook Notification" request. Odoo waits one second and
 * never retries, so the answer is quick and an unmappable record is kept in the rejected store, not lost.
 */
export function createOdooWebhookHandler(deps: OdooWebhookDependencies) {
  const handle = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const receivedAt = deps.clock.now();
    const given = event.pathParameters?.secret ?? '';
    if (!secretsEqual(await deps.webhookSecret.read(), given)) {
      deps.logger.warn('odoo webhook refused: wrong path secret');
      return problemResponse({ statusCode: 403, error: 'Forbidden', message: 'unknown webhook' });
    }
    const body = rawBody(event);
    const problem = checkContentType(header(event, 'content-type')) ?? checkBodySize(body);
    if (problem) return problemResponse(problem);
    const json = parseJson(body);
    if (!json.ok) {
      await deps.rejected.save(buildRejection(ODOO_SOURCE_ID, body, [json.problem.message], receivedAt));
      return problemResponse(json.problem);
    }

    const base: OdooInboundOptions = { receivedAt };
    const mapped = mapOdooWebhook(json.value, deps.enrich ? await deps.enrich(json.value, base) : base);
    if (!mapped.ok && mapped.ignored) {
      // A quotation, a draft refund, a delivery address: valid, but not a fact a channel event records.
      deps.logger.info('odoo webhook ignored', { reason: mapped.reason });
      return jsonResponse(200, { status: 'ignored', reason: mapped.reason });
    }
    if (!mapped.ok) {
      const rejection = buildRejection(ODOO_SOURCE_ID, json.value, [mapped.reason], receivedAt);
      await deps.rejected.save(rejection);
      deps.logger.warn('odoo webhook not mapped', {
        rejectionId: rejection.rejectionId,
        reason: mapped.reason,
      });
      return jsonResponse(422, {
        status: 'rejected',
        rejectionId: rejection.rejectionId,
        reasons: [mapped.reason],
      });
    }
    const [verdict] = await ingestEvents(
      ODOO_SOURCE_ID,
      channelSource(ODOO_SOURCE_ID),
      [{ raw: json.value, detailType: mapped.detailType, detail: mapped.detail, dedupKey: mapped.dedupKey }],
      receivedAt,
      deps,
    );
    deps.logger.info('odoo webhook ingested', { status: verdict?.status, detailType: mapped.detailType });
    const statusCode = verdict?.status === 'rejected' ? 422 : verdict?.status === 'failed' ? 503 : 200;
    return jsonResponse(statusCode, verdict);
  };

  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(deps.logger))
    .handler(handle);
}
