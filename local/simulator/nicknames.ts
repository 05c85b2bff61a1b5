import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The nickname list of ../shared/data/names (pseudopeople, BSD-3-Clause), read at run time: the simulator
 * is local-only, so it can use the shared reference data instead of a copy.
 */
export const DEFAULT_NICKNAMES_FILE = fileURLToPath(
  new URL('../../../shared/data/names/nicknames.csv', import.meta.url),
);

/** Lower-case given name to its nicknames (lower case), e.g. william -> [will, bill, billy, ...]. */
export type NicknameTable = ReadonlyMap<string, readonly string[]>;

export function parseNicknames(csv: string): NicknameTable {
  const table = new Map<string, string[]>();
  const lines = csv.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    if (index === 0 || line.trim() === '') continue; // header: name,nickname_1,...
    const [name, ...nicknames] = line.split(',').map((cell) => cell.trim().toLowerCase());
    if (!name) continue;
    const known = table.get(name) ?? [];
    for (const nickname of nicknames) if (nickname && !known.includes(nickname)) known.push(nickname);
    table.set(name, known);
  }
  return table;
}

const cache = new Map<string, NicknameTable>();

export function loadNicknames(file = DEFAULT_NICKNAMES_FILE): NicknameTable {
  const cached = cache.get(file);
  if (cached) return cached;
  let csv: string;
  try {
    csv = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(
      `simulator: cannot read the nickname list ${file} (expected the shared reference data beside the repository): ${(error as Error).message}`,
    );
  }
  const table = parseNicknames(csv);
  if (table.size === 0) throw new Error(`simulator: the nickname list ${file} has no rows`);
  cache.set(file, table);
  return table;
}
