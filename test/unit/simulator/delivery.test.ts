import { describe, expect, it } from 'vitest';
import { type DeliveryCounts, deliver } from '../../../local/simulator/delivery.js';

const run = (n: number, duplicateRate: number, outOfOrderRate: number, window = 5) => {
  const counts: DeliveryCounts = { delivered: 0, duplicatesInjected: 0, outOfOrderInjected: 0 };
  const base = Array.from({ length: n }, (_, i) => ({ seq: i }));
  const out = [...deliver(base, { seed: 7, duplicateRate, outOfOrderRate, window }, counts)];
  return { out, counts };
};

describe('delivery stream', () => {
  it('delivers every event at least once, and exactly the counted duplicates twice', () => {
    // Act
    const { out, counts } = run(20_000, 0.05, 0.05);
    // Assess
    const seen = new Map<number, number>();
    for (const e of out) seen.set(e.seq, (seen.get(e.seq) ?? 0) + 1);
    expect(seen.size).toBe(20_000);
    const twice = [...seen.values()].filter((n) => n === 2).length;
    expect(twice).toBe(counts.duplicatesInjected);
    expect([...seen.values()].every((n) => n <= 2)).toBe(true);
    expect(out.length).toBe(counts.delivered);
    expect(counts.duplicatesInjected / 20_000).toBeCloseTo(0.05, 1);
    expect(counts.outOfOrderInjected / 20_000).toBeCloseTo(0.05, 1);
  });

  it('keeps late events within the window: a small local shuffle, not a reordering of the stream', () => {
    // Act
    const { out } = run(5_000, 0, 0.2, 5);
    // Assess: an event is overtaken only by events at most `window` positions after it
    let maxSeen = -1;
    let late = 0;
    for (const e of out) {
      if (e.seq < maxSeen) {
        late++;
        expect(maxSeen - e.seq).toBeLessThanOrEqual(5);
      }
      maxSeen = Math.max(maxSeen, e.seq);
    }
    expect(late / 5_000).toBeGreaterThan(0.15);
    expect(late / 5_000).toBeLessThan(0.21);
  });

  it('changes nothing when both rates are zero', () => {
    const { out } = run(1_000, 0, 0);
    expect(out.map((e) => e.seq)).toEqual(Array.from({ length: 1_000 }, (_, i) => i));
  });
});
