import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { isDocumentEvent } from '../core/analytics/document-aggregates.js';
import type { SourceCustomer } from '../core/contracts/common.js';
import type { OutgoingEvent } from '../core/contracts/envelope.js';
import { CHANNEL_SOURCE_PREFIX } from '../core/contracts/names.js';
import { CONTRACTS, describeIssues, isKnownDetailType, validateDetail } from '../core/contracts/registry.js';
import type { IdentityConfig } from '../core/identity/config.js';
import type { IdentityAttributes } from '../core/identity/normalise.js';
import { applyObservation, type ProfileStore, updateProfile } from '../core/identity/profile.js';
import {
  fingerprint,
  type IdentityRecordInput,
  type Resolution,
  resolveIdentity,
} from '../core/identity/resolve.js';
import { customersMergedEvent } from '../core/identity/split.js';
import type { IdentityStore } from '../core/identity/store.js';
import type { Clock, EventPublisher } from '../core/ports.js';
import { enrichFromDocument } from './document-enrichment.js';
import { foldMergedProfile } from './merge-fold.js';
import { outboxKey, outboxOf, publishOutbox, withOutbox } from './outbox.js';

/** The part of every channel event identity needs. */
interface ChannelDetail {
  readonly eventId: string;
  readonly occurredAt: string;
  readonly customer: SourceCustomer;
}

/**
 * Issue 4's profile analytics, applied in the same pass as resolution (lambdas/core/analytics:
 * `updateProfileAnalytics` for `apply`, `mergeAggregates` for `merge`). The handler stores whatever state
 * it returns on the profile and publishes the events it asks for (CustomerRiskChanged).
 */
export interface ProfileAnalyticsHook {
  apply(input: {
    readonly state: unknown;
    readonly customerId: string;
    readonly detailType: string;
    readonly detail: unknown;
    readonly now: Date;
  }): {
    readonly state: unknown;
    readonly events: readonly OutgoingEvent[];
    /** 'duplicate' when the event (or document) was applied before: nothing to write */
    readonly outcome?: 'applied' | 'duplicate' | 'rejected';
  };
  merge(survivor: unknown, absorbed: unknown): unknown;
}

export interface IdentityHandlerDependencies {
  readonly identity: IdentityStore;
  readonly profiles: ProfileStore;
  readonly publisher: EventPublisher;
  readonly config: IdentityConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly analytics?: ProfileAnalyticsHook;
}

export type IdentityHandlerResult =
  | { readonly status: 'duplicate' }
  | { readonly status: 'rejected'; readonly reason: string }
  /** a processed document with no customer to enrich (rule documentWithoutCustomer in document-enrichment.ts) */
  | { readonly status: 'unlinked'; readonly reason: string }
  | { readonly status: 'enriched'; readonly customerId: string; readonly documentId: string }
  | {
      readonly status: 'resolved';
      readonly outcome: Resolution['outcome'];
      readonly customerId: string;
      readonly mergedIds: readonly string[];
      readonly reviews: number;
    };

/** Where a record comes from: the authenticated sender of the channel event (`tessera.channel.<id>`). */
export function senderOf(source: string): string {
  return source.startsWith(CHANNEL_SOURCE_PREFIX) ? source.slice(CHANNEL_SOURCE_PREFIX.length) : source;
}

export function identityAttributes(c: SourceCustomer): IdentityAttributes {
  const a = c.address;
  const out: Record<string, string | undefined> = {
    givenName: c.givenName,
    familyName: c.familyName,
    fullName: c.fullName,
    email: c.email,
    phone: c.phone,
    birthDate: c.birthDate,
    gender: c.gender,
    streetNumber: a?.streetNumber,
    street: a?.street ?? a?.line1,
    addressLine2: a?.line2,
    city: a?.city,
    postcode: a?.postcode,
    state: a?.state,
    country: a?.country,
    loyaltyId: c.loyaltyId,
    nationalId: c.nationalId,
    sourceCustomerId: c.sourceCustomerId,
  };
  return Object.fromEntries(
    Object.entries(out).filter(([, v]) => v !== undefined && v !== ''),
  ) as IdentityAttributes;
}

/** The source record an event speaks about: the source's own customer id, or the event itself when it has none. */
export function identityRecord(source: string, detail: ChannelDetail): IdentityRecordInput {
  const sender = senderOf(source);
  const id = detail.customer.sourceCustomerId;
  return {
    recordKey: id ? `${sender}#${detail.customer.sourceSystem}#${id}` : `${sender}#event#${detail.eventId}`,
    source: sender,
    observedAt: detail.occurredAt,
    attributes: identityAttributes(detail.customer),
  };
}

/**
 * Hands over the profiles a record merged away: each is folded into the survivor once (a `merge:` marker
 * guards a repeat), and the CustomersMerged to announce it is returned for the survivor's outbox. Kept in
 * the outbox from the first write and published after the writes, so a failed publish is repeated by the
 * redelivery instead of lost; the record keeps the merges as pending until the caller has written them.
 */
export async function handOverMerges(
  deps: IdentityHandlerDependencies,
  merge: {
    readonly survivorId: string;
    readonly mergedIds: readonly string[];
    readonly recordKey: string;
    readonly eventKey: string;
    readonly matchWeight?: number;
  },
): Promise<OutgoingEvent[]> {
  const { survivorId, mergedIds } = merge;
  const outgoing: OutgoingEvent[] = [
    customersMergedEvent(
      {
        eventId: `merge-${fingerprint({ given: `${survivorId}:${mergedIds.join(',')}:${merge.eventKey}` })}`,
        survivorId,
        mergedIds,
        recordKey: merge.recordKey,
        matchWeight: merge.matchWeight,
      },
      deps.clock.now(),
    ),
  ];
  // Profiles that merged into the survivor hand over what they knew (and what they had still to publish).
  for (const mergedId of mergedIds) {
    const absorbed = await deps.profiles.getProfile(mergedId);
    if (absorbed === undefined) continue;
    await updateProfile(deps.profiles, survivorId, (current) =>
      foldMergedProfile(
        current,
        { survivorId, mergedId, absorbed, announce: outgoing },
        {
          survivorship: deps.config.survivorship,
          mergeAggregates: deps.analytics?.merge.bind(deps.analytics),
        },
      ),
    );
  }
  return outgoing;
}

