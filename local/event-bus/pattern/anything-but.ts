import { InvalidEventPatternError } from './errors.js';
import { OPERATORS } from './limits.js';
import { numericProblem } from './numeric.js';
import { foldCase, isPlainObject, type Scalar, type ScalarTest } from './scalar.js';
import { compileWildcard } from './wildcard.js';

/**
 * `anything-but` in all its forms: a string, a number, a list of strings or of numbers, or an object
 * `{prefix | suffix | wildcard | equals-ignore-case: string or list of strings}`.
 * Like EventBridge, it needs the field to be present, and a value of another type than the excluded ones
 * (a number against excluded strings, a string against `{prefix}` exclusions applied to a number...) is
 * "anything but" them, so it matches.
 */
export function compileAnythingBut(operand: unknown, path: readonly string[]): ScalarTest {
  const fail = (reason: string): never => {
    throw new InvalidEventPatternError(reason, path);
  };
  if (isPlainObject(operand)) return compileNestedAnythingBut(operand, path);
  if (typeof operand === 'string') return exclude(new Set<Scalar>([operand]));
  if (typeof operand === 'number') return exclude(new Set<Scalar>([checkedNumber(operand, path)]));
  if (!Array.isArray(operand))
    return fail('Value of anything-but must be an array or single string/number value.');

  for (const item of operand as unknown[]) {
    if (typeof item !== 'string' && typeof item !== 'number') {
      fail('Inside anything but list, start|null|boolean is not supported.');
    }
  }
  const strings = operand.filter((item) => typeof item === 'string').length;
  if (operand.length === 0 || (strings > 0 && strings < operand.length)) {
    fail('Inside anything but list, either all values are number or string, mixed type is not supported');
  }
  const excluded = new Set<Scalar>(
    (operand as (string | number)[]).map((item) =>
      typeof item === 'number' ? checkedNumber(item, path) : item,
    ),
  );
  return exclude(excluded);
}

function exclude(excluded: ReadonlySet<Scalar>): ScalarTest {
  return (value) => !excluded.has(value);
}

function checkedNumber(value: number, path: readonly string[]): number {
  const problem = numericProblem(value);
  if (problem !== undefined) throw new InvalidEventPatternError(problem, path);
  return value;
}

const NESTED_FORMS = new Set<string>([
  OPERATORS.prefix,
  OPERATORS.suffix,
  OPERATORS.wildcard,
  OPERATORS.equalsIgnoreCase,
]);

function compileNestedAnythingBut(operand: Record<string, unknown>, path: readonly string[]): ScalarTest {
  const fail = (reason: string): never => {
    throw new InvalidEventPatternError(reason, path);
  };
  const keys = Object.keys(operand);
  const form = keys[0];
  if (form === undefined) return fail('Anything-But expression name not found');
  if (!NESTED_FORMS.has(form)) return fail(`Unsupported anything-but pattern: ${form}`);
  if (keys.length > 1) fail('Only one key allowed in match expression');

  const inner = operand[form];
  if (typeof inner === 'number') fail(wrongTypeReason(form));
  if (typeof inner !== 'string' && !Array.isArray(inner)) {
    fail('Value of anything-but must be an array or single string/number value.');
  }
  const list: unknown[] = typeof inner === 'string' ? [inner] : (inner as unknown[]);
  if (list.length === 0) fail('Empty arrays are not allowed');
  for (const text of list) {
    if (typeof text !== 'string') fail(wrongTypeReason(form));
    if ((form === OPERATORS.prefix || form === OPERATORS.suffix) && text === '') {
      fail('Null prefix/suffix not allowed');
    }
  }
  const strings = list as string[];
  const excludedBy = nestedTest(form, strings, path);
  return (value) => !(typeof value === 'string' && excludedBy(value));
}

function wrongTypeReason(form: string): string {
  if (form === OPERATORS.equalsIgnoreCase) {
    return 'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.';
  }
  if (form === OPERATORS.wildcard) return 'wildcard match pattern must be a string';
  return 'prefix/suffix match pattern must be a string';
}

function nestedTest(
  form: string,
  texts: readonly string[],
  path: readonly string[],
): (value: string) => boolean {
  switch (form) {
    case OPERATORS.prefix:
      return (value) => texts.some((text) => value.startsWith(text));
    case OPERATORS.suffix:
      return (value) => texts.some((text) => value.endsWith(text));
    case OPERATORS.equalsIgnoreCase: {
      const folded = new Set(texts.map(foldCase));
      return (value) => folded.has(foldCase(value));
    }
    default: {
      const matchers = texts.map((text) => {
        const matcher = compileWildcard(text);
        if (typeof matcher === 'string') throw new InvalidEventPatternError(matcher, path);
        return matcher;
      });
      return (value) => matchers.some((matcher) => matcher(value));
    }
  }
}
