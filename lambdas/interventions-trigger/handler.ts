import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { EventBridgeEvent } from 'aws-lambda';
import type { TicketOpenedDetail, TicketUpdatedDetail } from '../core/contracts/channel-events.js';
import type {
  ClaimDocumentProcessedDetail,
  CustomerRiskChangedDetail,
} from '../core/contracts/internal-events.js';
import { ChannelEventType, InternalEventType } from '../core/contracts/names.js';
import { describeIssues, validateDetail } from '../core/contracts/registry.js';
import type { WorkflowStarter } from '../core/interventions/ports.js';
import {
  interventionIdFor,
  type TriggerResult,
  triggerFromClaim,
  triggerFromRiskChanged,
  triggerFromTicket,
} from '../core/interventions/trigger.js';

export interface TriggerHandlerDependencies {
  readonly starter: WorkflowStarter;
  readonly largeClaimThreshold: number;
  /**
   * Finds the Tessera id of a ticket's customer in the identity graph (tickets name the customer as the
   * source saw them); undefined when identity has not resolved the record yet.
   */
  readonly resolveTicketCustomer?: (
    source: string,
    ticket: TicketOpenedDetail | TicketUpdatedDetail,
  ) => Promise<string | undefined>;
  readonly logger: Logger;
}

export type TriggerOutcome =
  | { readonly started: true; readonly interventionId: string; readonly alreadyStarted: boolean }
  | { readonly started: false; readonly reason: string };

/**
 * Bus consumer of the interventions routes: turns a risk change, a large claim or an escalated ticket into
 * an intervention workflow, named after the event so a redelivery starts nothing new. Events that need no
 * intervention are answered with the reason (and logged); invalid ones throw so the DLQ keeps them.
 */
export function createTriggerHandler(deps: TriggerHandlerDependencies) {
  const handle = async (event: EventBridgeEvent<string, unknown>): Promise<TriggerOutcome> => {
    const detailType = event['detail-type'];
    const checked = validateDetail(detailType, event.detail);
    if (!checked.ok) throw new Error(`invalid ${detailType} detail: ${describeIssues(checked.issues)}`);
    const result = await toTrigger(event.source, detailType, checked.detail, deps);
    if (!result.ok) {
      deps.logger.info('no intervention', { detailType, eventId: event.id, reason: result.reason });
      return { started: false, reason: result.reason };
    }
    const interventionId = interventionIdFor(result.trigger);
    const status = await deps.starter.start(interventionId, { interventionId, trigger: result.trigger });
    deps.logger.info('intervention started', { detailType, interventionId, status });
    return { started: true, interventionId, alreadyStarted: status === 'already_started' };
  };
  return middy<EventBridgeEvent<string, unknown>, TriggerOutcome>()
    .use(injectLambdaContext(deps.logger))
    .handler(handle);
}

async function toTrigger(
  source: string,
  detailType: string,
  detail: unknown,
  deps: TriggerHandlerDependencies,
): Promise<TriggerResult> {
  switch (detailType) {
    case InternalEventType.CustomerRiskChanged:
      return triggerFromRiskChanged(detail as CustomerRiskChangedDetail);
    case InternalEventType.ClaimDocumentProcessed:
      return triggerFromClaim(detail as ClaimDocumentProcessedDetail, deps.largeClaimThreshold);
    case ChannelEventType.TicketOpened:
    case ChannelEventType.TicketUpdated: {
      const ticket = detail as TicketOpenedDetail | TicketUpdatedDetail;
      const customerId = deps.resolveTicketCustomer
        ? await deps.resolveTicketCustomer(source, ticket)
        : undefined;
      if (deps.resolveTicketCustomer && !customerId) {
        // Identity consumes the same event in parallel: fail so the bus retries once it has resolved it
        // (after the retries the event waits in the DLQ, not lost).
        throw new Error(`ticket ${ticket.ticketId}: its customer is not resolved by identity yet; retry`);
      }
      return triggerFromTicket(ticket, customerId);
    }
    default:
      throw new Error(`the interventions trigger does not consume '${detailType}'`);
  }
}