/**
 * Consumes channel events from the bus: validates the detail against its contract, resolves the customer
 * to one profile, updates the profile (golden record, consent, analytics) and announces merges.
 * Processed return forms and claim letters update the profile they name (document-enrichment.ts).
 * Errors propagate so that EventBridge retries and the DLQ keeps what still fails.
 */
export function createIdentityHandler(deps: IdentityHandlerDependencies) {
  const handle = async (event: EventBridgeEvent<string, unknown>): Promise<IdentityHandlerResult> => {
    const detailType = event['detail-type'];
    if (isDocumentEvent({ detailType })) return enrichFromDocument(event, deps);
    if (!isKnownDetailType(detailType) || CONTRACTS[detailType].kind !== 'channel') {
      throw new Error(`identity consumes channel events; got detail-type ${JSON.stringify(detailType)}`);
    }
    const checked = validateDetail(detailType, event.detail);
    if (!checked.ok) {
      throw new Error(`${detailType} ${event.id} breaks its contract: ${describeIssues(checked.issues)}`);
    }
    const detail = checked.detail as ChannelDetail;
    const now = deps.clock.now();
    const eventKey = `${senderOf(event.source)}#${detail.eventId}`;
    const record = identityRecord(event.source, detail);
    // Resolution is idempotent: a redelivered event takes the fast path ("known") and changes nothing.
    const resolution = await resolveIdentity(record, deps.identity, deps.config, {
      clock: deps.clock,
      profileNext: true,
    });
    if (resolution.customerId === undefined) {
      const reason = resolution.reason ?? 'not resolved';
      // Kept: the bus archive holds the event, and the log says why (without PII).
      deps.logger.warn('event not linked to a customer', { eventId: detail.eventId, detailType, reason });
      return { status: 'rejected', reason };
    }
    const customerId = resolution.customerId;
    const announcements: readonly OutgoingEvent[] =
      resolution.mergedIds.length > 0
        ? await handOverMerges(deps, {
            survivorId: customerId,
            mergedIds: resolution.mergedIds,
            recordKey: record.recordKey,
            eventKey,
            ...(resolution.decision?.best ? { matchWeight: resolution.decision.best.evidence.total } : {}),
          })
        : [];

    const c = detail.customer;
    const flagged = new Set(resolution.flags.map((f) => f.attribute as string));
    const values = Object.fromEntries(
      Object.entries(identityAttributes(c))
        .filter(([k]) => !flagged.has(k))
        .map(([k, v]) => [k, String(v).trim().slice(0, 300)]),
    );
    // What the stored profile still had to publish (a failed earlier pass); read in the same read as the update.
    let pending: readonly OutgoingEvent[] = [];
    let repeat = false;
    const written = await updateProfile(deps.profiles, customerId, (current) => {
      pending = [...outboxOf(current), ...announcements];
      repeat = current?.recentEvents.includes(eventKey) ?? false;
      if (repeat) {
        // Applied before; only an announcement of this pass that is not stored yet needs a write.
        const stored = new Set(outboxOf(current).map(outboxKey));
        return current && announcements.some((e) => !stored.has(outboxKey(e)))
          ? withOutbox({ ...current, version: current.version + 1 }, pending)
          : undefined;
      }
      const next = applyObservation(
        current,
        customerId,
        {
          eventKey,
          source: record.source,
          recordKey: record.recordKey,
          observedAt: detail.occurredAt,
          values,
          verified: c.verified ?? [],
          ...(c.consent ? { consent: c.consent } : {}),
        },
        deps.config.survivorship,
      );
      if (deps.analytics === undefined) return withOutbox(next, pending);
      // Issue 4: aggregates and scores updated in the same pass, from the same event.
      const applied = deps.analytics.apply({
        state: current?.aggregates,
        customerId,
        detailType,
        detail,
        now,
      });
      return withOutbox({ ...next, aggregates: applied.state as Record<string, unknown> }, [
        ...pending,
        ...applied.events,
      ]);
    });
    // Folded, and CustomersMerged is in the survivor's outbox: the record need not remember the merges.
    await deps.identity.clearPendingMerges(record.recordKey, resolution.mergedIds);
    await publishOutbox(deps, customerId, written ? outboxOf(written) : pending, `resolving ${eventKey}`);
    if (repeat) {
      deps.logger.info('duplicate delivery ignored', { eventId: detail.eventId, detailType, customerId });
      return { status: 'duplicate' };
    }
    deps.logger.info('customer resolved', {
      eventId: detail.eventId,
      detailType,
      outcome: resolution.outcome,
      customerId,
      mergedIds: resolution.mergedIds,
      reviews: resolution.reviews.length,
      flags: resolution.flags.map((f) => f.attribute),
    });
    return {
      status: 'resolved',
      outcome: resolution.outcome,
      customerId,
      mergedIds: resolution.mergedIds,
      reviews: resolution.reviews.length,
    };
  };

  return middy<EventBridgeEvent<string, unknown>, IdentityHandlerResult, Error, Context>()
    .use(injectLambdaContext(deps.logger))
    .handler(handle);
}
