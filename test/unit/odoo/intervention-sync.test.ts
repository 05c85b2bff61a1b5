import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { OdooAutomationWebhook } from '../../../lambdas/adapters/odoo/automation-webhook.js';
import { createOdooGateway } from '../../../lambdas/adapters/odoo/odoo-gateway.js';
import { InternalEventType, InternalSource } from '../../../lambdas/core/contracts/names.js';
import { OdooOperations } from '../../../lambdas/core/odoo/operations.js';
import type { CustomerContactReader, OdooSyncMode } from '../../../lambdas/core/odoo/sync.js';
import { createOdooSyncHandler } from '../../../lambdas/odoo-sync/handler.js';
import { OdooStandIn, STAND_IN_ADMIN } from '../../../local/odoo-stand-in/stand-in.js';
import { instantRetries } from '../../contract/odoo/scripted-fetch.js';

let standIn: OdooStandIn | undefined;
afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

const customerId = 'cus_00000000jane';
const now = new Date('2026-11-27T10:00:00Z');
const context = { functionName: 'odoo-sync', awsRequestId: 'req-1' } as Context;

function approved(): EventBridgeEvent<string, unknown> {
  return {
    version: '0',
    id: 'evt-1',
    'detail-type': InternalEventType.InterventionApproved,
    source: InternalSource.interventions,
    account: '000000000000',
    time: now.toISOString(),
    region: 'eu-west-1',
    resources: [],
    detail: {
      schemaVersion: 1,
      eventId: 'int-APR-1-approved',
      occurredAt: now.toISOString(),
      interventionId: 'APR-1',
      customerId,
      trigger: 'CustomerRiskChanged',
      actions: [
        { type: 'retention_offer', description: '10% off the next order', amount: 15, currency: 'EUR' },
        { type: 'loyalty_compensation', description: 'Compensation for a late delivery', amount: 500 },
      ],
      approvedBy: 'care-lead@retailer.example',
      autoApproved: false,
    },
  };
}

async function syncHandler(version: 17 | 19, mode: OdooSyncMode = 'api', partnerFromOdoo = false) {
  standIn = await OdooStandIn.start({ version });
  // A customer who came from Odoo: the profile knows the partner id (webhook-only mode needs it).
  const odooPartnerId = partnerFromOdoo
    ? standIn.store.create(
        'res.partner',
        { name: 'Jane Retail', email: 'jane@example.com', ref: customerId },
        2,
      )
    : undefined;
  const contacts: CustomerContactReader = {
    contact: async (id) =>
      id === customerId
        ? { name: 'Jane Retail', email: 'jane@example.com', ...(odooPartnerId ? { odooPartnerId } : {}) }
        : undefined,
  };
  const gateway = createOdooGateway({
    url: standIn.url,
    database: standIn.database,
    login: STAND_IN_ADMIN.login,
    apiKey: STAND_IN_ADMIN.apiKey,
    timeoutMs: 300,
    retryEnvironment: instantRetries(),
  });
  const hook = standIn.registerWebhook();
  return createOdooSyncHandler({
    mode,
    operations: new OdooOperations(gateway, { retryEnvironment: instantRetries() }),
    webhook: new OdooAutomationWebhook({ url: hook.url }),
    contacts,
    clock: { now: () => now },
    retryEnvironment: instantRetries(),
    logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
  });
}

function whatOdooUsersSee(store: OdooStandIn['store']) {
  const [partner] = store.all('res.partner').filter((p) => p.ref === customerId);
  const tagIds = (partner?.category_id ?? []) as number[];
  const tags = store
    .all('res.partner.category')
    .filter((t) => tagIds.includes(t.id))
    .map((t) => t.name);
  return {
    partner,
    tags,
    notes: store.all('mail.message').filter((m) => m.res_id === partner?.id && m.model === 'res.partner'),
    activities: store.all('mail.activity').filter((a) => a.res_id === partner?.id),
    cards: store.all('loyalty.card').filter((c) => c.partner_id === partner?.id),
  };
}

