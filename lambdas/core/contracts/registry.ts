import { z } from 'zod';
import {
  CampaignInteractionRecordedDetail,
  CustomerProfileChangedDetail,
  DeliveryDelayedDetail,
  LoyaltyEnrolledDetail,
  LoyaltyPointsChangedDetail,
  LoyaltyTierChangedDetail,
  OrderFulfilledDetail,
  OrderPlacedDetail,
  OrderReturnedDetail,
  ReturnRequestedDetail,
  TicketOpenedDetail,
  TicketResolvedDetail,
  TicketUpdatedDetail,
} from './channel-events.js';
import {
  ClaimDocumentProcessedDetail,
  CustomerErasedDetail,
  CustomerRiskChangedDetail,
  CustomerSplitDetail,
  CustomersMergedDetail,
  DocumentProcessingFailedDetail,
  DocumentUploadedDetail,
  InterventionApprovedDetail,
  InterventionCompletedDetail,
  InterventionProposedDetail,
  InterventionRejectedDetail,
  ReturnDocumentProcessedDetail,
} from './internal-events.js';
import { ChannelEventType, type DetailType, InternalEventType } from './names.js';

export interface ContractEntry {
  readonly detailType: DetailType;
  readonly version: number;
  readonly kind: 'channel' | 'internal';
  readonly schema: z.ZodType;
  readonly description: string;
}

const channel = (detailType: ChannelEventType, schema: z.ZodType, description: string): ContractEntry => ({
  detailType,
  version: 1,
  kind: 'channel',
  schema,
  description,
});
const internal = (detailType: InternalEventType, schema: z.ZodType, description: string): ContractEntry => ({
  detailType,
  version: 1,
  kind: 'internal',
  schema,
  description,
});

