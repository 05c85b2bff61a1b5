/**
 * The JSON view of a read document, as `tessera documents parse --json` prints it and the review API shows
 * it: the reader's output (key-values, queries, expense fields) and the extracted business fields, with money
 * as a number plus an ISO currency.
 */
import type { NormalisedDocument } from './document-model.js';
import type { DocumentExtraction, DocumentFields } from './field-extraction.js';

export function documentReport(doc: NormalisedDocument, extraction: DocumentExtraction) {
  const f: DocumentFields = extraction.fields;
  const plain = (name: Exclude<keyof DocumentFields, 'total' | 'reason'>) => {
    const field = f[name];
    return field ? { value: field.value, confidence: field.confidence, source: field.source } : undefined;
  };
  return {
    kind: extraction.kind.value,
    kindConfidence: extraction.kind.confidence,
    reader: doc.reader,
    pages: doc.pageCount,
    keyValues: doc.keyValues.map((kv) => ({
      key: kv.key,
      value: kv.value,
      confidence: kv.confidence,
      page: kv.page,
      ...(kv.selected === undefined ? {} : { selected: kv.selected }),
    })),
    queries: doc.queries.map((q) => ({
      question: q.question,
      alias: q.alias ?? null,
      answer: q.answer,
      confidence: q.confidence,
    })),
    expense: {
      summary: (doc.expense?.summary ?? []).map((s) => ({
        type: s.type,
        label: s.label ?? null,
        value: s.value,
        confidence: s.confidence,
        ...(s.currency ? { currency: s.currency } : {}),
        page: s.page,
      })),
      lineItems: (doc.expense?.lineItems ?? []).map((li) => ({
        page: li.page,
        fields: li.fields.map((x) => ({
          type: x.type,
          label: x.label ?? null,
          value: x.value,
          confidence: x.confidence,
        })),
      })),
    },
    fields: {
      orderNumber: plain('orderNumber'),
      documentNumber: plain('documentNumber'),
      customerName: plain('customerName'),
      email: plain('email'),
      phone: plain('phone'),
      address: plain('address'),
      vendorName: plain('vendorName'),
      documentDate: plain('documentDate'),
      total: f.total
        ? {
            amount: f.total.value.amount,
            currency: f.total.value.currency,
            confidence: f.total.confidence,
            source: f.total.source,
          }
        : undefined,
      reason: f.reason
        ? {
            code: f.reason.value.code,
            text: f.reason.value.text,
            confidence: f.reason.confidence,
            source: f.reason.source,
          }
        : undefined,
      items: extraction.items.map((item) => ({
        sku: item.sku ?? null,
        description: item.description ?? null,
        quantity: item.quantity ?? null,
        amount: item.amount?.amount ?? null,
        currency: item.amount?.currency ?? null,
        confidence: item.confidence,
      })),
    },
    review: extraction.review,
    warnings: doc.warnings,
  };
}

export type DocumentReport = ReturnType<typeof documentReport>;
