import {
  type Channel,
  ChannelEventType,
  channelSource,
  type ReasonCode,
  type SourceCustomer,
} from '../../lambdas/core/contracts/index.js';
import { addressView, type FaultName, makeRecordView, SOURCE_LAYOUTS } from './faults.js';
import { TimeQueue } from './heap.js';
import type { NicknameTable } from './nicknames.js';
import type { ResolvedOptions, SimSource } from './options.js';
import {
  asciiFold,
  type Household,
  type Person,
  type Population,
  type Product,
  type TrueAddress,
} from './population.js';
import { Prng } from './prng.js';
import {
  type AddressTruth,
  type CampaignTruth,
  type ClaimDocumentData,
  type GroundTruth,
  LABEL_DEFINITIONS,
  type PersonStats,
  type RecordTruth,
  type ReturnDocumentData,
} from './truth.js';
import { CARRIERS, MARKETPLACES, RETURN_REASON_TEXT } from './vocabulary.js';

/** The truth the engine knows; the delivery figures are added by whoever delivers the stream. */
export type EngineTruth = Omit<GroundTruth, 'meta'> & {
  meta: Omit<GroundTruth['meta'], 'deliveredEvents' | 'duplicatesInjected' | 'outOfOrderInjected'>;
};

/** One line of the simulated stream: what a channel system would send to the ingest API. */
export interface SimulatedEvent {
  readonly source: string;
  readonly detailType: ChannelEventType;
  readonly detail: Record<string, unknown>;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
export const RETAILER = 'Marlowe & Finch';
const PROGRAMME = 'Marlowe Rewards';
const TIERS = [
  ['bronze', 0],
  ['silver', 400],
  ['gold', 1200],
] as const;

const round2 = (value: number) => Math.round(value * 100) / 100;
/** Second precision, as channel systems send it. */
const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

interface SourceRecord {
  readonly source: SimSource;
  readonly id: string;
  customer: SourceCustomer;
  readonly truth: RecordTruth & { faults: FaultName[] };
}

interface LoyaltyState {
  readonly cardId: string;
  balance: number;
  lifetime: number;
  tier: string;
}

interface PersonState {
  readonly person: Person;
  readonly household: Household;
  readonly rng: Prng;
  active: boolean;
  dropoutAt?: number;
  purchases: number;
  rateFactor: number;
  frictionBoost: number;
  readonly records: Partial<Record<SimSource, SourceRecord[]>>;
  readonly duplicateDue: Set<SimSource>;
  loyalty?: LoyaltyState;
  marketplace?: string;
  readonly stats: PersonStats;
}

interface OrderLineState {
  readonly product: Product;
  readonly quantity: number;
  readonly discount: number;
}

interface OrderState {
  readonly orderId: string;
  readonly state: PersonState;
  readonly source: SimSource;
  readonly record?: SourceRecord;
  readonly channel: Channel;
  readonly placedAt: number;
  readonly lines: OrderLineState[];
  readonly shipping: number;
  readonly promisedBy?: number;
  readonly carrier?: string;
  delayed: boolean;
  pointsEarned: number;
}

interface TicketState {
  readonly ticketId: string;
  readonly state: PersonState;
  readonly record: SourceRecord;
  readonly channel: Channel;
  priority: 'low' | 'normal' | 'high' | 'urgent';
  readonly category: string;
  readonly subject: string;
  readonly orderId?: string;
  readonly sentiment: number;
  escalated: boolean;
  readonly friction: boolean;
}

interface CampaignState {
  readonly truth: CampaignTruth;
  readonly startMs: number;
  readonly endMs: number;
  readonly discount: number;
}

type Action =
  | { kind: 'acquire'; state: PersonState }
  | { kind: 'purchase'; state: PersonState; campaign?: CampaignState }
  | { kind: 'crmSignup'; state: PersonState }
  | { kind: 'delay'; order: OrderState; delayDays: number; reason: string }
  | { kind: 'fulfil'; order: OrderState }
  | { kind: 'returnRequest'; order: OrderState; lines: OrderLineState[]; reason: ReasonCode }
  | {
      kind: 'returnReceived';
      order: OrderState;
      lines: OrderLineState[];
      reason: ReasonCode;
      returnId: string;
      reasonText: string;
    }
  | { kind: 'ticketOpen'; state: PersonState; category: string; order?: OrderState; friction: boolean }
  | { kind: 'ticketUpdate'; ticket: TicketState }
  | { kind: 'ticketResolve'; ticket: TicketState }
  | { kind: 'campaign'; campaign: CampaignState }
  | {
      kind: 'campaignInteraction';
      campaign: CampaignState;
      state: PersonState;
      interaction: 'opened' | 'clicked';
    }
  | { kind: 'move'; household: Household };

const emptyStats = (): PersonStats => ({
  orders: 0,
  units: 0,
  grossSales: 0,
  discount: 0,
  netSales: 0,
  cost: 0,
  discountedOrders: 0,
  returns: 0,
  returnedUnits: 0,
  refunds: 0,
  returnedCost: 0,
  marginContribution: 0,
  delays: 0,
  tickets: 0,
  deliveryTickets: 0,
  unresolvedTickets: 0,
  campaignRedemptions: 0,
});

export function addressTruth(address: TrueAddress): AddressTruth {
  return {
    line1: `${address.streetNumber} ${address.streetName} ${address.streetType}`,
    ...(address.flat ? { line2: address.flat } : {}),
    city: address.city,
    postcode: address.postcode,
    region: address.region,
    country: address.country,
  };
}

const luhnDigit = (digits: string): number => {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
};

/**
 * The discrete-event simulation. People, campaigns and follow-ups (deliveries, returns, tickets) are
 * actions in one time-ordered queue, so the stream comes out in time order while memory grows with the
 * number of people and open follow-ups, not with the number of events.
 */
export class RetailerSimulation {
  private readonly queue = new TimeQueue<Action>();
  private readonly ids: Prng;
  private readonly issued = new Set<string>();
  private readonly states: PersonState[];
  private readonly records: RecordTruth[] = [];
  private readonly anonymousOrders: { orderId: string; personId: string }[] = [];
  private readonly campaigns: CampaignState[] = [];
  private readonly returnDocs: ReturnDocumentData[] = [];
  private readonly claimDocs: ClaimDocumentData[] = [];
  private readonly eventCounters = new Map<string, number>();
  private readonly eventsPerType: Record<string, number> = {};
  private readonly recordsPerSource: Record<string, number> = {};
  private readonly catalogByCategory = new Map<string, Product[]>();
  private readonly out: SimulatedEvent[] = [];
  private orderSerial = 100_000;
  private generated = 0;
  private finished = false;
  private now: number;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly population: Population,
    private readonly nicknames: NicknameTable,
  ) {
    this.now = options.startMs;
    this.ids = Prng.derive(options.seed, 'ids');
    for (const product of population.catalog) {
      const list = this.catalogByCategory.get(product.category) ?? [];
      list.push(product);
      this.catalogByCategory.set(product.category, list);
    }
    this.states = population.people.map((person) => {
      const state: PersonState = {
        person,
        household: population.households[person.householdIndex] as Household,
        rng: Prng.derive(options.seed, 'behaviour', person.index),
        active: true,
        purchases: 0,
        rateFactor: 1,
        frictionBoost: 0,
        records: {},
        duplicateDue: new Set(),
        stats: emptyStats(),
      };
      this.schedule(this.shoppingTime(state.rng, person.traits.acquiredAt), { kind: 'acquire', state });
      if (person.traits.joinsCrm) {
        // Some sign up before their first purchase; nobody before the period starts (that history is not in the stream).
        let signup = person.traits.acquiredAt + state.rng.uniform(-30, 60) * DAY;
        if (signup < options.startMs) signup = options.startMs + state.rng.uniform(0, 30) * DAY;
        this.schedule(this.shoppingTime(state.rng, signup), { kind: 'crmSignup', state });
      }
      return state;
    });
    for (const household of population.households) {
      if (household.movedAt !== undefined) this.schedule(household.movedAt, { kind: 'move', household });
    }
    this.planCampaigns();
  }

