import { describe, expect, it } from 'vitest';
import { compileEventPattern } from '../../../local/event-bus/pattern/index.js';

type Case = readonly [
  description: string,
  pattern: Record<string, unknown>,
  event: unknown,
  expected: boolean,
];

/** Runs `[description, pattern, event, expected]` rows, each as its own test. */
function table(cases: readonly Case[]): void {
  it.each(
    cases.map(([description, pattern, event, expected]) => ({ description, pattern, event, expected })),
  )('$description', ({ pattern, event, expected }) => {
    // Act
    const matched = compileEventPattern(pattern).matches(event);
    // Assess
    expect(matched).toBe(expected);
  });
}

const order = (detail: Record<string, unknown>) => ({
  source: 'tessera.channel.pos',
  'detail-type': 'OrderPlaced',
  detail,
});

describe('exact values', () => {
  table([
    ['a string equals', { source: ['tessera.channel.pos'] }, order({}), true],
    ['a string differs by case', { source: ['Tessera.channel.pos'] }, order({}), false],
    ['any value of the rule array', { 'detail-type': ['OrderReturned', 'OrderPlaced'] }, order({}), true],
    ['the empty string', { detail: { note: [''] } }, order({ note: '' }), true],
    [
      'a number, compared by value (300 = 3e2 = 300.0)',
      { detail: { total: [3e2] } },
      order({ total: 300.0 }),
      true,
    ],
    ['a number does not equal its string', { detail: { total: [300] } }, order({ total: '300' }), false],
    ['a string does not equal its number', { detail: { total: ['300'] } }, order({ total: 300 }), false],
    [
      'a 12-digit account id outside the numeric range',
      { account: [123456789012] },
      { account: 123456789012 },
      true,
    ],
    ['true', { detail: { giftWrap: [true] } }, order({ giftWrap: true }), true],
    ['true is not the string "true"', { detail: { giftWrap: [true] } }, order({ giftWrap: 'true' }), false],
    ['null', { detail: { coupon: [null] } }, order({ coupon: null }), true],
    ['null does not match an absent field', { detail: { coupon: [null] } }, order({}), false],
    [
      'an IP address equals the same address written differently',
      { ip: ['::1'] },
      { ip: '0:0:0:0:0:0:0:1' },
      true,
    ],
    ['an absent field named like an Object.prototype member', { constructor: [{ exists: true }] }, {}, false],
    ['a present field named like an Object.prototype member', { toString: ['x'] }, { toString: 'x' }, true],
    [
      'a "__proto__" field from parsed JSON',
      JSON.parse('{"__proto__": ["x"]}'),
      JSON.parse('{"__proto__": "x"}'),
      true,
    ],
  ]);
});

describe('arrays in the event', () => {
  table([
    ['any element may match', { resources: ['arn:b'] }, { resources: ['arn:a', 'arn:b'] }, true],
    ['nested arrays are flattened', { tags: ['vip'] }, { tags: [['new'], ['vip']] }, true],
    ['no element matches', { tags: ['vip'] }, { tags: ['new', 'lapsed'] }, false],
    [
      'fields of one array element must match together',
      { detail: { lines: { sku: ['SKU-1'], quantity: [2] } } },
      order({
        lines: [
          { sku: 'SKU-1', quantity: 1 },
          { sku: 'SKU-2', quantity: 2 },
        ],
      }),
      false,
    ],
    [
      'one array element matching every field',
      { detail: { lines: { sku: ['SKU-1'], quantity: [2] } } },
      order({
        lines: [
          { sku: 'SKU-2', quantity: 2 },
          { sku: 'SKU-1', quantity: 2 },
        ],
      }),
      true,
    ],
  ]);
});

describe('prefix and suffix', () => {
  table([
    ['prefix', { source: [{ prefix: 'tessera.channel.' }] }, order({}), true],
    ['prefix is case-sensitive', { source: [{ prefix: 'TESSERA.' }] }, order({}), false],
    ['prefix ignoring case', { source: [{ prefix: { 'equals-ignore-case': 'TESSERA.' } }] }, order({}), true],
    [
      'prefix only applies to strings',
      { detail: { total: [{ prefix: '3' }] } },
      order({ total: 300 }),
      false,
    ],
    ['suffix', { detail: { file: [{ suffix: '.pdf' }] } }, order({ file: 'claim.pdf' }), true],
    [
      'suffix is case-sensitive',
      { detail: { file: [{ suffix: '.pdf' }] } },
      order({ file: 'claim.PDF' }),
      false,
    ],
    [
      'suffix ignoring case',
      { detail: { file: [{ suffix: { 'equals-ignore-case': '.pdf' } }] } },
      order({ file: 'claim.PDF' }),
      true,
    ],
  ]);
});

