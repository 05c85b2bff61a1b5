import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { createOdooGateway } from '../../../lambdas/adapters/odoo/odoo-gateway.js';
import { InternalEventType, InternalSource } from '../../../lambdas/core/contracts/names.js';
import { OdooOperations } from '../../../lambdas/core/odoo/operations.js';
import { createOdooSyncHandler } from '../../../lambdas/odoo-sync/handler.js';
import { OdooStandIn, STAND_IN_ADMIN } from '../../../local/odoo-stand-in/stand-in.js';
import { instantRetries } from '../../contract/odoo/scripted-fetch.js';

let standIn: OdooStandIn | undefined;
afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

const context = { functionName: 'odoo-sync', awsRequestId: 'req-1' } as Context;
const event = (
  detailType: string,
  source: string,
  detail: Record<string, unknown>,
): EventBridgeEvent<string, unknown> => ({
  version: '0',
  id: String(detail.eventId),
  'detail-type': detailType,
  source,
  account: '000000000000',
  time: '2026-11-27T10:00:00Z',
  region: 'eu-west-1',
  resources: [],
  detail: { schemaVersion: 1, occurredAt: '2026-11-27T10:00:00Z', ...detail },
});
const riskChanged = (customerId: string, entered: string[], left: string[]) =>
  event(InternalEventType.CustomerRiskChanged, InternalSource.analytics, {
    eventId: `risk-${customerId}-${entered.join('-')}`,
    customerId,
    entered,
    left,
    segments: entered,
    scores: { churnProbability: 0.82, clv: 412.5 },
    reasons: ['no purchase in 120 days'],
  });

async function sync(tesseraFields: boolean) {
  standIn = await OdooStandIn.start({ version: 19, tesseraFields });
  const gateway = createOdooGateway({
    url: standIn.url,
    apiKey: STAND_IN_ADMIN.apiKey,
    retryEnvironment: instantRetries(),
  });
  return createOdooSyncHandler({
    mode: 'api',
    operations: new OdooOperations(gateway, { retryEnvironment: instantRetries() }),
    clock: { now: () => new Date('2026-11-27T10:00:00Z') },
    retryEnvironment: instantRetries(),
    logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
  });
}

describe('risk changes and merges in Odoo', () => {
  it('tags the partner with the segments entered, removes those left, and writes the scores where the fields exist', async () => {
    // Prepare
    const handler = await sync(true);
    const partner = standIn!.store.create('res.partner', { name: 'Jane Retail', ref: 'cus_00000000jane' }, 2);
    // Act
    await handler(riskChanged('cus_00000000jane', ['high-value-at-risk', 'service-friction'], []), context);
    const report = await handler(riskChanged('cus_00000000jane', [], ['service-friction']), context);
    // Assess
    const row = standIn!.store.browse('res.partner', [partner])[0]!;
    const tags = standIn!.store
      .browse('res.partner.category', row.category_id as number[])
      .map((t) => t.name);
    expect(tags).toEqual(['Tessera: segment high-value-at-risk']);
    expect(row).toMatchObject({
      x_tessera_churn_risk: 0.82,
      x_tessera_clv: 412.5,
      x_tessera_scored_at: '2026-11-27 10:00:00',
    });
    expect(report.partnerId).toBe(partner);
  });

  it('does not create a partner for a score alone, and says so', async () => {
    // Prepare
    const handler = await sync(false);
    // Act
    const report = await handler(riskChanged('cus_0000000nobody', ['high-value-at-risk'], []), context);
    // Assess
    expect(report.steps).toEqual([
      { step: 'partner', outcome: 'skipped', note: 'customer has no Odoo partner yet' },
    ]);
    expect(standIn!.store.all('res.partner')).toHaveLength(0);
  });

  it('records a merge on the partners of the merged customers', async () => {
    // Prepare
    const handler = await sync(false);
    const survivor = standIn!.store.create('res.partner', { name: 'Ann Lee', ref: 'cus_00000000surv' }, 2);
    const merged = standIn!.store.create('res.partner', { name: 'Ann Lee', ref: 'cus_000000000old' }, 2);
    const merge = event(InternalEventType.CustomersMerged, InternalSource.identity, {
      eventId: 'merge-1',
      survivorId: 'cus_00000000surv',
      mergedIds: ['cus_000000000old'],
      trigger: { recordKey: 'pos#P-77' },
    });
    // Act
    await handler(merge, context);
    await handler(merge, context);
    // Assess
    const duplicateTags = standIn!.store.browse('res.partner', [merged])[0]!.category_id as number[];
    expect(standIn!.store.browse('res.partner.category', duplicateTags).map((t) => t.name)).toEqual([
      'Tessera: merged duplicate',
    ]);
    const notes = standIn!.store.all('mail.message');
    expect(notes.map((n) => n.res_id).sort()).toEqual([survivor, merged].sort());
  });
});
