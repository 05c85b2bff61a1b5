import { DocumentError } from '../core/documents/errors.js';

/**
 * Pages of a PDF as its page tree declares them. Decides sync (one page) or async analysis, and refuses
 * encrypted files up front: Textract cannot read them and would fail the job after it was paid for.
 */
export async function countPdfPages(bytes: Uint8Array, name: string): Promise<number> {
  try {
    // Loaded on first use: pdf-lib takes a few hundred ms to import, paid only when a PDF arrives.
    const { PDFDocument } = await import('pdf-lib');
    const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
    return pdf.getPageCount();
  } catch (error) {
    // By name and message: pdf-lib ships CJS and ESM builds, so `instanceof` depends on which one loaded.
    if (
      (error as Error).constructor?.name === 'EncryptedPDFError' ||
      /is encrypted/.test((error as Error).message)
    ) {
      throw new DocumentError(
        'ENCRYPTED_PDF',
        `${name} is an encrypted PDF; Textract cannot read it: ask the sender for an unprotected copy`,
        { cause: error },
      );
    }
    throw new DocumentError(
      'UNREADABLE_DOCUMENT',
      `${name} is not a readable PDF: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}
