/** The CDNOW reference data, from ../shared/data relative to the repository root. */
import { createReadStream, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const cdnowDir = resolve(process.cwd(), '../shared/data/cdnow');
export const sampleLines = () =>
  createInterface({ input: createReadStream(resolve(cdnowDir, 'CDNOW_sample.txt')) });
export const summaryCsv = () =>
  readFileSync(resolve(cdnowDir, 'cdnow_customers_summary_with_transactions.csv'), 'utf8');
