import { describe, expect, it } from 'vitest';
import { mapReason, parseDocumentDate, parseMoney } from '../../../lambdas/core/documents/values.js';

describe('parseMoney', () => {
  it.each([
    ['$1,810.46', { amount: 1810.46, currency: 'USD' }],
    ['$899.99 S', { amount: 899.99, currency: 'USD' }],
    ['EUR 89.90', { amount: 89.9, currency: 'EUR' }],
    ['1.234,56 €', { amount: 1234.56, currency: 'EUR' }],
    ['£ 12', { amount: 12, currency: 'GBP' }],
    ['2,310.00', { amount: 2310 }],
    ['-45.00 EUR', { amount: -45, currency: 'EUR' }],
  ])('reads %s', (text, expected) => {
    expect(parseMoney(text)).toEqual(expected);
  });

  it('reads nothing from text without digits', () => {
    expect(parseMoney('N/A')).toBeUndefined();
  });
});

describe('parseDocumentDate', () => {
  it.each([
    ['2026-11-02', 'MDY', '2026-11-02', false],
    ['01-Jan-2021', 'MDY', '2021-01-01', false],
    ['12/07/2019', 'MDY', '2019-12-07', true],
    ['12/07/2019', 'DMY', '2019-07-12', true],
    ['31.01.2021', 'MDY', '2021-01-31', false],
    ['27 November 2026', 'DMY', '2026-11-27', false],
    ['November 27, 2026', 'DMY', '2026-11-27', false],
  ] as const)('reads %s (%s) as %s', (text, order, iso, ambiguous) => {
    expect(parseDocumentDate(text, order)).toEqual({ iso, ambiguous });
  });

  it('refuses an impossible date instead of rolling it over', () => {
    expect(parseDocumentDate('2026-02-30', 'MDY')).toBeUndefined();
  });
});

describe('mapReason', () => {
  it.each([
    ['The jacket is too small', 'size_or_fit'],
    ['Wrong size', 'size_or_fit'],
    ['Screen arrived cracked', 'damaged'],
    ['You sent the wrong colour', 'wrong_item'],
    ['Not as described on the website', 'not_as_described'],
    ['Parcel arrived two weeks late', 'late_delivery'],
    ['I changed my mind', 'changed_mind'],
    ['Gift for my aunt', 'other'],
    // the demo retailer's own wording
    ['Received a different colour', 'wrong_item'],
    ['Not the item I ordered', 'wrong_item'],
    ['Arrived with a tear in the fabric', 'damaged'],
    ['Material feels cheaper than described', 'not_as_described'],
    ['Delivery took two weeks too long', 'late_delivery'],
    ['Bought elsewhere cheaper', 'changed_mind'],
  ] as const)('maps "%s" to %s', (text, code) => {
    expect(mapReason(text).code).toBe(code);
  });
});