describe.each([17, 19] as const)(
  'an approved intervention lands in the Odoo %i stand-in exactly once',
  (version) => {
    it('shows up as tags, notes, an activity and a points change, unchanged by a second delivery', async () => {
      // Prepare
      const handler = await syncHandler(version);
      // Act
      await handler(approved(), context);
      await handler(approved(), context);
      // Assess
      const seen = whatOdooUsersSee(standIn!.store);
      expect(seen.partner).toMatchObject({ name: 'Jane Retail', email: 'jane@example.com' });
      expect(seen.tags.sort()).toEqual(['Tessera: loyalty compensation', 'Tessera: retention offer']);
      const interventionNotes = seen.notes.filter((n) => /\[tessera:APR-1:\d:note\]/.test(String(n.body)));
      expect(interventionNotes).toHaveLength(2);
      expect(String(interventionNotes[0]!.body)).toContain(
        '10% off the next order (15 EUR), approved by care-lead@retailer.example',
      );
      expect(seen.activities).toMatchObject([
        { summary: 'Retention offer: contact the customer', date_deadline: '2026-11-30' },
      ]);
      expect(seen.cards).toMatchObject([{ points: 500 }]);
    });

    it('stays exactly once when Odoo fails after committing part of the work and the event is redelivered', async () => {
      // Prepare
      const handler = await syncHandler(version);
      standIn!.injectFault({ kind: 'commit-then-500', method: 'activity_schedule' });
      standIn!.injectFault({ kind: 'commit-then-500', model: 'loyalty.card', method: 'write' });
      // Act
      await handler(approved(), context);
      await handler(approved(), context);
      // Assess
      const seen = whatOdooUsersSee(standIn!.store);
      expect(seen.activities).toHaveLength(1);
      expect(seen.cards).toMatchObject([{ points: 500 }]);
      expect(seen.tags).toHaveLength(2);
    });
  },
);

describe('webhook mode and failures', () => {
  it('in webhook-only mode posts each action to the automation, which applies it once per key', async () => {
    // Prepare
    const handler = await syncHandler(19, 'webhook', true);
    // Act
    await handler(approved(), context);
    await handler(approved(), context);
    // Assess
    const hooks = standIn!.received.filter((r) => r.api === 'webhook');
    expect(hooks).toHaveLength(4);
    expect(hooks[0]!.body).toMatchObject({
      _model: 'res.partner',
      tessera_key: 'APR-1:0',
      action: 'retention_offer',
    });
    expect(standIn!.received.filter((r) => r.api !== 'webhook')).toHaveLength(0);
    const seen = whatOdooUsersSee(standIn!.store);
    expect(seen.tags.sort()).toEqual(['Tessera: loyalty compensation', 'Tessera: retention offer']);
    expect(seen.activities).toHaveLength(1);
    expect(seen.cards).toMatchObject([{ points: 500 }]);
  });

  it('in both modes tells the automation the actions are applied, so nothing is doubled', async () => {
    // Prepare
    const handler = await syncHandler(17, 'both');
    // Act
    await handler(approved(), context);
    // Assess
    const hooks = standIn!.received.filter((r) => r.api === 'webhook');
    expect(hooks.map((h) => (h.body as { applied_by_api: boolean }).applied_by_api)).toEqual([true, true]);
    expect(whatOdooUsersSee(standIn!.store).cards).toMatchObject([{ points: 500 }]);
  });

  it('rejects a malformed event naming the field, and touches nothing in Odoo', async () => {
    // Prepare
    const handler = await syncHandler(17);
    const event = approved();
    (event.detail as Record<string, unknown>).customerId = 'jane';
    // Act
    const run = handler(event, context);
    // Assess
    await expect(run).rejects.toThrow(
      /invalid InterventionApproved detail: customerId: must be a Tessera customer id/,
    );
    expect(standIn!.received).toHaveLength(0);
  });
});