  /** Events in time order; the truth is complete once this is exhausted. */
  *events(): Generator<SimulatedEvent> {
    for (;;) {
      const next = this.queue.pop();
      if (!next) break;
      this.now = next.time;
      this.handle(next.time, next.item);
      for (const event of this.out) yield event;
      this.out.length = 0;
    }
    this.finished = true;
  }

  /** Share of the simulated period already generated, 0 to 1: what a progress bar can show. */
  get progress(): number {
    if (this.finished) return 1;
    return Math.min(1, (this.now - this.options.startMs) / (this.options.endMs - this.options.startMs));
  }

  truth(): EngineTruth {
    if (!this.finished)
      throw new Error('simulator: the truth is known only after the whole event stream was read');
    const end = this.options.endMs;
    const people = this.states.map((s) => {
      const p = s.person;
      const h = s.household;
      // A copy: asking for the truth twice gives the same figures.
      const st = { ...s.stats };
      st.marginContribution = round2(st.netSales - st.refunds - (st.cost - st.returnedCost));
      for (const key of ['grossSales', 'discount', 'netSales', 'cost', 'refunds', 'returnedCost'] as const) {
        st[key] = round2(st[key]);
      }
      const marginDestructive =
        st.orders >= 2 &&
        st.discountedOrders / st.orders >= 0.5 &&
        st.units > 0 &&
        st.returnedUnits / st.units >= 0.25 &&
        st.marginContribution < 0;
      const movedBeforeEnd = h.movedAt !== undefined && h.movedAt < end;
      return {
        personId: p.personId,
        householdId: h.householdId,
        givenName: p.givenName,
        familyName: p.familyName,
        gender: p.gender,
        birthDate: p.birthDate,
        email: p.email,
        phone: p.phone,
        address: addressTruth(movedBeforeEnd || !h.previousAddress ? h.address : h.previousAddress),
        ...(movedBeforeEnd && h.previousAddress
          ? { previousAddress: addressTruth(h.previousAddress), movedAt: iso(h.movedAt as number) }
          : {}),
        acquiredAt: iso(p.traits.acquiredAt),
        traits: {
          purchaseRatePerWeek: Math.round(p.traits.purchaseRate * 10_000) / 10_000,
          dropoutProbability: Math.round(p.traits.dropoutProbability * 10_000) / 10_000,
          discountDriven: p.traits.discountDriven,
          frictionProne: p.traits.frictionProne,
          returnPropensity: Math.round(p.traits.returnPropensity * 1000) / 1000,
        },
        labels: {
          churned: s.dropoutAt !== undefined,
          ...(s.dropoutAt !== undefined ? { churnedAt: iso(s.dropoutAt) } : {}),
          marginDestructive,
          serviceFriction: st.delays >= 1 && st.deliveryTickets >= 1,
        },
        stats: st,
      };
    });
    return {
      meta: {
        generator: 'tessera-simulator',
        version: 1,
        retailer: RETAILER,
        loyaltyProgramme: PROGRAMME,
        seed: this.options.seed,
        customers: this.options.customers,
        start: iso(this.options.startMs),
        end: iso(end),
        currency: this.options.currency,
        dynamics: this.options.dynamics,
        labelDefinitions: LABEL_DEFINITIONS,
        generatedEvents: this.generated,
        recordsPerSource: this.recordsPerSource,
        eventsPerType: this.eventsPerType,
      },
      people,
      households: this.population.households.map((h) => ({
        householdId: h.householdId,
        personIds: h.members.map((i) => (this.population.people[i] as Person).personId),
        ...(h.sharedEmail ? { sharedEmail: h.sharedEmail } : {}),
        ...(h.sharedPhone ? { sharedPhone: h.sharedPhone } : {}),
      })),
      records: this.records,
      anonymousOrders: this.anonymousOrders,
      campaigns: this.campaigns.map((c) => c.truth),
      documents: { returns: this.returnDocs, claims: this.claimDocs },
    };
  }

  // ---------------------------------------------------------------- plumbing

  private schedule(time: number, action: Action): void {
    // Follow-ups after the end of the period are censored, as they would be in a real extract.
    if (time >= this.options.endMs) return;
    this.queue.push(Math.max(time, this.options.startMs), action);
  }

