/**
 * EventBridge `wildcard` values: `*` matches any run of characters (including none), `\*` is a literal
 * asterisk and `\\` a literal backslash. Two wildcards in a row and any other escape are refused.
 * Positions in the reasons count UTF-8 bytes from 1, as EventBridge reports them (it counts the value's
 * opening quote as position 0).
 */

export type WildcardMatcher = (value: string) => boolean;

export function compileWildcard(source: string): WildcardMatcher | string {
  const literals: string[] = [''];
  for (let i = 0; i < source.length; i++) {
    const char = source[i]!;
    if (char === '*') {
      if (source[i + 1] === '*') return `Consecutive wildcard characters at pos ${position(source, i)}`;
      literals.push('');
    } else if (char === '\\') {
      const next = source[i + 1];
      if (next !== '*' && next !== '\\') return `Invalid escape character at pos ${position(source, i)}`;
      literals[literals.length - 1] += next;
      i++;
    } else {
      literals[literals.length - 1] += char;
    }
  }
  return segmentsMatcher(literals);
}

function position(source: string, index: number): number {
  return Buffer.byteLength(source.slice(0, index), 'utf8') + 1;
}

/**
 * `literals` are the fixed pieces between wildcards. Greedy leftmost search is exact for this pattern
 * language (no character classes), so matching is linear in the value and never backtracks.
 */
function segmentsMatcher(literals: readonly string[]): WildcardMatcher {
  const first = literals[0]!;
  if (literals.length === 1) return (value) => value === first;
  const last = literals[literals.length - 1]!;
  const middle = literals.slice(1, -1);
  const fixedLength = first.length + last.length;
  return (value) => {
    if (value.length < fixedLength || !value.startsWith(first) || !value.endsWith(last)) return false;
    let from = first.length;
    const end = value.length - last.length;
    for (const piece of middle) {
      const at = value.indexOf(piece, from);
      if (at < 0 || at + piece.length > end) return false;
      from = at + piece.length;
    }
    return true;
  };
}
