/**
 * Runs the benchmarks in bench/ (every `*.bench.ts` exporting `main()`), or only those whose name contains
 * one of the arguments: `npm run bench -- identity`. Benchmarks print figures; nothing here asserts a time.
 */
import '../local/polyfills.js';
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = (await readdir(here))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((name) => f.includes(name)))
  .sort();

if (files.length === 0) {
  console.error(`no benchmark matches ${filters.join(', ')}`);
  process.exit(2);
}
for (const file of files) {
  console.log(`\n=== ${file.replace('.bench.ts', '')}`);
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { main: () => Promise<void> };
  await mod.main();
}
