import type { SourceCustomer } from '../../../lambdas/core/contracts/index.js';
import type { GroundTruth, SimulatedEvent } from '../../../local/simulator/index.js';
import { recordKey } from '../../../local/simulator/index.js';

export interface ChannelDetail {
  readonly eventId: string;
  readonly occurredAt: string;
  readonly customer: SourceCustomer;
  readonly [field: string]: unknown;
}

export const detailOf = (event: SimulatedEvent) => event.detail as unknown as ChannelDetail;

/** First view of each source record in the stream, keyed `sourceSystem:sourceCustomerId`. */
export function firstViews(events: readonly SimulatedEvent[]): Map<string, SourceCustomer> {
  const views = new Map<string, SourceCustomer>();
  for (const event of events) {
    const { customer } = detailOf(event);
    if (!customer.sourceCustomerId) continue;
    const key = recordKey(customer.sourceSystem, customer.sourceCustomerId);
    if (!views.has(key)) views.set(key, customer);
  }
  return views;
}

/** Person id for each event: through its record, or through the anonymous order list. */
export function personOfEvent(truth: GroundTruth): (event: SimulatedEvent) => string | undefined {
  const records = new Map(
    truth.records.map((r) => [recordKey(r.sourceSystem, r.sourceCustomerId), r.personId]),
  );
  const anonymous = new Map(truth.anonymousOrders.map((o) => [o.orderId, o.personId]));
  return (event) => {
    const detail = detailOf(event);
    const { customer } = detail;
    if (customer.sourceCustomerId)
      return records.get(recordKey(customer.sourceSystem, customer.sourceCustomerId));
    return anonymous.get(detail.orderId as string);
  };
}

/** Damerau-Levenshtein (optimal string alignment) distance, for telling typos from other differences. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(
        (prev[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (prev[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, ((d[i - 2] as number[])[j - 2] as number) + 1);
      }
      row[j] = value;
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

/** Rate with its denominator, for tolerance checks that say what they measured. */
export class RateCounter {
  private readonly counts = new Map<string, { hits: number; eligible: number }>();

  count(key: string, hit: boolean): void {
    const entry = this.counts.get(key) ?? { hits: 0, eligible: 0 };
    entry.eligible++;
    if (hit) entry.hits++;
    this.counts.set(key, entry);
  }

  entries(): [string, { hits: number; eligible: number; rate: number }][] {
    return [...this.counts.entries()].map(([k, v]) => [k, { ...v, rate: v.hits / v.eligible }]);
  }
}