/** The contract of every event: channel systems are held to these, and so is Tessera itself. */
export const CONTRACTS: Readonly<Record<DetailType, ContractEntry>> = {
  CustomerProfileCreated: channel(
    ChannelEventType.CustomerProfileCreated,
    CustomerProfileChangedDetail,
    'A CRM, loyalty, eCommerce account or Odoo partner record was created.',
  ),
  CustomerProfileUpdated: channel(
    ChannelEventType.CustomerProfileUpdated,
    CustomerProfileChangedDetail,
    'A customer record changed in a source system.',
  ),
  OrderPlaced: channel(
    ChannelEventType.OrderPlaced,
    OrderPlacedDetail,
    'An order was placed in a store, online or on a marketplace.',
  ),
  ReturnRequested: channel(
    ChannelEventType.ReturnRequested,
    ReturnRequestedDetail,
    'A customer asked to return items.',
  ),
  OrderReturned: channel(
    ChannelEventType.OrderReturned,
    OrderReturnedDetail,
    'Returned items were received and refunded.',
  ),
  OrderFulfilled: channel(
    ChannelEventType.OrderFulfilled,
    OrderFulfilledDetail,
    'An order was delivered or collected.',
  ),
  DeliveryDelayed: channel(
    ChannelEventType.DeliveryDelayed,
    DeliveryDelayedDetail,
    'A delivery missed its promised date.',
  ),
  LoyaltyEnrolled: channel(
    ChannelEventType.LoyaltyEnrolled,
    LoyaltyEnrolledDetail,
    'A customer joined the loyalty programme.',
  ),
  LoyaltyPointsChanged: channel(
    ChannelEventType.LoyaltyPointsChanged,
    LoyaltyPointsChangedDetail,
    'Loyalty points were earned, redeemed, expired or adjusted.',
  ),
  LoyaltyTierChanged: channel(
    ChannelEventType.LoyaltyTierChanged,
    LoyaltyTierChangedDetail,
    'A loyalty tier changed.',
  ),
  TicketOpened: channel(
    ChannelEventType.TicketOpened,
    TicketOpenedDetail,
    'A customer service ticket was opened.',
  ),
  TicketUpdated: channel(
    ChannelEventType.TicketUpdated,
    TicketUpdatedDetail,
    'A service ticket changed status or priority.',
  ),
  TicketResolved: channel(
    ChannelEventType.TicketResolved,
    TicketResolvedDetail,
    'A service ticket was closed.',
  ),
  CampaignInteractionRecorded: channel(
    ChannelEventType.CampaignInteractionRecorded,
    CampaignInteractionRecordedDetail,
    'A campaign message was sent, opened, clicked or redeemed.',
  ),
  CustomersMerged: internal(
    InternalEventType.CustomersMerged,
    CustomersMergedDetail,
    'Two or more profiles became one.',
  ),
  CustomerSplit: internal(
    InternalEventType.CustomerSplit,
    CustomerSplitDetail,
    'Records were split out of a profile.',
  ),
  CustomerErased: internal(
    InternalEventType.CustomerErased,
    CustomerErasedDetail,
    'Personal data of a customer was erased.',
  ),
  CustomerRiskChanged: internal(
    InternalEventType.CustomerRiskChanged,
    CustomerRiskChangedDetail,
    'A customer entered or left a segment, or a score crossed a threshold.',
  ),
  DocumentUploaded: internal(
    InternalEventType.DocumentUploaded,
    DocumentUploadedDetail,
    'A return or claim document arrived.',
  ),
  ReturnDocumentProcessed: internal(
    InternalEventType.ReturnDocumentProcessed,
    ReturnDocumentProcessedDetail,
    'A return form was read and linked.',
  ),
  ClaimDocumentProcessed: internal(
    InternalEventType.ClaimDocumentProcessed,
    ClaimDocumentProcessedDetail,
    'A claim letter was read and linked.',
  ),
  DocumentProcessingFailed: internal(
    InternalEventType.DocumentProcessingFailed,
    DocumentProcessingFailedDetail,
    'A document could not be read; it waits for a person.',
  ),
  InterventionProposed: internal(
    InternalEventType.InterventionProposed,
    InterventionProposedDetail,
    'An intervention was proposed for a customer.',
  ),
  InterventionApproved: internal(
    InternalEventType.InterventionApproved,
    InterventionApprovedDetail,
    'An intervention was approved and its actions should be applied.',
  ),
  InterventionRejected: internal(
    InternalEventType.InterventionRejected,
    InterventionRejectedDetail,
    'An intervention was rejected.',
  ),
  InterventionCompleted: internal(
    InternalEventType.InterventionCompleted,
    InterventionCompletedDetail,
    'An intervention reached its outcome.',
  ),
};

export const isKnownDetailType = (value: string): value is DetailType => Object.hasOwn(CONTRACTS, value);

export interface ContractIssue {
  /** JSON path of the offending field inside `detail`, e.g. `lines[0].quantity`. */
  readonly path: string;
  readonly message: string;
}

export type ContractResult<T = unknown> =
  | { readonly ok: true; readonly detail: T }
  | { readonly ok: false; readonly issues: readonly ContractIssue[] };

const formatPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
    '',
  );

/** Validates a detail against the contract of its detail-type; the issues name every offending field. */
export function validateDetail(detailType: string, detail: unknown): ContractResult {
  if (!isKnownDetailType(detailType)) {
    return { ok: false, issues: [{ path: 'detail-type', message: `unknown detail-type '${detailType}'` }] };
  }
  const parsed = CONTRACTS[detailType].schema.safeParse(detail);
  if (parsed.success) return { ok: true, detail: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.map((issue) => ({
      path: formatPath(issue.path) || '(detail)',
      message: issue.message,
    })),
  };
}

// Contract checks print their issues as every other validation error does.
export { describeIssues } from '../validation.js';

/** JSON Schema (draft 2020-12) of one contract, for channel teams. */
export function contractJsonSchema(entry: ContractEntry): Record<string, unknown> {
  const schema = z.toJSONSchema(entry.schema, { io: 'input', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
  return {
    ...schema,
    $id: `https://tessera.dev/schemas/${entry.detailType}/v${entry.version}.json`,
    title: entry.detailType,
    description: entry.description,
    'x-tessera-kind': entry.kind,
    'x-tessera-version': entry.version,
  };
}