  private emit(
    source: SimSource,
    detailType: ChannelEventType,
    at: number,
    customer: SourceCustomer,
    body: Record<string, unknown>,
  ): void {
    const n = (this.eventCounters.get(source) ?? 0) + 1;
    this.eventCounters.set(source, n);
    const detail = {
      schemaVersion: 1,
      eventId: `${EVENT_ID_PREFIX[source]}${String(n).padStart(7, '0')}`,
      occurredAt: iso(at),
      customer,
      ...body,
    };
    this.out.push({ source: channelSource(source), detailType, detail });
    this.generated++;
    this.eventsPerType[detailType] = (this.eventsPerType[detailType] ?? 0) + 1;
  }

  private uniqueId(make: () => string): string {
    for (;;) {
      const id = make();
      if (!this.issued.has(id)) {
        this.issued.add(id);
        return id;
      }
    }
  }

  private newSourceId(source: SimSource, state: PersonState): string {
    const r = this.ids;
    switch (source) {
      case 'pos':
        return this.uniqueId(() => `4${String(r.int(0, 99_999_999)).padStart(8, '0')}`);
      case 'ecommerce':
        return this.uniqueId(() => `EC-${r.token(8)}`);
      case 'marketplace': {
        const market = state.marketplace ?? 'Amazon';
        if (market === 'Amazon') return this.uniqueId(() => `amzn1.buyer.${r.token(14)}`);
        if (market === 'eBay')
          return this.uniqueId(
            () => `ebay_${asciiFold(state.person.givenName).charAt(0) || 'b'}${r.token(6).toLowerCase()}`,
          );
        return this.uniqueId(() => `OB${String(r.int(0, 9_999_999)).padStart(7, '0')}`);
      }
      case 'loyalty':
        return this.uniqueId(() => {
          const body = `633500${String(r.int(0, 999_999_999)).padStart(9, '0')}`;
          return `${body}${luhnDigit(body)}`;
        });
      case 'crm':
        return this.uniqueId(() => `CRM-${String(r.int(0, 9_999_999)).padStart(7, '0')}`);
      case 'service':
        return this.uniqueId(() => `SD-C${String(r.int(0, 999_999)).padStart(6, '0')}`);
      case 'campaigns':
        return this.uniqueId(() => `sub_${r.token(10, 'abcdefghijkmnpqrstuvwxyz23456789')}`);
    }
  }

  private addressAt(household: Household, at: number): TrueAddress {
    return household.movedAt !== undefined && at < household.movedAt && household.previousAddress
      ? household.previousAddress
      : household.address;
  }

  private createRecord(
    state: PersonState,
    source: SimSource,
    at: number,
    extra: { guest?: boolean; duplicate?: boolean } = {},
  ): SourceRecord {
    const id = extra.guest
      ? this.uniqueId(() => `GUEST-${this.ids.token(10)}`)
      : this.newSourceId(source, state);
    const view = makeRecordView({
      source,
      sourceCustomerId: id,
      person: state.person,
      household: state.household,
      address: this.addressAt(state.household, at),
      rates: this.options.faultRates[source],
      nicknames: this.nicknames,
      rng: state.rng,
      ...(source === 'loyalty' ? { loyaltyId: id } : {}),
      ...(source === 'marketplace'
        ? {
            relayEmail: `${this.ids.token(12, 'abcdefghijkmnpqrstuvwxyz0123456789')}@relay.${(state.marketplace ?? 'amazon').toLowerCase()}.example`,
          }
        : {}),
      consentEmail: state.person.traits.subscribes,
    });
    const faults = [...view.faults];
    if (extra.guest) faults.push('guestCheckout');
    if (extra.duplicate) faults.push('duplicateRecord');
    const truth = {
      sourceSystem: source,
      sourceCustomerId: id,
      personId: state.person.personId,
      householdId: state.household.householdId,
      createdAt: iso(at),
      faults,
    };
    const record: SourceRecord = { source, id, customer: view.customer, truth };
    this.records.push(truth);
    this.recordsPerSource[source] = (this.recordsPerSource[source] ?? 0) + 1;
    if (!extra.guest) {
      const list = state.records[source] ?? [];
      list.push(record);
      state.records[source] = list;
      // Decided once per person and source: will they later make a second record here?
      if (list.length === 1 && state.rng.chance(this.options.faultRates[source].duplicateRecord)) {
        state.duplicateDue.add(source);
      }
    }
    return record;
  }

  /** The record this person is known by in a source, creating it (or a later duplicate) as a person would. */
  private recordFor(
    state: PersonState,
    source: SimSource,
    at: number,
  ): { record: SourceRecord; created: boolean } {
    const list = state.records[source];
    const current = list?.[list.length - 1];
    if (!current) return { record: this.createRecord(state, source, at), created: true };
    if (state.duplicateDue.has(source)) {
      state.duplicateDue.delete(source);
      return { record: this.createRecord(state, source, at, { duplicate: true }), created: true };
    }
    return { record: current, created: false };
  }

  // ---------------------------------------------------------------- actions

  private handle(t: number, action: Action): void {
    switch (action.kind) {
      case 'acquire':
        this.purchase(t, action.state);
        return;
      case 'purchase':
        this.purchase(t, action.state, action.campaign);
        return;
      case 'crmSignup':
        this.crmSignup(t, action.state);
        return;
      case 'delay':
        this.delay(t, action.order, action.delayDays, action.reason);
        return;
      case 'fulfil':
        this.fulfil(t, action.order);
        return;
      case 'returnRequest':
        this.returnRequest(t, action.order, action.lines, action.reason);
        return;
      case 'returnReceived':
        this.returnReceived(t, action);
        return;
      case 'ticketOpen':
        this.ticketOpen(t, action.state, action.category, action.friction, action.order);
        return;
      case 'ticketUpdate':
        this.ticketUpdate(t, action.ticket);
        return;
      case 'ticketResolve':
        this.ticketResolve(t, action.ticket);
        return;
      case 'campaign':
        this.launchCampaign(t, action.campaign);
        return;
      case 'campaignInteraction':
        this.campaignInteraction(t, action.campaign, action.state, action.interaction);
        return;
      case 'move':
        this.move(t, action.household);
        return;
    }
  }

