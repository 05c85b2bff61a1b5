import { describe, expect, it } from 'vitest';
import { nicknameTable } from '../../../local/simulator/nicknames.js';
import { resolveOptions } from '../../../local/simulator/options.js';

describe('simulation options', () => {
  it('fills the defaults the local demo uses', () => {
    const options = resolveOptions();
    expect(options).toMatchObject({ seed: 42, customers: 2000, months: 12, start: '2025-09-01' });
    expect(new Date(options.endMs).toISOString()).toBe('2026-09-01T00:00:00.000Z');
  });

  it('names every option that is wrong', () => {
    expect(() =>
      resolveOptions({
        customers: 0,
        months: -1,
        start: '01/09/2025',
        outOfOrderRate: 1.5,
        currency: 'pounds',
      }),
    ).toThrow(
      /customers must be a positive integer.*months must be more than 0.*start must be a date as YYYY-MM-DD.*outOfOrderRate must be a share.*currency must be an ISO 4217 code/,
    );
  });

  it('names an unknown source or fault in the fault overrides', () => {
    expect(() => resolveOptions({ faults: { fax: { typo: 0.1 } } as never })).toThrow(
      /faults\.fax: unknown source/,
    );
    expect(() => resolveOptions({ faults: { pos: { smudge: 0.1 } as never } })).toThrow(
      /faults\.pos\.smudge: unknown fault/,
    );
    expect(() => resolveOptions({ faults: { pos: { typo: 3 } } })).toThrow(
      /faults\.pos\.typo must be between 0 and 1/,
    );
  });

  it('merges the nicknames of a name listed on several rows', () => {
    const table = nicknameTable(['william will bill', 'william billy bill']);
    expect(table.get('william')).toEqual(['will', 'bill', 'billy']);
  });
});
