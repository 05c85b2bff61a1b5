import { describe, expect, it } from 'vitest';
import { compileEventPattern, InvalidEventPatternError } from '../../../local/event-bus/pattern/index.js';

/** Compiles and returns the error it must throw. */
function rejection(pattern: unknown): InvalidEventPatternError {
  try {
    compileEventPattern(pattern);
  } catch (error) {
    if (error instanceof InvalidEventPatternError) return error;
    throw error;
  }
  throw new Error(`pattern was accepted: ${JSON.stringify(pattern)}`);
}

type Case = readonly [description: string, pattern: unknown, message: string];

describe('invalid event patterns are rejected with EventBridge-like reasons', () => {
  const cases: readonly Case[] = [
    ['an array', [{ source: ['a'] }], 'Event pattern is not valid. Reason: Filter is not an object'],
    ['a string', 'source', 'Reason: Filter is not an object'],
    ['null', null, 'Reason: Filter is not an object'],
    ['an empty pattern', {}, 'Reason: Empty objects are not allowed'],
    ['an empty nested object', { detail: {} }, 'Reason: Empty objects are not allowed at detail'],
    [
      'a leaf that is a string',
      { detail: { pipeline: { slug: 'some-pipeline' } } },
      'Reason: "slug" must be an object or an array at detail.pipeline.slug',
    ],
    [
      'a leaf that is a number',
      { detail: { total: 5 } },
      '"total" must be an object or an array at detail.total',
    ],
    ['a leaf that is null', { source: null }, '"source" must be an object or an array at source'],
    ['an empty array', { source: [] }, 'Reason: Empty arrays are not allowed at source'],
    [
      'a nested array value',
      { source: [['a']] },
      'Match value must be String, number, true, false, or null at source',
    ],
    [
      'an unknown operator',
      { source: [{ startsWith: 'a' }] },
      'Unrecognized match type startsWith at source',
    ],
    ['an empty match expression', { source: [{}] }, 'Match expression name not found at source'],
    [
      'two operators in one expression',
      { source: [{ prefix: 'a', suffix: 'b' }] },
      'Only one key allowed in match expression',
    ],
    ['a non-string prefix', { source: [{ prefix: 5 }] }, 'prefix match pattern must be a string at source'],
    [
      'an unknown prefix option',
      { source: [{ prefix: { 'ignore-case': 'a' } }] },
      'Unsupported prefix pattern: ignore-case',
    ],
    ['an empty prefix option', { source: [{ prefix: {} }] }, 'Prefix expression name not found'],
    ['a non-string suffix', { source: [{ suffix: ['a'] }] }, 'suffix match pattern must be a string'],
    [
      'a non-string suffix ignoring case',
      { source: [{ suffix: { 'equals-ignore-case': 1 } }] },
      'equals-ignore-case match pattern must be a string',
    ],
    [
      'a non-string equals-ignore-case',
      { source: [{ 'equals-ignore-case': true }] },
      'equals-ignore-case match pattern must be a string',
    ],
    ['a non-string wildcard', { source: [{ wildcard: 1 }] }, 'wildcard match pattern must be a string'],
    [
      'consecutive wildcards',
      { key: [{ wildcard: 'abc**def' }] },
      'Consecutive wildcard characters at pos 4 at key',
    ],
    [
      'an invalid wildcard escape',
      { key: [{ wildcard: 'a*c\\def' }] },
      'Invalid escape character at pos 4 at key',
    ],
    ['a trailing wildcard backslash', { key: [{ wildcard: 'abc\\' }] }, 'Invalid escape character at pos 4'],
    [
      'exists with a string',
      { source: [{ exists: 'true' }] },
      'exists match pattern must be either true or false.',
    ],
    ['numeric not an array', { n: [{ numeric: '>5' }] }, 'Value of numeric must be an array. at n'],
    ['numeric empty', { n: [{ numeric: [] }] }, 'Invalid member in numeric match: empty array'],
    ['numeric starting with a number', { n: [{ numeric: [5, '>'] }] }, 'Invalid member in numeric match: 5'],
    ['numeric unknown operator', { n: [{ numeric: ['!=', 5] }] }, 'Unrecognized numeric range operator: !='],
    ['numeric with a string bound', { n: [{ numeric: ['>', '5'] }] }, 'Value of > must be numeric'],
    [
      'numeric = with extra terms',
      { n: [{ numeric: ['=', 5, '<', 6] }] },
      'Too many elements in numeric expression',
    ],
    [
      'numeric upper bound first',
      { n: [{ numeric: ['<', 5, '>', 0] }] },
      'Too many elements in numeric expression',
    ],
    [
      'numeric range with two lower bounds',
      { n: [{ numeric: ['>', 0, '>=', 5] }] },
      'Bad numeric range operator: >=',
    ],
    [
      'numeric range with a number in operator place',
      { n: [{ numeric: ['>', 0, 5] }] },
      'Bad value in numeric range: 5',
    ],
    ['numeric range without a top', { n: [{ numeric: ['>', 0, '<'] }] }, 'Value of < must be numeric'],
    [
      'numeric range with five terms',
      { n: [{ numeric: ['>', 0, '<', 5, 6] }] },
      'Too many terms in numeric range expression',
    ],
    ['numeric range upside down', { n: [{ numeric: ['>', 10, '<', 5] }] }, 'Bottom must be less than top'],
    ['numeric range that is empty', { n: [{ numeric: ['>=', 5, '<', 5] }] }, 'Bottom must be less than top'],
    [
      'numeric beyond 5e9',
      { n: [{ numeric: ['>', 6e9] }] },
      'Value must be between -5.0E9 and 5.0E9, inclusive',
    ],
    ['numeric with seven decimals', { n: [{ numeric: ['=', 0.1234567] }] }, 'up to 6 decimal places'],
    [
      'anything-but null',
      { s: [{ 'anything-but': null }] },
      'Value of anything-but must be an array or single string/number value.',
    ],
    [
      'anything-but true',
      { s: [{ 'anything-but': true }] },
      'Value of anything-but must be an array or single string/number value.',
    ],
    [
      'anything-but with a boolean in its list',
      { s: [{ 'anything-but': ['a', false] }] },
      'Inside anything but list, start|null|boolean is not supported.',
    ],
    [
      'anything-but mixing strings and numbers',
      { s: [{ 'anything-but': ['a', 1] }] },
      'either all values are number or string, mixed type is not supported',
    ],
    ['anything-but an empty list', { s: [{ 'anything-but': [] }] }, 'either all values are number or string'],
    [
      'anything-but an unsupported form',
      { s: [{ 'anything-but': { numeric: ['>', 1] } }] },
      'Unsupported anything-but pattern: numeric',
    ],
    ['anything-but an empty form', { s: [{ 'anything-but': {} }] }, 'Anything-But expression name not found'],
    [
      'anything-but an empty prefix',
      { s: [{ 'anything-but': { prefix: '' } }] },
      'Null prefix/suffix not allowed',
    ],
    [
      'anything-but a numeric suffix',
      { s: [{ 'anything-but': { suffix: 5 } }] },
      'prefix/suffix match pattern must be a string',
    ],
    [
      'anything-but ignoring case of a number',
      { s: [{ 'anything-but': { 'equals-ignore-case': [1] } }] },
      'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.',
    ],
    [
      'anything-but a bad wildcard',
      { s: [{ 'anything-but': { wildcard: ['a**'] } }] },
      'Consecutive wildcard characters at pos 2',
    ],
    [
      'anything-but a number out of range',
      { s: [{ 'anything-but': [1e10] }] },
      'Value must be between -5.0E9 and 5.0E9, inclusive',
    ],
    ['cidr not a string', { ip: [{ cidr: 10 }] }, 'cidr match pattern must be a string'],
    ['cidr without a mask', { ip: [{ cidr: '10.0.0.0' }] }, "Malformed CIDR, one '/' required"],
    [
      'cidr with a word for a mask',
      { ip: [{ cidr: '10.0.0.0/x' }] },
      'Malformed CIDR, mask bits must be an integer',
    ],
    [
      'cidr with a negative mask',
      { ip: [{ cidr: '10.0.0.0/-1' }] },
      'Malformed CIDR, mask bits must not be negative',
    ],
    ['cidr with an IPv4 /33', { ip: [{ cidr: '10.0.0.0/33' }] }, 'IPv4 mask bits must be < 32'],
    ['cidr with an IPv6 /129', { ip: [{ cidr: '2001:db8::/129' }] }, 'IPv6 mask bits must be < 128'],
    ['cidr with a bad address', { ip: [{ cidr: '300.1.1.1/8' }] }, 'Invalid IP address: 300.1.1.1'],
    ['cidr with a host name', { ip: [{ cidr: 'example.com/8' }] }, 'Invalid IP address: example.com'],
    ['$or not an array', { $or: { a: ['1'] } }, 'It must be an Array followed with $or. at $or'],
    [
      '$or with one branch',
      { $or: [{ a: ['1'] }] },
      'There must have at least 2 Objects in $or relationship.',
    ],
    [
      '$or with a string branch',
      { $or: [{ a: ['1'] }, 'b'] },
      'Only JSON object is allowed in array of $or relationship. at $or[1]',
    ],
    ['$or with an empty branch', { $or: [{ a: ['1'] }, {}] }, 'Empty objects are not allowed at $or[1]'],
    [
      'an operator used as a field inside $or',
      { $or: [{ prefix: ['a'] }, { b: ['1'] }] },
      'prefix is Ruler reserved fieldName which cannot be used inside $or. at $or[0].prefix',
    ],
    [
      'an error deep inside a $or branch',
      { detail: { $or: [{ a: ['1'] }, { b: { c: [{ numeric: ['>'] }] } }] } },
      'Value of > must be numeric at detail.$or[1].b.c',
    ],
  ];

  it.each(cases.map(([description, pattern, message]) => ({ description, pattern, message })))(
    '$description',
    ({ pattern, message }) => {
      // Act
      const error = rejection(pattern);
      // Assess
      expect(error.message).toMatch(/^Event pattern is not valid\. Reason: /);
      expect(error.message).toContain(message);
    },
  );

  it('names the path of the offending field in a property of its own', () => {
    // Act
    const error = rejection({ detail: { refund: { amount: [{ numeric: ['>', 'x'] }] } } });
    // Assess
    expect(error.path).toEqual(['detail', 'refund', 'amount']);
    expect(error.reason).toBe('Value of > must be numeric');
  });

  it('rejects a pattern longer than the EventBridge quota, and accepts it with a raised limit', () => {
    // Prepare
    const pattern = { 'detail-type': Array.from({ length: 200 }, (_, i) => `SomethingHappened${i}`) };
    // Act
    const error = rejection(pattern);
    const raised = () => compileEventPattern(pattern, { maxPatternLength: 10_000 });
    // Assess
    expect(error.reason).toContain('the limit is 2048');
    expect(raised).not.toThrow();
  });

  it('rejects a pattern built in code that is not JSON', () => {
    // Prepare
    const pattern: Record<string, unknown> = { source: ['a'] };
    pattern.detail = pattern;
    // Act
    const error = rejection(pattern);
    // Assess
    expect(error.reason).toContain('Event pattern is not JSON');
  });

  it('rejects a pattern nested too deeply', () => {
    // Prepare
    let pattern: Record<string, unknown> = { leaf: ['x'] };
    for (let i = 0; i < 70; i++) pattern = { [`l${i}`]: pattern };
    // Act
    const error = rejection(pattern);
    // Assess
    expect(error.reason).toContain('nested too deeply');
  });

  it('rejects $or combinations that explode', () => {
    // Prepare: five parallel $or of six branches each would be 6^5 = 7776 branches.
    const or = (field: string) => ({
      $or: Array.from({ length: 6 }, (_, i) => ({ [`${field}${i}`]: ['x'] })),
    });
    const pattern = { a: or('a'), b: or('b'), c: or('c'), d: or('d'), e: or('e') };
    // Act
    const error = rejection(pattern);
    // Assess
    expect(error.reason).toContain('too complex');
  });
});