  private crmSignup(t: number, state: PersonState): void {
    if (state.records.crm) return;
    const { record } = this.recordFor(state, 'crm', t);
    this.emit('crm', ChannelEventType.CustomerProfileCreated, t, record.customer, {});
    if (state.person.traits.subscribes) this.recordFor(state, 'campaigns', t);
  }

  /** Purchases happen in the day and evening; never earlier than `at`, so the queue stays in time order. */
  private shoppingTime(rng: Prng, at: number): number {
    const day = Math.floor(at / DAY) * DAY;
    const hour = rng.weighted([
      [rng.uniform(8, 12), 2],
      [rng.uniform(12, 18), 4],
      [rng.uniform(18, 22.9), 4],
    ]);
    const candidate = day + hour * HOUR + rng.int(0, 59) * 1000;
    return candidate >= at ? candidate : candidate + DAY;
  }

  private scheduleNextPurchase(t: number, state: PersonState): void {
    const rate = state.person.traits.purchaseRate * state.rateFactor;
    const next = t + state.rng.exponential(rate) * WEEK;
    this.schedule(this.shoppingTime(state.rng, next), { kind: 'purchase', state });
  }

  private purchase(t: number, state: PersonState, campaign?: CampaignState): void {
    if (!state.active) return;
    const rng = state.rng;
    const traits = state.person.traits;
    const regular = campaign === undefined;
    let channel = rng.weighted(traits.channelWeights);
    if (campaign && channel === 'marketplace') channel = 'web'; // codes are redeemed in our own channels
    const store = channel === 'store';
    const at = t;
    const lines = this.pickLines(rng, state, campaign);
    const source: SimSource = store ? 'pos' : channel === 'marketplace' ? 'marketplace' : 'ecommerce';
    if (source === 'marketplace' && !state.marketplace) state.marketplace = rng.pick(MARKETPLACES);
    const orderId = this.orderId(source, at, state);

    // Who the channel sees
    let record: SourceRecord | undefined;
    let customer: SourceCustomer;
    if (store && rng.chance(this.options.anonymousStoreRate)) {
      customer = { sourceSystem: 'pos' };
      this.anonymousOrders.push({ orderId, personId: state.person.personId });
    } else if (source === 'ecommerce' && rng.chance(this.options.guestCheckoutRate)) {
      record = this.createRecord(state, 'ecommerce', at, { guest: true });
      customer = record.customer;
    } else {
      const found = this.recordFor(state, source, at);
      record = found.record;
      customer = record.customer;
      if (found.created && source === 'ecommerce') {
        this.emit('ecommerce', ChannelEventType.CustomerProfileCreated, at, customer, {});
        if (traits.subscribes) this.recordFor(state, 'campaigns', at);
      }
    }

    // Loyalty: members enrol at a till or when logged in, then show their card
    if (traits.joinsLoyalty && !state.loyalty && source !== 'marketplace' && rng.chance(0.6))
      this.enrolLoyalty(at, state);
    // Tills scan the card; web accounts linked to the programme carry it too. Guests and marketplaces do not.
    const guest = record?.truth.faults.includes('guestCheckout') ?? false;
    const showsCard =
      state.loyalty !== undefined &&
      record !== undefined &&
      !guest &&
      source !== 'marketplace' &&
      (!store || rng.chance(0.85));
    if (showsCard && state.loyalty) customer = { ...customer, loyaltyId: state.loyalty.cardId };

    // Money
    let gross = 0;
    let discount = 0;
    let cost = 0;
    let units = 0;
    for (const line of lines) {
      gross += line.product.price * line.quantity;
      discount += line.discount;
      cost += line.product.unitCost * line.quantity;
      units += line.quantity;
    }
    const net = round2(gross - discount);
    const shipToHome = source === 'ecommerce' && rng.chance(0.75);
    const shipping = shipToHome && net < 50 ? 3.99 : 0;
    const total = round2(net + shipping);
    const stats = state.stats;
    stats.orders++;
    stats.units += units;
    stats.grossSales += gross;
    stats.discount += discount;
    stats.netSales += net;
    stats.cost += cost;
    if (discount > 0) stats.discountedOrders++;
    stats.firstPurchaseAt ??= iso(at);
    stats.lastPurchaseAt = iso(at);

    let promisedBy: number | undefined;
    let carrier: string | undefined;
    let fulfilment: Record<string, unknown> | undefined;
    if (source === 'ecommerce') {
      const express = shipToHome && rng.chance(0.15);
      promisedBy = Math.floor((at + (express ? 1 : 3) * DAY) / DAY) * DAY + 18 * HOUR;
      carrier = shipToHome ? rng.pick(CARRIERS) : undefined;
      fulfilment = {
        method: shipToHome ? 'ship_to_home' : 'click_and_collect',
        promisedBy: iso(promisedBy),
        ...(carrier ? { carrier } : {}),
      };
    } else if (source === 'marketplace') {
      promisedBy = Math.floor((at + 4 * DAY) / DAY) * DAY + 18 * HOUR;
      carrier = rng.pick(CARRIERS);
      fulfilment = { method: 'marketplace', promisedBy: iso(promisedBy), carrier };
    } else {
      fulfilment = { method: 'in_store' };
    }
    const storeInfo = store ? this.storeFor(state, rng) : undefined;
    const body: Record<string, unknown> = {
      orderId,
      channel: channel === 'marketplace' ? 'marketplace' : channel,
      ...(storeInfo
        ? { storeId: storeInfo.storeId, region: storeInfo.region }
        : { region: this.addressAt(state.household, at).region }),
      ...(source === 'marketplace' ? { marketplace: state.marketplace } : {}),
      currency: this.options.currency,
      lines: lines.map((l) => ({
        sku: l.product.sku,
        productName: l.product.name,
        category: l.product.category,
        quantity: l.quantity,
        unitPrice: l.product.price,
        discount: l.discount,
        unitCost: l.product.unitCost,
      })),
      promotionCodes: campaign ? [campaign.truth.promotionCode] : [],
      ...(campaign ? { campaignId: campaign.truth.campaignId } : {}),
      shipping,
      tax: round2(total / 6),
      total,
      fulfilment,
    };
    this.emit(source, ChannelEventType.OrderPlaced, at, customer, body);

    const order: OrderState = {
      orderId,
      state,
      source,
      ...(record ? { record } : {}),
      channel: body.channel as Channel,
      placedAt: at,
      lines,
      shipping,
      ...(promisedBy !== undefined ? { promisedBy } : {}),
      ...(carrier ? { carrier } : {}),
      delayed: false,
      pointsEarned: 0,
    };

    if (campaign) {
      campaign.truth.redemptions++;
      stats.campaignRedemptions++;
      const sub = state.records.campaigns?.at(-1);
      if (sub) {
        this.emit('campaigns', ChannelEventType.CampaignInteractionRecorded, at, sub.customer, {
          campaignId: campaign.truth.campaignId,
          interaction: 'redeemed',
          channel: store ? 'store' : 'web',
          promotionCode: campaign.truth.promotionCode,
          orderId,
        });
      }
    }
    if (showsCard && state.loyalty) this.earnPoints(at, state, order, net);

    // Fulfilment and its follow-ups
    if (promisedBy !== undefined) {
      const delayChance =
        !shipToHome && source === 'ecommerce' ? 0.02 : state.person.traits.frictionProne ? 0.45 : 0.05;
      if (rng.chance(delayChance)) {
        order.delayed = true;
        const delayDays = rng.int(2, 9);
        const reason = rng.pick([
          'carrier capacity',
          'address could not be found',
          'severe weather',
          'stock shortage at the warehouse',
          'parcel damaged in transit',
        ]);
        this.schedule(promisedBy, { kind: 'delay', order, delayDays, reason });
        this.schedule(promisedBy + delayDays * DAY + rng.uniform(1, 8) * HOUR, { kind: 'fulfil', order });
      } else {
        this.schedule(at + rng.uniform(0.4, 0.95) * (promisedBy - at), { kind: 'fulfil', order });
      }
    } else {
      this.planReturn(at, order);
    }
    if (rng.chance(0.03)) {
      this.schedule(at + rng.uniform(0.5, 10) * DAY, {
        kind: 'ticketOpen',
        state,
        category: 'product',
        order,
        friction: false,
      });
    }

    // BG/NBD: after each repeat purchase the customer may drop out; extra purchases from campaigns do not
    // move the regular purchase process.
    if (regular) {
      state.purchases++;
      if (state.purchases > 1) {
        const p = Math.min(0.95, traits.dropoutProbability + state.frictionBoost);
        if (rng.chance(p)) {
          state.active = false;
          state.dropoutAt = at;
          return;
        }
      }
      this.scheduleNextPurchase(at, state);
    }
  }

