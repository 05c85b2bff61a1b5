import { describe, expect, it } from 'vitest';
import { ChannelEventType } from '../../../lambdas/core/contracts/index.js';
import { formatAddress, simulateRetailer } from '../../../local/simulator/index.js';
import { detailOf, personOfEvent } from './helpers.js';

const { events, truth } = simulateRetailer({ seed: 5, customers: 2500, duplicateRate: 0, outOfOrderRate: 0 });
const personOf = personOfEvent(truth);
const people = truth.people;
const share = (pick: (p: (typeof people)[number]) => boolean) => people.filter(pick).length / people.length;

interface Line {
  sku: string;
  quantity: number;
  unitPrice: number;
  discount: number;
  unitCost: number;
}

describe('behaviour of the demo retailer', () => {
  it('has the three segments the analytics benchmarks score against', () => {
    expect(share((p) => p.labels.churned)).toBeGreaterThan(0.15);
    expect(share((p) => p.labels.churned)).toBeLessThan(0.6);
    expect(share((p) => p.labels.marginDestructive)).toBeGreaterThan(0.02);
    expect(share((p) => p.labels.serviceFriction)).toBeGreaterThan(0.02);
  });

  it('stops a churned customer buying after they drop out, and only after a repeat purchase (BG/NBD)', () => {
    // Prepare
    const lastOrder = new Map<string, string>();
    for (const event of events) {
      if (event.detailType !== ChannelEventType.OrderPlaced) continue;
      const person = personOf(event);
      if (person) lastOrder.set(person, detailOf(event).occurredAt);
    }
    // Assess
    const churned = people.filter((p) => p.labels.churned);
    for (const p of churned) {
      expect(p.stats.orders).toBeGreaterThanOrEqual(2);
      expect(lastOrder.get(p.personId)).toBe(p.labels.churnedAt);
    }
  });

  it('derives margin, discounts and returns in the truth from what the events show', () => {
    // Prepare: recompute each person's figures from the order and return events alone
    const figures = new Map<
      string,
      { orders: number; discounted: number; net: number; cost: number; refunds: number; returnedCost: number }
    >();
    const costOf = new Map<string, number>();
    for (const event of events) {
      const person = personOf(event);
      if (!person) continue;
      const f = figures.get(person) ?? {
        orders: 0,
        discounted: 0,
        net: 0,
        cost: 0,
        refunds: 0,
        returnedCost: 0,
      };
      figures.set(person, f);
      const detail = detailOf(event);
      if (event.detailType === ChannelEventType.OrderPlaced) {
        const lines = detail.lines as Line[];
        f.orders++;
        if (lines.some((l) => l.discount > 0)) f.discounted++;
        for (const l of lines) {
          f.net += l.unitPrice * l.quantity - l.discount;
          f.cost += l.unitCost * l.quantity;
          costOf.set(`${detail.orderId}|${l.sku}`, l.unitCost);
        }
      } else if (event.detailType === ChannelEventType.OrderReturned) {
        f.refunds += detail.refundAmount as number;
        for (const l of detail.lines as { sku: string; quantity: number }[]) {
          f.returnedCost += (costOf.get(`${detail.orderId}|${l.sku}`) ?? Number.NaN) * l.quantity;
        }
      }
    }
    // Assess
    for (const p of people) {
      const f = figures.get(p.personId);
      expect(f?.orders).toBe(p.stats.orders);
      expect(f?.discounted).toBe(p.stats.discountedOrders);
      const margin = (f?.net ?? 0) - (f?.refunds ?? 0) - ((f?.cost ?? 0) - (f?.returnedCost ?? 0));
      expect(margin).toBeCloseTo(p.stats.marginContribution, 0);
    }
  });

  it('makes the discount-driven segment return a lot and lose money, unlike everyone else', () => {
    // Prepare
    const returnRate = (ps: typeof people) =>
      ps.reduce((s, p) => s + p.stats.returnedUnits, 0) / ps.reduce((s, p) => s + p.stats.units, 0);
    const driven = people.filter((p) => p.traits.discountDriven);
    const others = people.filter((p) => !p.traits.discountDriven);
    // Assess
    expect(returnRate(driven)).toBeGreaterThan(0.3);
    expect(returnRate(others)).toBeLessThan(0.2);
    expect(driven.reduce((s, p) => s + p.stats.marginContribution, 0)).toBeLessThan(0);
    expect(others.reduce((s, p) => s + p.stats.marginContribution, 0)).toBeGreaterThan(0);
    const flagged = people.filter((p) => p.labels.marginDestructive);
    expect(flagged.every((p) => p.stats.marginContribution < 0)).toBe(true);
    expect(flagged.filter((p) => p.traits.discountDriven).length / flagged.length).toBeGreaterThan(0.9);
  });

  it('has service friction visible in the events: late deliveries, then delivery tickets, then more churn', () => {
    // Prepare
    const delayed = new Set<string>();
    const deliveryTickets = new Set<string>();
    for (const event of events) {
      const person = personOf(event);
      if (!person) continue;
      if (event.detailType === ChannelEventType.DeliveryDelayed) delayed.add(person);
      if (event.detailType === ChannelEventType.TicketOpened && detailOf(event).category === 'delivery') {
        deliveryTickets.add(person);
      }
    }
    const friction = people.filter((p) => p.labels.serviceFriction);
    // Assess
    for (const p of friction) {
      expect(delayed.has(p.personId)).toBe(true);
      expect(deliveryTickets.has(p.personId)).toBe(true);
    }
    const churnRate = (ps: typeof people) => ps.filter((p) => p.labels.churned).length / ps.length;
    expect(churnRate(friction)).toBeGreaterThan(churnRate(people) + 0.1);
  });

  it('runs campaigns whose codes are redeemed on real orders, and loyalty members who move up tiers', () => {
    // Prepare
    const ordersWithCode = new Map<string, string[]>();
    const redemptions: { orderId: string; code: string }[] = [];
    for (const event of events) {
      const detail = detailOf(event);
      if (event.detailType === ChannelEventType.OrderPlaced) {
        ordersWithCode.set(detail.orderId as string, detail.promotionCodes as string[]);
      }
      if (
        event.detailType === ChannelEventType.CampaignInteractionRecorded &&
        detail.interaction === 'redeemed'
      ) {
        redemptions.push({ orderId: detail.orderId as string, code: detail.promotionCode as string });
      }
    }
    // Assess
    expect(redemptions.length).toBeGreaterThan(50);
    for (const r of redemptions) expect(ordersWithCode.get(r.orderId)).toEqual([r.code]);
    const tiers = events
      .filter((e) => e.detailType === ChannelEventType.LoyaltyTierChanged)
      .map((e) => detailOf(e).toTier);
    expect(new Set(tiers)).toEqual(new Set(['silver', 'gold']));
  });

  it('offers the documents teammate the data of every return form, matching the return events', () => {
    // Prepare
    const requested = new Map(
      events
        .filter((e) => e.detailType === ChannelEventType.ReturnRequested)
        .map((e) => [detailOf(e).returnId as string, detailOf(e)]),
    );
    // Assess
    expect(truth.documents.returns.length).toBe(requested.size);
    for (const doc of truth.documents.returns) {
      const event = requested.get(doc.returnId);
      expect(event?.orderId).toBe(doc.orderId);
      expect(event?.reason).toBe(doc.reason);
      expect(event?.refundAmount).toBe(doc.refundAmount);
      expect(doc.customerName).toMatch(/\S+ \S+/);
    }
    expect(truth.documents.claims.length).toBeGreaterThan(20);
    for (const claim of truth.documents.claims) {
      expect(claim.lines.length).toBeGreaterThan(0);
      expect(
        formatAddress(claim.address ?? { line1: '', city: '', postcode: '-', region: '', country: '' }),
      ).toContain(claim.address?.postcode);
    }
    expect(truth.meta.retailer).toBe('Marlowe & Finch');
    expect(new Set(truth.documents.claims.map((c) => c.reason))).toEqual(
      new Set(['damaged', 'late_delivery']),
    );
  });
});
