import { compileAnythingBut } from './anything-but.js';
import { InvalidEventPatternError } from './errors.js';
import { isInBlock, parseCidr, parseIpAddress, sameAddress } from './ip-address.js';
import { OPERATORS } from './limits.js';
import { compileNumeric } from './numeric.js';
import { isPlainObject, isScalar, type Scalar, type ScalarTest } from './scalar.js';
import {
  compileEqualsIgnoreCase,
  compilePrefix,
  compileSuffix,
  compileWildcardOperator,
} from './string-operators.js';

/**
 * The compiled array at the end of a pattern path: the field matches when any of its conditions holds
 * (values in a rule array are alternatives). Exact values are kept in sets so a long list of detail-types
 * costs one lookup.
 */
export class LeafMatcher {
  constructor(
    private readonly exactStrings: ReadonlySet<string>,
    /** Numbers, booleans and null; numbers compare by value, so 300 equals 3e2 and 300.0. */
    private readonly exactOthers: ReadonlySet<Scalar>,
    /** Rule strings that are IP addresses also match the same address written differently. */
    private readonly exactAddresses: readonly Uint8Array[],
    private readonly tests: readonly ScalarTest[],
    /** `{"exists": true}`: any present value matches. */
    private readonly anyPresent: boolean,
    /** `{"exists": false}`: the field may be absent. */
    readonly matchesAbsent: boolean,
  ) {}

  test(value: Scalar): boolean {
    if (this.anyPresent) return true;
    if (typeof value === 'string') {
      if (this.exactStrings.has(value)) return true;
      if (this.exactAddresses.length > 0 && this.matchesAddress(value)) return true;
    } else if (this.exactOthers.has(value)) {
      return true;
    }
    for (const test of this.tests) if (test(value)) return true;
    return false;
  }

  private matchesAddress(value: string): boolean {
    const address = parseIpAddress(value);
    return address !== undefined && this.exactAddresses.some((candidate) => sameAddress(candidate, address));
  }
}

export function compileLeaf(values: readonly unknown[], path: readonly string[]): LeafMatcher {
  if (values.length === 0) throw new InvalidEventPatternError('Empty arrays are not allowed', path);
  const exactStrings = new Set<string>();
  const exactOthers = new Set<Scalar>();
  const exactAddresses: Uint8Array[] = [];
  const tests: ScalarTest[] = [];
  let anyPresent = false;
  let matchesAbsent = false;

  for (const value of values) {
    if (isPlainObject(value)) {
      const condition = compileCondition(value, path);
      if (condition === 'present') anyPresent = true;
      else if (condition === 'absent') matchesAbsent = true;
      else tests.push(condition);
    } else if (typeof value === 'string') {
      exactStrings.add(value);
      const address = parseIpAddress(value);
      if (address !== undefined) exactAddresses.push(address);
    } else if (isScalar(value)) {
      exactOthers.add(value);
    } else {
      throw new InvalidEventPatternError('Match value must be String, number, true, false, or null', path);
    }
  }
  return new LeafMatcher(exactStrings, exactOthers, exactAddresses, tests, anyPresent, matchesAbsent);
}

/** One `{ "<operator>": operand }` match expression. */
function compileCondition(
  expression: Record<string, unknown>,
  path: readonly string[],
): ScalarTest | 'present' | 'absent' {
  const keys = Object.keys(expression);
  const operator = keys[0];
  if (operator === undefined) throw new InvalidEventPatternError('Match expression name not found', path);
  const condition = compileOperator(operator, expression[operator], path);
  if (keys.length > 1) {
    const found = keys.map((key) => `"${key}"`).join(', ');
    throw new InvalidEventPatternError(`Only one key allowed in match expression, found ${found}`, path);
  }
  return condition;
}

function compileOperator(
  operator: string,
  operand: unknown,
  path: readonly string[],
): ScalarTest | 'present' | 'absent' {
  switch (operator) {
    case OPERATORS.prefix:
      return compilePrefix(operand, path);
    case OPERATORS.suffix:
      return compileSuffix(operand, path);
    case OPERATORS.equalsIgnoreCase:
      return compileEqualsIgnoreCase(operand, path);
    case OPERATORS.wildcard:
      return compileWildcardOperator(operand, path);
    case OPERATORS.anythingBut:
      return compileAnythingBut(operand, path);
    case OPERATORS.numeric:
      return compileNumeric(operand, path);
    case OPERATORS.exists:
      if (typeof operand !== 'boolean') {
        throw new InvalidEventPatternError('exists match pattern must be either true or false.', path);
      }
      return operand ? 'present' : 'absent';
    case OPERATORS.cidr:
      return compileCidr(operand, path);
    default:
      throw new InvalidEventPatternError(`Unrecognized match type ${operator}`, path);
  }
}

function compileCidr(operand: unknown, path: readonly string[]): ScalarTest {
  if (typeof operand !== 'string')
    throw new InvalidEventPatternError('cidr match pattern must be a string', path);
  const block = parseCidr(operand);
  if (typeof block === 'string') throw new InvalidEventPatternError(block, path);
  return (value) => {
    if (typeof value !== 'string') return false;
    const address = parseIpAddress(value);
    return address !== undefined && isInBlock(address, block);
  };
}
