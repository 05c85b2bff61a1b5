import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  AnalyzeDocumentCommand,
  AnalyzeExpenseCommand,
  GetDocumentAnalysisCommand,
  StartDocumentAnalysisCommand,
  TextractClient,
  ThrottlingException,
} from '@aws-sdk/client-textract';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  TEXTRACT_RETRYABLE_ERRORS,
  TextractDocumentAnalyser,
} from '../../../lambdas/adapters/textract/textract-analyser.js';
import { TextractJobFailedError } from '../../../lambdas/core/documents/errors.js';
import { documentQueries } from '../../../lambdas/core/documents/field-extraction.js';

const responses = resolve(process.cwd(), '../shared/data/textract/responses');
const load = (name: string) => JSON.parse(readFileSync(resolve(responses, name), 'utf8'));

const textract = mockClient(TextractClient);
const analyser = () =>
  new TextractDocumentAnalyser(new TextractClient({ region: 'eu-west-1' }), {
    notificationTopicArn: 'arn:aws:sns:eu-west-1:123456789012:textract-completions',
    notificationRoleArn: 'arn:aws:iam::123456789012:role/textract-publish',
  });
const location = { bucket: 'tessera-documents', key: 'incoming/doc_0123456789ab/form.pdf' };

beforeEach(() => textract.reset());

describe('Textract adapter', () => {
  it('analyses one page with FORMS and QUERIES, asking the workflow queries by alias', async () => {
    // Prepare
    textract.on(AnalyzeDocumentCommand).resolves(load('analyzedoc_queries_textractor-test-doc.json'));
    // Act
    const doc = await analyser().analyse(location, 'analyze-document');
    // Assess
    const call = textract.commandCalls(AnalyzeDocumentCommand)[0]?.args[0].input;
    expect(call?.FeatureTypes).toEqual(['FORMS', 'QUERIES']);
    expect(call?.Document?.S3Object).toEqual({ Bucket: location.bucket, Name: location.key });
    expect(call?.QueriesConfig?.Queries?.map((q) => q.Alias)).toEqual(documentQueries.map((q) => q.alias));
    expect(doc.reader).toBe('textract-analyze-document');
    expect(doc.pageCount).toBe(1);
  });

  it('reads a receipt with AnalyzeExpense and keeps its total', async () => {
    // Prepare
    textract.on(AnalyzeExpenseCommand).resolves(load('analyzeexpense_receipt.json'));
    // Act
    const doc = await analyser().analyse(location, 'analyze-expense');
    // Assess
    expect(textract.commandCalls(AnalyzeDocumentCommand)).toHaveLength(0);
    expect(doc.expense?.summary.some((f) => f.type === 'TOTAL')).toBe(true);
  });

  it('starts an async job with the job tag, an idempotency token and the SNS channel', async () => {
    // Prepare
    textract.on(StartDocumentAnalysisCommand).resolves({ JobId: 'job-123' });
    // Act
    const { jobId } = await analyser().startAnalysis(location, 'analyze-document', {
      jobTag: 'doc_0123456789ab',
      clientRequestToken: 'doc_0123456789ab',
    });
    // Assess
    expect(jobId).toBe('job-123');
    expect(textract.commandCalls(StartDocumentAnalysisCommand)[0]?.args[0].input).toMatchObject({
      JobTag: 'doc_0123456789ab',
      ClientRequestToken: 'doc_0123456789ab',
      NotificationChannel: {
        SNSTopicArn: 'arn:aws:sns:eu-west-1:123456789012:textract-completions',
        RoleArn: 'arn:aws:iam::123456789012:role/textract-publish',
      },
    });
  });

  it('follows NextToken to the last page and merges every page into one document', async () => {
    // Prepare: three result pages of one two-page job
    const [first, second, third] = load('getdocumentanalysis_paginated-3-responses_DERIVED.json');
    const whole = load('getdocumentanalysis_multipage-2p_forms-tables.json');
    textract
      .on(GetDocumentAnalysisCommand, { JobId: 'job-9' })
      .resolves(first)
      .on(GetDocumentAnalysisCommand, { JobId: 'job-9', NextToken: 'DERIVED-FAKE-NEXT-TOKEN-1' })
      .resolves(second)
      .on(GetDocumentAnalysisCommand, { JobId: 'job-9', NextToken: 'DERIVED-FAKE-NEXT-TOKEN-2' })
      .resolves(third);
    // Act
    const doc = await analyser().analysisResults('job-9', 'analyze-document');
    // Assess: three calls, and the same key-values as the unsplit response
    expect(textract.commandCalls(GetDocumentAnalysisCommand)).toHaveLength(3);
    textract.reset();
    textract.on(GetDocumentAnalysisCommand).resolves(whole);
    const unsplit = await analyser().analysisResults('job-10', 'analyze-document');
    expect(doc.pageCount).toBe(2);
    expect(doc.keyValues).toEqual(unsplit.keyValues);
    expect(doc.tables).toEqual(unsplit.tables);
  });

  it('fails a FAILED job with Textract status message', async () => {
    // Prepare
    textract.on(GetDocumentAnalysisCommand).resolves(load('getdocumentanalysis_status-failed.json'));
    // Act
    const attempt = analyser().analysisResults('job-failed', 'analyze-document');
    // Assess
    await expect(attempt).rejects.toBeInstanceOf(TextractJobFailedError);
    await expect(analyser().analysisResults('job-failed', 'analyze-document')).rejects.toThrow(
      'Textract job FAILED: Dummy Status Message',
    );
  });

  it('lets throttling leave under the name the state machine retries with backoff', async () => {
    // Prepare
    textract
      .on(AnalyzeDocumentCommand)
      .rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }));
    const asl = JSON.parse(
      readFileSync(resolve(process.cwd(), 'stepfunctions/document-processing.asl.json'), 'utf8'),
    );
    // Act
    const error = await analyser()
      .analyse(location, 'analyze-document')
      .catch((e: unknown) => e as Error);
    // Assess
    expect((error as Error).name).toBe('ThrottlingException');
    for (const state of ['AnalyseDocument', 'StartAsyncAnalysis', 'FetchAnalysisResults']) {
      const retried = asl.States[state].Retry.flatMap((r: { ErrorEquals: string[] }) => r.ErrorEquals);
      expect(retried).toEqual(expect.arrayContaining([...TEXTRACT_RETRYABLE_ERRORS]));
      expect(asl.States[state].Retry[0].BackoffRate).toBeGreaterThan(1);
    }
  });
});
