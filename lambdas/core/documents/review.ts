/**
 * A person's decision on a document that needed review: confirm the extracted fields as they are, or correct
 * some. The corrected extraction is what the rest of the pipeline uses; corrected fields carry confidence 1
 * and source 'review' so the origin of every value stays visible.
 */
import { z } from 'zod';
import { CurrencyCode, Money, ReasonCode } from '../contracts/common.js';
import { DocumentKind } from '../contracts/internal-events.js';
import { describeIssues } from '../validation.js';
import type { DocumentExtraction, DocumentFields, ExtractedField } from './field-extraction.js';

const text = (max: number) => z.string().trim().min(1).max(max);

/** What the review command and API accept (a trust boundary: validated, unknown fields refused). */
export const FieldCorrections = z
  .object({
    kind: DocumentKind.optional(),
    orderNumber: text(128).optional(),
    documentNumber: text(128).optional(),
    customerName: text(300).optional(),
    email: z.email().optional(),
    phone: text(50).optional(),
    address: text(1000).optional(),
    vendorName: text(300).optional(),
    documentDate: z.iso.date().optional(),
    total: z.object({ amount: Money, currency: CurrencyCode }).strict().optional(),
    reason: z
      .object({ code: ReasonCode, text: z.string().max(2000) })
      .strict()
      .optional(),
  })
  .strict();
export type FieldCorrections = z.infer<typeof FieldCorrections>;

export function applyReviewCorrections(
  extraction: DocumentExtraction,
  corrections: unknown,
): DocumentExtraction {
  const parsed = FieldCorrections.safeParse(corrections);
  if (!parsed.success) {
    throw new Error(`invalid review corrections: ${describeIssues(parsed.error.issues)}`);
  }
  const { kind, ...fieldCorrections } = parsed.data;
  const reviewed = <T>(value: T): ExtractedField<T> => ({ value, confidence: 1, source: 'review' });
  const fields: { -readonly [K in keyof DocumentFields]: DocumentFields[K] } = { ...extraction.fields };
  for (const [name, value] of Object.entries(fieldCorrections) as [keyof DocumentFields, unknown][]) {
    if (value !== undefined) (fields as Record<string, ExtractedField<unknown>>)[name] = reviewed(value);
  }
  return {
    ...extraction,
    kind: kind ? reviewed(kind) : extraction.kind,
    fields,
    review: { needed: false, threshold: extraction.review.threshold, reasons: [] },
  };
}
