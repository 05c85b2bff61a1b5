/** String primitives for matching: Unicode folding, Jaro-Winkler, bounded edit distance, phonetic codes. */

const COMBINING_MARKS = /[\u0300-\u036f]/g;
// Letters that NFKD does not decompose but that people type in ASCII.
const SPECIAL_LETTERS: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ł: 'l',
  ı: 'i',
};

/** Lower case, accents removed, special letters spelled out, anything but letters, digits and single spaces dropped. */
export function foldText(value: string): string {
  const lowered = value.normalize('NFKD').replace(COMBINING_MARKS, '').toLowerCase();
  let out = '';
  for (const ch of lowered) out += SPECIAL_LETTERS[ch] ?? ch;
  return out
    .replace(/['’`]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

// Scratch buffers reused across calls: matching compares millions of short strings, allocation dominates.
let flagsA = new Uint8Array(64);
let flagsB = new Uint8Array(64);

/** Jaro-Winkler similarity in [0, 1] with the usual prefix scale 0.1 over at most 4 characters. */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return a.length === 0 ? 0 : 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  if (la > flagsA.length || lb > flagsB.length) {
    flagsA = new Uint8Array(Math.max(la, lb) * 2);
    flagsB = new Uint8Array(Math.max(la, lb) * 2);
  }
  flagsA.fill(0, 0, la);
  flagsB.fill(0, 0, lb);
  const window = Math.max(0, Math.floor(Math.max(la, lb) / 2) - 1);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(lb - 1, i + window);
    const ca = a.charCodeAt(i);
    for (let j = lo; j <= hi; j++) {
      if (flagsB[j] === 0 && ca === b.charCodeAt(j)) {
        flagsA[i] = 1;
        flagsB[j] = 1;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < la; i++) {
    if (flagsA[i] === 0) continue;
    while (flagsB[k] === 0) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) transpositions++;
    k++;
  }
  const jaro = (matches / la + matches / lb + (matches - transpositions / 2) / matches) / 3;
  let prefix = 0;
  const maxPrefix = Math.min(4, la, lb);
  while (prefix < maxPrefix && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

let rowPrevPrev = new Int32Array(64);
let rowPrev = new Int32Array(64);
let rowCur = new Int32Array(64);

/**
 * Optimal string alignment distance (Levenshtein plus adjacent transpositions), giving up above `max`:
 * callers only ask "within 1 or 2 edits?", so the answer is `max + 1` once the distance exceeds it.
 */
export function editDistance(a: string, b: string, max = 2): number {
  if (a === b) return 0;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > max) return max + 1;
  if (lb + 1 > rowCur.length) {
    rowPrevPrev = new Int32Array((lb + 1) * 2);
    rowPrev = new Int32Array((lb + 1) * 2);
    rowCur = new Int32Array((lb + 1) * 2);
  }
  let prevPrev = rowPrevPrev;
  let prev = rowPrev;
  let cur = rowCur;
  for (let j = 0; j <= lb; j++) prev[j] = j;
  for (let i = 1; i <= la; i++) {
    cur[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= lb; j++) {
      const cb = b.charCodeAt(j - 1);
      const cost = ca === cb ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) {
        v = Math.min(v, prevPrev[j - 2]! + 1);
      }
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const t = prevPrev;
    prevPrev = prev;
    prev = cur;
    cur = t;
  }
  return Math.min(prev[lb]!, max + 1);
}

const SOUNDEX_CODES: Readonly<Record<string, string>> = {
  b: '1',
  f: '1',
  p: '1',
  v: '1',
  c: '2',
  g: '2',
  j: '2',
  k: '2',
  q: '2',
  s: '2',
  x: '2',
  z: '2',
  d: '3',
  t: '3',
  l: '4',
  m: '5',
  n: '5',
  r: '6',
};

/**
 * A Soundex variant used only as a blocking key: the first letter is coded like the others so a typo in
 * the first letter of a name ("kelly"/"celly") still lands in the same block. Returns '' for no letters.
 */
export function phoneticKey(value: string): string {
  const letters = value.replace(/[^a-z]/g, '');
  if (letters.length === 0) return '';
  let out = '';
  let last = '';
  for (const ch of letters) {
    const code = SOUNDEX_CODES[ch] ?? '';
    if (code !== '' && code !== last) out += code;
    // h and w do not separate equal codes; vowels do.
    if (ch !== 'h' && ch !== 'w') last = code;
    if (out.length === 4) break;
  }
  return out.length === 0 ? letters.slice(0, 2) : out;
}