describe('equals-ignore-case and wildcard', () => {
  table([
    [
      'equals ignoring case',
      { detail: { email: [{ 'equals-ignore-case': 'ana@example.com' }] } },
      order({ email: 'Ana@Example.COM' }),
      true,
    ],
    [
      'equals ignoring case is still whole-string',
      { detail: { email: [{ 'equals-ignore-case': 'ana@example' }] } },
      order({ email: 'ana@example.com' }),
      false,
    ],
    [
      'wildcard in the middle',
      { detail: { sku: [{ wildcard: 'SKU-*-XL' }] } },
      order({ sku: 'SKU-123-XL' }),
      true,
    ],
    [
      'wildcard matches an empty run',
      { detail: { sku: [{ wildcard: 'SKU-*XL' }] } },
      order({ sku: 'SKU-XL' }),
      true,
    ],
    [
      'several wildcards',
      { detail: { path: [{ wildcard: '*/returns/*.pdf' }] } },
      order({ path: 's3://b/returns/2026/r1.pdf' }),
      true,
    ],
    [
      'wildcard anchors both ends',
      { detail: { sku: [{ wildcard: 'SKU-*' }] } },
      order({ sku: 'XSKU-1' }),
      false,
    ],
    [
      'an escaped star is literal',
      { detail: { code: [{ wildcard: 'A\\*B' }] } },
      order({ code: 'A*B' }),
      true,
    ],
    [
      'an escaped star does not match other text',
      { detail: { code: [{ wildcard: 'A\\*B' }] } },
      order({ code: 'AxB' }),
      false,
    ],
    [
      'an escaped backslash is literal',
      { detail: { code: [{ wildcard: 'A\\\\*' }] } },
      order({ code: 'A\\anything' }),
      true,
    ],
    [
      'wildcard only applies to strings',
      { detail: { total: [{ wildcard: '*' }] } },
      order({ total: 1 }),
      false,
    ],
  ]);
});

describe('anything-but', () => {
  table([
    [
      'a single string',
      { detail: { status: [{ 'anything-but': 'cancelled' }] } },
      order({ status: 'paid' }),
      true,
    ],
    [
      'a single string, excluded',
      { detail: { status: [{ 'anything-but': 'cancelled' }] } },
      order({ status: 'cancelled' }),
      false,
    ],
    [
      'a list of strings',
      { detail: { status: [{ 'anything-but': ['cancelled', 'void'] }] } },
      order({ status: 'void' }),
      false,
    ],
    ['a number', { detail: { quantity: [{ 'anything-but': 0 }] } }, order({ quantity: 3 }), true],
    [
      'a number, excluded by value',
      { detail: { quantity: [{ 'anything-but': 0 }] } },
      order({ quantity: 0.0 }),
      false,
    ],
    [
      'a list of numbers',
      { detail: { quantity: [{ 'anything-but': [1, 2] }] } },
      order({ quantity: 2 }),
      false,
    ],
    [
      'a value of another type is anything but the excluded strings',
      { detail: { status: [{ 'anything-but': 'x' }] } },
      order({ status: 5 }),
      true,
    ],
    [
      'needs the field to be present',
      { detail: { status: [{ 'anything-but': 'cancelled' }] } },
      order({}),
      false,
    ],
    ['{prefix}', { source: [{ 'anything-but': { prefix: 'aws.' } }] }, order({}), true],
    ['{prefix}, excluded', { source: [{ 'anything-but': { prefix: 'tessera.' } }] }, order({}), false],
    [
      '{prefix} with a list',
      { source: [{ 'anything-but': { prefix: ['aws.', 'tessera.'] } }] },
      order({}),
      false,
    ],
    [
      '{suffix}',
      { detail: { file: [{ 'anything-but': { suffix: '.png' } }] } },
      order({ file: 'a.pdf' }),
      true,
    ],
    [
      '{suffix}, excluded',
      { detail: { file: [{ 'anything-but': { suffix: '.png' } }] } },
      order({ file: 'a.png' }),
      false,
    ],
    [
      '{equals-ignore-case}',
      { detail: { status: [{ 'anything-but': { 'equals-ignore-case': 'CANCELLED' } }] } },
      order({ status: 'paid' }),
      true,
    ],
    [
      '{equals-ignore-case}, excluded',
      { detail: { status: [{ 'anything-but': { 'equals-ignore-case': ['VOID', 'CANCELLED'] } }] } },
      order({ status: 'Cancelled' }),
      false,
    ],
    [
      '{wildcard}',
      { detail: { path: [{ 'anything-but': { wildcard: '*/lib/*' } }] } },
      order({ path: '/src/app.ts' }),
      true,
    ],
    [
      '{wildcard}, excluded',
      { detail: { path: [{ 'anything-but': { wildcard: '*/lib/*' } }] } },
      order({ path: '/usr/lib/x.so' }),
      false,
    ],
    [
      'an array with one allowed element',
      { tags: [{ 'anything-but': 'spam' }] },
      { tags: ['spam', 'vip'] },
      true,
    ],
  ]);
});

