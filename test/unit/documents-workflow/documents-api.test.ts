import { Logger } from '@aws-lambda-powertools/logger';
import { S3Client } from '@aws-sdk/client-s3';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { presignDocumentUpload } from '../../../lambdas/adapters/s3/document-object-store.js';
import { createDocumentIntakeHandler } from '../../../lambdas/documents-intake/handler.js';
import { createDocumentReviewApiHandler } from '../../../lambdas/documents-review-api/handler.js';
import type { DocumentRecord, DocumentStore } from '../../../lambdas/documents-workflow/ports.js';
import { ReviewError, type ReviewService } from '../../../lambdas/documents-workflow/review-service.js';

const logger = new Logger({ logLevel: 'SILENT' });
const context = { getRemainingTimeInMillis: () => 10_000 } as unknown as Context;
const request = (over: Partial<APIGatewayProxyEvent>): APIGatewayProxyEvent =>
  ({
    headers: {},
    body: null,
    isBase64Encoded: false,
    pathParameters: null,
    ...over,
  }) as APIGatewayProxyEvent;

describe('intake API', () => {
  const created: DocumentRecord[] = [];
  const s3 = new S3Client({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
  const handler = createDocumentIntakeHandler({
    store: {
      create: async (r: DocumentRecord) => {
        created.push(r);
        return 'created';
      },
    } as unknown as DocumentStore,
    bucket: 'tessera-documents',
    presign: (r) => presignDocumentUpload(s3, 'tessera-documents', r),
    clock: { now: () => new Date('2026-11-27T10:00:00Z') },
    logger,
    newDocumentId: () => 'doc_0123456789abcdef01234567',
  });

  it('records the announced document and answers with a pre-signed PUT that carries its id and kind', async () => {
    // Act
    const response = await handler(
      request({
        httpMethod: 'POST',
        body: JSON.stringify({
          kind: 'claim',
          fileName: 'my letter.pdf',
          contentType: 'application/pdf',
          orderId: 'ORD-1',
        }),
      }),
      context,
    );
    // Assess
    expect(response.statusCode).toBe(201);
    const body = JSON.parse(response.body);
    expect(body.key).toBe('incoming/doc_0123456789abcdef01234567/my_letter.pdf');
    const url = new URL(body.upload.url);
    expect(url.pathname).toBe('/incoming/doc_0123456789abcdef01234567/my_letter.pdf');
    expect(url.searchParams.get('x-amz-meta-document-id')).toBe('doc_0123456789abcdef01234567');
    expect(url.searchParams.get('x-amz-meta-document-kind')).toBe('claim');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(created[0]).toMatchObject({ status: 'RECEIVED', declaredKind: 'claim', orderIdHint: 'ORD-1' });
  });

  it('refuses an unsupported content type, naming the field', async () => {
    const response = await handler(
      request({
        httpMethod: 'POST',
        body: JSON.stringify({ kind: 'return', fileName: 'a.docx', contentType: 'application/msword' }),
      }),
      context,
    );
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).message).toMatch(/^contentType: /);
  });
});

describe('review API', () => {
  const calls: string[] = [];
  const review = {
    list: async () => [
      { documentId: 'doc_1', since: '2026-11-27T10:00:00Z', summary: 'claim: total below threshold' },
    ],
    listFailed: async () => [],
    show: async (id: string) => {
      if (id === 'doc_missing') throw new ReviewError('not-found', 'document doc_missing does not exist');
      return { documentId: id, status: 'NEEDS_REVIEW', reviewTaskToken: 'secret-token' } as DocumentRecord;
    },
    confirm: async (id: string, reviewer: string) => {
      calls.push(`confirm ${id} ${reviewer}`);
      throw new ReviewError('not-in-review', `document ${id} is PROCESSED, not waiting for review`);
    },
    correct: async (id: string, _c: unknown, reviewer: string) => {
      calls.push(`correct ${id} ${reviewer}`);
      return { documentId: id, status: 'ANALYSING' } as DocumentRecord;
    },
  } as unknown as ReviewService;
  const handler = createDocumentReviewApiHandler({ review, logger });

  it('lists the queue and shows a document without its task token', async () => {
    const list = await handler(request({ httpMethod: 'GET', resource: '/documents/review' }), context);
    expect(JSON.parse(list.body).documents).toHaveLength(1);
    const shown = await handler(
      request({
        httpMethod: 'GET',
        resource: '/documents/{documentId}',
        pathParameters: { documentId: 'doc_1' },
      }),
      context,
    );
    expect(JSON.parse(shown.body)).toEqual({ documentId: 'doc_1', status: 'NEEDS_REVIEW' });
  });

  it('maps decisions to 200, 404 and 409, and a malformed decision to 400', async () => {
    const post = (id: string, body: unknown) =>
      handler(
        request({
          httpMethod: 'POST',
          resource: '/documents/{documentId}/review',
          pathParameters: { documentId: id },
          body: JSON.stringify(body),
        }),
        context,
      );
    expect(
      (await post('doc_1', { action: 'correct', reviewer: 'ana', corrections: { orderNumber: 'ORD-2' } }))
        .statusCode,
    ).toBe(200);
    expect((await post('doc_1', { action: 'confirm', reviewer: 'ana' })).statusCode).toBe(409);
    expect((await post('doc_1', { action: 'approve', reviewer: 'ana' })).statusCode).toBe(400);
    const missing = await handler(
      request({
        httpMethod: 'GET',
        resource: '/documents/{documentId}',
        pathParameters: { documentId: 'doc_missing' },
      }),
      context,
    );
    expect(missing.statusCode).toBe(404);
    expect(calls).toEqual(['correct doc_1 ana', 'confirm doc_1 ana']);
  });
});
