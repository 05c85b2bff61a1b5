/**
 * The local "Textract": the local reader behind the DocumentAnalyser port. The asynchronous API is imitated
 * as Textract behaves: start returns a job id at once, the reading happens in the background, and the end is
 * announced with the same completion message Textract publishes to SNS (SUCCEEDED, or FAILED with the
 * reason kept for GetDocumentAnalysis' StatusMessage).
 */
import { randomUUID } from 'node:crypto';
import type { NormalisedDocument } from '../../lambdas/core/documents/document-model.js';
import { TextractJobFailedError, TextractJobInProgressError } from '../../lambdas/core/documents/errors.js';
import type { TextractCompletionMessage } from '../../lambdas/core/documents/textract-completion.js';
import type {
  AnalysisMode,
  DocumentAnalyser,
  DocumentLocation,
  DocumentObjectStore,
} from '../../lambdas/documents-workflow/ports.js';
import type { LocalDocumentReader } from '../document-reader/local-document-reader.js';

type Job =
  | { readonly state: 'IN_PROGRESS' }
  | { readonly state: 'SUCCEEDED'; readonly document: NormalisedDocument }
  | { readonly state: 'FAILED'; readonly statusMessage: string };

export class LocalDocumentAnalyser implements DocumentAnalyser {
  private readonly jobs = new Map<string, Job>();
  private readonly running = new Set<Promise<void>>();
  /** Completion messages whose subscriber failed (the local dead-letter queue of the Textract topic). */
  readonly undelivered: { jobId: string; error: string }[] = [];

  constructor(
    private readonly reader: LocalDocumentReader,
    private readonly objects: DocumentObjectStore,
    /** The local SNS topic: receives each job's completion message. */
    private readonly notify: (message: TextractCompletionMessage) => Promise<unknown>,
  ) {}

  async analyse(location: DocumentLocation, _mode: AnalysisMode): Promise<NormalisedDocument> {
    const { bytes } = await this.objects.get(location.key);
    return this.reader.read(bytes, location.key.split('/').pop());
  }

  async startAnalysis(
    location: DocumentLocation,
    mode: AnalysisMode,
    options: { readonly jobTag: string; readonly clientRequestToken: string },
  ): Promise<{ readonly jobId: string }> {
    const jobId = randomUUID().replaceAll('-', '');
    this.jobs.set(jobId, { state: 'IN_PROGRESS' });
    const work = (async () => {
      let status: 'SUCCEEDED' | 'FAILED' = 'SUCCEEDED';
      try {
        this.jobs.set(jobId, { state: 'SUCCEEDED', document: await this.analyse(location, mode) });
      } catch (error) {
        status = 'FAILED';
        this.jobs.set(jobId, { state: 'FAILED', statusMessage: (error as Error).message });
      }
      try {
        await this.notify({
          JobId: jobId,
          Status: status,
          API: mode === 'analyze-expense' ? 'StartExpenseAnalysis' : 'StartDocumentAnalysis',
          JobTag: options.jobTag,
          Timestamp: Date.now(),
          DocumentLocation: { S3Bucket: location.bucket, S3ObjectName: location.key },
        });
      } catch (error) {
        // SNS would retry the subscriber and then dead-letter the message: keep it, never drop it.
        this.undelivered.push({ jobId, error: (error as Error).message });
      }
    })();
    const tracked = work.finally(() => this.running.delete(tracked));
    this.running.add(tracked);
    return { jobId };
  }

  async analysisResults(jobId: string, _mode: AnalysisMode): Promise<NormalisedDocument> {
    const job = this.jobs.get(jobId);
    if (!job) throw new Error(`no local Textract job ${jobId}`);
    if (job.state === 'IN_PROGRESS') throw new TextractJobInProgressError(undefined);
    if (job.state === 'FAILED') throw new TextractJobFailedError(job.statusMessage);
    return job.document;
  }

  /** Waits for background jobs (and their completion callbacks) to settle. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