describe('numeric', () => {
  table([
    [
      'a closed-open range',
      { detail: { total: [{ numeric: ['>', 0, '<=', 5] }] } },
      order({ total: 5 }),
      true,
    ],
    ['below the range', { detail: { total: [{ numeric: ['>', 0, '<=', 5] }] } }, order({ total: 0 }), false],
    [
      'above the range',
      { detail: { total: [{ numeric: ['>', 0, '<=', 5] }] } },
      order({ total: 5.000001 }),
      false,
    ],
    ['>= includes the bound', { detail: { total: [{ numeric: ['>=', 10] }] } }, order({ total: 10 }), true],
    ['< excludes the bound', { detail: { total: [{ numeric: ['<', 10] }] } }, order({ total: 10 }), false],
    [
      '= compares values',
      { detail: { total: [{ numeric: ['=', 3.018e2] }] } },
      order({ total: 301.8 }),
      true,
    ],
    ['negative numbers', { detail: { margin: [{ numeric: ['<', 0] }] } }, order({ margin: -12.5 }), true],
    ['only JSON numbers', { detail: { total: [{ numeric: ['>', 0] }] } }, order({ total: '12' }), false],
    [
      'booleans are not numbers',
      { detail: { total: [{ numeric: ['>', 0] }] } },
      order({ total: true }),
      false,
    ],
    [
      'event numbers beyond ±5e9 never compare',
      { detail: { total: [{ numeric: ['>', 0] }] } },
      order({ total: 6e9 }),
      false,
    ],
    [
      'event numbers with more than six decimals never compare',
      { detail: { total: [{ numeric: ['>', 0] }] } },
      order({ total: 0.1234567 }),
      false,
    ],
    [
      'any element of an array',
      { detail: { scores: [{ numeric: ['>', 0.9] }] } },
      order({ scores: [0.2, 0.95] }),
      true,
    ],
  ]);
});

describe('exists', () => {
  table([
    ['true: a present value', { detail: { email: [{ exists: true }] } }, order({ email: 'a@b.c' }), true],
    [
      'true: null is a present value',
      { detail: { email: [{ exists: true }] } },
      order({ email: null }),
      true,
    ],
    ['true: an absent field', { detail: { email: [{ exists: true }] } }, order({}), false],
    [
      'true: an object is not a leaf',
      { detail: { address: [{ exists: true }] } },
      order({ address: { city: 'Gent' } }),
      false,
    ],
    [
      'true: an empty array holds no value',
      { detail: { tags: [{ exists: true }] } },
      order({ tags: [] }),
      false,
    ],
    ['true: an array of values', { detail: { tags: [{ exists: true }] } }, order({ tags: ['vip'] }), true],
    ['false: an absent field', { detail: { email: [{ exists: false }] } }, order({}), true],
    ['false: a present value', { detail: { email: [{ exists: false }] } }, order({ email: '' }), false],
    ['false: null is present', { detail: { email: [{ exists: false }] } }, order({ email: null }), false],
    [
      'false: an object is not a leaf, so the leaf is absent',
      { detail: { address: [{ exists: false }] } },
      order({ address: { city: 'Gent' } }),
      true,
    ],
    ['false: an empty array', { detail: { tags: [{ exists: false }] } }, order({ tags: [] }), true],
    [
      'false: the whole parent is missing',
      { detail: { loyalty: { tier: [{ exists: false }] } } },
      { source: 'x' },
      true,
    ],
    [
      'false: the parent is a string',
      { detail: { loyalty: { tier: [{ exists: false }] } } },
      order({ loyalty: 'gold' }),
      true,
    ],
    [
      'false: per array element',
      { detail: { lines: { sku: [{ exists: true }], discount: [{ exists: false }] } } },
      order({ lines: [{ sku: 'A', discount: 1 }, { sku: 'B' }] }),
      true,
    ],
    ['false or a value', { detail: { channel: ['web', { exists: false }] } }, order({}), true],
  ]);
});

