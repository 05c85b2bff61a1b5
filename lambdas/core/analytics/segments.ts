/**
 * Segments as configurable rules over the scores, with hysteresis: a customer enters when every condition
 * passes its `enter` threshold and stays until one fails its looser `exit` threshold, so a score wobbling
 * around a line does not raise an event at every order. Threshold alerts work the same way.
 */
import { CustomerRiskChangedDetail, type RiskScores } from '../contracts/internal-events.js';
import type { SegmentInputs } from './models.js';

export type SegmentInputName = keyof SegmentInputs;

export interface Condition {
  readonly input: SegmentInputName;
  /** `atLeast`: value >= enter to enter, value >= exit to stay (exit <= enter); `atMost` mirrors it */
  readonly direction: 'atLeast' | 'atMost';
  readonly enter: number;
  readonly exit: number;
}

export interface SegmentRule {
  readonly id: string;
  readonly description: string;
  /** all must hold */
  readonly conditions: readonly Condition[];
}

export interface ThresholdAlert {
  readonly input: SegmentInputName;
  readonly level: number;
  /** a crossing back down only counts once the value is below level - hysteresis */
  readonly hysteresis: number;
}

export interface SegmentConfig {
  readonly rules: readonly SegmentRule[];
  readonly alerts: readonly ThresholdAlert[];
}

export const DEFAULT_SEGMENT_CONFIG: SegmentConfig = {
  rules: [
    {
      id: 'high-value-churn-risk',
      description:
        'Top-fifth customers by value at stake (CLV if retained) whose probability of still being active is below one half',
      conditions: [
        { input: 'valuePercentile', direction: 'atLeast', enter: 0.8, exit: 0.75 },
        { input: 'churnProbability', direction: 'atLeast', enter: 0.5, exit: 0.4 },
      ],
    },
    {
      id: 'margin-destructive',
      description: 'Discount-dependent high-returners whose margin contribution is negative',
      conditions: [
        { input: 'discountDependency', direction: 'atLeast', enter: 0.5, exit: 0.4 },
        { input: 'returnPropensity', direction: 'atLeast', enter: 0.3, exit: 0.25 },
        { input: 'marginContribution', direction: 'atMost', enter: 0, exit: 10 },
      ],
    },
    {
      id: 'service-friction',
      description:
        'Customers whose service-friction risk rose after delayed deliveries or unresolved tickets',
      conditions: [
        { input: 'serviceFriction', direction: 'atLeast', enter: 0.5, exit: 0.35 },
        { input: 'orders', direction: 'atLeast', enter: 1, exit: 1 },
      ],
    },
  ],
  alerts: [
    { input: 'churnProbability', level: 0.7, hysteresis: 0.1 },
    { input: 'serviceFriction', level: 0.7, hysteresis: 0.1 },
  ],
};

/** Validates a segment configuration: names the rule and condition that is wrong. */
export function segmentConfig(config: SegmentConfig): SegmentConfig {
  const ids = new Set<string>();
  for (const rule of config.rules) {
    if (!/^[a-z0-9-]{1,100}$/.test(rule.id))
      throw new Error(`segment rule id "${rule.id}" must be kebab-case, at most 100 characters`);
    if (ids.has(rule.id)) throw new Error(`segment rule id "${rule.id}" is defined twice`);
    ids.add(rule.id);
    if (rule.conditions.length === 0) throw new Error(`segment rule ${rule.id} has no condition`);
    for (const c of rule.conditions) {
      const loose = c.direction === 'atLeast' ? c.exit <= c.enter : c.exit >= c.enter;
      if (!loose)
        throw new Error(
          `segment rule ${rule.id}: the exit threshold of ${c.input} must be looser than its enter threshold`,
        );
    }
  }
  for (const a of config.alerts)
    if (!(a.hysteresis >= 0)) throw new Error(`alert on ${a.input}: hysteresis must be >= 0`);
  return config;
}

/** What is kept on the profile between evaluations. */
export interface SegmentState {
  readonly segments: readonly string[];
  /** alerts currently above their level, as `input@level` */
  readonly above: readonly string[];
}

