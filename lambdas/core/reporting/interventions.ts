/**
 * The interventions section: what was proposed and decided, how long decisions took, and what treated
 * customers did against the holdout (customers eligible for the same action who, by design, got none).
 * The outcome records are those the intervention workflow stores (lambdas/core/interventions); the report
 * needs only the fields below, plus the decision time where the store has it.
 */
import { countedRefunds, DAY_MS, type OrderEntry } from '../analytics/aggregates.js';
import type { InterventionOutcomeRecord } from '../interventions/ports.js';

export type InterventionOutcome = Pick<
  InterventionOutcomeRecord,
  'interventionId' | 'customerId' | 'status' | 'holdout' | 'autoApproved' | 'triggeredAt' | 'completedAt'
> &
  Partial<Pick<InterventionOutcomeRecord, 'expectedCost' | 'playbookId'>> & {
    /** when a person (or the policy) decided; without it the time to decision is measured to completion */
    readonly decidedAt?: string;
  };

/** What the report keeps about a customer to measure intervention outcomes. */
export interface OutcomeCustomer {
  readonly orders: Readonly<Record<string, OrderEntry>>;
  readonly probabilityAlive?: number;
}

export interface GroupOutcome {
  /** interventions whose whole follow-up window lies before the report date */
  readonly evaluated: number;
  /** share of them with a purchase within the window after the trigger */
  readonly repeatRate: number;
  /** mean BG/NBD probability of still being active at the report date (undefined when none is scored) */
  readonly retention?: number;
  /** mean margin (revenue - cost of goods - refunds) of orders placed within the window, per intervention */
  readonly marginPerCustomer: number;
  /** mean expected cost of the action, per intervention (0 for the holdout) */
  readonly costPerCustomer: number;
}

export interface InterventionSummary {
  readonly windowDays: number;
  readonly total: number;
  readonly byStatus: {
    readonly applied: number;
    readonly autoApproved: number;
    readonly rejected: number;
    readonly timedOut: number;
    readonly holdout: number;
    readonly failed: number;
  };
  readonly timeToDecisionHours: {
    /** decisions made by a person (applied without auto-approval, or rejected) */
    readonly decisions: number;
    /** of those, how many carried a decision time (the others are measured to completion) */
    readonly withDecisionTime: number;
    readonly median?: number;
    readonly p90?: number;
    readonly mean?: number;
  };
  readonly treated: GroupOutcome;
  readonly holdout: GroupOutcome;
  /** rejected or timed out: not a control group (not random), shown for context */
  readonly notTreated: GroupOutcome;
  /** outcomes whose customer has no profile in the report's input */
  readonly missingCustomers: number;
}

const hours = (from: string, to: string): number => (Date.parse(to) - Date.parse(from)) / 3_600_000;

/** The q-quantile of sorted values, by the nearest-rank method (what a reader can check by counting). */
export function nearestRank(sorted: readonly number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}

export function summariseInterventions(
  outcomes: readonly InterventionOutcome[],
  customers: ReadonlyMap<string, OutcomeCustomer>,
  options: { readonly asOf: Date; readonly windowDays: number },
): InterventionSummary {
  const windowMs = options.windowDays * DAY_MS;
  const byStatus = { applied: 0, autoApproved: 0, rejected: 0, timedOut: 0, holdout: 0, failed: 0 };
  const decisionHours: number[] = [];
  let withDecisionTime = 0;
  const groups = { treated: new Totals(), holdout: new Totals(), notTreated: new Totals() };
  let missingCustomers = 0;
  for (const o of outcomes) {
    for (const field of ['triggeredAt', 'completedAt'] as const) {
      if (Number.isNaN(Date.parse(o[field])))
        throw new Error(`intervention ${o.interventionId}: ${field} is not a timestamp`);
    }
    if (o.holdout || o.status === 'holdout') byStatus.holdout += 1;
    else if (o.status === 'applied') {
      byStatus.applied += 1;
      if (o.autoApproved) byStatus.autoApproved += 1;
    } else if (o.status === 'rejected') byStatus.rejected += 1;
    else if (o.status === 'timed_out') byStatus.timedOut += 1;
    else byStatus.failed += 1;

    const decidedByPerson =
      !o.holdout && ((o.status === 'applied' && !o.autoApproved) || o.status === 'rejected');
    if (decidedByPerson) {
      if (o.decidedAt !== undefined) withDecisionTime += 1;
      decisionHours.push(hours(o.triggeredAt, o.decidedAt ?? o.completedAt));
    }

    const group =
      o.holdout || o.status === 'holdout'
        ? groups.holdout
        : o.status === 'applied'
          ? groups.treated
          : o.status === 'rejected' || o.status === 'timed_out'
            ? groups.notTreated
            : undefined;
    const trigger = Date.parse(o.triggeredAt);
    if (!group || trigger + windowMs > options.asOf.getTime()) continue;
    const customer = customers.get(o.customerId);
    if (!customer) {
      missingCustomers += 1;
      continue;
    }
    let repeat = false;
    let margin = 0;
    for (const order of Object.values(customer.orders)) {
      if (order.at === undefined || order.at <= trigger || order.at > trigger + windowMs) continue;
      repeat = true;
      margin += (order.rev - order.cost - countedRefunds(order).refunds) / 100;
    }
    group.add(
      repeat,
      margin,
      group === groups.treated ? (o.expectedCost ?? 0) : 0,
      customer.probabilityAlive,
    );
  }
  decisionHours.sort((a, b) => a - b);
  const median = nearestRank(decisionHours, 0.5);
  const p90 = nearestRank(decisionHours, 0.9);
  return {
    windowDays: options.windowDays,
    total: outcomes.length,
    byStatus,
    timeToDecisionHours: {
      decisions: decisionHours.length,
      withDecisionTime,
      ...(median !== undefined ? { median } : {}),
      ...(p90 !== undefined ? { p90 } : {}),
      ...(decisionHours.length > 0
        ? { mean: decisionHours.reduce((s, h) => s + h, 0) / decisionHours.length }
        : {}),
    },
    treated: groups.treated.result(),
    holdout: groups.holdout.result(),
    notTreated: groups.notTreated.result(),
    missingCustomers,
  };
}

class Totals {
  private n = 0;
  private repeat = 0;
  private margin = 0;
  private cost = 0;
  private alive = 0;
  private scored = 0;

  add(repeat: boolean, margin: number, cost: number, probabilityAlive: number | undefined): void {
    this.n += 1;
    if (repeat) this.repeat += 1;
    this.margin += margin;
    this.cost += cost;
    if (probabilityAlive !== undefined) {
      this.alive += probabilityAlive;
      this.scored += 1;
    }
  }

  result(): GroupOutcome {
    const per = (x: number) => (this.n > 0 ? x / this.n : 0);
    return {
      evaluated: this.n,
      repeatRate: per(this.repeat),
      ...(this.scored > 0 ? { retention: this.alive / this.scored } : {}),
      marginPerCustomer: per(this.margin),
      costPerCustomer: per(this.cost),
    };
  }
}
