import { NICKNAME_ROWS } from '../../lambdas/core/identity/nicknames-data.js';

/** Lower-case given name to its nicknames (lower case), e.g. william -> [will, bill, billy, ...]. */
export type NicknameTable = ReadonlyMap<string, readonly string[]>;

/**
 * Builds the table from rows of "name nickname...", as the identity core bundles them from
 * ../shared/data/names/nicknames.csv (pseudopeople, BSD-3-Clause), so the faults the simulator injects
 * and the nicknames the resolver knows come from one list. A name on several rows gets all their nicknames.
 */
export function nicknameTable(rows: readonly string[]): NicknameTable {
  const table = new Map<string, string[]>();
  for (const row of rows) {
    const [name, ...nicknames] = row.split(' ');
    if (!name) continue;
    const known = table.get(name) ?? [];
    for (const nickname of nicknames) if (nickname && !known.includes(nickname)) known.push(nickname);
    table.set(name, known);
  }
  return table;
}

let cached: NicknameTable | undefined;

/** The table of the bundled list, built once on first use. */
export function loadNicknames(): NicknameTable {
  cached ??= nicknameTable(NICKNAME_ROWS);
  return cached;
}
