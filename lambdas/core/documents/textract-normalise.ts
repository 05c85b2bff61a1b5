/**
 * Textract response -> NormalisedDocument, for every shape Textract answers with: AnalyzeDocument,
 * GetDocumentAnalysis (one response, or the NextToken pages of one job as an array, merged), AnalyzeExpense
 * and GetExpenseAnalysis (one or paginated), the console-export variant (KEY / VALUE block types), and
 * job statuses (IN_PROGRESS and FAILED become typed errors carrying Textract's message).
 *
 * Why our own block-graph walk rather than amazon-textract-response-parser (0.4.3, read before deciding):
 * the parser does merge arrays of paginated responses, but it reports a leftover NextToken ("content may be
 * truncated") and dangling relationship ids as console warnings and carries on, its FAILED-job error drops
 * Textract's StatusMessage, a key with several value blocks keeps only the first, and its wrapper classes
 * would still need our zod validation in front and a mapping to our model behind. The walk below is short,
 * runs over a validated block list, and fails loudly on a truncated result instead of returning a document
 * with fields silently missing.
 */
import type { z } from 'zod';
import { describeIssues } from '../validation.js';
import {
  cleanKey,
  type DocumentLine,
  type DocumentPage,
  type DocumentTable,
  type ExpenseField,
  type ExpenseLineItem,
  fromPercent,
  type KeyValuePair,
  type NormalisedDocument,
  type QueryAnswer,
} from './document-model.js';
import { TextractJobFailedError, TextractJobInProgressError, TextractResponseError } from './errors.js';
import {
  TextractAnalysisResponse,
  type TextractBlock,
  type TextractExpenseField,
  TextractExpenseResponse,
  TextractStatusOnlyResponse,
} from './textract-schema.js';

type ResponseShape = 'analysis' | 'expense' | 'status';

/**
 * Normalises one Textract response, or the array of paginated responses of one job (in NextToken order).
 * Throws TextractJobInProgressError, TextractJobFailedError or TextractResponseError (invalid / incomplete).
 */
export function normaliseTextractResponse(input: unknown): NormalisedDocument {
  const responses = Array.isArray(input) ? input : [input];
  if (responses.length === 0) {
    throw new TextractResponseError('TEXTRACT_RESPONSE_INVALID', 'an empty array is not a Textract response');
  }
  const shapes = responses.map((r, i) => shapeOf(r, responses.length > 1 ? i : undefined));

  // A job status wins over everything else: a FAILED or unfinished job has no results to read.
  for (const [i, response] of responses.entries()) {
    const status = (response as { JobStatus?: unknown }).JobStatus;
    if (status === 'FAILED' || status === 'IN_PROGRESS') {
      const parsed = parse(TextractStatusOnlyResponse, response, where(i, responses.length));
      if (parsed.JobStatus === 'FAILED') throw new TextractJobFailedError(parsed.StatusMessage);
      throw new TextractJobInProgressError(parsed.StatusMessage);
    }
  }
  if (shapes.includes('status')) {
    throw new TextractResponseError(
      'TEXTRACT_RESPONSE_INVALID',
      `${where(shapes.indexOf('status'), responses.length)}has a JobStatus but neither Blocks nor ExpenseDocuments: the response is truncated`,
    );
  }
  const kinds = new Set(shapes);
  if (kinds.size > 1) {
    throw new TextractResponseError(
      'TEXTRACT_RESPONSE_INVALID',
      'the array mixes document-analysis and expense-analysis responses; pass the pages of one job only',
    );
  }
  return shapes[0] === 'expense'
    ? normaliseExpense(responses.map((r, i) => parse(TextractExpenseResponse, r, where(i, responses.length))))
    : normaliseAnalysis(
        responses.map((r, i) => parse(TextractAnalysisResponse, r, where(i, responses.length))),
      );
}

