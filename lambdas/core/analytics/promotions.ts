/**
 * Promotion effectiveness: for each promotion code or campaign, what the customers who redeemed it did next,
 * against comparable customers who did not. "Comparable" is made concrete by direct standardisation on the
 * customer's purchase history at the time of the order (0, 1, 2-3 or 4+ earlier orders): the comparison rates
 * are those of full-price orders by non-redeemers in each history band, weighted as the redeemers are.
 * Only orders whose whole follow-up window lies before `asOf` count, so recent redemptions do not look bad.
 */
import { countedRefunds, DAY_MS, type OrderEntry, type ProfileAggregates } from './aggregates.js';

export interface PromotionOptions {
  readonly asOf: Date;
  /** the follow-up window for "repeat purchase within N days" */
  readonly windowDays: number;
}

export interface PromotionEffect {
  /** the promotion code, or `campaign:<id>` for a campaign without a code */
  readonly promotion: string;
  readonly redeemers: number;
  /** redeemers whose follow-up window is complete */
  readonly evaluated: number;
  readonly repeatRate: number;
  /** repeat purchases made at full price: buying again without needing another discount */
  readonly fullPriceRepeatRate: number;
  readonly returnRate: number;
  /** margin of the redeeming order after refunds, per order (profile currency) */
  readonly marginPerOrder: number;
  readonly discountCost: number;
  readonly comparison: {
    readonly orders: number;
    readonly repeatRate: number;
    readonly fullPriceRepeatRate: number;
    readonly returnRate: number;
    readonly marginPerOrder: number;
  };
  /** repeatRate - comparison.repeatRate, in percentage points / 100 */
  readonly repeatLift: number;
}

interface Observation {
  band: number;
  repeat: boolean;
  fullPriceRepeat: boolean;
  returned: boolean;
  margin: number;
  discount: number;
}

const band = (earlier: number): number => (earlier === 0 ? 0 : earlier === 1 ? 1 : earlier <= 3 ? 2 : 3);
const BANDS = 4;

type Placed = OrderEntry & { at: number; id: string };

function codesOf(order: Placed, redeemedByOrder: Map<string, Set<string>>): Set<string> {
  const codes = new Set<string>(order.promo ?? []);
  if (order.camp && (order.disc > 0 || (order.promo?.length ?? 0) > 0)) codes.add(`campaign:${order.camp}`);
  for (const c of redeemedByOrder.get(order.id) ?? []) codes.add(c);
  return codes;
}

function observe(orders: readonly Placed[], i: number, windowMs: number): Observation {
  const order = orders[i]!;
  let repeat = false;
  let fullPriceRepeat = false;
  for (let j = i + 1; j < orders.length && orders[j]!.at <= order.at + windowMs; j++) {
    if (orders[j]!.at <= order.at) continue;
    repeat = true;
    if (orders[j]!.disc === 0 && !orders[j]!.promo?.length) fullPriceRepeat = true;
  }
  const refunds = countedRefunds(order);
  return {
    band: band(i),
    repeat,
    fullPriceRepeat,
    returned: refunds.completed > 0,
    margin: (order.rev - order.cost - refunds.refunds) / 100,
    discount: order.disc / 100,
  };
}

interface Totals {
  n: number;
  repeat: number;
  fullPrice: number;
  returned: number;
  margin: number;
  discount: number;
}
const emptyTotals = (): Totals => ({ n: 0, repeat: 0, fullPrice: 0, returned: 0, margin: 0, discount: 0 });
function add(t: Totals, o: Observation): void {
  t.n += 1;
  if (o.repeat) t.repeat += 1;
  if (o.fullPriceRepeat) t.fullPrice += 1;
  if (o.returned) t.returned += 1;
  t.margin += o.margin;
  t.discount += o.discount;
}