  private orderId(source: SimSource, at: number, state: PersonState): string {
    this.orderSerial += 1 + this.ids.int(0, 3);
    if (source === 'pos') {
      const d = new Date(at).toISOString().slice(0, 10).replaceAll('-', '');
      return `POS-${d}-${this.orderSerial}`;
    }
    if (source === 'ecommerce') return `WEB-${this.orderSerial}`;
    const market = state.marketplace ?? 'Amazon';
    const r = this.ids;
    if (market === 'Amazon')
      return this.uniqueId(() => `204-${r.int(1_000_000, 9_999_999)}-${r.int(1_000_000, 9_999_999)}`);
    if (market === 'eBay')
      return this.uniqueId(() => `${r.int(10, 99)}-${r.int(10_000, 99_999)}-${r.int(10_000, 99_999)}`);
    return `OB-${this.orderSerial}`;
  }

  private storeFor(state: PersonState, rng: Prng) {
    const local = this.population.stores.filter((s) => s.city === state.household.address.city);
    return rng.pick(local.length > 0 && rng.chance(0.85) ? local : this.population.stores);
  }

  private pickLines(rng: Prng, state: PersonState, campaign?: CampaignState): OrderLineState[] {
    const count = rng.weighted([
      [1, 55],
      [2, 28],
      [3, 12],
      [4, 5],
    ]);
    const lines: OrderLineState[] = [];
    const discountDriven = state.person.traits.discountDriven;
    const categoryWeights: [string, number][] = [...this.catalogByCategory.keys()].map((c) => [
      c,
      discountDriven && (c === 'womenswear' || c === 'menswear' || c === 'footwear' || c === 'electronics')
        ? 3
        : 1,
    ]);
    for (let i = 0; i < count; i++) {
      const category = rng.weighted(categoryWeights);
      const product = rng.pick(this.catalogByCategory.get(category) ?? this.population.catalog);
      if (lines.some((l) => l.product.sku === product.sku)) continue;
      const quantity = rng.weighted([
        [1, 85],
        [2, 12],
        [3, 3],
      ]);
      let share = 0;
      if (campaign) share = campaign.discount;
      // Deep clearance, often below cost: what makes this segment margin-destructive.
      else if (discountDriven && rng.chance(0.85)) share = rng.uniform(0.55, 0.75);
      else if (rng.chance(0.12)) share = rng.pick([0.1, 0.15, 0.2, 0.25, 0.3]);
      lines.push({ product, quantity, discount: round2(product.price * quantity * share) });
    }
    return lines;
  }

  private enrolLoyalty(t: number, state: PersonState): void {
    const { record } = this.recordFor(state, 'loyalty', t);
    state.loyalty = { cardId: record.id, balance: 0, lifetime: 0, tier: 'bronze' };
    this.emit('loyalty', ChannelEventType.CustomerProfileCreated, t, record.customer, {});
    this.emit('loyalty', ChannelEventType.LoyaltyEnrolled, t, record.customer, {
      loyaltyId: record.id,
      programme: PROGRAMME,
      tier: 'bronze',
    });
  }

  private loyaltyRecord(state: PersonState): SourceRecord | undefined {
    return state.records.loyalty?.find((r) => r.id === state.loyalty?.cardId);
  }

