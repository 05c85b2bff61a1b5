import { randomBytes } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { z } from 'zod';
import { jsonResponse, parseJsonBody } from '../adapters/http/api-gateway.js';
import { SourceId } from '../core/contracts/common.js';
import { DocumentKind } from '../core/contracts/internal-events.js';
import type { Clock } from '../core/ports.js';
import type { DocumentStore } from '../documents-workflow/ports.js';
import { INCOMING_PREFIX } from '../documents-workflow/steps.js';

/** Content types Textract reads; anything else would only fail later in the workflow. */
const UPLOAD_CONTENT_TYPES = ['application/pdf', 'image/png', 'image/jpeg', 'image/tiff'] as const;

export const UploadRequest = z
  .object({
    kind: DocumentKind,
    fileName: z.string().trim().min(1).max(200),
    contentType: z.enum(UPLOAD_CONTENT_TYPES),
    orderId: SourceId.optional(),
    customerHint: z.string().trim().min(1).max(300).optional(),
  })
  .strict();
export type UploadRequest = z.infer<typeof UploadRequest>;

export interface DocumentIntakeDependencies {
  readonly store: DocumentStore;
  readonly bucket: string;
  /** Signs a PUT of the key with the document id and kind as object metadata. */
  readonly presign: (request: {
    key: string;
    documentId: string;
    kind: DocumentKind;
    contentType: string;
    expiresInSeconds: number;
  }) => Promise<string>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly uploadUrlTtlSeconds?: number;
  readonly newDocumentId?: () => string;
}

export const newDocumentId = (): string => `doc_${randomBytes(12).toString('hex')}`;

/**
 * `POST /documents`: records the document with what the uploader declared and answers with a pre-signed
 * URL to PUT the file to. The upload's object-created event starts the document workflow.
 */
export function createDocumentIntakeHandler(deps: DocumentIntakeDependencies) {
  const ttl = deps.uploadUrlTtlSeconds ?? 900;
  const handle = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const parsed = parseJsonBody(event, UploadRequest);
    if (!parsed.ok) return parsed.response;
    const request = parsed.value;
    const documentId = (deps.newDocumentId ?? newDocumentId)();
    const key = `${INCOMING_PREFIX}${documentId}/${request.fileName.replace(/[^A-Za-z0-9._-]/g, '_')}`;
    const now = deps.clock.now();
    await deps.store.create({
      documentId,
      status: 'RECEIVED',
      bucket: deps.bucket,
      key,
      receivedAt: now.toISOString(),
      updatedAt: now.toISOString(),
      declaredKind: request.kind,
      fileName: request.fileName,
      ...(request.orderId ? { orderIdHint: request.orderId } : {}),
      ...(request.customerHint ? { customerHint: request.customerHint } : {}),
    });
    const uploadUrl = await deps.presign({
      key,
      documentId,
      kind: request.kind,
      contentType: request.contentType,
      expiresInSeconds: ttl,
    });
    deps.logger.info('upload url issued', { documentId, kind: request.kind });
    return jsonResponse(201, {
      documentId,
      key,
      upload: {
        method: 'PUT',
        url: uploadUrl,
        headers: { 'content-type': request.contentType },
        expiresAt: new Date(now.getTime() + ttl * 1000).toISOString(),
      },
    });
  };
  return middy(handle).use(injectLambdaContext(deps.logger));
}
