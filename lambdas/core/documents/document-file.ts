/**
 * What file a document is, from its bytes (never from its name or declared content type), and whether
 * Textract can take it. The limits are Textract's, so a file refused here would also be refused by AWS:
 * https://docs.aws.amazon.com/textract/latest/dg/limits-document.html (read 2026-11).
 */
import { DocumentError } from './errors.js';

export type DocumentFormat = 'pdf' | 'png' | 'jpeg' | 'tiff';

export const textractLimits = {
  /** Synchronous operations (AnalyzeDocument, AnalyzeExpense), any format; images also asynchronously. */
  syncMaxBytes: 10 * 1024 * 1024,
  /** Asynchronous operations, PDF and TIFF. */
  asyncPdfMaxBytes: 500 * 1024 * 1024,
  asyncMaxPages: 3000,
  /** Synchronous AnalyzeDocument reads one page; more pages go through StartDocumentAnalysis. */
  syncMaxPages: 1,
} as const;

const signatures: readonly (readonly [DocumentFormat, readonly number[]])[] = [
  ['pdf', [0x25, 0x50, 0x44, 0x46, 0x2d]], // %PDF-
  ['png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ['jpeg', [0xff, 0xd8, 0xff]],
  ['tiff', [0x49, 0x49, 0x2a, 0x00]], // II*\0
  ['tiff', [0x4d, 0x4d, 0x00, 0x2a]], // MM\0*
];

export interface DocumentFileInfo {
  readonly format: DocumentFormat;
  readonly bytes: number;
}

/** Throws UNSUPPORTED_FILE_TYPE or FILE_TOO_LARGE with what was found and what is accepted. */
export function inspectDocumentFile(bytes: Uint8Array, name = 'the file'): DocumentFileInfo {
  if (bytes.length === 0) throw new DocumentError('EMPTY_DOCUMENT', `${name} is empty (0 bytes)`);
  // PDF allows up to 1024 bytes of junk before the header; real files put it first, but be as lenient.
  const head = bytes.subarray(0, 1024);
  const format =
    signatures.find(([, sig]) => sig.every((b, i) => bytes[i] === b))?.[0] ??
    (Buffer.from(head).includes('%PDF-') ? 'pdf' : undefined);
  if (!format) {
    const shown = Buffer.from(bytes.subarray(0, 8)).toString('hex');
    throw new DocumentError(
      'UNSUPPORTED_FILE_TYPE',
      `${name} is not a PDF, PNG, JPEG or TIFF (first bytes ${shown}); Textract reads only those formats`,
    );
  }
  const limit =
    format === 'pdf' || format === 'tiff' ? textractLimits.asyncPdfMaxBytes : textractLimits.syncMaxBytes;
  if (bytes.length > limit) {
    throw new DocumentError(
      'FILE_TOO_LARGE',
      `${name} is ${mb(bytes.length)} MB; Textract accepts ${format.toUpperCase()} files up to ${mb(limit)} MB`,
    );
  }
  return { format, bytes: bytes.length };
}

/** Page counts outside what Textract processes. */
export function assertPageCount(pages: number, name = 'the document'): void {
  if (pages === 0) throw new DocumentError('EMPTY_DOCUMENT', `${name} has no pages`);
  if (pages > textractLimits.asyncMaxPages) {
    throw new DocumentError(
      'TOO_MANY_PAGES',
      `${name} has ${pages} pages; Textract processes at most ${textractLimits.asyncMaxPages}`,
    );
  }
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, '');
}