describe('cidr', () => {
  table([
    [
      'an IPv4 address inside',
      { detail: { ip: [{ cidr: '10.0.0.0/24' }] } },
      order({ ip: '10.0.0.255' }),
      true,
    ],
    [
      'an IPv4 address outside',
      { detail: { ip: [{ cidr: '10.0.0.0/24' }] } },
      order({ ip: '10.0.1.0' }),
      false,
    ],
    ['a /8', { detail: { ip: [{ cidr: '10.0.0.0/8' }] } }, order({ ip: '10.200.3.4' }), true],
    [
      'an IPv6 address inside',
      { detail: { ip: [{ cidr: '2001:db8::/32' }] } },
      order({ ip: '2001:db8:1:2::9' }),
      true,
    ],
    [
      'an IPv6 address outside',
      { detail: { ip: [{ cidr: '2001:db8::/32' }] } },
      order({ ip: '2001:db9::1' }),
      false,
    ],
    [
      'an IPv6 address against an IPv4 block',
      { detail: { ip: [{ cidr: '0.0.0.0/0' }] } },
      order({ ip: '::1' }),
      false,
    ],
    ['not an address', { detail: { ip: [{ cidr: '10.0.0.0/8' }] } }, order({ ip: 'localhost' }), false],
  ]);
});

describe('$or and nesting', () => {
  const routing = {
    source: [{ prefix: 'tessera.channel.' }],
    $or: [
      { 'detail-type': ['TicketOpened'], detail: { priority: ['high', 'urgent'] } },
      { 'detail-type': ['OrderReturned'], detail: { refund: { amount: [{ numeric: ['>=', 500] }] } } },
    ],
  };
  table([
    [
      'first branch',
      routing,
      { source: 'tessera.channel.crm', 'detail-type': 'TicketOpened', detail: { priority: 'urgent' } },
      true,
    ],
    [
      'second branch',
      routing,
      { source: 'tessera.channel.web', 'detail-type': 'OrderReturned', detail: { refund: { amount: 720 } } },
      true,
    ],
    [
      'neither branch',
      routing,
      { source: 'tessera.channel.web', 'detail-type': 'OrderReturned', detail: { refund: { amount: 20 } } },
      false,
    ],
    [
      'a branch but not the shared field',
      routing,
      { source: 'aws.s3', 'detail-type': 'TicketOpened', detail: { priority: 'high' } },
      false,
    ],
    [
      '$or inside a nested object',
      { detail: { $or: [{ email: [{ exists: true }] }, { phone: [{ exists: true }] }] } },
      order({ phone: '+32470000000' }),
      true,
    ],
    [
      'nested $or',
      { $or: [{ a: ['1'] }, { b: ['1'], $or: [{ c: ['1'] }, { d: ['1'] }] }] },
      { b: '1', d: '1' },
      true,
    ],
    [
      'nested $or, inner branch missing',
      { $or: [{ a: ['1'] }, { b: ['1'], $or: [{ c: ['1'] }, { d: ['1'] }] }] },
      { b: '1' },
      false,
    ],
    [
      'a $or branch stays consistent with an array element of the shared part',
      {
        detail: { lines: { sku: ['A'] } },
        $or: [{ detail: { lines: { qty: [1] } } }, { detail: { lines: { qty: [2] } } }],
      },
      order({
        lines: [
          { sku: 'A', qty: 3 },
          { sku: 'B', qty: 2 },
        ],
      }),
      false,
    ],
  ]);
});

describe('a path set both outside and inside a $or branch', () => {
  // event-ruler (EventBridge's matcher) keeps the value written last for that branch.
  const pattern = {
    source: ['tessera.channel.pos'],
    $or: [{ source: ['tessera.channel.web'] }, { channel: ['store'] }],
  };
  table([
    ['the branch value replaces the outer one', pattern, { source: 'tessera.channel.web' }, true],
    [
      'the outer value still holds in the other branch',
      pattern,
      { source: 'tessera.channel.pos', channel: 'store' },
      true,
    ],
    [
      'the outer value alone does not satisfy the first branch',
      pattern,
      { source: 'tessera.channel.pos' },
      false,
    ],
  ]);
});

describe('event shapes', () => {
  it('survives an event of deeply nested arrays', () => {
    // Prepare: legal JSON well under EventBridge's 256 KB, deeper than any call stack.
    const depth = 100_000;
    const event = JSON.parse(`{"tags": ${'['.repeat(depth)}"vip"${']'.repeat(depth)}}`);
    const pattern = compileEventPattern({ tags: ['vip'], orders: { id: [{ exists: false }] } });
    // Act
    const matched = pattern.matches(event);
    // Assess
    expect(matched).toBe(true);
  });

  it('treats an event that is not an object as having no fields', () => {
    // Prepare
    const pattern = compileEventPattern({ source: [{ exists: false }] });
    // Act + Assess
    expect([pattern.matches('text'), pattern.matches(null), pattern.matches(42)]).toEqual([true, true, true]);
  });
});
