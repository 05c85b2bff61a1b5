/**
 * The tasks of the document workflow (stepfunctions/document-processing.asl.json), one function per Task
 * state. Each step is idempotent (Step Functions retries, SNS redelivers) and keeps what is large (the read
 * document) in the bucket, passing only references through the state machine (256 KB payload limit).
 */
import { createHash } from 'node:crypto';
import type { OutgoingEvent } from '../core/contracts/envelope.js';
import { DocumentProcessingFailedDetail } from '../core/contracts/internal-events.js';
import { InternalEventType, InternalSource } from '../core/contracts/names.js';
import { assertPageCount, inspectDocumentFile, textractLimits } from '../core/documents/document-file.js';
import type { NormalisedDocument } from '../core/documents/document-model.js';
import { DocumentError } from '../core/documents/errors.js';
import {
  type DocumentExtraction,
  defaultExtractionOptions,
  type ExtractionOptions,
  extractDocumentFields,
} from '../core/documents/field-extraction.js';
import { processedDocumentEvent } from '../core/documents/processed-event.js';
import { parseTextractCompletion } from '../core/documents/textract-completion.js';
import type { Clock, EventPublisher } from '../core/ports.js';
import { countPdfPages } from './pdf-pages.js';
import type {
  AnalysisMode,
  CustomerLinker,
  DocumentAnalyser,
  DocumentObjectStore,
  DocumentRecord,
  DocumentStore,
  TaskCallbacks,
} from './ports.js';

export interface DocumentWorkflowOptions {
  readonly extraction: Required<Pick<ExtractionOptions, 'reviewThreshold' | 'defaultCurrency' | 'dateOrder'>>;
  /** How long a token of an asynchronous Textract job is kept (DynamoDB TTL); the job's own limit is days. */
  readonly jobTokenTtlSeconds: number;
}

export const defaultWorkflowOptions: DocumentWorkflowOptions = {
  extraction: { ...defaultExtractionOptions },
  jobTokenTtlSeconds: 3 * 24 * 60 * 60,
};

export interface DocumentWorkflowDependencies {
  readonly objects: DocumentObjectStore;
  readonly analyser: DocumentAnalyser;
  readonly store: DocumentStore;
  readonly callbacks: TaskCallbacks;
  readonly linker: CustomerLinker;
  readonly publisher: EventPublisher;
  readonly clock: Clock;
  readonly options?: DocumentWorkflowOptions;
}

/** The document as the state machine carries it from ClassifyDocument on. */
export interface ClassifiedDocument {
  readonly documentId: string;
  readonly bucket: string;
  readonly key: string;
  readonly format: string;
  readonly pages: number;
  readonly mode: AnalysisMode;
  readonly route: 'sync' | 'async';
}

export interface AnalysisRef {
  readonly documentKey: string;
  readonly pages: number;
}

/** Uploads land at incoming/<documentId>/<file name>; the id is read back from the key. */
export const INCOMING_PREFIX = 'incoming/';

