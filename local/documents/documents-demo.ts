/**
 * The documents part of the local demo: the simulated retailer's return forms and claim letters, rendered
 * as PDF and PNG (demo-documents.ts), sent the way a channel system sends them in the cloud: `POST /documents`
 * on the local API, a PUT of the file to the pre-signed URL it answers, and the bucket's Object Created event
 * through the bus to the document workflow.
 * Documents that wait for review are left in the queue for `tessera documents review`; the summary says how
 * many, and how well the extracted reason and amount match what the simulator meant.
 */
import type { ReasonCode } from '../../lambdas/core/contracts/common.js';
import type { DocumentKind } from '../../lambdas/core/contracts/internal-events.js';
import type { DocumentExtraction } from '../../lambdas/core/documents/field-extraction.js';
import type { DemoDocumentData, RenderedDemoDocument } from '../document-reader/demo-documents.js';
import { renderDemoDocuments } from '../document-reader/demo-documents.js';
import type { AddressTruth, ClaimDocumentData, ReturnDocumentData } from '../simulator/truth.js';
import type { LocalDocumentWorkflow } from './local-workflow.js';

export interface DocumentsDemoInput {
  readonly returns: readonly ReturnDocumentData[];
  readonly claims: readonly ClaimDocumentData[];
}

export interface DocumentsDemoOptions {
  /** How many of each (returns, claims) to render; each becomes a PDF and a PNG. Default 3. */
  readonly perKind?: number;
  readonly retailerName?: string;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface DocumentsDemoSummary {
  readonly submitted: number;
  readonly processed: number;
  readonly needsReview: number;
  readonly failed: number;
  /** Processed documents whose published reason and amount equal the simulator's intent. */
  readonly matchingIntent: number;
  readonly documents: readonly {
    readonly documentId: string;
    readonly fileName: string;
    readonly status: string;
    readonly error?: string;
  }[];
}

const addressLine = (a: AddressTruth | undefined) =>
  a ? [a.line1, a.line2, `${a.city} ${a.postcode}`, a.country].filter(Boolean).join(', ') : undefined;

/** The customer block both kinds of document print, from the simulator's record of who sent it. */
function demoCustomer(d: ReturnDocumentData | ClaimDocumentData): DemoDocumentData['customer'] {
  const address = addressLine(d.address);
  return {
    name: d.customerName,
    email: d.email ?? '',
    ...(d.phone ? { phone: d.phone } : {}),
    ...(address ? { address } : {}),
  };
}

function returnDocument(r: ReturnDocumentData, retailerName: string): DemoDocumentData {
  return {
    kind: 'return',
    retailerName,
    customer: demoCustomer(r),
    orderNumber: r.orderId,
    documentDate: r.requestedAt.slice(0, 10),
    currency: r.currency,
    items: r.lines.map((l) => ({
      sku: l.sku,
      description: l.productName,
      quantity: l.quantity,
      amount: l.refundAmount,
    })),
    reasonText: r.reasonText,
    intendedReason: r.reason,
  };
}

function claimDocument(c: ClaimDocumentData, retailerName: string): DemoDocumentData {
  return {
    kind: 'claim',
    retailerName,
    customer: demoCustomer(c),
    orderNumber: c.orderId,
    documentDate: c.claimedAt.slice(0, 10),
    currency: c.currency,
    items: c.lines.map((l) => ({
      sku: l.sku,
      description: l.productName,
      quantity: l.quantity,
      amount: l.amount,
    })),
    reasonText: c.narrative,
    intendedReason: c.reason,
  };
}

/** What the demo needs of the local runtime: its API, and the workflow to wait on. */
export interface DocumentsDemoRuntime {
  readonly api: { readonly url: string };
  readonly documents: LocalDocumentWorkflow;
}

/** Thrown when intake or the upload refuses a file; the message is the service's own answer. */
export class UploadRefusedError extends Error {
  override name = 'UploadRefusedError';
}

/** Intake, then the PUT to the URL it hands out; returns the document id the workflow will use. */
export async function uploadThroughIntake(
  apiUrl: string,
  file: RenderedDemoDocument,
  declared: { readonly kind: DocumentKind; readonly orderId?: string },
): Promise<string> {
  const intake = await fetch(`${apiUrl}/documents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      kind: declared.kind,
      fileName: file.fileName,
      contentType: file.contentType,
      ...(declared.orderId ? { orderId: declared.orderId } : {}),
    }),
  });
  const answer = (await intake.json()) as {
    documentId: string;
    upload: { url: string; headers: Record<string, string> };
    message?: string;
  };
  if (intake.status !== 201)
    throw new UploadRefusedError(`intake refused ${file.fileName}: ${intake.status} ${answer.message ?? ''}`);
  const put = await fetch(answer.upload.url, {
    method: 'PUT',
    headers: answer.upload.headers,
    body: file.bytes,
  });
  if (!put.ok)
    throw new UploadRefusedError(
      `the upload of ${file.fileName} was refused: ${put.status} ${await put.text()}`,
    );
  return answer.documentId;
}

/** Renders, uploads and waits for every document; returns what happened to each. */
export async function runDocumentsDemo(
  runtime: DocumentsDemoRuntime,
  input: DocumentsDemoInput,
  options: DocumentsDemoOptions = {},
): Promise<DocumentsDemoSummary> {
  const perKind = options.perKind ?? 3;
  const retailer = options.retailerName ?? 'Tessera Demo Retail';
  const data = [
    ...input.returns
      .filter((r) => r.email)
      .slice(0, perKind)
      .map((r) => returnDocument(r, retailer)),
    ...input.claims
      .filter((c) => c.email)
      .slice(0, perKind)
      .map((c) => claimDocument(c, retailer)),
  ];
  const rendered = (
    await Promise.all(data.map(async (d) => ({ data: d, files: await renderDemoDocuments(d) })))
  ).flatMap(({ data: d, files }) => files.map((file) => ({ data: d, file })));
  const documents: { documentId: string; fileName: string; status: string; error?: string }[] = [];
  let matchingIntent = 0;
  for (const { data: d, file } of rendered) {
    // One at a time: OCR is CPU-bound and the machine is small; the workflow itself is not the limit.
    let documentId: string;
    try {
      documentId = await uploadThroughIntake(runtime.api.url, file, { kind: d.kind, orderId: d.orderNumber });
    } catch (error) {
      if (!(error instanceof UploadRefusedError)) throw error;
      // Refused before it reached the bucket: listed with the refusal, never silently left out.
      documents.push({ documentId: '', fileName: file.fileName, status: 'FAILED', error: error.message });
      options.onProgress?.(documents.length, rendered.length);
      continue;
    }
    const settled = await runtime.documents.settled(documentId);
    const record = settled.record;
    documents.push({
      documentId,
      fileName: file.fileName,
      status: record.status,
      ...(record.failure ? { error: `${record.failure.error}: ${record.failure.cause}` } : {}),
    });
    if (record.status === 'PROCESSED' && matchesIntent(record.extraction, d.intendedReason, d))
      matchingIntent++;
    options.onProgress?.(documents.length, rendered.length);
  }
  return {
    submitted: documents.length,
    processed: documents.filter((x) => x.status === 'PROCESSED').length,
    needsReview: documents.filter((x) => x.status === 'NEEDS_REVIEW').length,
    failed: documents.filter((x) => x.status === 'FAILED').length,
    matchingIntent,
    documents,
  };
}

function matchesIntent(
  extraction: DocumentExtraction | undefined,
  reason: ReasonCode | undefined,
  d: DemoDocumentData,
): boolean {
  if (!extraction) return false;
  const total = d.items.reduce((sum, i) => sum + i.amount, 0);
  const amount = extraction.fields.total?.value.amount;
  return (
    extraction.fields.reason?.value.code === reason &&
    amount !== undefined &&
    Math.abs(amount - total) < 0.005 &&
    extraction.fields.orderNumber?.value === d.orderNumber
  );
}
