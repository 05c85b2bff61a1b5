/**
 * Canonical KPI definitions. Marketing and finance read the same number because every report, score and
 * segment computes its KPIs through this module, with one configuration. The doc comments on each field
 * are the definitions the README quotes.
 */

export interface KpiConfig {
  /**
   * **Active customer**: a customer whose most recent purchase is no older than `activeWindowDays`
   * days at the evaluation date. (A model-based view of activity, P(alive) from BG/NBD, is a score,
   * not this KPI.) Default 365.
   */
  readonly activeWindowDays: number;
  /**
   * **Repeat customer**: a customer with purchases on at least `repeatMinPurchaseDays` distinct days
   * (several orders on one day are one purchase occasion, as in the BG/NBD literature). Default 2.
   */
  readonly repeatMinPurchaseDays: number;
  /**
   * **Return rate**: `orders` = returned orders / orders (an order counts once however many of its
   * lines come back); `value` = refunded value / net merchandise revenue. Default `orders`.
   * Only completed returns (`OrderReturned`) count; requests are tracked separately.
   */
  readonly returnRateBasis: 'orders' | 'value';
  /**
   * **Margin contribution** = net merchandise revenue (list price x quantity - line discounts; tax and
   * shipping excluded) - cost of goods sold - refunds + cost of returned goods put back in stock
   * (`returnedGoodsRecoveryRate` of their cost) - `returnHandlingCost` per completed return
   * - `ticketHandlingCost` per service ticket. Where a line carries no unit cost, cost is estimated as
   * `defaultCostRatio` of its net revenue and the order is counted as estimated.
   */
  readonly returnedGoodsRecoveryRate: number;
  readonly returnHandlingCost: number;
  readonly ticketHandlingCost: number;
  readonly defaultCostRatio: number;
  /** Spend that feeds Gamma-Gamma: net merchandise revenue (`merchandise`) or the amount paid (`total`). */
  readonly spendBasis: 'merchandise' | 'total';
  /** Orders kept in detail on the profile; older whole purchase days are folded into totals (item size). */
  readonly maxOrdersKept: number;
  /** Event ids remembered for duplicate detection (a bounded ring). */
  readonly maxEventIdsKept: number;
  /** Campaign interactions kept in detail (for promotion analysis); counts are kept for all. */
  readonly maxCampaignTouchesKept: number;
}

export const DEFAULT_KPI_CONFIG: KpiConfig = {
  activeWindowDays: 365,
  repeatMinPurchaseDays: 2,
  returnRateBasis: 'orders',
  returnedGoodsRecoveryRate: 0.5,
  returnHandlingCost: 5,
  ticketHandlingCost: 4,
  defaultCostRatio: 0.6,
  spendBasis: 'merchandise',
  maxOrdersKept: 400,
  maxEventIdsKept: 300,
  maxCampaignTouchesKept: 100,
};

/** Validates a partial configuration over the defaults; throws naming the offending setting. */
export function kpiConfig(overrides: Partial<KpiConfig> = {}): KpiConfig {
  const config = { ...DEFAULT_KPI_CONFIG, ...overrides };
  const positiveInts: (keyof KpiConfig)[] = [
    'activeWindowDays',
    'repeatMinPurchaseDays',
    'maxOrdersKept',
    'maxEventIdsKept',
    'maxCampaignTouchesKept',
  ];
  for (const key of positiveInts) {
    const value = config[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw new Error(`KPI setting ${key} must be a positive integer, got ${String(value)}`);
    }
  }
  for (const key of ['returnedGoodsRecoveryRate', 'defaultCostRatio'] as const) {
    if (!(config[key] >= 0 && config[key] <= 1)) throw new Error(`KPI setting ${key} must be in [0, 1]`);
  }
  for (const key of ['returnHandlingCost', 'ticketHandlingCost'] as const) {
    if (!(config[key] >= 0)) throw new Error(`KPI setting ${key} must be a non-negative amount`);
  }
  if (config.returnRateBasis !== 'orders' && config.returnRateBasis !== 'value') {
    throw new Error(`KPI setting returnRateBasis must be 'orders' or 'value'`);
  }
  if (config.spendBasis !== 'merchandise' && config.spendBasis !== 'total') {
    throw new Error(`KPI setting spendBasis must be 'merchandise' or 'total'`);
  }
  return config;
}
