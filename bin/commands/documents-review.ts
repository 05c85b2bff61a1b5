import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { DocumentRecord } from '../../lambdas/documents-workflow/ports.js';
import type { LocalDocumentWorkflow } from '../../local/documents/local-workflow.js';
import { withLocalRuntime } from '../local-session.js';

interface CommonOptions {
  stateDir: string;
  json?: boolean;
}

async function withDocuments<T>(
  stateDir: string,
  run: (workflow: LocalDocumentWorkflow) => Promise<T>,
): Promise<T> {
  // The runtime already composes the document workflow (and closes it when it stops): use that one.
  return withLocalRuntime(resolve(stateDir), (runtime) => run(runtime.documents));
}

function describeRecord(record: DocumentRecord): string {
  const { reviewTaskToken: _token, machineExtraction: _machine, ...shown } = record;
  return JSON.stringify(shown, null, 2);
}

/** `tessera documents review ...`: the documents that wait for a person, and the person's decision. */
export function registerDocumentReviewCommands(documents: Command): void {
  const review = documents
    .command('review')
    .description('documents whose fields were read with too little confidence: list, show, confirm, correct');
  const stateOption = ['--state-dir <dir>', 'local state folder', '.tessera'] as const;

  review
    .command('list')
    .description(
      'documents waiting for review, oldest first (--failed: documents that failed, with the error)',
    )
    .option('--failed', 'list failed documents instead')
    .option('--json', 'one JSON object per line')
    .option(...stateOption)
    .action(async (options: CommonOptions & { failed?: boolean }) => {
      await withDocuments(options.stateDir, async (workflow) => {
        const entries = options.failed ? await workflow.review.listFailed() : await workflow.review.list();
        if (options.json) {
          for (const entry of entries) process.stdout.write(`${JSON.stringify(entry)}\n`);
          return;
        }
        if (entries.length === 0)
          process.stdout.write(options.failed ? 'no failed documents\n' : 'nothing to review\n');
        for (const e of entries) process.stdout.write(`${e.documentId}  since ${e.since}  ${e.summary}\n`);
      });
    });

  review
    .command('show')
    .description('one document: status, declared metadata, extracted fields with confidence, failure')
    .argument('<document-id>')
    .option(...stateOption)
    .action(async (documentId: string, options: CommonOptions) => {
      await withDocuments(options.stateDir, async (workflow) => {
        process.stdout.write(`${describeRecord(await workflow.review.show(documentId))}\n`);
      });
    });

  review
    .command('confirm')
    .description('the fields are right as read: publish them')
    .argument('<document-id>')
    .option('--reviewer <name>', 'who decided (kept on the document)', userInfo().username)
    .option(...stateOption)
    .action(async (documentId: string, options: CommonOptions & { reviewer: string }) => {
      await withDocuments(options.stateDir, async (workflow) => {
        await workflow.review.confirm(documentId, options.reviewer);
        const done = await workflow.finished(documentId);
        process.stdout.write(
          `${documentId}: ${done.record.status}${done.record.publishedEventId ? ` (event ${done.record.publishedEventId})` : ''}\n`,
        );
      });
    });

  review
    .command('correct')
    .description(
      'replace fields with the right values (JSON: kind, orderNumber, customerName, email, phone, address, documentDate, total {amount, currency}, reason {code, text}, ...)',
    )
    .argument('<document-id>')
    .option('--fields <json>', 'the corrections as a JSON object')
    .option('--fields-file <file>', 'the corrections in a JSON file')
    .option('--reviewer <name>', 'who decided (kept on the document)', userInfo().username)
    .option(...stateOption)
    .action(
      async (
        documentId: string,
        options: CommonOptions & { reviewer: string; fields?: string; fieldsFile?: string },
      ) => {
        const text =
          options.fields ?? (options.fieldsFile ? await readFile(options.fieldsFile, 'utf8') : undefined);
        if (!text) throw new Error('give the corrections with --fields <json> or --fields-file <file>');
        let corrections: unknown;
        try {
          corrections = JSON.parse(text);
        } catch {
          throw new Error('the corrections are not valid JSON');
        }
        await withDocuments(options.stateDir, async (workflow) => {
          await workflow.review.correct(documentId, corrections, options.reviewer);
          const done = await workflow.finished(documentId);
          process.stdout.write(
            `${documentId}: ${done.record.status}${done.record.publishedEventId ? ` (event ${done.record.publishedEventId})` : ''}\n`,
          );
        });
      },
    );
}
