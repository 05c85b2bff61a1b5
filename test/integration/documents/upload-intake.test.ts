/**
 * Documents arrive locally as in the cloud: `POST /documents` answers with a pre-signed S3 PUT URL, the PUT
 * to the local S3 endpoint stores the file and puts S3's "Object Created" event on the bus, and the routing
 * table's document-uploads route starts the document workflow. All over HTTP against the local runtime.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../../lambdas/core/ports.js';
import { renderDemoPdf } from '../../../local/document-reader/demo-documents.js';
import { type LocalRuntime, startLocalRuntime } from '../../../local/runtime.js';
import { demoReturnForm } from '../../unit/documents/demo-fixtures.js';
import { probeDocumentEvents } from './documents-probe.js';

const UPLOAD_ROUTE = 'document-uploads-to-workflow';

/** The runtime's clock, which a test moves forward to let a URL expire. */
let clockOffsetMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + clockOffsetMs) };

let runtime: LocalRuntime;
let pdf: Uint8Array;
let published: ReturnType<typeof probeDocumentEvents>;

interface IntakeAnswer {
  documentId: string;
  key: string;
  upload: { method: string; url: string; headers: Record<string, string>; expiresAt: string };
}

async function intake(body: Record<string, unknown>): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${runtime.api.url}/documents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

async function announce(fileName = 'return-form.pdf'): Promise<IntakeAnswer> {
  const { status, json } = await intake({
    kind: 'return',
    fileName,
    contentType: 'application/pdf',
    orderId: demoReturnForm.orderNumber,
  });
  expect(status).toBe(201);
  return json as IntakeAnswer;
}

async function put(url: string, bytes: Uint8Array, contentType = 'application/pdf') {
  const response = await fetch(url, { method: 'PUT', headers: { 'content-type': contentType }, body: bytes });
  return { status: response.status, text: await response.text() };
}

const uploadsDelivered = () => runtime.bus.stats()[UPLOAD_ROUTE]?.delivered ?? 0;
const inBucket = (key: string) =>
  runtime.documents.objects.size(key).then(
    () => true,
    () => false,
  );

beforeAll(async () => {
  runtime = await startLocalRuntime({ clock, bus: { retryBaseDelayMs: 1 } });
  published = probeDocumentEvents(runtime);
  pdf = await renderDemoPdf(demoReturnForm);
});
afterAll(async () => runtime?.stop());

