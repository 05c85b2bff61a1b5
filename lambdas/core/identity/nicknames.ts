import { NICKNAME_ROWS } from './nicknames-data.js';

/** name -> ids of the nickname groups it belongs to (a name can be a nickname of several names: "ron"). */
const groupsByName = new Map<string, number[]>();
NICKNAME_ROWS.forEach((row, group) => {
  for (const name of row.split(' ')) {
    const groups = groupsByName.get(name);
    if (groups === undefined) groupsByName.set(name, [group]);
    else if (!groups.includes(group)) groups.push(group);
  }
});

/** True when one name is a known nickname of the other, or both are nicknames of the same name. */
export function areNicknames(a: string, b: string): boolean {
  if (a === b) return false;
  const ga = groupsByName.get(a);
  const gb = groupsByName.get(b);
  if (ga === undefined || gb === undefined) return false;
  return ga.some((g) => gb.includes(g));
}

/** The formal name a nickname stands for when it is unambiguous ("bob" -> "robert"), used for blocking. */
export function canonicalGivenName(name: string): string {
  const groups = groupsByName.get(name);
  if (groups === undefined || groups.length !== 1) return name;
  const formal = NICKNAME_ROWS[groups[0]!]!;
  return formal.slice(0, formal.indexOf(' '));
}
