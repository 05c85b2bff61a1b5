import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { EventBridgeEvent } from 'aws-lambda';
import type {
  CustomerRiskChangedDetail,
  CustomersMergedDetail,
  InterventionApprovedDetail,
} from '../core/contracts/internal-events.js';
import { InternalEventType } from '../core/contracts/names.js';
import { describeIssues, validateDetail } from '../core/contracts/registry.js';
import { OdooError } from '../core/odoo/errors.js';
import {
  applyCustomerRiskChanged,
  applyCustomersMerged,
  applyInterventionApproved,
  type OdooSyncDependencies,
  type SyncReport,
} from '../core/odoo/sync.js';

/** The events the Odoo sync consumes (its route in lib/shared/routing.ts uses the same list). */
export const ODOO_SYNC_EVENT_TYPES = [
  InternalEventType.InterventionApproved,
  InternalEventType.CustomerRiskChanged,
  InternalEventType.CustomersMerged,
] as const;
type SyncEventType = (typeof ODOO_SYNC_EVENT_TYPES)[number];

export interface OdooSyncHandlerDependencies extends OdooSyncDependencies {
  readonly logger: Logger;
}

const isSyncEventType = (value: string): value is SyncEventType =>
  (ODOO_SYNC_EVENT_TYPES as readonly string[]).includes(value);

/**
 * Applies one EventBridge event to Odoo. Every step is idempotent, so EventBridge's at-least-once delivery
 * and Lambda's retries are safe; a failure is thrown (never swallowed) so retries and the DLQ see it, and
 * it is logged with whether retrying can help (a 401 or an AccessError cannot: fix the configuration, then
 * re-drive from the DLQ).
 */
export function createOdooSyncHandler(deps: OdooSyncHandlerDependencies) {
  const handle = async (event: EventBridgeEvent<string, unknown>): Promise<SyncReport> => {
    const detailType = event['detail-type'];
    if (!isSyncEventType(detailType)) {
      throw new Error(
        `the Odoo sync does not consume '${detailType}' (it takes ${ODOO_SYNC_EVENT_TYPES.join(', ')})`,
      );
    }
    const checked = validateDetail(detailType, event.detail);
    if (!checked.ok) throw new Error(`invalid ${detailType} detail: ${describeIssues(checked.issues)}`);
    try {
      const report = await apply(detailType, checked.detail, deps);
      deps.logger.info('odoo sync applied', {
        detailType,
        eventId: event.id,
        partnerId: report.partnerId,
        steps: report.steps.map((s) => `${s.step}:${s.outcome}`),
      });
      return report;
    } catch (error) {
      if (error instanceof OdooError) {
        deps.logger.error('odoo sync failed', {
          detailType,
          eventId: event.id,
          kind: error.kind,
          model: error.model,
          operation: error.operation,
          retryable: error.retryable,
          outcomeUnknown: error.outcomeUnknown,
          httpStatus: error.httpStatus,
        });
      }
      throw error;
    }
  };
  return middy<EventBridgeEvent<string, unknown>, SyncReport>()
    .use(injectLambdaContext(deps.logger))
    .handler(handle);
}

function apply(detailType: SyncEventType, detail: unknown, deps: OdooSyncDependencies): Promise<SyncReport> {
  switch (detailType) {
    case InternalEventType.InterventionApproved:
      return applyInterventionApproved(detail as InterventionApprovedDetail, deps);
    case InternalEventType.CustomerRiskChanged:
      return applyCustomerRiskChanged(detail as CustomerRiskChangedDetail, deps);
    case InternalEventType.CustomersMerged:
      return applyCustomersMerged(detail as CustomersMergedDetail, deps);
  }
}
