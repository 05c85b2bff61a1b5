/**
 * Composition root of the document workflow on this machine: the same steps, ASL file and DynamoDB layout
 * as the cloud, with a folder for the bucket, the local reader for Textract, an in-process "SNS" for job
 * completion and the local Step Functions runner for executions and task-token callbacks.
 */
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDocumentStore } from '../../lambdas/adapters/dynamodb/document-store.js';
import { DynamoIdentityStore } from '../../lambdas/adapters/dynamodb/identity-store.js';
import type { TesseraEvent } from '../../lambdas/core/contracts/envelope.js';
import type { DocumentKind } from '../../lambdas/core/contracts/internal-events.js';
import { identityConfig } from '../../lambdas/core/identity/config.js';
import { type Clock, type EventPublisher, systemClock } from '../../lambdas/core/ports.js';
import { runWorkflowTask } from '../../lambdas/documents-workflow/handler.js';
import { IdentityResolverLinker } from '../../lambdas/documents-workflow/identity-linker.js';
import type { CustomerLinker, DocumentRecord } from '../../lambdas/documents-workflow/ports.js';
import { createReviewService, type ReviewService } from '../../lambdas/documents-workflow/review-service.js';
import {
  type ClassifiedDocument,
  createDocumentWorkflowSteps,
  type DocumentWorkflowOptions,
  type DocumentWorkflowSteps,
  documentIdForKey,
  INCOMING_PREFIX,
} from '../../lambdas/documents-workflow/steps.js';
import { LocalDocumentReader } from '../document-reader/local-document-reader.js';
import type { LocalDynamo } from '../dynamodb.js';
import { type LocalExecution, LocalStepFunctions } from '../stepfunctions/runner.js';
import { FolderObjectStore } from './folder-object-store.js';
import { LocalDocumentAnalyser } from './local-analyser.js';
import { objectCreatedDetail, S3_EVENT_SOURCE, S3_OBJECT_CREATED } from './local-s3.js';

export const DOCUMENT_WORKFLOW_ASL = resolve(
  fileURLToPath(new URL('.', import.meta.url)),
  '../../stepfunctions/document-processing.asl.json',
);

/** The one function every Task state of the ASL file invokes (its `${DocumentsWorkflowFunctionArn}`). */
const DOCUMENTS_WORKFLOW_FUNCTION = 'tessera-documents-workflow';

/** How an execution ended. */
export type ExecutionResult = Pick<LocalExecution, 'status' | 'output' | 'error' | 'cause'>;

/** The state after the review gate (stepfunctions/document-processing.asl.json AwaitReview.Next). */
const RESUME_AFTER_REVIEW = 'LinkAndPublish';

export interface LocalDocumentWorkflowOptions {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly publisher: EventPublisher;
  readonly clock: Clock;
  /** The bucket folder, e.g. .tessera/documents */
  readonly folder: string;
  readonly linker: CustomerLinker;
  readonly reader?: LocalDocumentReader;
  readonly workflow?: DocumentWorkflowOptions;
  /** Replaces Retry intervals (ms); tests use 0. */
  readonly retryIntervalMs?: number;
}

export interface UploadInput {
  readonly fileName: string;
  readonly bytes: Uint8Array;
  readonly kind?: DocumentKind;
  readonly orderId?: string;
  readonly customerHint?: string;
}

/** What a finished (or parked) execution left: the document record and how the execution ended. */
export interface SettledDocument {
  readonly documentId: string;
  readonly record: DocumentRecord;
  /** Absent while the execution waits for a person's review. */
  readonly execution?: ExecutionResult;
}

export class LocalDocumentWorkflow {
  readonly objects: FolderObjectStore;
  readonly store: DynamoDocumentStore;
  readonly steps: DocumentWorkflowSteps;
  readonly review: ReviewService;
  readonly analyser: LocalDocumentAnalyser;
  private readonly reader: LocalDocumentReader;
  private readonly ownsReader: boolean;
  private readonly executions = new Map<string, Promise<LocalExecution>>();
  private readonly parked = new Map<string, () => void>();
  private readonly startWaiters = new Map<string, (() => void)[]>();
  private readonly stepFunctions: LocalStepFunctions;

