import { InvalidEventPatternError } from './errors.js';
import { NUMERIC_LIMIT, NUMERIC_MAX_DECIMALS } from './limits.js';
import type { ScalarTest } from './scalar.js';

/**
 * Why a number cannot take part in EventBridge's numeric comparisons, or undefined when it can.
 * EventBridge compares numbers within ±5e9 to six decimal places; anything else is not comparable.
 */
export function numericProblem(value: number): string | undefined {
  if (!Number.isFinite(value) || value < -NUMERIC_LIMIT || value > NUMERIC_LIMIT) {
    return 'Value must be between -5.0E9 and 5.0E9, inclusive';
  }
  // toFixed rounds to six places; a number that survives the round trip has at most six decimals.
  if (!Number.isInteger(value) && Number(value.toFixed(NUMERIC_MAX_DECIMALS)) !== value) {
    return `Only values with up to ${NUMERIC_MAX_DECIMALS} decimal places are supported`;
  }
  return undefined;
}

/**
 * An event value EventBridge can compare numerically: a JSON number within range and with at most six
 * decimals. Others (a string "5", an account id of 12 digits, 0.1234567) never satisfy a numeric condition.
 */
export function isComparableNumber(value: unknown): value is number {
  if (typeof value !== 'number') return false;
  if (Number.isInteger(value)) return value >= -NUMERIC_LIMIT && value <= NUMERIC_LIMIT;
  return numericProblem(value) === undefined;
}

const LOWER_BOUNDS = new Set(['>', '>=']);
const UPPER_BOUNDS = new Set(['<', '<=']);

/**
 * Compiles the operand of `{"numeric": [...]}`: `["=", n]`, a lower bound (`>`/`>=`) optionally followed
 * by an upper bound (`<`/`<=`), or an upper bound alone, in that order, as EventBridge accepts them.
 */
export function compileNumeric(operand: unknown, path: readonly string[]): ScalarTest {
  const fail = (reason: string): never => {
    throw new InvalidEventPatternError(reason, path);
  };
  if (!Array.isArray(operand)) return fail('Value of numeric must be an array.');
  const [operator, first, ...rest] = operand as unknown[];
  if (typeof operator !== 'string') {
    return fail(
      `Invalid member in numeric match: ${operator === undefined ? 'empty array' : show(operator)}`,
    );
  }
  const bound = (op: string, value: unknown): number => {
    if (typeof value !== 'number') return fail(`Value of ${op} must be numeric`);
    const problem = numericProblem(value);
    return problem === undefined ? value : fail(problem);
  };

  if (operator === '=') {
    const target = bound('=', first);
    if (rest.length > 0) fail('Too many elements in numeric expression');
    return (value) => isComparableNumber(value) && value === target;
  }
  if (UPPER_BOUNDS.has(operator)) {
    const top = bound(operator, first);
    if (rest.length > 0) fail('Too many elements in numeric expression');
    return upperTest(operator, top);
  }
  if (!LOWER_BOUNDS.has(operator)) return fail(`Unrecognized numeric range operator: ${operator}`);

  const bottom = bound(operator, first);
  const lower = lowerTest(operator, bottom);
  if (rest.length === 0) return lower;
  const [topOperator, topValue, ...extra] = rest;
  if (typeof topOperator !== 'string') return fail(`Bad value in numeric range: ${show(topOperator)}`);
  if (!UPPER_BOUNDS.has(topOperator)) return fail(`Bad numeric range operator: ${topOperator}`);
  const top = bound(topOperator, topValue);
  if (extra.length > 0) fail('Too many terms in numeric range expression');
  if (!(bottom < top)) fail('Bottom must be less than top');
  const upper = upperTest(topOperator, top);
  return (value) => lower(value) && upper(value);
}

function lowerTest(operator: string, bottom: number): ScalarTest {
  return operator === '>'
    ? (value) => isComparableNumber(value) && value > bottom
    : (value) => isComparableNumber(value) && value >= bottom;
}

function upperTest(operator: string, top: number): ScalarTest {
  return operator === '<'
    ? (value) => isComparableNumber(value) && value < top
    : (value) => isComparableNumber(value) && value <= top;
}

function show(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}
