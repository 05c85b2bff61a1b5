/**
 * Amazon Textract behind the DocumentAnalyser port: AnalyzeDocument (FORMS + QUERIES) or AnalyzeExpense for
 * one page, StartDocumentAnalysis / StartExpenseAnalysis with an SNS completion channel for more, and the
 * results read with NextToken to the last page and merged by the core normaliser.
 *
 * Throttling and service errors leave with the SDK's own error names (ThrottlingException,
 * ProvisionedThroughputExceededException, InternalServerError, LimitExceededException): the state machine
 * retries exactly those names with backoff, after the SDK's own quick retries.
 */
import {
  AnalyzeDocumentCommand,
  AnalyzeExpenseCommand,
  type FeatureType,
  GetDocumentAnalysisCommand,
  GetExpenseAnalysisCommand,
  type QueriesConfig,
  StartDocumentAnalysisCommand,
  StartExpenseAnalysisCommand,
  type TextractClient,
} from '@aws-sdk/client-textract';
import type { NormalisedDocument } from '../../core/documents/document-model.js';
import { TextractResponseError } from '../../core/documents/errors.js';
import { documentQueries } from '../../core/documents/field-extraction.js';
import { normaliseTextractResponse } from '../../core/documents/textract-normalise.js';
import type { AnalysisMode, DocumentAnalyser, DocumentLocation } from '../../documents-workflow/ports.js';

/** The Textract error names the workflow retries with backoff (kept beside the adapter that throws them). */
export const TEXTRACT_RETRYABLE_ERRORS = [
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'InternalServerError',
  'LimitExceededException',
] as const;

export interface TextractAnalyserOptions {
  /** SNS topic Textract publishes job completion to, and the role it assumes to publish. */
  readonly notificationTopicArn: string;
  readonly notificationRoleArn: string;
  /**
   * Upper bound on result pages followed for one job: Textract's own limits (3,000 pages, 1,000 blocks
   * per response) keep a real job far below it; a token that never ends is a fault, not a big document.
   */
  readonly maxResultPages?: number;
}

type TextractSend = Pick<TextractClient, 'send'>;

const FEATURES: FeatureType[] = ['FORMS', 'QUERIES'];
const queriesConfig = (): QueriesConfig => ({
  Queries: documentQueries.map((q) => ({ Text: q.text, Alias: q.alias })),
});

export class TextractDocumentAnalyser implements DocumentAnalyser {
  constructor(
    private readonly client: TextractSend,
    private readonly options: TextractAnalyserOptions,
  ) {}

  async analyse(location: DocumentLocation, mode: AnalysisMode): Promise<NormalisedDocument> {
    const Document = { S3Object: { Bucket: location.bucket, Name: location.key } };
    const response =
      mode === 'analyze-expense'
        ? await this.client.send(new AnalyzeExpenseCommand({ Document }))
        : await this.client.send(
            new AnalyzeDocumentCommand({ Document, FeatureTypes: FEATURES, QueriesConfig: queriesConfig() }),
          );
    return normaliseTextractResponse(withoutMetadata(response));
  }

  async startAnalysis(
    location: DocumentLocation,
    mode: AnalysisMode,
    options: { readonly jobTag: string; readonly clientRequestToken: string },
  ): Promise<{ readonly jobId: string }> {
    const common = {
      DocumentLocation: { S3Object: { Bucket: location.bucket, Name: location.key } },
      JobTag: options.jobTag,
      ClientRequestToken: options.clientRequestToken,
      NotificationChannel: {
        SNSTopicArn: this.options.notificationTopicArn,
        RoleArn: this.options.notificationRoleArn,
      },
    };
    const { JobId } =
      mode === 'analyze-expense'
        ? await this.client.send(new StartExpenseAnalysisCommand(common))
        : await this.client.send(
            new StartDocumentAnalysisCommand({
              ...common,
              FeatureTypes: FEATURES,
              QueriesConfig: queriesConfig(),
            }),
          );
    if (!JobId) {
      throw new TextractResponseError(
        'TEXTRACT_RESPONSE_INVALID',
        'Textract started a job but returned no JobId',
      );
    }
    return { jobId: JobId };
  }

  async analysisResults(jobId: string, mode: AnalysisMode): Promise<NormalisedDocument> {
    const limit = this.options.maxResultPages ?? 5000;
    const responses: unknown[] = [];
    let nextToken: string | undefined;
    do {
      const input = { JobId: jobId, MaxResults: 1000, ...(nextToken ? { NextToken: nextToken } : {}) };
      const response =
        mode === 'analyze-expense'
          ? await this.client.send(new GetExpenseAnalysisCommand(input))
          : await this.client.send(new GetDocumentAnalysisCommand(input));
      responses.push(withoutMetadata(response));
      // IN_PROGRESS or FAILED: no pages follow; the normaliser turns the status into its typed error.
      if (response.JobStatus !== 'SUCCEEDED' && response.JobStatus !== 'PARTIAL_SUCCESS') break;
      nextToken = response.NextToken;
      if (responses.length >= limit && nextToken) {
        throw new TextractResponseError(
          'TEXTRACT_RESPONSE_INCOMPLETE',
          `Textract job ${jobId} still had a NextToken after ${limit} result pages; the result is incomplete`,
        );
      }
    } while (nextToken);
    return normaliseTextractResponse(responses);
  }
}

/** The SDK adds $metadata (request id, attempts); the normaliser validates Textract's own fields only. */
function withoutMetadata(response: object): unknown {
  const { $metadata: _metadata, ...rest } = response as { $metadata?: unknown };
  return rest;
}