function shapeOf(response: unknown, index: number | undefined): ResponseShape {
  if (typeof response !== 'object' || response === null || Array.isArray(response)) {
    throw new TextractResponseError(
      'TEXTRACT_RESPONSE_INVALID',
      `${index === undefined ? '' : `response ${index + 1}: `}expected a Textract response object, got ${response === null ? 'null' : Array.isArray(response) ? 'a nested array' : typeof response}`,
    );
  }
  if ('ExpenseDocuments' in response) return 'expense';
  if ('Blocks' in response) return 'analysis';
  if ('JobStatus' in response) return 'status';
  const keys = Object.keys(response).slice(0, 8).join(', ') || 'none';
  throw new TextractResponseError(
    'TEXTRACT_RESPONSE_INVALID',
    `${index === undefined ? '' : `response ${index + 1}: `}not a Textract response: no Blocks, ExpenseDocuments or JobStatus (keys: ${keys})`,
  );
}

function where(index: number, count: number): string {
  return count > 1 ? `response ${index + 1} of ${count}: ` : '';
}

function parse<S extends z.ZodType>(schema: S, value: unknown, prefix: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  // A malformed page can break thousands of blocks alike: the first five say what is wrong.
  const issues = describeIssues(result.error.issues.slice(0, 5));
  throw new TextractResponseError(
    'TEXTRACT_RESPONSE_INVALID',
    `${prefix}invalid Textract response (${result.error.issues.length} problem(s)): ${issues}`,
  );
}

/** The last page of a paginated result has no NextToken; if it has one, pages were not fetched. */
function assertComplete(responses: readonly { NextToken?: string | null | undefined }[]): void {
  const last = responses[responses.length - 1];
  if (last?.NextToken) {
    throw new TextractResponseError(
      'TEXTRACT_RESPONSE_INCOMPLETE',
      `the ${responses.length > 1 ? `last of ${responses.length} responses` : 'response'} carries a NextToken: more result pages exist and were not fetched; pass all pages of the job as one array`,
    );
  }
}

function warningsOf(
  responses: readonly { Warnings?: { ErrorCode?: string; Pages?: number[] }[] }[],
): string[] {
  return responses.flatMap((r) =>
    (r.Warnings ?? []).map(
      (w) =>
        `Textract warning ${w.ErrorCode ?? 'unknown'} on page(s) ${(w.Pages ?? []).join(', ') || 'unknown'}`,
    ),
  );
}

function pageCountOf(
  responses: readonly { DocumentMetadata?: { Pages?: number } }[],
  seenMax: number,
): number {
  const declared = Math.max(0, ...responses.map((r) => r.DocumentMetadata?.Pages ?? 0));
  return Math.max(declared, seenMax);
}

function normaliseAnalysis(responses: readonly TextractAnalysisResponse[]): NormalisedDocument {
  assertComplete(responses);
  const blocks = responses.flatMap((r) => r.Blocks);
  if (blocks.length === 0) {
    throw new TextractResponseError(
      'TEXTRACT_RESPONSE_INCOMPLETE',
      'the response has no Blocks: it is truncated',
    );
  }
  const graph = new BlockGraph(blocks);
  const warnings = [...warningsOf(responses), ...graph.warnings];

  const linesByPage = new Map<number, DocumentLine[]>();
  const keyValues: KeyValuePair[] = [];
  const tables: DocumentTable[] = [];
  const queries: QueryAnswer[] = [];
  let maxPage = 0;

  for (const block of blocks) {
    const page = block.Page ?? 1;
    maxPage = Math.max(maxPage, page);
    switch (block.BlockType) {
      case 'LINE': {
        const lines = linesByPage.get(page) ?? [];
        lines.push({ text: block.Text ?? graph.textOf(block), confidence: fromPercent(block.Confidence) });
        linesByPage.set(page, lines);
        break;
      }
      case 'KEY':
      case 'KEY_VALUE_SET': {
        // The console export spells the key block KEY; the API spells it KEY_VALUE_SET with EntityTypes KEY.
        if (block.BlockType === 'KEY_VALUE_SET' && !block.EntityTypes?.includes('KEY')) break;
        keyValues.push(graph.keyValueOf(block, page));
        break;
      }
      case 'TABLE':
        tables.push(graph.tableOf(block, page));
        break;
      case 'QUERY':
        queries.push(...graph.answersOf(block, page));
        break;
      default:
        break;
    }
  }

  const pageCount = pageCountOf(responses, maxPage);
  return {
    reader: 'textract-analyze-document',
    pageCount,
    pages: pagesOf(pageCount, linesByPage),
    keyValues,
    tables,
    queries,
    warnings,
  };
}