export const EMPTY_SEGMENT_STATE: SegmentState = { segments: [], above: [] };

export interface SegmentEvaluation {
  readonly state: SegmentState;
  readonly entered: readonly string[];
  readonly left: readonly string[];
  readonly crossed: readonly {
    input: SegmentInputName;
    level: number;
    direction: 'up' | 'down';
    value: number;
  }[];
  readonly reasons: readonly string[];
  /** true when someone should be told: a segment entered or left, or an alert crossed */
  readonly changed: boolean;
}

const fmt = (n: number): string => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(2));

function holds(c: Condition, inputs: SegmentInputs, member: boolean): boolean {
  const value = inputs[c.input];
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  const threshold = member ? c.exit : c.enter;
  return c.direction === 'atLeast' ? value >= threshold : value <= threshold;
}

export function evaluateSegments(
  previous: SegmentState,
  inputs: SegmentInputs,
  config: SegmentConfig = DEFAULT_SEGMENT_CONFIG,
): SegmentEvaluation {
  const segments: string[] = [];
  const entered: string[] = [];
  const left: string[] = [];
  const reasons: string[] = [];
  for (const rule of config.rules) {
    const member = previous.segments.includes(rule.id);
    const inside = rule.conditions.every((c) => holds(c, inputs, member));
    if (inside) segments.push(rule.id);
    if (inside && !member) {
      entered.push(rule.id);
      const why = rule.conditions.map(
        (c) =>
          `${c.input} ${fmt(inputs[c.input] as number)} ${c.direction === 'atLeast' ? '>=' : '<='} ${c.enter}`,
      );
      reasons.push(`entered ${rule.id}: ${why.join(', ')}`);
    }
    if (!inside && member) {
      left.push(rule.id);
      const failed = rule.conditions.filter((c) => !holds(c, inputs, true));
      const why = failed.map((c) => {
        const v = inputs[c.input];
        return `${c.input} ${typeof v === 'number' ? fmt(v) : 'unknown'} past exit ${c.exit}`;
      });
      reasons.push(`left ${rule.id}: ${why.join(', ')}`);
    }
  }
  const above: string[] = [];
  const crossed: SegmentEvaluation['crossed'][number][] = [];
  for (const alert of config.alerts) {
    const key = `${alert.input}@${alert.level}`;
    const value = inputs[alert.input];
    const wasAbove = previous.above.includes(key);
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      if (wasAbove) above.push(key);
      continue;
    }
    const isAbove = wasAbove ? value >= alert.level - alert.hysteresis : value >= alert.level;
    if (isAbove) above.push(key);
    if (isAbove !== wasAbove) {
      crossed.push({ input: alert.input, level: alert.level, direction: isAbove ? 'up' : 'down', value });
      reasons.push(`${alert.input} ${fmt(value)} crossed ${isAbove ? 'above' : 'below'} ${alert.level}`);
    }
  }
  return {
    state: { segments, above },
    entered,
    left,
    crossed,
    reasons,
    changed: entered.length > 0 || left.length > 0 || crossed.length > 0,
  };
}

/**
 * The CustomerRiskChanged detail for an evaluation that changed. The event id derives from the triggering
 * event, so a redelivered trigger republishes the same id and consumers deduplicate it.
 */
export function customerRiskChangedDetail(input: {
  readonly customerId: string;
  readonly triggerEventId: string;
  readonly occurredAt: Date;
  readonly evaluation: SegmentEvaluation;
  readonly scores: RiskScores;
  readonly evidence?: readonly string[];
}): CustomerRiskChangedDetail {
  const reasons = [...input.evaluation.reasons, ...(input.evidence ?? [])]
    .slice(0, 50)
    .map((r) => r.slice(0, 500));
  return CustomerRiskChangedDetail.parse({
    schemaVersion: 1,
    eventId: `risk-${input.triggerEventId}`.slice(0, 128),
    occurredAt: input.occurredAt.toISOString(),
    customerId: input.customerId,
    entered: [...input.evaluation.entered],
    left: [...input.evaluation.left],
    segments: [...input.evaluation.state.segments],
    scores: input.scores,
    reasons,
  });
}
