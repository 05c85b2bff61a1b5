/**
 * Reads a file from disk into the document model: a saved Textract response (JSON) through the Textract
 * normaliser, anything else through the local reader. Used by the CLI and the local demo.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { textractLimits } from '../../lambdas/core/documents/document-file.js';
import type { NormalisedDocument } from '../../lambdas/core/documents/document-model.js';
import { DocumentError } from '../../lambdas/core/documents/errors.js';
import { parseTextractJson } from '../../lambdas/core/documents/textract-normalise.js';
import type { LocalDocumentReader } from './local-document-reader.js';

export async function readDocumentFile(
  path: string,
  reader: LocalDocumentReader,
): Promise<NormalisedDocument> {
  const name = basename(path);
  const size = (await stat(path)).size;
  // Refuse before reading the whole file into memory.
  if (size > textractLimits.asyncPdfMaxBytes) {
    throw new DocumentError(
      'FILE_TOO_LARGE',
      `${name} is ${Math.round(size / 1024 / 1024)} MB; Textract accepts files up to ${textractLimits.asyncPdfMaxBytes / 1024 / 1024} MB`,
    );
  }
  const bytes = await readFile(path);
  const firstChar = bytes
    .subarray(0, 64)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart()[0];
  if (firstChar === '{' || firstChar === '[') return parseTextractJson(bytes.toString('utf8'));
  return reader.read(bytes, name);
}