  private earnPoints(t: number, state: PersonState, order: OrderState, net: number): void {
    const loyalty = state.loyalty;
    const record = this.loyaltyRecord(state);
    if (!loyalty || !record) return;
    const points = Math.floor(net);
    if (points <= 0) return;
    loyalty.balance += points;
    loyalty.lifetime += points;
    order.pointsEarned = points;
    this.emit('loyalty', ChannelEventType.LoyaltyPointsChanged, t, record.customer, {
      loyaltyId: loyalty.cardId,
      delta: points,
      balance: loyalty.balance,
      reason: 'purchase',
      orderId: order.orderId,
    });
    const tier = [...TIERS].reverse().find(([, threshold]) => loyalty.lifetime >= threshold)?.[0] ?? 'bronze';
    if (tier !== loyalty.tier) {
      this.emit('loyalty', ChannelEventType.LoyaltyTierChanged, t, record.customer, {
        loyaltyId: loyalty.cardId,
        fromTier: loyalty.tier,
        toTier: tier,
      });
      loyalty.tier = tier;
    }
    if (loyalty.balance >= 500 && state.rng.chance(0.25)) {
      loyalty.balance -= 500;
      this.emit('loyalty', ChannelEventType.LoyaltyPointsChanged, t, record.customer, {
        loyaltyId: loyalty.cardId,
        delta: -500,
        balance: loyalty.balance,
        reason: 'redemption',
        orderId: order.orderId,
      });
    }
  }

  private delay(t: number, order: OrderState, delayDays: number, reason: string): void {
    const state = order.state;
    const customer = order.record?.customer ?? { sourceSystem: order.source };
    this.emit(order.source, ChannelEventType.DeliveryDelayed, t, customer, {
      orderId: order.orderId,
      promisedBy: iso(order.promisedBy ?? t),
      expectedBy: iso(t + delayDays * DAY),
      delayDays,
      reason,
    });
    state.stats.delays++;
    // A late parcel makes people buy less often and more likely to leave.
    state.frictionBoost += 0.1;
    state.rateFactor *= 0.85;
    if (state.rng.chance(state.person.traits.frictionProne ? 0.75 : 0.4)) {
      this.schedule(t + state.rng.uniform(0.1, 2) * DAY, {
        kind: 'ticketOpen',
        state,
        category: 'delivery',
        order,
        friction: true,
      });
    }
  }

  private fulfil(t: number, order: OrderState): void {
    const customer = order.record?.customer ?? { sourceSystem: order.source };
    this.emit(order.source, ChannelEventType.OrderFulfilled, t, customer, {
      orderId: order.orderId,
      fulfilledAt: iso(t),
      ...(order.promisedBy !== undefined ? { promisedBy: iso(order.promisedBy) } : {}),
      ...(order.carrier ? { carrier: order.carrier } : {}),
    });
    this.planReturn(t, order);
  }

  private planReturn(t: number, order: OrderState): void {
    const { state } = order;
    const rng = state.rng;
    const traits = state.person.traits;
    const returned = order.lines.filter((line) => {
      let p = 1 - (1 - traits.returnPropensity) * (1 - line.product.returnBase);
      if (order.source === 'pos') p *= 0.7;
      if (order.delayed) p += 0.15;
      return rng.chance(Math.min(p, 0.95));
    });
    if (returned.length === 0) return;
    const apparel = returned.some((l) =>
      ['womenswear', 'menswear', 'footwear', 'kids'].includes(l.product.category),
    );
    let reason: ReasonCode;
    if (order.delayed && rng.chance(0.5)) reason = 'late_delivery';
    else if (traits.discountDriven)
      reason = rng.weighted<ReasonCode>([
        ['changed_mind', 40],
        ['size_or_fit', 35],
        ['not_as_described', 15],
        ['damaged', 5],
        ['wrong_item', 5],
      ]);
    else if (apparel)
      reason = rng.weighted<ReasonCode>([
        ['size_or_fit', 45],
        ['changed_mind', 20],
        ['not_as_described', 12],
        ['damaged', 10],
        ['wrong_item', 8],
        ['other', 5],
      ]);
    else
      reason = rng.weighted<ReasonCode>([
        ['damaged', 25],
        ['not_as_described', 25],
        ['changed_mind', 30],
        ['wrong_item', 10],
        ['other', 10],
      ]);
    this.schedule(t + rng.uniform(1, 21) * DAY, { kind: 'returnRequest', order, lines: returned, reason });
  }

  private refundOf(line: OrderLineState): number {
    return round2(line.product.price * line.quantity - line.discount);
  }

  /** Emits a return event (requested or received: both carry the same body) and returns its refund total. */
  private emitReturn(
    type: typeof ChannelEventType.ReturnRequested | typeof ChannelEventType.OrderReturned,
    t: number,
    order: OrderState,
    lines: OrderLineState[],
    reason: ReasonCode,
    returnId: string,
    reasonText: string,
  ): number {
    const customer = order.record?.customer ?? { sourceSystem: order.source };
    const refundAmount = round2(lines.reduce((sum, l) => sum + this.refundOf(l), 0));
    this.emit(order.source, type, t, customer, {
      orderId: order.orderId,
      returnId,
      lines: lines.map((l) => ({
        sku: l.product.sku,
        quantity: l.quantity,
        refundAmount: this.refundOf(l),
        reason,
      })),
      reason,
      reasonText,
      currency: this.options.currency,
      refundAmount,
      channel: order.channel === 'app' ? 'web' : order.channel,
    });
    return refundAmount;
  }

  private returnRequest(t: number, order: OrderState, lines: OrderLineState[], reason: ReasonCode): void {
    const rng = order.state.rng;
    const returnId = this.uniqueId(() => `RMA-${this.ids.token(8)}`);
    const reasonText = rng.pick(RETURN_REASON_TEXT[reason] ?? ['']);
    const refundAmount = this.emitReturn(
      ChannelEventType.ReturnRequested,
      t,
      order,
      lines,
      reason,
      returnId,
      reasonText,
    );
    this.returnDocs.push({
      returnId,
      orderId: order.orderId,
      personId: order.state.person.personId,
      sourceSystem: order.source,
      ...(order.record ? { sourceCustomerId: order.record.id } : {}),
      ...this.documentContact(order),
      orderDate: iso(order.placedAt),
      requestedAt: iso(t),
      reason,
      reasonText,
      lines: lines.map((l) => ({
        sku: l.product.sku,
        productName: l.product.name,
        quantity: l.quantity,
        refundAmount: this.refundOf(l),
      })),
      refundAmount,
      currency: this.options.currency,
    });
    if (reason === 'damaged' && refundAmount > 30 && rng.chance(0.4))
      this.addClaim(t, order, 'damaged', refundAmount, lines);
    if (rng.chance(0.08)) {
      this.schedule(t + rng.uniform(2, 9) * DAY, {
        kind: 'ticketOpen',
        state: order.state,
        category: 'returns',
        order,
        friction: false,
      });
    }
    this.schedule(t + rng.uniform(3, 10) * DAY, {
      kind: 'returnReceived',
      order,
      lines,
      reason,
      returnId,
      reasonText,
    });
  }

