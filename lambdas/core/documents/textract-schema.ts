/**
 * What Tessera accepts from Textract, checked at the boundary. Only the fields the normaliser reads are
 * declared; everything else (Geometry, $metadata, ResponseMetadata, console-export extras) is stripped.
 * Unknown block types are accepted because Textract adds new ones (LAYOUT_*, SIGNATURE, ...) over time.
 */
import { z } from 'zod';

const Confidence = z.number().min(0).max(100);

export const TextractJobStatus = z.enum(['IN_PROGRESS', 'SUCCEEDED', 'FAILED', 'PARTIAL_SUCCESS']);
export type TextractJobStatus = z.infer<typeof TextractJobStatus>;

const Relationship = z.object({ Type: z.string().min(1), Ids: z.array(z.string().min(1)).default([]) });

export const TextractBlock = z.object({
  BlockType: z.string().min(1),
  Id: z.string().min(1),
  Confidence: Confidence.optional(),
  Text: z.string().optional(),
  Page: z.number().int().min(1).optional(),
  EntityTypes: z.array(z.string()).optional(),
  Relationships: z.array(Relationship).optional(),
  RowIndex: z.number().int().min(1).optional(),
  ColumnIndex: z.number().int().min(1).optional(),
  RowSpan: z.number().int().min(1).optional(),
  ColumnSpan: z.number().int().min(1).optional(),
  SelectionStatus: z.enum(['SELECTED', 'NOT_SELECTED']).optional(),
  Query: z.object({ Text: z.string(), Alias: z.string().optional() }).optional(),
});
export type TextractBlock = z.infer<typeof TextractBlock>;

const DocumentMetadata = z.object({ Pages: z.number().int().min(0).optional() });
const Warning = z.object({ ErrorCode: z.string().optional(), Pages: z.array(z.number()).optional() });

/** Shared by every asynchronous Get* answer; also present (without JobStatus) on synchronous answers. */
const jobFields = {
  DocumentMetadata: DocumentMetadata.optional(),
  JobStatus: TextractJobStatus.optional(),
  StatusMessage: z.string().optional(),
  NextToken: z.string().nullish(),
  Warnings: z.array(Warning).optional(),
};

export const TextractAnalysisResponse = z.object({ ...jobFields, Blocks: z.array(TextractBlock) });
export type TextractAnalysisResponse = z.infer<typeof TextractAnalysisResponse>;

const Detection = z.object({ Text: z.string().optional(), Confidence: Confidence.optional() });

export const TextractExpenseField = z.object({
  Type: Detection.optional(),
  LabelDetection: Detection.optional(),
  ValueDetection: Detection.optional(),
  PageNumber: z.number().int().min(1).optional(),
  Currency: z.object({ Code: z.string().optional(), Confidence: Confidence.optional() }).optional(),
  GroupProperties: z
    .array(z.object({ Types: z.array(z.string()).optional(), Id: z.string().optional() }))
    .optional(),
});
export type TextractExpenseField = z.infer<typeof TextractExpenseField>;

export const TextractExpenseDocument = z.object({
  ExpenseIndex: z.number().int().min(1).optional(),
  SummaryFields: z.array(TextractExpenseField).default([]),
  LineItemGroups: z
    .array(
      z.object({
        LineItemGroupIndex: z.number().int().optional(),
        LineItems: z
          .array(z.object({ LineItemExpenseFields: z.array(TextractExpenseField).default([]) }))
          .default([]),
      }),
    )
    .default([]),
  Blocks: z.array(TextractBlock).optional(),
});
export type TextractExpenseDocument = z.infer<typeof TextractExpenseDocument>;

export const TextractExpenseResponse = z.object({
  ...jobFields,
  ExpenseDocuments: z.array(TextractExpenseDocument),
});
export type TextractExpenseResponse = z.infer<typeof TextractExpenseResponse>;

/** An asynchronous Get* answer that carries only a status (IN_PROGRESS, FAILED). */
export const TextractStatusOnlyResponse = z.object({ ...jobFields, JobStatus: TextractJobStatus });
