import type {
  CustomerRiskChangedDetail,
  CustomersMergedDetail,
  InterventionAction,
  InterventionApprovedDetail,
} from '../contracts/internal-events.js';
import type { Clock } from '../ports.js';
import { OdooError } from './errors.js';
import { toOdooDate, toOdooDateTime } from './odoo-values.js';
import type { OdooOperations } from './operations.js';
import type { OdooValues, OdooWebhookSender } from './ports.js';
import { DEFAULT_RETRY_POLICY, type RetryEnvironment, type RetryPolicy, withRetry } from './retry.js';

/**
 * What approved interventions, risk changes and merges become in Odoo. Every step is idempotent (keyed by
 * the intervention or event id), so a redelivered event or a retry after a failure changes nothing twice.
 */

export interface CustomerContact {
  readonly name?: string;
  readonly email?: string;
  readonly phone?: string;
  /** The partner id when the customer came from Odoo (webhook-only mode needs it). */
  readonly odooPartnerId?: number;
}

/** Reads what Tessera knows about a customer, to create a partner Odoo users recognise. */
export interface CustomerContactReader {
  contact(customerId: string): Promise<CustomerContact | undefined>;
}

export type OdooSyncMode = 'api' | 'webhook' | 'both';

export interface OdooSyncDependencies {
  readonly mode: OdooSyncMode;
  /** Required for `api` and `both`. */
  readonly operations?: OdooOperations;
  /** Required for `webhook` and `both`. */
  readonly webhook?: OdooWebhookSender;
  readonly contacts?: CustomerContactReader;
  readonly clock: Clock;
  readonly retry?: RetryPolicy;
  readonly retryEnvironment: RetryEnvironment;
}

export interface SyncStep {
  readonly step: string;
  readonly outcome: 'created' | 'already-done' | 'updated' | 'skipped';
  readonly note?: string;
}

export interface SyncReport {
  readonly partnerId?: number;
  readonly steps: SyncStep[];
}

interface ActionPlan {
  readonly tag: string;
  readonly note: string;
  readonly activity?: { readonly summary: string; readonly inDays: number };
  readonly points?: number;
  readonly winBack?: boolean;
}

/** What each approved action becomes for Odoo users. */
export function planAction(action: InterventionAction, detail: InterventionApprovedDetail): ActionPlan {
  const by = detail.autoApproved ? 'auto-approved by policy' : `approved by ${detail.approvedBy}`;
  const value =
    action.amount !== undefined
      ? action.type === 'loyalty_compensation'
        ? ` (${action.amount} points)`
        : ` (${action.amount}${action.currency ? ` ${action.currency}` : ''})`
      : '';
  const note = `Tessera intervention ${detail.interventionId}: ${action.description}${value}, ${by}.`;
  switch (action.type) {
    case 'retention_offer':
      return {
        tag: 'retention offer',
        note,
        activity: { summary: 'Retention offer: contact the customer', inDays: 3 },
      };
    case 'loyalty_compensation':
      if (action.amount === undefined || !Number.isFinite(action.amount)) {
        throw new OdooError({
          kind: 'invalid',
          model: 'loyalty.card',
          operation: 'adjust points',
          detail: `intervention ${detail.interventionId}: a loyalty compensation needs an amount of points`,
        });
      }
      return { tag: 'loyalty compensation', note, points: Math.round(action.amount) };
    case 'service_priority_upgrade':
      return {
        tag: 'service priority',
        note,
        activity: { summary: 'Priority service: follow up', inDays: 1 },
      };
    case 'pricing_review':
      return {
        tag: 'pricing review',
        note,
        activity: { summary: 'Review pricing and promotions', inDays: 7 },
      };
    case 'crm_follow_up':
      return { tag: 'win-back', note, activity: { summary: 'Win-back follow-up', inDays: 3 }, winBack: true };
  }
}

