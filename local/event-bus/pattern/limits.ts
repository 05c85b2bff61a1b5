/** The operator names EventBridge recognises inside a match expression `{ "<operator>": ... }`. */
export const OPERATORS = {
  prefix: 'prefix',
  suffix: 'suffix',
  equalsIgnoreCase: 'equals-ignore-case',
  wildcard: 'wildcard',
  anythingBut: 'anything-but',
  numeric: 'numeric',
  exists: 'exists',
  cidr: 'cidr',
} as const;

export const OR_KEYWORD = '$or';

/**
 * Names EventBridge refuses as field names inside a `$or` branch, so that an operator written one level too
 * high (`{"$or": [{"prefix": "a"}, ...]}`) is reported rather than silently read as a field called "prefix".
 * The list includes the words event-ruler reserves for future operators.
 */
export const RESERVED_NAMES_INSIDE_OR: ReadonlySet<string> = new Set([
  ...Object.values(OPERATORS),
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);

/** EventBridge compares numbers in this closed range, to six decimal places. */
export const NUMERIC_LIMIT = 5e9;
export const NUMERIC_MAX_DECIMALS = 6;

/** EventBridge's default quota for the size of a rule's event pattern (adjustable up to 4096). */
export const DEFAULT_MAX_PATTERN_LENGTH = 2048;

/**
 * Our own guards, so a hostile or generated pattern cannot exhaust the stack or memory of the local bus.
 * A pattern within EventBridge's 2048-character quota stays far below both.
 */
export const MAX_PATTERN_DEPTH = 64;
export const MAX_OR_BRANCHES = 1024;