export function documentIdForKey(key: string): string {
  const match = /^incoming\/(doc_[0-9a-z]{8,40})\//.exec(key);
  if (match?.[1]) return match[1];
  // A file put in the bucket by other means still gets a stable id, so a redelivered event finds it again.
  return `doc_${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}

/** Textract's JobTag and ClientRequestToken alphabets are narrower than ours; ids fit both. */
function jobTagFor(documentId: string): string {
  return documentId.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64);
}

const resultKey = (documentId: string) => `results/${documentId}/document.json`;

export function createDocumentWorkflowSteps(deps: DocumentWorkflowDependencies) {
  const options = deps.options ?? defaultWorkflowOptions;
  const now = () => deps.clock.now().toISOString();

  async function ensureRecord(bucket: string, key: string): Promise<DocumentRecord> {
    const documentId = documentIdForKey(key);
    const existing = await deps.store.get(documentId);
    if (existing) return existing;
    const at = now();
    await deps.store.create({
      documentId,
      status: 'RECEIVED',
      bucket,
      key,
      receivedAt: at,
      updatedAt: at,
    });
    return (await deps.store.get(documentId)) as DocumentRecord;
  }

  return {
    /** Reads what the file is and routes it: one page -> synchronous API, more -> asynchronous job. */
    async classify(input: { bucket: string; key: string }): Promise<ClassifiedDocument> {
      const record = await ensureRecord(input.bucket, input.key);
      const { documentId } = record;
      const size = await deps.objects.size(input.key);
      const name = record.fileName ?? input.key.split('/').pop() ?? input.key;
      if (size > textractLimits.asyncPdfMaxBytes) {
        throw new DocumentError(
          'FILE_TOO_LARGE',
          `${name} is ${Math.round(size / 1024 / 1024)} MB; Textract accepts files up to ${textractLimits.asyncPdfMaxBytes / 1024 / 1024} MB`,
        );
      }
      const object = await deps.objects.get(input.key);
      const meta = object.metadata;
      // The declared metadata is recorded before anything can fail, so a failed document still shows it.
      await deps.store.update(documentId, {
        ...(meta?.kind ? { declaredKind: meta.kind } : {}),
        ...(meta?.orderId ? { orderIdHint: meta.orderId } : {}),
        ...(meta?.customerHint ? { customerHint: meta.customerHint } : {}),
        ...(meta?.fileName ? { fileName: meta.fileName } : {}),
      });
      const info = inspectDocumentFile(object.bytes, meta?.fileName ?? name);
      const pages = info.format === 'pdf' ? await countPdfPages(object.bytes, meta?.fileName ?? name) : 1;
      assertPageCount(pages, meta?.fileName ?? name);
      const kind = meta?.kind ?? record.declaredKind;
      const mode: AnalysisMode =
        kind === 'receipt' || kind === 'invoice' ? 'analyze-expense' : 'analyze-document';
      // TIFF may hold several pages and only the asynchronous API reads them all.
      const route =
        pages <= textractLimits.syncMaxPages &&
        info.bytes <= textractLimits.syncMaxBytes &&
        info.format !== 'tiff'
          ? 'sync'
          : 'async';
      if (route === 'async' && info.format !== 'pdf' && info.format !== 'tiff') {
        throw new DocumentError(
          'FILE_TOO_LARGE',
          `${name} is a ${info.format.toUpperCase()} of ${info.bytes} bytes; Textract reads images up to ${textractLimits.syncMaxBytes} bytes`,
        );
      }
      await deps.store.update(documentId, { status: 'ANALYSING', format: info.format, pages, mode });
      return { documentId, bucket: input.bucket, key: input.key, format: info.format, pages, mode, route };
    },

    async analyseSync(input: { document: ClassifiedDocument }): Promise<AnalysisRef> {
      const { document } = input;
      const doc = await deps.analyser.analyse({ bucket: document.bucket, key: document.key }, document.mode);
      return storeResult(document.documentId, doc);
    },

    /** Keeps the execution's token by job tag first, then starts the job: a fast completion always finds it. */
    async startAsync(input: {
      document: ClassifiedDocument;
      taskToken: string;
    }): Promise<{ jobTag: string; jobId: string }> {
      const { document } = input;
      const jobTag = jobTagFor(document.documentId);
      await deps.store.putJobToken(jobTag, {
        taskToken: input.taskToken,
        documentId: document.documentId,
        expiresAt: Math.floor(deps.clock.now().getTime() / 1000) + options.jobTokenTtlSeconds,
      });
      const { jobId } = await deps.analyser.startAnalysis(
        { bucket: document.bucket, key: document.key },
        document.mode,
        // Same token on a retried start: Textract returns the same job instead of starting (and billing) two.
        { jobTag, clientRequestToken: jobTag },
      );
      await deps.store.update(document.documentId, { jobId });
      return { jobTag, jobId };
    },

    /** The SNS completion message: resume the execution waiting on this job tag. */
    async completeTextractJob(message: unknown): Promise<'resumed' | 'already-resumed'> {
      const completion = parseTextractCompletion(message);
      if (!completion.JobTag) {
        throw new DocumentError(
          'TEXTRACT_RESPONSE_INVALID',
          `Textract job ${completion.JobId} completed without a JobTag; it was not started by the document workflow`,
        );
      }
      const token = await deps.store.getJobToken(completion.JobTag);
      if (!token) {
        throw new Error(
          `no execution is waiting for Textract job tag ${completion.JobTag} (job ${completion.JobId}); the token expired or was never stored`,
        );
      }
      if (token.completedAt) return 'already-resumed';
      // A FAILED job resumes too: FetchAnalysisResults reads Textract's StatusMessage and fails with it.
      await deps.callbacks.succeed(token.taskToken, {
        jobId: completion.JobId,
        status: completion.Status,
        api: completion.API,
      });
      await deps.store.completeJobToken(completion.JobTag, now());
      return 'resumed';
    },

    async fetchResults(input: {
      document: ClassifiedDocument;
      job: { jobId: string; status?: string };
    }): Promise<AnalysisRef> {
      const doc = await deps.analyser.analysisResults(input.job.jobId, input.document.mode);
      return storeResult(input.document.documentId, doc);
    },

    async extract(input: {
      document: ClassifiedDocument;
      analysis: AnalysisRef;
    }): Promise<{ reviewNeeded: boolean; kind: string; reasons: readonly string[] }> {
      const { document } = input;
      const record = await requireRecord(document.documentId);
      const doc = (await deps.objects.getJson(input.analysis.documentKey)) as NormalisedDocument;
      const extraction = extractDocumentFields(doc, {
        ...options.extraction,
        ...(record.declaredKind ? { kindHint: record.declaredKind } : {}),
      });
      await deps.store.update(document.documentId, { extraction, machineExtraction: extraction });
      return {
        reviewNeeded: extraction.review.needed,
        kind: extraction.kind.value,
        reasons: extraction.review.reasons,
      };
    },

    /** Parks the document in the review queue; a person's confirm or correct sends the token back. */
    async awaitReview(input: { document: ClassifiedDocument; taskToken: string }): Promise<{ queued: true }> {
      const { documentId } = input.document;
      const record = await deps.store.update(
        documentId,
        { status: 'NEEDS_REVIEW', reviewTaskToken: input.taskToken },
        ['ANALYSING', 'NEEDS_REVIEW'],
      );
      await deps.store.enqueue('review', {
        documentId,
        since: record.updatedAt,
        summary: reviewSummary(record),
      });
      return { queued: true };
    },

    /** Links the document to its customer and order, then tells the profile what it says. */
    async linkAndPublish(input: {
      document: ClassifiedDocument;
    }): Promise<{ customerId?: string; linkedVia: string; eventType?: string }> {
      const { documentId } = input.document;
      const record = await requireRecord(documentId);
      const extraction = record.extraction;
      if (!extraction) throw new Error(`document ${documentId} has no extracted fields to publish`);
      if (extraction.review.needed) {
        throw new Error(`document ${documentId} still needs review; nothing unconfirmed is published`);
      }
      const f = extraction.fields;
      const orderId = f.orderNumber?.value ?? record.orderIdHint;
      const link = await deps.linker.link({
        documentId,
        observedAt: now(),
        ...(f.customerName ? { name: f.customerName.value } : {}),
        ...(f.email ? { email: f.email.value } : {}),
        ...(f.phone ? { phone: f.phone.value } : {}),
        ...(f.address ? { address: f.address.value } : {}),
        ...(record.customerHint ? { customerHint: record.customerHint } : {}),
        ...(orderId ? { orderId } : {}),
      });
      // The event id is the document's own, so a retried publish is one event to every consumer.
      const event = processedDocumentEvent(extraction, {
        documentId,
        eventId: `${documentId}-processed`,
        occurredAt: now(),
        ...(link.customerId ? { customerId: link.customerId } : {}),
        ...(record.orderIdHint ? { orderIdHint: record.orderIdHint } : {}),
      });
      if (event) {
        await publishOrThrow({
          source: InternalSource.documents,
          detailType: event.detailType,
          detail: event.detail,
        });
      }
      await deps.store.update(documentId, {
        status: 'PROCESSED',
        linkedVia: link.via,
        ...(link.customerId ? { customerId: link.customerId } : {}),
        ...(event ? { publishedEventId: event.detail.eventId } : {}),
      });
      await deps.store.dequeue('review', documentId);
      return {
        linkedVia: link.via,
        ...(link.customerId ? { customerId: link.customerId } : {}),
        ...(event ? { eventType: event.detailType } : {}),
      };
    },

    /** Every Catch ends here: the error is kept on the document and the document listed for a person. */
    async recordFailure(input: {
      bucket: string;
      key: string;
      error: { Error?: string; Cause?: string };
    }): Promise<{ documentId: string; error: string; cause: string }> {
      const record = await ensureRecord(input.bucket, input.key);
      const error = input.error.Error ?? 'States.TaskFailed';
      const cause = causeMessage(input.error.Cause);
      const at = now();
      await deps.store.update(record.documentId, { status: 'FAILED', failure: { error, cause, at } });
      await deps.store.enqueue('failed', {
        documentId: record.documentId,
        since: at,
        summary: `${error}: ${cause}`.slice(0, 500),
      });
      await deps.store.dequeue('review', record.documentId);
      const detail = DocumentProcessingFailedDetail.parse({
        schemaVersion: 1,
        eventId: `${record.documentId}-failed`,
        occurredAt: at,
        documentId: record.documentId,
        error: `${error}: ${cause}`.slice(0, 2000),
      });
      await publishOrThrow({
        source: InternalSource.documents,
        detailType: InternalEventType.DocumentProcessingFailed,
        detail,
      });
      return { documentId: record.documentId, error, cause };
    },
  };

  async function storeResult(documentId: string, doc: NormalisedDocument): Promise<AnalysisRef> {
    assertPageCount(doc.pageCount, documentId);
    const documentKey = resultKey(documentId);
    await deps.objects.putJson(documentKey, doc);
    return { documentKey, pages: doc.pageCount };
  }

  async function requireRecord(documentId: string): Promise<DocumentRecord> {
    const record = await deps.store.get(documentId);
    if (!record) throw new Error(`document ${documentId} is not in the documents table`);
    return record;
  }

  async function publishOrThrow(event: OutgoingEvent): Promise<void> {
    const [outcome] = await deps.publisher.publish([event]);
    if (!outcome?.ok) {
      throw new Error(
        `could not publish ${event.detailType}: ${outcome ? `${outcome.errorCode} ${outcome.errorMessage}` : 'no outcome'}`,
      );
    }
  }
}

export type DocumentWorkflowSteps = ReturnType<typeof createDocumentWorkflowSteps>;

function reviewSummary(record: DocumentRecord): string {
  const e: DocumentExtraction | undefined = record.extraction;
  if (!e) return 'no extraction';
  return `${e.kind.value}: ${e.review.reasons.join('; ')}`.slice(0, 500);
}

/** Lambda reports a task error's cause as JSON ({errorMessage, errorType}); the local runner as text. */
function causeMessage(cause: string | undefined): string {
  if (!cause) return 'no cause was given';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // not JSON: the cause is the message itself
  }
  return cause;
}
