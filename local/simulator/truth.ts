import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { ReasonCode } from '../../lambdas/core/contracts/index.js';
import type { FaultName } from './faults.js';
import type { PurchaseDynamics, SimSource } from './options.js';

/**
 * Ground truth of a simulated run: who every source record really is and how every person behaved.
 * It is written beside the events, never into them, so benchmarks can score what the pipeline inferred.
 */

export interface AddressTruth {
  readonly line1: string;
  readonly line2?: string;
  readonly city: string;
  readonly postcode: string;
  readonly region: string;
  readonly country: string;
}

export interface PersonStats {
  orders: number;
  units: number;
  /** list price times quantity */
  grossSales: number;
  discount: number;
  /** grossSales minus discount, VAT included, shipping excluded */
  netSales: number;
  cost: number;
  discountedOrders: number;
  returns: number;
  returnedUnits: number;
  refunds: number;
  returnedCost: number;
  /** netSales - refunds - (cost - returnedCost): what the customer left the retailer after returns */
  marginContribution: number;
  delays: number;
  tickets: number;
  deliveryTickets: number;
  unresolvedTickets: number;
  campaignRedemptions: number;
  firstPurchaseAt?: string;
  lastPurchaseAt?: string;
}

export interface PersonTruth {
  readonly personId: string;
  readonly householdId: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly gender: 'female' | 'male';
  readonly birthDate: string;
  readonly email: string;
  readonly phone: string;
  readonly address: AddressTruth;
  readonly previousAddress?: AddressTruth;
  readonly movedAt?: string;
  readonly acquiredAt: string;
  readonly traits: {
    readonly purchaseRatePerWeek: number;
    readonly dropoutProbability: number;
    readonly discountDriven: boolean;
    readonly frictionProne: boolean;
    readonly returnPropensity: number;
  };
  readonly labels: {
    /** the person dropped out (BG/NBD death) during the period */
    readonly churned: boolean;
    readonly churnedAt?: string;
    /** discount-dependent high-returner whose margin contribution is negative (see meta.labelDefinitions) */
    readonly marginDestructive: boolean;
    /** suffered at least one late delivery and complained about it */
    readonly serviceFriction: boolean;
  };
  readonly stats: PersonStats;
}

export interface RecordTruth {
  readonly sourceSystem: SimSource;
  readonly sourceCustomerId: string;
  readonly personId: string;
  readonly householdId: string;
  readonly createdAt: string;
  readonly faults: readonly FaultName[];
}

export interface HouseholdTruth {
  readonly householdId: string;
  readonly personIds: readonly string[];
  readonly sharedEmail?: string;
  readonly sharedPhone?: string;
}

/** What a return form needs (the documents teammate renders it as PDF or PNG). */
export interface ReturnDocumentData {
  readonly returnId: string;
  readonly orderId: string;
  readonly personId: string;
  readonly sourceSystem: SimSource;
  readonly sourceCustomerId?: string;
  readonly customerName: string;
  readonly email?: string;
  readonly phone?: string;
  readonly address?: AddressTruth;
  readonly orderDate: string;
  readonly requestedAt: string;
  readonly reason: ReasonCode;
  readonly reasonText: string;
  readonly lines: readonly {
    readonly sku: string;
    readonly productName: string;
    readonly quantity: number;
    readonly refundAmount: number;
  }[];
  readonly refundAmount: number;
  readonly currency: string;
}

/** What a claim letter needs: damaged goods or a late delivery the customer wants compensating. */
export interface ClaimDocumentData {
  readonly claimId: string;
  readonly orderId: string;
  readonly personId: string;
  readonly sourceSystem: SimSource;
  readonly sourceCustomerId?: string;
  readonly customerName: string;
  readonly email?: string;
  readonly phone?: string;
  readonly address?: AddressTruth;
  readonly orderDate: string;
  readonly incidentDate: string;
  readonly claimedAt: string;
  readonly reason: Extract<ReasonCode, 'damaged' | 'late_delivery'>;
  /** the order lines the claim is about, amounts after discount */
  readonly lines: readonly {
    readonly sku: string;
    readonly productName: string;
    readonly quantity: number;
    readonly amount: number;
  }[];
  readonly amountClaimed: number;
  readonly currency: string;
  readonly narrative: string;
}

export interface CampaignTruth {
  readonly campaignId: string;
  readonly name: string;
  readonly promotionCode: string;
  readonly discountPercent: number;
  readonly launchedAt: string;
  readonly endsAt: string;
  recipients: number;
  redemptions: number;
}