export async function applyInterventionApproved(
  detail: InterventionApprovedDetail,
  deps: OdooSyncDependencies,
): Promise<SyncReport> {
  const plans = detail.actions.map((action) => ({ action, plan: planAction(action, detail) }));
  const contact = await deps.contacts?.contact(detail.customerId);
  const steps: SyncStep[] = [];
  let partnerId: number | undefined;
  const today = deps.clock.now();
  const deadline = (days: number) => toOdooDate(new Date(today.getTime() + days * 86_400_000));

  if (usesApi(deps)) {
    const ops = deps.operations!;
    const partner = await ops.ensurePartner({ customerId: detail.customerId, ...contactFields(contact) });
    partnerId = partner.partnerId;
    steps.push({
      step: 'partner',
      outcome: partner.created ? 'created' : 'already-done',
      note: partner.matchedBy,
    });
    for (const [index, { action, plan }] of plans.entries()) {
      const key = `${detail.interventionId}:${index}`;
      const tags = await ops.addPartnerTags(partnerId, [plan.tag]);
      steps.push({ step: `${action.type}:tag`, outcome: tags.added > 0 ? 'created' : 'already-done' });
      const note = await ops.postNote(partnerId, `${key}:note`, plan.note);
      steps.push({ step: `${action.type}:note`, outcome: note.created ? 'created' : 'already-done' });
      if (plan.activity) {
        const activity = await ops.scheduleActivity(partnerId, `${key}:activity`, {
          summary: plan.activity.summary,
          note: plan.note,
          deadline: deadline(plan.activity.inDays),
        });
        steps.push({
          step: `${action.type}:activity`,
          outcome: activity.created ? 'created' : 'already-done',
        });
      }
      if (plan.points !== undefined) {
        const points = await ops.adjustLoyaltyPoints(partnerId, `${key}:points`, {
          points: plan.points,
          description: `Tessera intervention ${detail.interventionId}: ${action.description}`,
        });
        steps.push({ step: `${action.type}:points`, outcome: points.applied ? 'created' : 'already-done' });
      }
      if (plan.winBack) {
        const lead = await ops.createWinBackOpportunity(partnerId, `${key}:lead`, {
          title: `Win back ${contact?.name ?? detail.customerId}`,
          description: plan.note,
          ...(action.amount !== undefined ? { expectedRevenue: action.amount } : {}),
        });
        steps.push({
          step: `${action.type}:opportunity`,
          outcome: lead.created ? 'created' : 'already-done',
        });
      }
    }
  }

  if (usesWebhook(deps)) {
    const targetId = partnerId ?? contact?.odooPartnerId;
    if (targetId === undefined) {
      throw new OdooError({
        kind: 'missing',
        model: 'res.partner',
        operation: 'webhook',
        detail: `customer ${detail.customerId} has no known Odoo partner id: webhook-only mode can update only customers that came from Odoo`,
      });
    }
    for (const [index, { action, plan }] of plans.entries()) {
      await sendWebhook(deps, {
        _model: 'res.partner',
        _id: targetId,
        tessera_key: `${detail.interventionId}:${index}`,
        tessera_event: 'InterventionApproved',
        // In `both` mode the API has applied the actions already: the automation should only add its own steps.
        applied_by_api: partnerId !== undefined,
        action: action.type,
        tags: [`Tessera: ${plan.tag}`],
        note: plan.note,
        ...(plan.activity
          ? {
              activity: {
                summary: plan.activity.summary,
                note: plan.note,
                deadline: deadline(plan.activity.inDays),
              },
            }
          : {}),
        ...(plan.points !== undefined ? { points: plan.points } : {}),
      });
      steps.push({ step: `${action.type}:webhook`, outcome: 'updated' });
    }
    partnerId ??= targetId;
  }
  return { ...(partnerId !== undefined ? { partnerId } : {}), steps };
}

/**
 * Segment changes become partner tags and, where the database has them, Tessera fields. Customers without
 * a partner are skipped (reported, not created): a score alone is no reason to add a contact to Odoo.
 */