describe('document intake over HTTP', () => {
  it('reads a return form sent through intake, the pre-signed PUT and the Object Created event', async () => {
    // Prepare
    const before = uploadsDelivered();
    const announced = await announce();
    // Act
    const uploaded = await put(announced.upload.url, pdf);
    const settled = await runtime.documents.settled(announced.documentId);
    // Assess: the URL points at the local S3 endpoint, the route delivered the event, the form was read
    expect(announced.upload.url.startsWith(runtime.documentIntake.s3.url)).toBe(true);
    expect(uploaded.status).toBe(200);
    expect(settled.record).toMatchObject({
      documentId: announced.documentId,
      status: 'PROCESSED',
      fileName: 'return-form.pdf',
      declaredKind: 'return',
      orderIdHint: demoReturnForm.orderNumber,
    });
    expect(settled.record.extraction?.fields.orderNumber?.value).toBe(demoReturnForm.orderNumber);
    expect(uploadsDelivered()).toBe(before + 1);
    expect(published.some((e) => e.detail.documentId === announced.documentId)).toBe(true);
  });

  it('refuses a tampered URL with 403, stores nothing and starts nothing', async () => {
    // Prepare
    const announced = await announce();
    const other = await announce('other.pdf');
    const url = new URL(announced.upload.url);
    const signature = url.searchParams.get('X-Amz-Signature') as string;
    const flipped = new URL(url);
    flipped.searchParams.set(
      'X-Amz-Signature',
      `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`,
    );
    const relabelled = new URL(url);
    relabelled.searchParams.set('x-amz-meta-document-kind', 'invoice');
    // the same signature on another document's key
    const moved = new URL(other.upload.url);
    moved.searchParams.set('X-Amz-Signature', signature);
    const unsigned = new URL(url.pathname, url.origin);
    // the signature kept, the credential scope moved to the day before, or naming a key the bucket does not know
    const [accessKey, day, ...scope] = (url.searchParams.get('X-Amz-Credential') as string).split('/');
    const dayBefore = new Date(
      Date.parse(`${day?.slice(0, 4)}-${day?.slice(4, 6)}-${day?.slice(6)}`) - 86_400_000,
    );
    const otherDay = new URL(url);
    otherDay.searchParams.set(
      'X-Amz-Credential',
      [accessKey, dayBefore.toISOString().slice(0, 10).replaceAll('-', ''), ...scope].join('/'),
    );
    const strangerKey = new URL(url);
    strangerKey.searchParams.set('X-Amz-Credential', ['AKIASTRANGER', day, ...scope].join('/'));
    const before = uploadsDelivered();
    // Act
    const answers = [
      await put(flipped.href, pdf),
      await put(relabelled.href, pdf),
      await put(moved.href, pdf),
      await put(announced.upload.url, pdf, 'image/png'),
      await put(unsigned.href, pdf),
      await put(otherDay.href, pdf),
      await put(strangerKey.href, pdf),
    ];
    // Assess
    expect(answers.map((a) => a.status)).toEqual([403, 403, 403, 403, 403, 403, 403]);
    expect(answers[0]?.text).toContain('<Code>SignatureDoesNotMatch</Code>');
    expect(answers[4]?.text).toContain('not pre-signed');
    expect(answers[5]?.text).toContain('<Code>SignatureDoesNotMatch</Code>');
    expect(answers[6]?.text).toContain('<Code>InvalidAccessKeyId</Code>');
    expect(await inBucket(announced.key)).toBe(false);
    expect(await inBucket(other.key)).toBe(false);
    expect((await runtime.documents.store.get(announced.documentId))?.status).toBe('RECEIVED');
    await runtime.bus.drain();
    expect(uploadsDelivered()).toBe(before);
  });

  it('refuses an expired URL with 403, and the document stays announced for a fresh URL', async () => {
    // Prepare
    const announced = await announce();
    clockOffsetMs = 16 * 60 * 1000; // the intake's URLs live 15 minutes
    // Act
    let answer: { status: number; text: string };
    try {
      answer = await put(announced.upload.url, pdf);
    } finally {
      clockOffsetMs = 0;
    }
    // Assess
    expect(answer.status).toBe(403);
    expect(answer.text).toContain('Request has expired');
    expect(await inBucket(announced.key)).toBe(false);
    expect((await runtime.documents.store.get(announced.documentId))?.status).toBe('RECEIVED');
  });

  it('refuses an unsupported type at intake, and fails a file too large for Textract naming the limit', async () => {
    // Prepare
    const png = (await intake({ kind: 'claim', fileName: 'scan.png', contentType: 'image/png' }))
      .json as IntakeAnswer;
    // A PNG by its signature, one byte over Textract's synchronous limit.
    const oversize = new Uint8Array(10 * 1024 * 1024 + 1);
    oversize.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // Act
    const unsupported = await intake({
      kind: 'claim',
      fileName: 'letter.docx',
      contentType: 'application/msword',
    });
    const uploaded = await put(png.upload.url, oversize, 'image/png');
    const settled = await runtime.documents.settled(png.documentId);
    // Assess: S3 takes the file as it would in the cloud; the workflow refuses it and keeps it listed.
    expect(unsupported.status).toBe(400);
    expect(JSON.stringify(unsupported.json)).toContain('contentType');
    expect(uploaded.status).toBe(200);
    expect(settled.record.status).toBe('FAILED');
    expect(JSON.stringify(settled.record)).toContain('FILE_TOO_LARGE');
    expect(JSON.stringify(settled.record)).toContain('Textract accepts PNG files up to 10 MB');
  });
});
