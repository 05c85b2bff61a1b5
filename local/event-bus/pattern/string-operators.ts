import { InvalidEventPatternError } from './errors.js';
import { OPERATORS } from './limits.js';
import { foldCase, isPlainObject, type ScalarTest } from './scalar.js';
import { compileWildcard } from './wildcard.js';

/** `{"prefix": "ab"}` or `{"prefix": {"equals-ignore-case": "AB"}}`; strings only. */
export function compilePrefix(operand: unknown, path: readonly string[]): ScalarTest {
  const text = affixOperand(OPERATORS.prefix, operand, path);
  if (typeof text === 'string') return (value) => typeof value === 'string' && value.startsWith(text);
  const folded = foldCase(text.ignoringCase);
  return (value) => typeof value === 'string' && foldCase(value).startsWith(folded);
}

/** `{"suffix": ".png"}` or `{"suffix": {"equals-ignore-case": ".PNG"}}`; strings only. */
export function compileSuffix(operand: unknown, path: readonly string[]): ScalarTest {
  const text = affixOperand(OPERATORS.suffix, operand, path);
  if (typeof text === 'string') return (value) => typeof value === 'string' && value.endsWith(text);
  const folded = foldCase(text.ignoringCase);
  return (value) => typeof value === 'string' && foldCase(value).endsWith(folded);
}

export function compileEqualsIgnoreCase(operand: unknown, path: readonly string[]): ScalarTest {
  if (typeof operand !== 'string') {
    throw new InvalidEventPatternError('equals-ignore-case match pattern must be a string', path);
  }
  const folded = foldCase(operand);
  return (value) => typeof value === 'string' && foldCase(value) === folded;
}

export function compileWildcardOperator(operand: unknown, path: readonly string[]): ScalarTest {
  if (typeof operand !== 'string') {
    throw new InvalidEventPatternError('wildcard match pattern must be a string', path);
  }
  const matcher = compileWildcard(operand);
  if (typeof matcher === 'string') throw new InvalidEventPatternError(matcher, path);
  return (value) => typeof value === 'string' && matcher(value);
}

function affixOperand(
  operator: 'prefix' | 'suffix',
  operand: unknown,
  path: readonly string[],
): string | { ignoringCase: string } {
  if (typeof operand === 'string') return operand;
  if (!isPlainObject(operand)) {
    throw new InvalidEventPatternError(`${operator} match pattern must be a string`, path);
  }
  const keys = Object.keys(operand);
  const name = operator === 'prefix' ? 'Prefix' : 'Suffix';
  if (keys.length === 0) throw new InvalidEventPatternError(`${name} expression name not found`, path);
  if (keys[0] !== OPERATORS.equalsIgnoreCase) {
    throw new InvalidEventPatternError(`Unsupported ${operator} pattern: ${keys[0]}`, path);
  }
  const inner = operand[OPERATORS.equalsIgnoreCase];
  if (typeof inner !== 'string') {
    throw new InvalidEventPatternError('equals-ignore-case match pattern must be a string', path);
  }
  if (keys.length > 1) throw new InvalidEventPatternError('Only one key allowed in match expression', path);
  return { ignoringCase: inner };
}