  private constructor(private readonly options: LocalDocumentWorkflowOptions) {
    this.objects = new FolderObjectStore(options.folder);
    this.store = new DynamoDocumentStore(options.doc, options.tableName);
    this.ownsReader = !options.reader;
    this.reader = options.reader ?? new LocalDocumentReader();
    // The local SNS subscription: a completed job goes straight to the completion callback step.
    this.analyser = new LocalDocumentAnalyser(this.reader, this.objects, (message) =>
      this.steps.completeTextractJob(message),
    );
    const callbacks = {
      succeed: (token: string, output: unknown) => this.succeed(token, output),
      fail: (token: string, error: string, cause: string) => this.stepFunctions.fail(token, error, cause),
    };
    this.steps = createDocumentWorkflowSteps({
      objects: this.objects,
      analyser: this.analyser,
      store: this.store,
      callbacks,
      linker: options.linker,
      publisher: options.publisher,
      clock: options.clock,
      ...(options.workflow ? { options: options.workflow } : {}),
    });
    this.review = createReviewService({ store: this.store, callbacks, clock: options.clock });
    this.stepFunctions = new LocalStepFunctions({
      definitionFile: DOCUMENT_WORKFLOW_ASL,
      stateMachineName: 'tessera-local-documents',
      functionPlaceholders: { DocumentsWorkflowFunctionArn: DOCUMENTS_WORKFLOW_FUNCTION },
      functions: { [DOCUMENTS_WORKFLOW_FUNCTION]: (payload) => runWorkflowTask(this.steps, payload) },
      ...(options.retryIntervalMs !== undefined ? { retryIntervalMs: options.retryIntervalMs } : {}),
      onTaskWaiting: ({ payload, taskToken }) => {
        const p = payload as { task?: string; document?: ClassifiedDocument };
        if (p.task !== 'awaitReview' || !p.document) return;
        // Written before anyone is told the document waits, so a review from another process can resume it.
        writeFileSync(this.parkedPath(taskToken), JSON.stringify({ document: p.document }));
        this.parked.get(p.document.documentId)?.();
      },
    });
  }

  static async create(options: LocalDocumentWorkflowOptions): Promise<LocalDocumentWorkflow> {
    const workflow = new LocalDocumentWorkflow(options);
    await mkdir(workflow.parkedFolder, { recursive: true });
    return workflow;
  }

  /**
   * SendTaskSuccess. A review decided in another process (the `tessera documents review` command) finds no
   * execution waiting in memory: the parked state kept on disk lets it continue from the state after the
   * review gate, as Step Functions would resume the execution that waited.
   */
  private async succeed(token: string, output: unknown): Promise<void> {
    const parkedFile = this.parkedPath(token);
    if (this.stepFunctions.isWaiting(token)) {
      await this.stepFunctions.succeed(token, output);
      await rm(parkedFile, { force: true });
      return;
    }
    let parked: { document: ClassifiedDocument };
    try {
      parked = JSON.parse(await readFile(parkedFile, 'utf8'));
    } catch {
      const error = new Error(`no local execution is waiting for task token ${token}`);
      error.name = 'TaskTimedOut';
      throw error;
    }
    const { document } = parked;
    const state = {
      detail: { bucket: { name: document.bucket }, object: { key: document.key } },
      document,
      review: output,
    };
    const resumed = this.stepFunctions.startFrom(
      executionName(document.documentId),
      RESUME_AFTER_REVIEW,
      state,
    );
    this.executions.set(document.documentId, resumed.done);
    await rm(parkedFile, { force: true });
  }

  private parkedPath(token: string): string {
    return join(this.parkedFolder, `${createHash('sha256').update(token).digest('hex')}.json`);
  }

  private get parkedFolder(): string {
    return join(this.options.folder, '.executions');
  }

  /** The local pre-signed upload: the file lands under incoming/<documentId>/ with its metadata. */
  async upload(input: UploadInput): Promise<{ documentId: string; key: string }> {
    const documentId = `doc_${randomBytes(12).toString('hex')}`;
    const key = `${INCOMING_PREFIX}${documentId}/${input.fileName.replace(/[^A-Za-z0-9._-]/g, '_')}`;
    await this.objects.put(key, input.bytes, {
      documentId,
      fileName: input.fileName,
      ...(input.kind ? { kind: input.kind } : {}),
      ...(input.orderId ? { orderId: input.orderId } : {}),
      ...(input.customerHint ? { customerHint: input.customerHint } : {}),
    });
    return { documentId, key };
  }

  /** The S3 "Object Created" event EventBridge would deliver for an upload. */
  objectCreatedEvent(key: string, bytes: Uint8Array): TesseraEvent {
    const id = randomBytes(16).toString('hex');
    return {
      version: '0',
      id,
      'detail-type': S3_OBJECT_CREATED as never,
      source: S3_EVENT_SOURCE,
      account: '000000000000',
      time: this.options.clock.now().toISOString(),
      region: 'local',
      resources: [`arn:aws:s3:::${this.objects.bucket}`],
      detail: objectCreatedDetail({
        bucket: this.objects.bucket,
        key,
        size: bytes.length,
        etag: createHash('md5').update(bytes).digest('hex'),
        sequencer: id.slice(0, 16).toUpperCase(),
        requestId: id.slice(16).toUpperCase(),
        sourceIp: '127.0.0.1',
      }),
    };
  }

