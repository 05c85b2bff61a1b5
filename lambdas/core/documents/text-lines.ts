/**
 * Plain text lines (OCR or a PDF text layer) -> the document model. Readers that see only lines (not
 * Textract's form analysis) get their key-value pairs from "Label: value" lines.
 */
import { cleanKey, type DocumentLine, type KeyValuePair, type NormalisedDocument } from './document-model.js';

// A label starts with a letter, is at most 50 characters and is followed by a colon and a value.
// "https://..." and times ("12:22") are not labels.
const labelLine = /^\s*([A-Za-z][A-Za-z0-9 .#'/&()-]{0,49}?)\s*:\s*(\S.*)$/;

function keyValueFromLine(line: DocumentLine, page: number): KeyValuePair | undefined {
  const m = labelLine.exec(line.text);
  if (!m) return undefined;
  const key = cleanKey(m[1]!);
  const value = m[2]!.trim();
  if (/^(https?|ftp|mailto)$/i.test(key) || value.startsWith('//')) return undefined;
  if (/\d$/.test(m[1]!) && /^\d/.test(value)) return undefined; // a time such as 12:22
  return { key, value, confidence: line.confidence, page };
}

export function documentFromLines(
  reader: NormalisedDocument['reader'],
  pages: readonly (readonly DocumentLine[])[],
  warnings: readonly string[] = [],
): NormalisedDocument {
  const keyValues: KeyValuePair[] = [];
  pages.forEach((lines, i) => {
    let previous: KeyValuePair | undefined;
    for (const line of lines) {
      const kv = keyValueFromLine(line, i + 1);
      if (kv) keyValues.push(kv);
      else if (previous && /^[a-z(]/.test(line.text.trim())) {
        // A wrapped value continues on the next line in lower case: "...and the jacket" / "zip is broken".
        const joined: KeyValuePair = {
          ...previous,
          value: `${previous.value} ${line.text.trim()}`,
          confidence: Math.min(previous.confidence, line.confidence),
        };
        keyValues[keyValues.length - 1] = joined;
        previous = joined;
        continue;
      }
      previous = kv;
    }
  });
  return {
    reader,
    pageCount: pages.length,
    pages: pages.map((lines, i) => ({ number: i + 1, lines })),
    keyValues,
    tables: [],
    queries: [],
    warnings,
  };
}
