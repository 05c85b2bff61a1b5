/**
 * The documents bucket on S3 behind the DocumentObjectStore port, and the pre-signed upload URL of intake.
 * The URL signs the object key and its metadata (document id, declared kind), so an uploader can neither
 * write elsewhere nor relabel the file; what else the uploader said is in the documents table, not in the
 * URL, because URLs end up in logs.
 */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { DocumentKind } from '../../core/contracts/internal-events.js';
import type { DocumentObjectStore, StoredObject, UploadMetadata } from '../../documents-workflow/ports.js';

const META_DOCUMENT_ID = 'document-id';
const META_KIND = 'document-kind';

export class S3DocumentObjectStore implements DocumentObjectStore {
  constructor(
    private readonly client: Pick<S3Client, 'send'>,
    readonly bucket: string,
  ) {}

  async size(key: string): Promise<number> {
    const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
    return head.ContentLength ?? 0;
  }

  async get(key: string): Promise<StoredObject> {
    const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    if (!out.Body) throw new Error(`s3://${this.bucket}/${key} has no body`);
    const bytes = await out.Body.transformToByteArray();
    return { bytes, metadata: uploadMetadataFromS3(out.Metadata ?? {}) };
  }

  async putJson(key: string, value: unknown): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: JSON.stringify(value),
        ContentType: 'application/json',
      }),
    );
  }

  async getJson(key: string): Promise<unknown> {
    const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    if (!out.Body) throw new Error(`s3://${this.bucket}/${key} has no body`);
    return JSON.parse(await out.Body.transformToString('utf-8'));
  }
}

/** What intake signed into the upload as S3 user metadata (names without `x-amz-meta-`). */
export function uploadMetadataFromS3(meta: Readonly<Record<string, string>>): UploadMetadata | undefined {
  const documentId = meta[META_DOCUMENT_ID];
  const kind = DocumentKind.safeParse(meta[META_KIND]);
  return documentId ? { documentId, ...(kind.success ? { kind: kind.data } : {}) } : undefined;
}

export interface UploadUrlRequest {
  readonly key: string;
  readonly documentId: string;
  readonly kind: DocumentKind;
  readonly contentType: string;
  readonly expiresInSeconds: number;
}

/** Signs a PUT of exactly this key, content type and metadata. */
export function presignDocumentUpload(
  client: S3Client,
  bucket: string,
  request: UploadUrlRequest,
): Promise<string> {
  return getSignedUrl(
    client,
    new PutObjectCommand({
      Bucket: bucket,
      Key: request.key,
      ContentType: request.contentType,
      Metadata: { [META_DOCUMENT_ID]: request.documentId, [META_KIND]: request.kind },
    }),
    { expiresIn: request.expiresInSeconds, signableHeaders: new Set(['content-type']) },
  );
}