  /** StartExecution: returns once the execution has started; `settled` waits for it. */
  start(event: { detail: { object: { key: string } } }): string {
    const key = event.detail.object.key;
    const documentId = documentIdForKey(key);
    this.executions.set(documentId, this.stepFunctions.start(executionName(documentId), event).done);
    for (const notify of this.startWaiters.get(documentId) ?? []) notify();
    this.startWaiters.delete(documentId);
    return documentId;
  }

  /**
   * Resolves once the document's execution has started: after an upload through the intake API that is
   * when its Object Created event has come through the bus, some time after the PUT answered.
   */
  async started(documentId: string, timeoutMs = 120_000): Promise<void> {
    if (this.executions.has(documentId)) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.startWaiters.set(
          documentId,
          (this.startWaiters.get(documentId) ?? []).filter((notify) => notify !== started),
        );
        reject(
          new Error(
            `no execution started for document ${documentId} within ${timeoutMs} ms: its upload's Object Created event did not reach the document-uploads route`,
          ),
        );
      }, timeoutMs);
      const started = () => {
        clearTimeout(timer);
        resolve();
      };
      this.startWaiters.set(documentId, [...(this.startWaiters.get(documentId) ?? []), started]);
    });
  }

  /** The bus target for the route of uploads to the workflow (lib/shared/routing.ts). */
  readonly busTarget = async (event: TesseraEvent): Promise<void> => {
    this.start(event as unknown as { detail: { object: { key: string } } });
  };

  /**
   * Upload and start in one go, bypassing intake, the URL and the bus: for tests of the workflow itself.
   * The local runtime's path is the cloud's: `POST /documents`, PUT to the pre-signed URL, the event.
   */
  async submit(input: UploadInput): Promise<string> {
    const { key } = await this.upload(input);
    return this.start(this.objectCreatedEvent(key, input.bytes) as never);
  }

  /** Resolves when the execution has ended or is parked waiting for a person (waiting for it to start). */
  async settled(documentId: string): Promise<SettledDocument> {
    await this.started(documentId);
    const execution = this.executions.get(documentId);
    if (!execution) throw new Error(`no local execution for document ${documentId}`);
    const parked = new Promise<undefined>((resolve) => this.parked.set(documentId, () => resolve(undefined)));
    const record = await this.store.get(documentId);
    const ended =
      record?.status === 'NEEDS_REVIEW' && record.reviewTaskToken
        ? undefined
        : await Promise.race([execution, parked]);
    this.parked.delete(documentId);
    const final = await this.store.get(documentId);
    if (!final) throw new Error(`document ${documentId} has no record after its execution`);
    return { documentId, record: final, ...(ended ? { execution: ended } : {}) };
  }

  /** Waits for the execution to end (after a review, for instance). */
  async finished(documentId: string): Promise<SettledDocument> {
    const execution = this.executions.get(documentId);
    if (!execution) throw new Error(`no local execution for document ${documentId}`);
    const ended = await execution;
    const record = await this.store.get(documentId);
    if (!record) throw new Error(`document ${documentId} has no record after its execution`);
    return { documentId, record, execution: ended };
  }

  /** Ends the run: executions still waiting (for a review, say) are stopped; their parked state stays on disk. */
  async close(): Promise<void> {
    await this.analyser.drain();
    await this.stepFunctions.stop();
    if (this.ownsReader) await this.reader.close();
  }
}

/** Unique per execution: a redelivered upload event or a resumed review starts another execution. */
const executionName = (documentId: string) => `${documentId}-${randomBytes(4).toString('hex')}`;

/**
 * The document workflow of the local runtime: documents table in its dynalite, bucket folder
 * `<state>/documents` (a temporary folder when the runtime keeps its state in memory), customers linked
 * through the identity resolver on the runtime's customers table, events on the runtime's bus.
 */
export async function createRuntimeDocumentWorkflow(
  runtime: {
    readonly dynamo: LocalDynamo;
    readonly publisher: EventPublisher;
    readonly paths?: { readonly root: string };
  },
  options: {
    readonly clock?: Clock;
    readonly reader?: LocalDocumentReader;
    readonly workflow?: DocumentWorkflowOptions;
  } = {},
): Promise<LocalDocumentWorkflow> {
  const clock = options.clock ?? systemClock;
  const folder = runtime.paths
    ? join(runtime.paths.root, 'documents')
    : await mkdtemp(join(tmpdir(), 'tessera-documents-'));
  return LocalDocumentWorkflow.create({
    doc: runtime.dynamo.doc,
    tableName: runtime.dynamo.tables.documents,
    publisher: runtime.publisher,
    clock,
    folder,
    linker: new IdentityResolverLinker(
      new DynamoIdentityStore(runtime.dynamo.doc, runtime.dynamo.tables.customers),
      identityConfig(),
      clock,
    ),
    ...(options.reader ? { reader: options.reader } : {}),
    ...(options.workflow ? { workflow: options.workflow } : {}),
  });
}
