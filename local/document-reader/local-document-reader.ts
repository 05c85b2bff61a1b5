/**
 * The local stand-in for Textract: tesseract.js for images, unpdf (pdf.js) for PDFs with a text layer, and
 * for PDF pages without one (scans), pdf.js renders the page and tesseract reads the picture.
 * It produces the same NormalisedDocument as the Textract adapter, so field extraction cannot tell the two
 * apart. Language data comes from the installed @tesseract.js-data/eng package and is never fetched: the
 * worker is given the package folder as langPath and told not to cache, so no network path exists.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createWorker, OEM, type Worker } from 'tesseract.js';
import { getDocumentProxy, renderPageAsImage } from 'unpdf';
import { assertPageCount, inspectDocumentFile } from '../../lambdas/core/documents/document-file.js';
import type { DocumentLine, NormalisedDocument } from '../../lambdas/core/documents/document-model.js';
import { DocumentError } from '../../lambdas/core/documents/errors.js';
import { documentFromLines } from '../../lambdas/core/documents/text-lines.js';

const require = createRequire(import.meta.url);

/** The folder holding eng.traineddata.gz inside the installed package (LSTM "best_int" model). */
function englishLanguageDataPath(): string {
  return join(dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int');
}

export interface LocalDocumentReaderOptions {
  /** Folder with eng.traineddata.gz; defaults to the installed @tesseract.js-data/eng package. */
  readonly languageDataPath?: string;
}

export class LocalDocumentReader {
  private worker: Promise<Worker> | undefined;

  constructor(private readonly options: LocalDocumentReaderOptions = {}) {}

  /** Reads a PDF, PNG, JPEG or TIFF. `name` is used only in error messages. */
  async read(bytes: Uint8Array, name = 'the file'): Promise<NormalisedDocument> {
    const { format } = inspectDocumentFile(bytes, name);
    return format === 'pdf' ? this.readPdf(bytes, name) : this.readImage(bytes, name);
  }

  /** Ends the OCR worker thread; the reader can be used again afterwards (a new worker starts). */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await (await worker).terminate();
  }

  private async readImage(bytes: Uint8Array, name: string): Promise<NormalisedDocument> {
    const lines = await this.ocrLines(bytes, name);
    const warnings = lines.length === 0 ? [`${name}: no text was recognised on the image`] : [];
    return documentFromLines('local-ocr', [lines], warnings);
  }

  private async ocrLines(image: Uint8Array, name: string): Promise<DocumentLine[]> {
    const worker = await this.ocrWorker();
    let result: Awaited<ReturnType<Worker['recognize']>>;
    try {
      result = await worker.recognize(Buffer.from(image), {}, { blocks: true, text: false });
    } catch (error) {
      throw new DocumentError(
        'UNREADABLE_DOCUMENT',
        `${name} could not be decoded as an image: ${String(error)}`,
        {
          cause: error,
        },
      );
    }
    return (result.data.blocks ?? []).flatMap((block) =>
      block.paragraphs.flatMap((paragraph) =>
        paragraph.lines
          .map((line) => ({
            text: line.text.replace(/\s+/g, ' ').trim(),
            confidence: round(line.confidence / 100),
          }))
          .filter((line) => line.text !== ''),
      ),
    );
  }

  private async readPdf(bytes: Uint8Array, name: string): Promise<NormalisedDocument> {
    // pdf.js cannot open a page tree without pages (and would report a blank page for some); pdf-lib reads
    // the tree as written, so an empty PDF gets its own clear error.
    if ((await declaredPageCount(bytes)) === 0) assertPageCount(0, name);
    let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
    try {
      // pdf.js takes ownership of the buffer it is given; pass a copy so the caller's bytes stay intact.
      pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
    } catch (error) {
      const errorName = (error as { name?: string } | undefined)?.name;
      if (errorName === 'PasswordException') {
        throw new DocumentError(
          'ENCRYPTED_PDF',
          `${name} is an encrypted PDF that needs a password; Textract cannot read it either: ask for an unprotected copy`,
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
    try {
      assertPageCount(pdf.numPages, name);
      const pages: DocumentLine[][] = [];
      const warnings: string[] = [];
      let ocrPages = 0;
      for (let n = 1; n <= pdf.numPages; n++) {
        const page = await pdf.getPage(n);
        const content = await page.getTextContent();
        let lines = linesOfTextItems(content.items as unknown as PdfTextItem[]);
        if (lines.length === 0) {
          // A scanned page: no text layer. Render it (as Textract would see it) and OCR the picture.
          lines = await this.ocrLines(await renderPdfPage(bytes, n), `${name} page ${n}`);
          ocrPages++;
          warnings.push(`page ${n} has no text layer (a scan?); it was read by OCR`);
        }
        pages.push(lines);
      }
      if (pages.every((p) => p.length === 0)) {
        throw new DocumentError(
          'UNREADABLE_DOCUMENT',
          `${name}: no text was found on any of its ${pdf.numPages} page(s), neither in a text layer nor by OCR`,
        );
      }
      return documentFromLines(ocrPages === pdf.numPages ? 'local-ocr' : 'local-pdf-text', pages, warnings);
    } finally {
      await pdf.destroy();
    }
  }

  private ocrWorker(): Promise<Worker> {
    this.worker ??= createWorker('eng', OEM.LSTM_ONLY, {
      langPath: this.options.languageDataPath ?? englishLanguageDataPath(),
      gzip: true,
      // 'none': read the traineddata from langPath every start, write no cache (nothing outside the package).
      cacheMethod: 'none',
      logger: () => {},
      errorHandler: () => {},
    });
    return this.worker;
  }
}

/** About 180 dpi: enough for tesseract on body text without slowing it down on a full A4 page. */
const scanRenderScale = 2.5;

async function renderPdfPage(bytes: Uint8Array, pageNumber: number): Promise<Uint8Array> {
  // The canvas binding comes from @napi-rs/canvas's prebuilt optional dependency (no install script).
  const png = await renderPageAsImage(new Uint8Array(bytes), pageNumber, {
    canvasImport: () => import('@napi-rs/canvas'),
    scale: scanRenderScale,
  });
  return new Uint8Array(png);
}

async function declaredPageCount(bytes: Uint8Array): Promise<number | undefined> {
  try {
    // Loaded on first use, so starting the local runtime does not pay for importing pdf-lib.
    const { PDFDocument } = await import('pdf-lib');
    const doc = await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false });
    return doc.getPageCount();
  } catch {
    // pdf.js already opened the file; a structure pdf-lib cannot parse is not a reason to refuse it.
    return undefined;
  }
}

interface PdfTextItem {
  readonly str: string;
  readonly transform: readonly number[];
  readonly width: number;
  readonly height: number;
  readonly hasEOL?: boolean;
}

/** pdf.js gives positioned text runs; a line is the runs sharing a baseline, left to right. */
function linesOfTextItems(items: readonly PdfTextItem[]): DocumentLine[] {
  const runs = items
    .filter((i) => typeof i.str === 'string' && i.str.trim() !== '')
    .map((i) => ({
      text: i.str,
      x: i.transform[4] ?? 0,
      y: i.transform[5] ?? 0,
      width: i.width,
      height: i.height,
    }));
  runs.sort((a, b) => b.y - a.y || a.x - b.x);
  const lines: { y: number; height: number; runs: typeof runs }[] = [];
  for (const run of runs) {
    const line = lines.find((l) => Math.abs(l.y - run.y) <= Math.max(2, Math.min(l.height, run.height) / 2));
    if (line) line.runs.push(run);
    else lines.push({ y: run.y, height: run.height, runs: [run] });
  }
  return lines.map((line) => {
    const sorted = line.runs.sort((a, b) => a.x - b.x);
    let text = '';
    let end = Number.NEGATIVE_INFINITY;
    for (const run of sorted) {
      // A visible gap between runs is a space (or a column break, which reads the same in a line).
      if (text !== '' && run.x - end > 1) text += ' ';
      text += run.text;
      end = run.x + run.width;
    }
    // A text layer is exact; 0.99 leaves room for layout mistakes (two columns merged into one line).
    return { text: text.replace(/\s+/g, ' ').trim(), confidence: 0.99 };
  });
}

function round(value: number): number {
  return Math.round(Math.min(1, Math.max(0, value)) * 10_000) / 10_000;
}