  private returnReceived(t: number, action: Extract<Action, { kind: 'returnReceived' }>): void {
    const { order, lines, reason, returnId, reasonText } = action;
    const state = order.state;
    const refundAmount = this.emitReturn(
      ChannelEventType.OrderReturned,
      t,
      order,
      lines,
      reason,
      returnId,
      reasonText,
    );
    const stats = state.stats;
    stats.returns++;
    stats.refunds += refundAmount;
    for (const l of lines) {
      stats.returnedUnits += l.quantity;
      stats.returnedCost += l.product.unitCost * l.quantity;
    }
    const loyalty = state.loyalty;
    const record = this.loyaltyRecord(state);
    if (loyalty && record && order.pointsEarned > 0) {
      const total = order.lines.reduce((sum, l) => sum + this.refundOf(l), 0);
      // Points spent since cannot be taken back: the balance never goes below zero.
      const points = Math.min(
        loyalty.balance,
        order.pointsEarned,
        Math.floor((order.pointsEarned * refundAmount) / Math.max(total, 0.01)),
      );
      if (points > 0) {
        loyalty.balance -= points;
        this.emit('loyalty', ChannelEventType.LoyaltyPointsChanged, t, record.customer, {
          loyaltyId: loyalty.cardId,
          delta: -points,
          balance: loyalty.balance,
          reason: 'return',
          orderId: order.orderId,
        });
      }
    }
  }

  private documentContact(order: OrderState) {
    const p = order.state.person;
    const c = order.record?.customer;
    const address = addressTruth(this.addressAt(order.state.household, order.placedAt));
    // The form is filled in by the customer: their own name, the e-mail they used with that channel.
    return {
      customerName: `${p.givenName} ${p.familyName}`,
      ...(c?.email && !c.email.includes('@relay.') ? { email: c.email } : { email: p.email }),
      ...(c?.phone ? { phone: c.phone } : {}),
      address,
    };
  }

  private addClaim(
    t: number,
    order: OrderState,
    reason: 'damaged' | 'late_delivery',
    amount: number,
    lines?: OrderLineState[],
  ): void {
    const claimId = this.uniqueId(() => `CLM-${this.ids.token(8)}`);
    const narrative =
      reason === 'damaged'
        ? `The items from order ${order.orderId} arrived damaged. I am claiming a refund of the amount below.`
        : `My order ${order.orderId} arrived ${Math.round((t - (order.promisedBy ?? t)) / DAY)} days late. I am claiming compensation for the delivery charge and the inconvenience.`;
    this.claimDocs.push({
      claimId,
      orderId: order.orderId,
      personId: order.state.person.personId,
      sourceSystem: order.source,
      ...(order.record ? { sourceCustomerId: order.record.id } : {}),
      ...this.documentContact(order),
      orderDate: iso(order.placedAt),
      incidentDate: iso(order.promisedBy ?? order.placedAt),
      claimedAt: iso(t),
      reason,
      lines: (reason === 'damaged' && lines ? lines : order.lines).map((l) => ({
        sku: l.product.sku,
        productName: l.product.name,
        quantity: l.quantity,
        amount: this.refundOf(l),
      })),
      amountClaimed: amount,
      currency: this.options.currency,
      narrative,
    });
  }

  private ticketOpen(
    t: number,
    state: PersonState,
    category: string,
    friction: boolean,
    order?: OrderState,
  ): void {
    const rng = state.rng;
    const { record } = this.recordFor(state, 'service', t);
    const ticket: TicketState = {
      ticketId: this.uniqueId(() => `TCK-${this.ids.int(100_000, 999_999)}`),
      state,
      record,
      channel: rng.weighted<Channel>([
        ['phone', 4],
        ['email', 3],
        ['chat', 3],
      ]),
      priority: friction ? (rng.chance(0.5) ? 'high' : 'normal') : rng.chance(0.7) ? 'normal' : 'low',
      category,
      subject:
        category === 'delivery'
          ? `Where is my order ${order?.orderId ?? ''}?`.trim()
          : category === 'returns'
            ? 'Refund not received yet'
            : rng.pick(['Question about sizing', 'Product care question', 'Is this item back in stock?']),
      ...(order ? { orderId: order.orderId } : {}),
      sentiment: round2(friction ? rng.uniform(-0.95, -0.3) : rng.uniform(-0.3, 0.6)),
      escalated: false,
      friction,
    };
    state.stats.tickets++;
    if (friction) {
      state.stats.deliveryTickets++;
      state.frictionBoost += 0.15;
    }
    this.emit('service', ChannelEventType.TicketOpened, t, record.customer, this.ticketBody(ticket));
    if (friction && rng.chance(0.4))
      this.schedule(t + rng.uniform(1, 3) * DAY, { kind: 'ticketUpdate', ticket });
    if (!friction || rng.chance(0.75)) {
      this.schedule(t + (friction ? rng.uniform(2, 12) : rng.uniform(0.2, 4)) * DAY, {
        kind: 'ticketResolve',
        ticket,
      });
    } else {
      state.stats.unresolvedTickets++;
      state.frictionBoost += 0.2;
    }
    if (friction && order && rng.chance(0.5)) {
      this.addClaim(t, order, 'late_delivery', round2(order.shipping + rng.int(10, 50)));
    }
  }

  private ticketBody(ticket: TicketState): Record<string, unknown> {
    return {
      ticketId: ticket.ticketId,
      channel: ticket.channel,
      priority: ticket.priority,
      category: ticket.category,
      subject: ticket.subject,
      ...(ticket.orderId ? { orderId: ticket.orderId } : {}),
      sentiment: ticket.sentiment,
      escalated: ticket.escalated,
    };
  }

