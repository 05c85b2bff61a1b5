import { type Command, InvalidArgumentError, Option } from 'commander';
import { CurrencyCode } from '../../lambdas/core/contracts/common.js';
import { DocumentKind } from '../../lambdas/core/contracts/internal-events.js';
import { documentReport } from '../../lambdas/core/documents/document-report.js';
import {
  defaultExtractionOptions,
  extractDocumentFields,
} from '../../lambdas/core/documents/field-extraction.js';
import { LocalDocumentReader } from '../../local/document-reader/local-document-reader.js';
import { readDocumentFile } from '../../local/document-reader/read-document-file.js';
import { registerDocumentReviewCommands } from './documents-review.js';

function parseThreshold(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1)
    throw new InvalidArgumentError('must be a number between 0 and 1');
  return n;
}

function parseCurrency(value: string): string {
  if (!CurrencyCode.safeParse(value).success)
    throw new InvalidArgumentError('must be an ISO 4217 code such as EUR');
  return value;
}

export function registerDocumentsCommands(program: Command): void {
  const documents = program
    .command('documents')
    .description('Read return forms, claim letters, receipts and invoices');

  documents
    .command('parse')
    .description(
      'Read FILE (a saved Textract response as JSON, or a PDF, PNG, JPEG or TIFF through the local reader) and print what it says',
    )
    .argument('<file>', 'Textract response (.json) or document file')
    .option('--json', 'print one JSON object (kind, pages, keyValues, queries, expense, fields)')
    .addOption(
      new Option('--kind <kind>', 'the kind the uploader declared (evidence, not the answer)').choices(
        DocumentKind.options,
      ),
    )
    .option(
      '--threshold <n>',
      'confidence (0..1) below which the document needs review',
      parseThreshold,
      defaultExtractionOptions.reviewThreshold,
    )
    .option(
      '--currency <code>',
      'currency assumed when an amount names none',
      parseCurrency,
      defaultExtractionOptions.defaultCurrency,
    )
    .addOption(
      new Option('--date-order <order>', 'how to read 03/04/2026').choices(['MDY', 'DMY']).default('MDY'),
    )
    .action(
      async (
        file: string,
        opts: {
          json?: boolean;
          kind?: DocumentKind;
          threshold: number;
          currency: string;
          dateOrder: 'MDY' | 'DMY';
        },
      ) => {
        const reader = new LocalDocumentReader();
        try {
          const doc = await readDocumentFile(file, reader);
          const extraction = extractDocumentFields(doc, {
            reviewThreshold: opts.threshold,
            defaultCurrency: opts.currency,
            dateOrder: opts.dateOrder,
            ...(opts.kind ? { kindHint: opts.kind } : {}),
          });
          const report = documentReport(doc, extraction);
          if (opts.json) {
            process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
            return;
          }
          const lines = [
            `${file}: ${report.kind} (confidence ${report.kindConfidence}), ${report.pages} page(s), read by ${report.reader}`,
            ...Object.entries(report.fields)
              .filter(([name, v]) => name !== 'items' && v !== undefined)
              .map(([name, v]) => `  ${name}: ${JSON.stringify(v)}`),
            ...report.fields.items.map((item, i) => `  item ${i + 1}: ${JSON.stringify(item)}`),
            report.review.needed
              ? `  needs review: ${report.review.reasons.join('; ')}`
              : '  no review needed',
            ...report.warnings.map((w) => `  warning: ${w}`),
          ];
          process.stdout.write(`${lines.join('\n')}\n`);
        } finally {
          await reader.close();
        }
      },
    );

  registerDocumentReviewCommands(documents);
}
