/**
 * The secondary ports of the document workflow. Each has an AWS adapter (S3, Textract, DynamoDB, Step
 * Functions) and a local one (a folder, the local reader, dynalite, the local runner); the workflow steps
 * only see these interfaces.
 */
import type { DocumentKind } from '../core/contracts/internal-events.js';
import type { NormalisedDocument } from '../core/documents/document-model.js';
import type { DocumentExtraction } from '../core/documents/field-extraction.js';

/** What the uploader declared with the file (S3 object metadata in the cloud, a sidecar file locally). */
export interface UploadMetadata {
  readonly documentId: string;
  readonly kind?: DocumentKind;
  readonly orderId?: string;
  readonly customerHint?: string;
  readonly fileName?: string;
}

export interface StoredObject {
  readonly bytes: Uint8Array;
  readonly metadata: UploadMetadata | undefined;
}

/** The documents bucket: uploaded files, and the large intermediate results the state machine refers to. */
export interface DocumentObjectStore {
  readonly bucket: string;
  /** Size without reading the object (limits are checked before the bytes are fetched). */
  size(key: string): Promise<number>;
  get(key: string): Promise<StoredObject>;
  putJson(key: string, value: unknown): Promise<void>;
  getJson(key: string): Promise<unknown>;
}

/** Which Textract API a document goes through. */
export type AnalysisMode = 'analyze-document' | 'analyze-expense';

export interface DocumentLocation {
  readonly bucket: string;
  readonly key: string;
}

/** Textract, or the local reader standing in for it; both produce the normalised document model. */
export interface DocumentAnalyser {
  analyse(location: DocumentLocation, mode: AnalysisMode): Promise<NormalisedDocument>;
  /** Starts an asynchronous job whose completion is announced (SNS in the cloud) with `jobTag`. */
  startAnalysis(
    location: DocumentLocation,
    mode: AnalysisMode,
    options: { readonly jobTag: string; readonly clientRequestToken: string },
  ): Promise<{ readonly jobId: string }>;
  /** All result pages of a finished job (NextToken followed to the end), merged. */
  analysisResults(jobId: string, mode: AnalysisMode): Promise<NormalisedDocument>;
}

/** Step Functions' callback API (SendTaskSuccess / SendTaskFailure), or the local runner's. */
export interface TaskCallbacks {
  succeed(taskToken: string, output: unknown): Promise<void>;
  fail(taskToken: string, error: string, cause: string): Promise<void>;
}

export type DocumentStatus = 'RECEIVED' | 'ANALYSING' | 'NEEDS_REVIEW' | 'PROCESSED' | 'FAILED';

export interface DocumentFailure {
  readonly error: string;
  readonly cause: string;
  readonly at: string;
}

export interface DocumentRecord {
  readonly documentId: string;
  readonly status: DocumentStatus;
  readonly bucket: string;
  readonly key: string;
  readonly receivedAt: string;
  readonly updatedAt: string;
  readonly declaredKind?: DocumentKind;
  readonly orderIdHint?: string;
  readonly customerHint?: string;
  readonly fileName?: string;
  readonly format?: string;
  readonly pages?: number;
  readonly mode?: AnalysisMode;
  readonly jobId?: string;
  readonly extraction?: DocumentExtraction;
  /** The extraction as the machine read it, kept beside a person's correction for audit. */
  readonly machineExtraction?: DocumentExtraction;
  readonly reviewTaskToken?: string;
  readonly reviewedBy?: string;
  readonly customerId?: string;
  readonly linkedVia?: string;
  readonly publishedEventId?: string;
  readonly failure?: DocumentFailure;
}

export interface QueueEntry {
  readonly documentId: string;
  readonly since: string;
  readonly summary: string;
}

/** The documents table: one record per document, the review and failure queues, and async task tokens. */
export interface DocumentStore {
  /** Creates the record unless it exists (a redelivered upload event changes nothing). */
  create(record: DocumentRecord): Promise<'created' | 'exists'>;
  get(documentId: string): Promise<DocumentRecord | undefined>;
  /** Merges `changes` into the record; `expectedStatus` makes it a conditional write. */
  update(
    documentId: string,
    changes: Partial<Omit<DocumentRecord, 'documentId'>>,
    expectedStatus?: readonly DocumentStatus[],
  ): Promise<DocumentRecord>;
  /** Removes attributes from the record (a consumed task token). */
  clear(documentId: string, attributes: readonly (keyof DocumentRecord)[]): Promise<void>;
  enqueue(queue: 'review' | 'failed', entry: QueueEntry): Promise<void>;
  dequeue(queue: 'review' | 'failed', documentId: string): Promise<void>;
  listQueue(queue: 'review' | 'failed', limit?: number): Promise<QueueEntry[]>;
  /** The callback token of a waiting asynchronous Textract job, by its job tag, with an expiry for TTL. */
  putJobToken(jobTag: string, token: JobToken): Promise<void>;
  getJobToken(jobTag: string): Promise<JobToken | undefined>;
  /** Marks the token used, so a redelivered completion message does not answer the execution twice. */
  completeJobToken(jobTag: string, at: string): Promise<void>;
}

export interface JobToken {
  readonly taskToken: string;
  readonly documentId: string;
  /** Epoch seconds: DynamoDB TTL removes tokens of executions that never heard back. */
  readonly expiresAt: number;
  readonly completedAt?: string;
}

export interface CustomerLinkInput {
  readonly documentId: string;
  readonly observedAt: string;
  readonly name?: string;
  readonly email?: string;
  readonly phone?: string;
  readonly address?: string;
  readonly customerHint?: string;
  readonly orderId?: string;
}

/** Links a document to a Tessera customer (the identity resolver behind a port). */
export interface CustomerLinker {
  link(input: CustomerLinkInput): Promise<{ readonly customerId?: string; readonly via: string }>;
}
