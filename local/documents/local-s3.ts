/**
 * The documents bucket's S3 endpoint on this machine: it takes the PUT of a pre-signed upload URL made by the
 * intake handler, stores the file in the bucket folder and announces it on the bus as S3 does through
 * EventBridge ("Object Created"), so the routing table's upload route starts the document workflow.
 *
 * Only what the upload path needs: path-style `PUT /<bucket>/<key>` with SigV4 query authentication. The
 * signature is checked by re-signing the request with the same credentials and the S3 presigner (the very
 * canonicalisation that signed it), so a changed key, content type, metadata, expiry or signature is refused
 * with 403 as S3 refuses it, and an expired URL too.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { S3RequestPresigner } from '@aws-sdk/s3-request-presigner';
import type { PutEventsClient } from '../../lambdas/adapters/eventbridge/event-publisher.js';
import {
  presignDocumentUpload,
  type UploadUrlRequest,
  uploadMetadataFromS3,
} from '../../lambdas/adapters/s3/document-object-store.js';
import type { Clock } from '../../lambdas/core/ports.js';
import type { FolderObjectStore } from './folder-object-store.js';

/** The source and detail-type S3 gives its EventBridge notifications (lib/shared/routing.ts matches them). */
export const S3_EVENT_SOURCE = 'aws.s3';
export const S3_OBJECT_CREATED = 'Object Created';

const LOCAL_REGION = 'local';
const LOCAL_ACCOUNT = '000000000000';
/** SigV4 caps a pre-signed URL at seven days. */
const MAX_EXPIRES_SECONDS = 7 * 24 * 60 * 60;
const AUTH_PARAMS = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
] as const;

/**
 * S3's own limit for one PUT. A file too large for Textract is accepted here as S3 accepts it, and the
 * document workflow marks it FAILED with FILE_TOO_LARGE, as in the cloud.
 */
const MAX_SINGLE_PUT_BYTES = 5 * 1024 ** 3;

export interface ObjectCreatedInput {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  readonly etag: string;
  readonly sequencer: string;
  readonly requestId: string;
  readonly sourceIp: string;
}

/** The detail of S3's "Object Created" EventBridge notification. */
export function objectCreatedDetail(input: ObjectCreatedInput): Record<string, unknown> {
  return {
    version: '0',
    bucket: { name: input.bucket },
    object: { key: input.key, size: input.size, etag: input.etag, sequencer: input.sequencer },
    'request-id': input.requestId,
    requester: LOCAL_ACCOUNT,
    'source-ip-address': input.sourceIp,
    reason: 'PutObject',
  };
}

export interface LocalS3Options {
  readonly objects: FolderObjectStore;
  /** Where S3's notifications go (the default bus in the cloud, forwarded to ours; the local bus here). */
  readonly events: PutEventsClient;
  /** The bucket's clock: expiry is judged by it. */
  readonly clock: Clock;
  readonly port?: number;
  readonly host?: string;
}

export interface LocalS3 {
  readonly url: string;
  /** The intake's `presign` dependency: the production presigner, pointed at this endpoint. */
  presign(request: UploadUrlRequest): Promise<string>;
  close(): Promise<void>;
}

class S3Error extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function startLocalS3(options: LocalS3Options): Promise<LocalS3> {
  const host = options.host ?? '127.0.0.1';
  // Credentials of this run only: URLs do not outlive the process that can verify them (15 minutes anyway).
  const credentials = {
    accessKeyId: `TESSERALOCAL${randomBytes(4).toString('hex').toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString('base64'),
  };
  const bucket = options.objects.bucket;
  let sequence = 0;

  // Listening first: the client that signs the URLs needs the endpoint's port.
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const endpoint = `http://${host}:${(server.address() as AddressInfo).port}`;
  const client = new S3Client({
    region: LOCAL_REGION,
    endpoint,
    forcePathStyle: true,
    credentials,
    // Otherwise the SDK signs the CRC32 of the empty body it presigns into the URL, and the upload of
    // the real file fails its checksum (the intake's Lambda client is set the same way).
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  // The presigner that signed the URLs, to sign each request again (the scope's region comes per request).
  const verifier = new S3RequestPresigner(client.config);

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const requestId = randomBytes(8).toString('hex').toUpperCase();
    void handle(req, res, requestId).catch((error: unknown) => {
      // Drain what is left so the client reads the answer instead of a reset connection.
      req.resume();
      if (error instanceof S3Error) return sendError(res, error, requestId);
      console.error(`local S3: ${error instanceof Error ? error.message : String(error)}`);
      sendError(res, new S3Error(500, 'InternalError', 'We encountered an internal error.'), requestId);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const [, bucketName, ...keyParts] = url.pathname.split('/');
    if (req.method !== 'PUT')
      throw new S3Error(405, 'MethodNotAllowed', `${req.method} is not allowed here; uploads are PUT`);
    if (bucketName !== bucket) throw new S3Error(404, 'NoSuchBucket', `no bucket ${bucketName ?? ''}`);
    const key = decodeURIComponent(keyParts.join('/'));
    if (!key) throw new S3Error(400, 'InvalidRequest', 'the PUT names no object key');

    await verifyQuerySignature(req, url);

    const declared = req.headers['content-length'];
    if (declared === undefined)
      throw new S3Error(411, 'MissingContentLength', 'the upload must say its Content-Length');
    if (Number(declared) > MAX_SINGLE_PUT_BYTES)
      throw new S3Error(
        400,
        'EntityTooLarge',
        `the upload is ${declared} bytes; one PUT takes up to ${MAX_SINGLE_PUT_BYTES} bytes`,
      );
    const bytes = await readBody(req, MAX_SINGLE_PUT_BYTES);

    const meta: Record<string, string> = {};
    for (const [name, value] of url.searchParams)
      if (name.startsWith('x-amz-meta-')) meta[name.slice('x-amz-meta-'.length)] = value;
    await options.objects.put(key, bytes, uploadMetadataFromS3(meta));

    const etag = createHash('md5').update(bytes).digest('hex');
    sequence += 1;
    const published = await options.events.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: S3_EVENT_SOURCE,
            DetailType: S3_OBJECT_CREATED,
            Resources: [`arn:aws:s3:::${bucket}`],
            Detail: JSON.stringify(
              objectCreatedDetail({
                bucket,
                key,
                size: bytes.length,
                etag,
                sequencer: sequence.toString(16).padStart(16, '0').toUpperCase(),
                requestId,
                sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
              }),
            ),
          },
        ],
      }),
    );
    // The object is stored; without its event nothing would read it, so the uploader is told to retry.
    if (published.FailedEntryCount)
      throw new Error(`Object Created for ${key} was not accepted: ${published.Entries?.[0]?.ErrorMessage}`);