export async function applyCustomerRiskChanged(
  detail: CustomerRiskChangedDetail,
  deps: OdooSyncDependencies,
): Promise<SyncReport> {
  const steps: SyncStep[] = [];
  if (usesApi(deps)) {
    const ops = deps.operations!;
    const partnerId = await ops.findPartner(detail.customerId);
    if (partnerId === undefined) {
      return { steps: [{ step: 'partner', outcome: 'skipped', note: 'customer has no Odoo partner yet' }] };
    }
    if (detail.entered.length > 0) await ops.addPartnerTags(partnerId, detail.entered.map(segmentTag));
    if (detail.left.length > 0) await ops.removePartnerTags(partnerId, detail.left.map(segmentTag));
    steps.push({
      step: 'segment tags',
      outcome: 'updated',
      note: `+${detail.entered.length} -${detail.left.length}`,
    });
    const fields = await ops.writeTesseraFields(partnerId, {
      ...(detail.scores.churnProbability !== undefined
        ? { x_tessera_churn_risk: detail.scores.churnProbability }
        : {}),
      ...(detail.scores.clv !== undefined ? { x_tessera_clv: detail.scores.clv } : {}),
      x_tessera_segments: detail.segments.join(', '),
      x_tessera_scored_at: toOdooDateTime(new Date(detail.occurredAt)),
    });
    steps.push({
      step: 'fields',
      outcome: fields.written.length > 0 ? 'updated' : 'skipped',
      ...(fields.skipped.length > 0 ? { note: `not in this database: ${fields.skipped.join(', ')}` } : {}),
    });
    return { partnerId, steps };
  }
  const contact = await deps.contacts?.contact(detail.customerId);
  if (contact?.odooPartnerId === undefined) {
    return {
      steps: [{ step: 'partner', outcome: 'skipped', note: 'customer has no known Odoo partner id' }],
    };
  }
  await sendWebhook(deps, {
    _model: 'res.partner',
    _id: contact.odooPartnerId,
    tessera_key: detail.eventId,
    tessera_event: 'CustomerRiskChanged',
    tags: detail.entered.map((s) => `Tessera: ${segmentTag(s)}`),
    remove_tags: detail.left.map((s) => `Tessera: ${segmentTag(s)}`),
    segments: detail.segments,
    scores: detail.scores,
  });
  return { partnerId: contact.odooPartnerId, steps: [{ step: 'webhook', outcome: 'updated' }] };
}

export async function applyCustomersMerged(
  detail: CustomersMergedDetail,
  deps: OdooSyncDependencies,
): Promise<SyncReport> {
  if (!usesApi(deps)) {
    return {
      steps: [{ step: 'merge', outcome: 'skipped', note: 'merges are recorded through the API only' }],
    };
  }
  const result = await deps.operations!.recordMerge(detail.survivorId, detail.mergedIds, detail.eventId);
  return {
    ...(result.survivorPartnerId !== undefined ? { partnerId: result.survivorPartnerId } : {}),
    steps: [
      {
        step: 'merge',
        outcome: result.survivorPartnerId === undefined ? 'skipped' : 'updated',
        note:
          result.survivorPartnerId === undefined
            ? 'none of the customers has an Odoo partner'
            : `${result.duplicatePartnerIds.length} possible duplicate partner(s) tagged`,
      },
    ],
  };
}

const segmentTag = (segment: string): string => `segment ${segment}`;
const usesApi = (deps: OdooSyncDependencies): boolean => {
  if (deps.mode === 'webhook') return false;
  if (!deps.operations) throw new Error(`Odoo sync mode '${deps.mode}' needs the Odoo API configured`);
  return true;
};
const usesWebhook = (deps: OdooSyncDependencies): boolean => {
  if (deps.mode === 'api') return false;
  if (!deps.webhook) throw new Error(`Odoo sync mode '${deps.mode}' needs the Odoo webhook URL configured`);
  return true;
};

function contactFields(contact: CustomerContact | undefined) {
  return {
    ...(contact?.name ? { name: contact.name } : {}),
    ...(contact?.email ? { email: contact.email } : {}),
    ...(contact?.phone ? { phone: contact.phone } : {}),
  };
}

/** Webhook posts are retried on retryable failures; the automation in Odoo applies each key once. */
function sendWebhook(
  deps: OdooSyncDependencies,
  payload: { _model: string; _id: number } & OdooValues,
): Promise<void> {
  return withRetry(
    () => deps.webhook!.send(payload),
    deps.retry ?? DEFAULT_RETRY_POLICY,
    deps.retryEnvironment,
  );
}
