import { describe, expect, it } from 'vitest';
import {
  CHANNEL_EVENT_TYPES,
  ChannelEventType,
  channelSource,
  describeIssues,
  validateDetail,
} from '../../../lambdas/core/contracts/index.js';
import { recordKey, simulateRetailer } from '../../../local/simulator/index.js';
import { detailOf } from './helpers.js';

// The default run: what `npm start` streams.
const { events, truth } = simulateRetailer();

describe('the demo retailer stream (default size)', () => {
  it('produces a stream the local demo can take in about two minutes', () => {
    expect(events.length).toBeGreaterThan(15_000);
    expect(events.length).toBeLessThan(25_000);
    expect(truth.people).toHaveLength(2000);
  });

  it('has every event valid against its contract, from the source named in the detail', () => {
    // Act
    const invalid = events.flatMap((event) => {
      const result = validateDetail(event.detailType, event.detail);
      return result.ok
        ? []
        : [`${event.detailType} ${detailOf(event).eventId}: ${describeIssues(result.issues)}`];
    });
    // Assess
    expect(invalid).toEqual([]);
    for (const event of events)
      expect(event.source).toBe(channelSource(detailOf(event).customer.sourceSystem));
    expect(new Set(events.map((e) => e.detailType))).toEqual(new Set(CHANNEL_EVENT_TYPES));
  });

  it('never carries the ground truth in the events', () => {
    // Prepare
    const text = events.map((e) => JSON.stringify(e)).join('\n');
    // Assess: no person or household id, no truth-only field
    expect(text).not.toMatch(/"P\d{7}"|"H\d{6}"/);
    expect(text).not.toMatch(/personId|householdId|discountDriven|frictionProne|churn/);
  });

  it('has every record seen in the events in the truth, tied to a known person', () => {
    // Prepare
    const people = new Set(truth.people.map((p) => p.personId));
    const records = new Map(truth.records.map((r) => [recordKey(r.sourceSystem, r.sourceCustomerId), r]));
    const anonymous = new Set(truth.anonymousOrders.map((o) => o.orderId));
    const seen = new Set<string>();
    // Act
    for (const event of events) {
      const detail = detailOf(event);
      const { customer } = detail;
      if (!customer.sourceCustomerId) {
        // Only anonymous store purchases (and returns of them) come without a customer id; the truth lists them.
        expect([
          ChannelEventType.OrderPlaced,
          ChannelEventType.ReturnRequested,
          ChannelEventType.OrderReturned,
        ]).toContain(event.detailType);
        expect(anonymous.has(detail.orderId as string)).toBe(true);
        continue;
      }
      const key = recordKey(customer.sourceSystem, customer.sourceCustomerId);
      seen.add(key);
      // Assess
      const record = records.get(key);
      expect(record, key).toBeDefined();
      expect(people.has(record?.personId ?? '')).toBe(true);
    }
    // Every truth record but silent newsletter subscribers shows up in the events.
    const unseen = truth.records.filter((r) => !seen.has(recordKey(r.sourceSystem, r.sourceCustomerId)));
    expect(unseen.every((r) => r.sourceSystem === 'campaigns')).toBe(true);
    expect(truth.records.length).toBe(records.size);
  });

  it('delivers the counted duplicates as the same event twice, and the counted late events out of order', () => {
    // Prepare
    const byKey = new Map<string, string>();
    let duplicates = 0;
    let overtaken = 0;
    let latest = '';
    // Act
    for (const event of events) {
      const detail = detailOf(event);
      const key = `${event.source}|${detail.eventId}`;
      const text = JSON.stringify(event);
      const earlier = byKey.get(key);
      if (earlier !== undefined) {
        duplicates++;
        expect(text).toBe(earlier);
        continue;
      }
      byKey.set(key, text);
      if (detail.occurredAt < latest) overtaken++;
      if (detail.occurredAt > latest) latest = detail.occurredAt;
    }
    // Assess
    expect(duplicates).toBe(truth.meta.duplicatesInjected);
    expect(duplicates / truth.meta.generatedEvents).toBeCloseTo(0.02, 2);
    expect(truth.meta.outOfOrderInjected / truth.meta.generatedEvents).toBeCloseTo(0.03, 2);
    // A held-back event is overtaken unless the events that passed it share its second.
    expect(overtaken).toBeGreaterThan(truth.meta.outOfOrderInjected * 0.7);
    expect(overtaken).toBeLessThanOrEqual(truth.meta.outOfOrderInjected);
    expect(events.length).toBe(truth.meta.deliveredEvents);
    expect(truth.meta.deliveredEvents).toBe(truth.meta.generatedEvents + duplicates);
  });
});
