import {
  CHANNEL_EVENT_TYPES,
  CHANNEL_SOURCE_PREFIX,
  ChannelEventType,
  InternalEventType,
  InternalSource,
} from '../../lambdas/core/contracts/names.js';
import type { EventPattern } from './event-pattern.js';

/**
 * The routing table: which events go to which consumer. The CDK stateless stack turns each route into an
 * EventBridge rule and the local runtime subscribes the same consumer to the same pattern on the local bus,
 * so the two can never disagree.
 */
export type ConsumerId = 'identity' | 'interventions' | 'documents' | 'odoo-sync';

/**
 * What the Odoo sync applies to Odoo. The same list as ODOO_SYNC_EVENT_TYPES in lambdas/odoo-sync/handler.ts,
 * which lib/ must not import (handler code); test/infra/odoo.test.ts keeps the two equal.
 */
export const ODOO_SYNC_ROUTE_EVENT_TYPES = [
  InternalEventType.InterventionApproved,
  InternalEventType.CustomerRiskChanged,
  InternalEventType.CustomersMerged,
] as const;

/** Claims at or above this amount (in the claim's currency) start an intervention. */
export const LARGE_CLAIM_THRESHOLD = 150;

export interface Route {
  /** Stable name; becomes the rule name suffix in the cloud. */
  readonly name: string;
  readonly consumer: ConsumerId;
  readonly description: string;
  readonly pattern: EventPattern;
  /** Retry policy of the target, as EventBridge applies it. */
  readonly retry: { readonly maximumRetryAttempts: number; readonly maximumEventAgeSeconds: number };
}

export const ROUTES: readonly Route[] = [
  {
    name: 'channel-events-to-identity',
    consumer: 'identity',
    description: 'Every channel event names a customer: resolve who it is and update the unified profile.',
    pattern: {
      source: [{ prefix: CHANNEL_SOURCE_PREFIX }],
      'detail-type': [...CHANNEL_EVENT_TYPES],
    },
    retry: { maximumRetryAttempts: 8, maximumEventAgeSeconds: 6 * 60 * 60 },
  },
  {
    name: 'risk-changes-to-interventions',
    consumer: 'interventions',
    description:
      'A customer entered a risk segment: propose an intervention for a person (or the policy) to approve.',
    pattern: { source: [InternalSource.analytics], 'detail-type': [InternalEventType.CustomerRiskChanged] },
    retry: { maximumRetryAttempts: 8, maximumEventAgeSeconds: 6 * 60 * 60 },
  },
  {
    name: 'large-claims-to-interventions',
    consumer: 'interventions',
    description: 'A processed claim at or above the large-claim threshold starts an intervention.',
    pattern: {
      source: [InternalSource.documents],
      'detail-type': [InternalEventType.ClaimDocumentProcessed],
      // Same figure as DEFAULT_LARGE_CLAIM_THRESHOLD in lambdas/core/interventions/config.ts (a test keeps them equal).
      detail: { amount: [{ numeric: ['>=', LARGE_CLAIM_THRESHOLD] }], customerId: [{ exists: true }] },
    },
    retry: { maximumRetryAttempts: 8, maximumEventAgeSeconds: 6 * 60 * 60 },
  },
  {
    name: 'processed-documents-to-identity',
    consumer: 'identity',
    description:
      'A processed return form or claim letter updates the profile it was linked to: return reasons, claim amounts and counts.',
    // Every processed document, with or without a customer: one without is acknowledged and counted by the
    // consumer (rule documentWithoutCustomer), so it is visible rather than filtered out by the pattern.
    pattern: {
      source: [InternalSource.documents],
      'detail-type': [InternalEventType.ReturnDocumentProcessed, InternalEventType.ClaimDocumentProcessed],
    },
    retry: { maximumRetryAttempts: 8, maximumEventAgeSeconds: 6 * 60 * 60 },
  },
  {
    name: 'document-uploads-to-workflow',
    consumer: 'documents',
    description:
      'A file was uploaded to the documents bucket (forwarded from the default bus): start the document workflow.',
    pattern: {
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      // Only uploads; the workflow's own results (results/) must not start another execution.
      detail: { object: { key: [{ prefix: 'incoming/' }] } },
    },
    retry: { maximumRetryAttempts: 8, maximumEventAgeSeconds: 24 * 60 * 60 },
  },
  {
    name: 'escalated-tickets-to-interventions',
    consumer: 'interventions',
    description: 'A service ticket was escalated: propose a service recovery.',
    pattern: {
      source: [{ prefix: CHANNEL_SOURCE_PREFIX }],
      'detail-type': [ChannelEventType.TicketOpened, ChannelEventType.TicketUpdated],
      detail: { $or: [{ escalated: [true] }, { status: ['escalated'] }] },
    },
    retry: { maximumRetryAttempts: 8, maximumEventAgeSeconds: 6 * 60 * 60 },
  },
  {
    name: 'decisions-and-signals-to-odoo',
    consumer: 'odoo-sync',
    description:
      'Approved interventions, risk changes and merges land in Odoo as tags, notes, activities, points and opportunities.',
    pattern: {
      source: [InternalSource.interventions, InternalSource.analytics, InternalSource.identity],
      'detail-type': [...ODOO_SYNC_ROUTE_EVENT_TYPES],
    },
    retry: { maximumRetryAttempts: 8, maximumEventAgeSeconds: 24 * 60 * 60 },
  },
];