    res.statusCode = 200;
    res.setHeader('ETag', `"${etag}"`);
    res.setHeader('x-amz-request-id', requestId);
    res.end();
  }

  /** SigV4 query authentication as S3 applies it: present, this key, not expired, the same signature. */
  async function verifyQuerySignature(req: IncomingMessage, url: URL): Promise<void> {
    const params = url.searchParams;
    const missing = AUTH_PARAMS.filter((name) => !params.get(name));
    if (missing.length > 0)
      throw new S3Error(403, 'AccessDenied', `the URL is not pre-signed (missing ${missing.join(', ')})`);
    const credential = params.get('X-Amz-Credential') as string;
    const [accessKeyId, , scopeRegion] = credential.split('/');
    if (accessKeyId !== credentials.accessKeyId)
      throw new S3Error(403, 'InvalidAccessKeyId', 'the URL was signed with a key this bucket does not know');
    const signedAt = parseAmzDate(params.get('X-Amz-Date') as string);
    const expires = Number(params.get('X-Amz-Expires'));
    if (!signedAt || !Number.isInteger(expires) || expires < 1 || expires > MAX_EXPIRES_SECONDS)
      throw new S3Error(403, 'AuthorizationQueryParametersError', 'X-Amz-Date or X-Amz-Expires is invalid');
    if (options.clock.now().getTime() > signedAt.getTime() + expires * 1000)
      throw new S3Error(403, 'AccessDenied', 'Request has expired');

    const signedHeaders = (params.get('X-Amz-SignedHeaders') as string).split(';');
    const headers: Record<string, string> = {};
    for (const name of signedHeaders) {
      const value = req.headers[name];
      if (value === undefined)
        throw new S3Error(403, 'SignatureDoesNotMatch', `the signed header ${name} is missing`);
      headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
    const query: Record<string, string> = {};
    for (const [name, value] of params) if (name !== 'X-Amz-Signature') query[name] = value;
    const hostHeader = headers.host ?? '';
    const [hostname, port] = hostHeader.split(':');
    const resigned = await verifier.presign(
      {
        method: 'PUT',
        protocol: 'http:',
        hostname: hostname ?? '',
        ...(port ? { port: Number(port) } : {}),
        // The path exactly as sent: S3 signs the encoded path without encoding it again.
        path: url.pathname,
        query,
        headers,
      } as Parameters<S3RequestPresigner['presign']>[0],
      {
        signingDate: signedAt,
        expiresIn: expires,
        signingRegion: scopeRegion ?? LOCAL_REGION,
        signableHeaders: new Set(signedHeaders),
      },
    );
    const expected = Buffer.from(String(resigned.query?.['X-Amz-Signature'] ?? ''));
    const given = Buffer.from(params.get('X-Amz-Signature') as string);
    // The presigner writes the scope from the signing date, region and service it was given: a URL whose
    // scope says anything else (another day, service) was not signed as it reads.
    const sameScope = resigned.query?.['X-Amz-Credential'] === credential;
    if (!sameScope || expected.length !== given.length || !timingSafeEqual(expected, given))
      throw new S3Error(
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided',
      );
  }

  return {
    url: endpoint,
    presign: (request) => presignDocumentUpload(client, bucket, request),
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function parseAmzDate(text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return undefined;
  return new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    // Content-Length can understate what is sent; the limit holds for the bytes themselves.
    if (size > limit) throw new S3Error(400, 'EntityTooLarge', `the upload is over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function sendError(res: ServerResponse, error: S3Error, requestId: string): void {
  if (res.headersSent) return;
  const xmlText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  res.statusCode = error.statusCode;
  res.setHeader('content-type', 'application/xml');
  res.setHeader('x-amz-request-id', requestId);
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${error.code}</Code><Message>${xmlText(error.message)}</Message><RequestId>${requestId}</RequestId></Error>`,
  );
}
