/**
 * Every event source and detail-type Tessera knows, in one place. Nothing else in the code base spells
 * an event name as a string literal: import it from here.
 */

/** Sources of events published by Tessera itself. Channel events use `channelSource(sourceId)`. */
export const InternalSource = {
  identity: 'tessera.identity',
  analytics: 'tessera.analytics',
  documents: 'tessera.documents',
  interventions: 'tessera.interventions',
  odoo: 'tessera.odoo-sync',
} as const;
export type InternalSource = (typeof InternalSource)[keyof typeof InternalSource];

/** Channel events are published as `tessera.channel.<sourceId>`, where sourceId is the authenticated sender. */
export const CHANNEL_SOURCE_PREFIX = 'tessera.channel.';
export const channelSource = (sourceId: string): string => `${CHANNEL_SOURCE_PREFIX}${sourceId}`;

export const ChannelEventType = {
  CustomerProfileCreated: 'CustomerProfileCreated',
  CustomerProfileUpdated: 'CustomerProfileUpdated',
  OrderPlaced: 'OrderPlaced',
  ReturnRequested: 'ReturnRequested',
  OrderReturned: 'OrderReturned',
  OrderFulfilled: 'OrderFulfilled',
  DeliveryDelayed: 'DeliveryDelayed',
  LoyaltyEnrolled: 'LoyaltyEnrolled',
  LoyaltyPointsChanged: 'LoyaltyPointsChanged',
  LoyaltyTierChanged: 'LoyaltyTierChanged',
  TicketOpened: 'TicketOpened',
  TicketUpdated: 'TicketUpdated',
  TicketResolved: 'TicketResolved',
  CampaignInteractionRecorded: 'CampaignInteractionRecorded',
} as const;
export type ChannelEventType = (typeof ChannelEventType)[keyof typeof ChannelEventType];

export const InternalEventType = {
  CustomersMerged: 'CustomersMerged',
  CustomerSplit: 'CustomerSplit',
  CustomerErased: 'CustomerErased',
  CustomerRiskChanged: 'CustomerRiskChanged',
  DocumentUploaded: 'DocumentUploaded',
  ReturnDocumentProcessed: 'ReturnDocumentProcessed',
  ClaimDocumentProcessed: 'ClaimDocumentProcessed',
  DocumentProcessingFailed: 'DocumentProcessingFailed',
  InterventionProposed: 'InterventionProposed',
  InterventionApproved: 'InterventionApproved',
  InterventionRejected: 'InterventionRejected',
  InterventionCompleted: 'InterventionCompleted',
} as const;
export type InternalEventType = (typeof InternalEventType)[keyof typeof InternalEventType];

export type DetailType = ChannelEventType | InternalEventType;

export const CHANNEL_EVENT_TYPES: readonly ChannelEventType[] = Object.values(ChannelEventType);
export const INTERNAL_EVENT_TYPES: readonly InternalEventType[] = Object.values(InternalEventType);