function pagesOf(pageCount: number, linesByPage: ReadonlyMap<number, DocumentLine[]>): DocumentPage[] {
  return Array.from({ length: pageCount }, (_, i) => ({
    number: i + 1,
    lines: linesByPage.get(i + 1) ?? [],
  }));
}

/** Id-indexed blocks. Every relationship must resolve: a dangling id means a truncated response. */
class BlockGraph {
  private readonly byId = new Map<string, TextractBlock>();
  readonly warnings: string[] = [];

  constructor(blocks: readonly TextractBlock[]) {
    let duplicates = 0;
    for (const block of blocks) {
      if (this.byId.has(block.Id)) duplicates++;
      this.byId.set(block.Id, block);
    }
    if (duplicates > 0) {
      this.warnings.push(
        `${duplicates} block id(s) appear more than once (a result page passed twice?); the last copy was used`,
      );
    }
    const missing = new Set<string>();
    for (const block of blocks) {
      for (const rel of block.Relationships ?? []) {
        for (const id of rel.Ids) if (!this.byId.has(id)) missing.add(id);
      }
    }
    if (missing.size > 0) {
      throw new TextractResponseError(
        'TEXTRACT_RESPONSE_INCOMPLETE',
        `${missing.size} relationship id(s) point to blocks that are not in the response (first: ${[...missing][0]}): the response is truncated or result pages of the job are missing`,
      );
    }
  }

  related(block: TextractBlock, type: string): TextractBlock[] {
    return (block.Relationships ?? [])
      .filter((r) => r.Type === type)
      .flatMap((r) => r.Ids.map((id) => this.byId.get(id)!));
  }

  /** Text of a block's WORD children; a selection element reads as its status. */
  textOf(block: TextractBlock): string {
    return this.related(block, 'CHILD')
      .map((child) => (child.BlockType === 'WORD' || child.BlockType === 'LINE' ? (child.Text ?? '') : ''))
      .filter((t) => t !== '')
      .join(' ');
  }

  selectionOf(block: TextractBlock): boolean | undefined {
    const selection = this.related(block, 'CHILD').find((c) => c.BlockType === 'SELECTION_ELEMENT');
    return selection ? selection.SelectionStatus === 'SELECTED' : undefined;
  }

  keyValueOf(keyBlock: TextractBlock, page: number): KeyValuePair {
    const valueBlocks = this.related(keyBlock, 'VALUE');
    const value = valueBlocks
      .map((v) => this.textOf(v))
      .filter((t) => t !== '')
      .join(' ');
    const selection = valueBlocks.map((v) => this.selectionOf(v)).find((s) => s !== undefined);
    const confidences = [keyBlock, ...valueBlocks].map((b) => b.Confidence).filter((c) => c !== undefined);
    const pair: KeyValuePair = {
      key: cleanKey(this.textOf(keyBlock)),
      value: value === '' && selection !== undefined ? (selection ? 'SELECTED' : 'NOT_SELECTED') : value,
      confidence: fromPercent(confidences.length > 0 ? Math.min(...confidences) : undefined),
      page,
    };
    return selection === undefined ? pair : { ...pair, selected: selection };
  }

  tableOf(tableBlock: TextractBlock, page: number): DocumentTable {
    const cells = this.related(tableBlock, 'CHILD').filter((c) => c.BlockType === 'CELL');
    const rowCount = Math.max(0, ...cells.map((c) => c.RowIndex ?? 0));
    const columnCount = Math.max(0, ...cells.map((c) => c.ColumnIndex ?? 0));
    const rows = Array.from({ length: rowCount }, () => Array.from({ length: columnCount }, () => ''));
    for (const cell of cells) {
      const row = rows[(cell.RowIndex ?? 1) - 1];
      if (row) row[(cell.ColumnIndex ?? 1) - 1] = this.textOf(cell);
    }
    return { page, confidence: fromPercent(tableBlock.Confidence), rows };
  }