  private ticketUpdate(t: number, ticket: TicketState): void {
    ticket.escalated = true;
    ticket.priority = 'urgent';
    this.emit('service', ChannelEventType.TicketUpdated, t, ticket.record.customer, {
      ...this.ticketBody(ticket),
      status: 'escalated',
    });
  }

  private ticketResolve(t: number, ticket: TicketState): void {
    const state = ticket.state;
    const solved = !ticket.friction || state.rng.chance(0.7);
    if (!solved) {
      state.stats.unresolvedTickets++;
      state.frictionBoost += 0.2;
    }
    this.emit('service', ChannelEventType.TicketResolved, t, ticket.record.customer, {
      ...this.ticketBody(ticket),
      resolution: solved ? 'solved' : 'unsolved',
    });
    const loyalty = state.loyalty;
    const record = this.loyaltyRecord(state);
    if (ticket.friction && solved && loyalty && record && state.rng.chance(0.5)) {
      loyalty.balance += 200;
      this.emit('loyalty', ChannelEventType.LoyaltyPointsChanged, t, record.customer, {
        loyaltyId: loyalty.cardId,
        delta: 200,
        balance: loyalty.balance,
        reason: 'compensation',
        ...(ticket.orderId ? { orderId: ticket.orderId } : {}),
      });
    }
  }

  private planCampaigns(): void {
    const rng = Prng.derive(this.options.seed, 'campaigns');
    const seasons = [
      'WINTER',
      'WINTER',
      'SPRING',
      'SPRING',
      'SPRING',
      'SUMMER',
      'SUMMER',
      'SUMMER',
      'AUTUMN',
      'AUTUMN',
      'AUTUMN',
      'WINTER',
    ];
    let launch = this.options.startMs + 2 * WEEK;
    let n = 0;
    while (launch < this.options.endMs - WEEK) {
      n++;
      const date = new Date(launch);
      const percent = rng.pick([10, 15, 20, 25, 30]);
      const season = seasons[date.getUTCMonth()] ?? 'SEASON';
      const campaign: CampaignState = {
        truth: {
          campaignId: `CMP-${date.getUTCFullYear()}-${String(n).padStart(2, '0')}`,
          name: `${season.charAt(0)}${season.slice(1).toLowerCase()} offer ${percent}%`,
          promotionCode: `${season}${percent}-${rng.token(3)}`,
          discountPercent: percent,
          launchedAt: iso(launch),
          endsAt: iso(launch + 14 * DAY),
          recipients: 0,
          redemptions: 0,
        },
        startMs: launch,
        endMs: launch + 14 * DAY,
        discount: percent / 100,
      };
      this.campaigns.push(campaign);
      this.schedule(launch, { kind: 'campaign', campaign });
      launch += this.options.campaignEveryWeeks * WEEK;
    }
  }

  private launchCampaign(t: number, campaign: CampaignState): void {
    const rng = Prng.derive(this.options.seed, 'audience', this.campaigns.indexOf(campaign));
    for (const state of this.states) {
      const sub = state.records.campaigns?.at(-1);
      if (!sub || !rng.chance(this.options.campaignAudienceShare)) continue;
      campaign.truth.recipients++;
      this.emit('campaigns', ChannelEventType.CampaignInteractionRecorded, t, sub.customer, {
        campaignId: campaign.truth.campaignId,
        interaction: 'sent',
        channel: 'email',
        promotionCode: campaign.truth.promotionCode,
      });
      const own = state.rng;
      const discountDriven = state.person.traits.discountDriven;
      const opens = own.chance(state.active ? (discountDriven ? 0.6 : 0.3) : 0.08);
      if (!opens) continue;
      const openedAt = t + own.exponential(2) * DAY;
      this.schedule(openedAt, { kind: 'campaignInteraction', campaign, state, interaction: 'opened' });
      const clicks = own.chance(discountDriven ? 0.7 : 0.35);
      if (clicks)
        this.schedule(openedAt + own.uniform(1, 20) * 60_000, {
          kind: 'campaignInteraction',
          campaign,
          state,
          interaction: 'clicked',
        });
      const redeems = state.active && own.chance(discountDriven ? 0.6 : clicks ? 0.25 : 0.05);
      if (redeems) {
        this.schedule(this.shoppingTime(own, openedAt + own.uniform(0.05, 12) * DAY), {
          kind: 'purchase',
          state,
          campaign,
        });
      }
    }
  }

  private campaignInteraction(
    t: number,
    campaign: CampaignState,
    state: PersonState,
    interaction: 'opened' | 'clicked',
  ): void {
    const sub = state.records.campaigns?.at(-1);
    if (!sub) return;
    this.emit('campaigns', ChannelEventType.CampaignInteractionRecorded, t, sub.customer, {
      campaignId: campaign.truth.campaignId,
      interaction,
      channel: 'email',
      promotionCode: campaign.truth.promotionCode,
    });
  }

  /** A household moves: the web shop is usually told, the CRM and loyalty sometimes, tills never. */
  private move(t: number, household: Household): void {
    const tellChance: Partial<Record<SimSource, number>> = { ecommerce: 0.75, crm: 0.5, loyalty: 0.35 };
    for (const index of household.members) {
      const state = this.states[index] as PersonState;
      for (const [source, list] of Object.entries(state.records) as [SimSource, SourceRecord[]][]) {
        for (const record of list) {
          if (!record.customer.address) continue;
          if (state.rng.chance(tellChance[source] ?? 0)) {
            const layout = SOURCE_LAYOUTS[source];
            const address = addressView(
              household.address,
              layout.address,
              record.truth.faults.includes('addressAbbreviation'),
              layout.country,
            );
            record.customer = { ...record.customer, ...(address ? { address } : {}) };
            this.emit(source, ChannelEventType.CustomerProfileUpdated, t, record.customer, {
              changedFields: ['address'],
            });
          } else {
            record.truth.faults.push('staleAddress');
          }
        }
      }
    }
  }
}

const EVENT_ID_PREFIX: Readonly<Record<SimSource, string>> = {
  pos: 'pos-tx-',
  ecommerce: 'web-evt-',
  marketplace: 'mkp-msg-',
  loyalty: 'loy-',
  crm: 'crm-chg-',
  service: 'sd-evt-',
  campaigns: 'cmp-',
};
