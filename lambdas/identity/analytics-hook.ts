/**
 * Issue 4's analytics inside the identity consumer: the `ProfileAnalyticsHook` the handler calls in the same
 * pass as resolution. It updates the aggregates, rescores with the cached fitted parameters (no read per
 * event) and turns a segment change into a contract-validated CustomerRiskChanged event.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { ChannelEvent, ProfileAggregates } from '../core/analytics/aggregates.js';
import type { DocumentEvent } from '../core/analytics/document-aggregates.js';
import type { KpiConfig } from '../core/analytics/kpi.js';
import type { FittedModels, ScoringConfig } from '../core/analytics/models.js';
import {
  mergeAggregates,
  type ProfileAnalyticsState,
  updateProfileAnalytics,
} from '../core/analytics/profile-analytics.js';
import { asProfileAnalyticsState } from '../core/analytics/profile-scan.js';
import type { SegmentConfig } from '../core/analytics/segments.js';
import type { OutgoingEvent } from '../core/contracts/envelope.js';
import { InternalEventType, InternalSource } from '../core/contracts/names.js';
import { describeIssues, validateDetail } from '../core/contracts/registry.js';
import type { ProfileAnalyticsHook } from './handler.js';

export interface ProfileAnalyticsHookDependencies {
  /** the fitted parameters to score with now (a FittedModelCache's `current`); undefined before the first fit */
  readonly models: () => FittedModels | undefined;
  readonly kpi: KpiConfig;
  readonly scoring?: ScoringConfig;
  readonly segmentConfig?: SegmentConfig;
  readonly logger?: Logger;
}

/** The CustomerRiskChanged entry, validated against its contract before it leaves. */
export function riskChangedEvent(detail: unknown): OutgoingEvent {
  const type = InternalEventType.CustomerRiskChanged;
  const checked = validateDetail(type, detail);
  if (!checked.ok) throw new Error(`${type} breaks its contract: ${describeIssues(checked.issues)}`);
  return { source: InternalSource.analytics, detailType: type, detail: checked.detail };
}

export function createProfileAnalyticsHook(deps: ProfileAnalyticsHookDependencies): ProfileAnalyticsHook {
  return {
    apply({ state, customerId, detailType, detail, now }) {
      const current = asProfileAnalyticsState(state, `profile ${customerId}`);
      const models = deps.models();
      const result = updateProfileAnalytics({
        customerId,
        state: current,
        // The handler has validated the detail against this detail-type's contract (a channel event, or a
        // processed return form or claim letter).
        event: { detailType, detail } as ChannelEvent | DocumentEvent,
        kpi: deps.kpi,
        ...(models ? { models } : {}),
        ...(deps.scoring ? { scoring: deps.scoring } : {}),
        ...(deps.segmentConfig ? { segmentConfig: deps.segmentConfig } : {}),
        now,
      });
      const counted = result.issues.filter((i) => i !== 'duplicateEvent');
      if (counted.length > 0 || result.outcome === 'rejected') {
        // Counted on the profile too; the log says which rule applied (ids only, no PII).
        deps.logger?.warn('analytics rule applied', {
          customerId,
          detailType,
          outcome: result.outcome,
          issues: counted,
        });
      }
      return {
        state: result.state,
        outcome: result.outcome,
        events: result.riskChanged ? [riskChangedEvent(result.riskChanged)] : [],
      };
    },

    merge(survivor, absorbed) {
      const a = asProfileAnalyticsState(absorbed, 'absorbed profile');
      const s = asProfileAnalyticsState(survivor, 'surviving profile');
      if (a === undefined) return s;
      if (s === undefined) return a;
      const merged: ProfileAnalyticsState = {
        aggregates: mergeAggregates(s.aggregates, a.aggregates as ProfileAggregates, deps.kpi),
        // Segment membership stays the survivor's until the next event or fit rescores the merged profile,
        // so entering or leaving is announced then, with the scores that explain it.
        segments: s.segments,
        ...(s.scores ? { scores: s.scores } : {}),
      };
      return merged;
    },
  };
}