  /** An unanswered query (no ANSWER relationship, or an empty answer) yields nothing: absent, not empty. */
  answersOf(queryBlock: TextractBlock, page: number): QueryAnswer[] {
    const question = queryBlock.Query?.Text ?? '';
    const alias = queryBlock.Query?.Alias;
    return this.related(queryBlock, 'ANSWER')
      .filter((answer) => (answer.Text ?? '').trim() !== '')
      .map((answer) => ({
        question,
        ...(alias ? { alias } : {}),
        answer: (answer.Text ?? '').trim(),
        confidence: fromPercent(answer.Confidence),
        page: answer.Page ?? queryBlock.Page ?? page,
      }));
  }
}

function normaliseExpense(responses: readonly TextractExpenseResponse[]): NormalisedDocument {
  assertComplete(responses);
  const summary: ExpenseField[] = [];
  const lineItems: ExpenseLineItem[] = [];
  const linesByPage = new Map<number, DocumentLine[]>();
  let maxPage = 0;
  let position = 0;

  for (const response of responses) {
    for (const expenseDocument of response.ExpenseDocuments) {
      position++;
      const expenseIndex = expenseDocument.ExpenseIndex ?? position;
      for (const field of expenseDocument.SummaryFields) {
        const normalised = expenseFieldOf(field, expenseIndex);
        maxPage = Math.max(maxPage, normalised.page);
        summary.push(normalised);
      }
      for (const group of expenseDocument.LineItemGroups) {
        for (const item of group.LineItems) {
          const fields = item.LineItemExpenseFields.map((f) => expenseFieldOf(f, expenseIndex));
          lineItems.push({ expenseIndex, page: fields[0]?.page ?? 1, fields });
        }
      }
      // AnalyzeExpense repeats the page's LINE blocks inside each expense document; keep each line once.
      const seen = new Set<string>();
      for (const block of expenseDocument.Blocks ?? []) {
        if (block.BlockType !== 'LINE' || seen.has(block.Id)) continue;
        seen.add(block.Id);
        const page = block.Page ?? 1;
        maxPage = Math.max(maxPage, page);
        const lines = linesByPage.get(page) ?? [];
        lines.push({ text: block.Text ?? '', confidence: fromPercent(block.Confidence) });
        linesByPage.set(page, lines);
      }
    }
  }
  if (
    summary.length === 0 &&
    lineItems.length === 0 &&
    responses.every((r) => r.ExpenseDocuments.length === 0)
  ) {
    throw new TextractResponseError(
      'TEXTRACT_RESPONSE_INCOMPLETE',
      'the expense response has no ExpenseDocuments: it is truncated or the document has no pages',
    );
  }
  const pageCount = pageCountOf(responses, maxPage);
  return {
    reader: 'textract-analyze-expense',
    pageCount,
    pages: pagesOf(pageCount, linesByPage),
    keyValues: [],
    tables: [],
    queries: [],
    expense: { summary, lineItems },
    warnings: warningsOf(responses),
  };
}

function expenseFieldOf(field: TextractExpenseField, expenseIndex: number): ExpenseField {
  const label = field.LabelDetection?.Text?.replace(/\s+/g, ' ').trim();
  const groups = (field.GroupProperties ?? []).flatMap((g) => g.Types ?? []);
  const confidence = field.ValueDetection?.Confidence ?? field.Type?.Confidence;
  return {
    type: field.Type?.Text ?? 'OTHER',
    ...(label ? { label: cleanKey(label) } : {}),
    value: (field.ValueDetection?.Text ?? '').trim(),
    confidence: fromPercent(confidence),
    page: field.PageNumber ?? 1,
    ...(field.Currency?.Code ? { currency: field.Currency.Code } : {}),
    ...(groups.length > 0 ? { groups } : {}),
    expenseIndex,
  };
}

/** Parses a saved or received Textract response text; a truncated file fails here with where it broke. */
export function parseTextractJson(text: string): NormalisedDocument {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new TextractResponseError(
      'TEXTRACT_RESPONSE_INVALID',
      `the Textract response is not valid JSON (${error instanceof Error ? error.message : String(error)}): the file is truncated or corrupted`,
      { cause: error },
    );
  }
  return normaliseTextractResponse(value);
}