export interface TruthMeta {
  readonly generator: 'tessera-simulator';
  readonly version: 1;
  /** the demo retailer's name, as documents and e-mails should show it */
  readonly retailer: string;
  readonly loyaltyProgramme: string;
  readonly seed: number;
  readonly customers: number;
  readonly start: string;
  readonly end: string;
  readonly currency: string;
  readonly dynamics: PurchaseDynamics;
  readonly labelDefinitions: Readonly<Record<string, string>>;
  generatedEvents: number;
  deliveredEvents: number;
  duplicatesInjected: number;
  outOfOrderInjected: number;
  readonly recordsPerSource: Record<string, number>;
  readonly eventsPerType: Record<string, number>;
}

export interface GroundTruth {
  readonly meta: TruthMeta;
  readonly people: readonly PersonTruth[];
  readonly households: readonly HouseholdTruth[];
  readonly records: readonly RecordTruth[];
  /** store purchases with no customer identified: in the events, but no record to resolve */
  readonly anonymousOrders: readonly { readonly orderId: string; readonly personId: string }[];
  readonly campaigns: readonly CampaignTruth[];
  readonly documents: {
    readonly returns: readonly ReturnDocumentData[];
    readonly claims: readonly ClaimDocumentData[];
  };
}

export const LABEL_DEFINITIONS = {
  churned:
    'the person dropped out (BG/NBD: after a repeat purchase, with their dropout probability) before the end',
  marginDestructive:
    'at least 2 orders, at least half of them discounted, at least 25% of units returned, and a negative margin contribution (net sales - refunds - cost of kept units)',
  serviceFriction: 'at least one delivery delay and at least one service ticket about a delivery',
} as const;

/** One line, as a customer writes it on a form: "Flat 3, 12 Station Road, London SE1 2AB". */
export const formatAddress = (a: AddressTruth): string =>
  [a.line2, a.line1, `${a.city} ${a.postcode}`].filter(Boolean).join(', ');

export const recordKey = (sourceSystem: string, sourceCustomerId: string) =>
  `${sourceSystem}:${sourceCustomerId}`;

/** Index from `sourceSystem:sourceCustomerId` to person id, the form benchmarks score against. */
export function recordIndex(truth: Pick<GroundTruth, 'records'>): Map<string, string> {
  return new Map(truth.records.map((r) => [recordKey(r.sourceSystem, r.sourceCustomerId), r.personId]));
}

/**
 * Truth as JSON Lines: a `meta` line, then one line per person, household, record, anonymous order,
 * campaign, return document and claim document, each `{ "kind": ..., ...fields }`. Lines keep a 100k
 * customer run from needing one giant string.
 */
export function* truthLines(truth: GroundTruth): Generator<string> {
  yield JSON.stringify({ kind: 'meta', ...truth.meta });
  for (const p of truth.people) yield JSON.stringify({ kind: 'person', ...p });
  for (const h of truth.households) yield JSON.stringify({ kind: 'household', ...h });
  for (const r of truth.records) yield JSON.stringify({ kind: 'record', ...r });
  for (const o of truth.anonymousOrders) yield JSON.stringify({ kind: 'anonymousOrder', ...o });
  for (const c of truth.campaigns) yield JSON.stringify({ kind: 'campaign', ...c });
  for (const d of truth.documents.returns) yield JSON.stringify({ kind: 'returnDocument', ...d });
  for (const d of truth.documents.claims) yield JSON.stringify({ kind: 'claimDocument', ...d });
}

/** Reads a truth.jsonl written by `tessera simulate`. */
export async function readTruth(file: string): Promise<GroundTruth> {
  let meta: TruthMeta | undefined;
  const people: PersonTruth[] = [];
  const households: HouseholdTruth[] = [];
  const records: RecordTruth[] = [];
  const anonymousOrders: { orderId: string; personId: string }[] = [];
  const campaigns: CampaignTruth[] = [];
  const returns: ReturnDocumentData[] = [];
  const claims: ClaimDocumentData[] = [];
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    const { kind, ...value } = JSON.parse(line) as { kind: string } & Record<string, unknown>;
    if (kind === 'meta') meta = value as unknown as TruthMeta;
    else if (kind === 'person') people.push(value as unknown as PersonTruth);
    else if (kind === 'household') households.push(value as unknown as HouseholdTruth);
    else if (kind === 'record') records.push(value as unknown as RecordTruth);
    else if (kind === 'anonymousOrder')
      anonymousOrders.push(value as unknown as { orderId: string; personId: string });
    else if (kind === 'campaign') campaigns.push(value as unknown as CampaignTruth);
    else if (kind === 'returnDocument') returns.push(value as unknown as ReturnDocumentData);
    else if (kind === 'claimDocument') claims.push(value as unknown as ClaimDocumentData);
    else throw new Error(`${file}:${lineNumber}: unknown truth line kind '${kind}'`);
  }
  if (!meta) throw new Error(`${file}: no meta line; is this a truth file written by tessera simulate?`);
  return { meta, people, households, records, anonymousOrders, campaigns, documents: { returns, claims } };
}