export function promotionEffectiveness(
  profiles: Iterable<ProfileAggregates>,
  options: PromotionOptions,
): PromotionEffect[] {
  const windowMs = options.windowDays * DAY_MS;
  const cutoff = options.asOf.getTime() - windowMs;
  // Per promotion: the redeemers' observations (first redemption per customer) and who redeemed.
  const redeemed = new Map<string, { customers: number; obs: Observation[]; customerIndex: Set<number> }>();
  // Full-price orders of every customer, by band, with the customer's index (to exclude redeemers later).
  const baseline: { customer: number; obs: Observation }[] = [];
  let customer = 0;
  for (const agg of profiles) {
    customer += 1;
    const orders = Object.entries(agg.orders)
      .filter((e): e is [string, OrderEntry & { at: number }] => e[1].at !== undefined)
      .map(([id, o]) => ({ ...o, id }))
      .sort((a, b) => a.at - b.at);
    const redeemedByOrder = new Map<string, Set<string>>();
    for (const touch of agg.campaigns.touches) {
      if (touch.i !== 'redeemed' || !touch.order) continue;
      const set = redeemedByOrder.get(touch.order) ?? new Set<string>();
      set.add(touch.code ?? `campaign:${touch.c}`);
      redeemedByOrder.set(touch.order, set);
    }
    const firstUse = new Set<string>();
    orders.forEach((order, i) => {
      const codes = codesOf(order, redeemedByOrder);
      if (codes.size === 0 && order.disc === 0 && order.at <= cutoff)
        baseline.push({ customer, obs: observe(orders, i, windowMs) });
      for (const code of codes) {
        if (firstUse.has(code)) continue;
        firstUse.add(code);
        const entry = redeemed.get(code) ?? { customers: 0, obs: [], customerIndex: new Set<number>() };
        entry.customers += 1;
        entry.customerIndex.add(customer);
        if (order.at <= cutoff) entry.obs.push(observe(orders, i, windowMs));
        redeemed.set(code, entry);
      }
    });
  }
  const results: PromotionEffect[] = [];
  for (const [promotion, entry] of redeemed) {
    const mine = emptyTotals();
    const myBands = Array.from({ length: BANDS }, emptyTotals);
    for (const o of entry.obs) {
      add(mine, o);
      add(myBands[o.band]!, o);
    }
    const theirBands = Array.from({ length: BANDS }, emptyTotals);
    for (const b of baseline) if (!entry.customerIndex.has(b.customer)) add(theirBands[b.obs.band]!, b.obs);
    // Direct standardisation: weight each band's comparison rate by the redeemers' share in that band.
    let weight = 0;
    const cmp = { repeat: 0, fullPrice: 0, returned: 0, margin: 0 };
    let comparisonOrders = 0;
    for (let k = 0; k < BANDS; k++) {
      const theirs = theirBands[k]!;
      comparisonOrders += theirs.n;
      if (theirs.n === 0 || myBands[k]!.n === 0) continue;
      const w = myBands[k]!.n;
      weight += w;
      cmp.repeat += (w * theirs.repeat) / theirs.n;
      cmp.fullPrice += (w * theirs.fullPrice) / theirs.n;
      cmp.returned += (w * theirs.returned) / theirs.n;
      cmp.margin += (w * theirs.margin) / theirs.n;
    }
    const rate = (x: number, n: number) => (n > 0 ? x / n : 0);
    const repeatRate = rate(mine.repeat, mine.n);
    const comparisonRepeat = rate(cmp.repeat, weight);
    results.push({
      promotion,
      redeemers: entry.customers,
      evaluated: mine.n,
      repeatRate,
      fullPriceRepeatRate: rate(mine.fullPrice, mine.n),
      returnRate: rate(mine.returned, mine.n),
      marginPerOrder: rate(mine.margin, mine.n),
      discountCost: mine.discount,
      comparison: {
        orders: comparisonOrders,
        repeatRate: comparisonRepeat,
        fullPriceRepeatRate: rate(cmp.fullPrice, weight),
        returnRate: rate(cmp.returned, weight),
        marginPerOrder: rate(cmp.margin, weight),
      },
      repeatLift: repeatRate - comparisonRepeat,
    });
  }
  return results.sort((a, b) => b.redeemers - a.redeemers || a.promotion.localeCompare(b.promotion));
}
