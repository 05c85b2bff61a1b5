import { afterEach, describe, expect, it } from 'vitest';
import { createOdooGateway } from '../../../lambdas/adapters/odoo/odoo-gateway.js';
import { OdooOperations } from '../../../lambdas/core/odoo/operations.js';
import {
  OdooStandIn,
  type OdooStandInOptions,
  STAND_IN_ADMIN,
} from '../../../local/odoo-stand-in/stand-in.js';
import { failure, instantRetries } from '../../contract/odoo/scripted-fetch.js';

let standIn: OdooStandIn | undefined;
afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

async function connect(
  options: OdooStandInOptions = {},
  login: { login: string; apiKey: string } = STAND_IN_ADMIN,
) {
  standIn = await OdooStandIn.start(options);
  const gateway = createOdooGateway({
    url: standIn.url,
    database: standIn.database,
    login: login.login,
    apiKey: login.apiKey,
    timeoutMs: 300,
    retryEnvironment: instantRetries(),
  });
  const ops = new OdooOperations(gateway, { retryEnvironment: instantRetries() });
  return { standIn, gateway, ops };
}

const jane = { customerId: 'cus_00000000jane', name: 'Jane Retail', email: 'jane@example.com' };

describe.each([17, 19] as const)('idempotent Odoo operations on the Odoo %i stand-in', (version) => {
  it('finds or creates the partner for a customer: once, then by reference', async () => {
    // Prepare
    const { ops, standIn } = await connect({ version });
    // Act
    const first = await ops.ensurePartner(jane);
    const again = await ops.ensurePartner(jane);
    // Assess
    expect(first).toMatchObject({ created: true, matchedBy: 'created' });
    expect(again).toEqual({ partnerId: first.partnerId, created: false, matchedBy: 'reference' });
    expect(standIn.store.all('res.partner').filter((p) => p.ref === jane.customerId)).toHaveLength(1);
  });

  it('creates nothing twice when Odoo answers 500 after committing the partner', async () => {
    // Prepare
    const { ops, standIn } = await connect({ version });
    standIn.injectFault({ kind: 'commit-then-500', model: 'res.partner', method: 'create' });
    // Act
    const match = await ops.ensurePartner(jane);
    // Assess
    const partners = standIn.store.all('res.partner').filter((p) => p.ref === jane.customerId);
    expect(partners).toHaveLength(1);
    expect(match.partnerId).toBe(partners[0]!.id);
    expect(standIn.received.filter((r) => r.method === 'create')).toHaveLength(1);
  });

  it('ends two concurrent syncs of one new customer on the same partner and the same tag', async () => {
    // Prepare
    const { standIn } = await connect({ version });
    const twin = () =>
      new OdooOperations(
        createOdooGateway({
          url: standIn.url,
          database: standIn.database,
          login: 'admin',
          apiKey: STAND_IN_ADMIN.apiKey,
        }),
        { retryEnvironment: instantRetries() },
      );
    const [a, b] = [twin(), twin()];
    // Act
    const [pa, pb] = await Promise.all([a.ensurePartner(jane), b.ensurePartner(jane)]);
    const [ta, tb] = await Promise.all([a.ensureTag('VIP'), b.ensureTag('VIP')]);
    // Assess
    expect(standIn.received.filter((r) => r.model === 'res.partner' && r.method === 'create')).toHaveLength(
      2,
    );
    expect(pa.partnerId).toBe(pb.partnerId);
    expect(standIn.store.search('res.partner', [['ref', '=', jane.customerId]])).toHaveLength(1);
    expect(ta).toBe(tb);
    expect(standIn.store.all('res.partner.category')).toHaveLength(1);
  });

  it('claims an existing partner by email, but never one that holds another Tessera customer', async () => {
    // Prepare
    const { ops, standIn } = await connect({ version });
    const other = standIn.store.create(
      'res.partner',
      { name: 'J. R.', email: 'JANE@example.com', ref: 'cus_0000000other' },
      2,
    );
    const free = standIn.store.create('res.partner', { name: 'Jane R', email: 'jane@example.com' }, 2);
    // Act
    const match = await ops.ensurePartner(jane);
    // Assess
    expect(match).toEqual({ partnerId: free, created: false, matchedBy: 'email' });
    expect(standIn.store.browse('res.partner', [free])[0]!.ref).toBe(jane.customerId);
    expect(standIn.store.browse('res.partner', [other])[0]!.ref).toBe('cus_0000000other');
  });

  it('matches an email literally: an underscore is not a wildcard', async () => {
    // Prepare
    const { ops, standIn } = await connect({ version });
    const lookalike = standIn.store.create(
      'res.partner',
      { name: 'Jane X', email: 'janeXdoe@example.com' },
      2,
    );
    // Act
    const match = await ops.ensurePartner({ customerId: 'cus_0000000jdoe', email: 'jane_doe@example.com' });
    // Assess
    expect(match.created).toBe(true);
    expect(match.partnerId).not.toBe(lookalike);
  });

  it("adds Tessera's tags once, creating each tag once, and removes them", async () => {
    // Prepare
    const { ops, standIn } = await connect({ version });
    const { partnerId } = await ops.ensurePartner(jane);
    // Act
    await ops.addPartnerTags(partnerId, ['churn risk', 'VIP']);
    await new OdooOperations(
      createOdooGateway({
        url: standIn.url,
        database: standIn.database,
        login: 'admin',
        apiKey: STAND_IN_ADMIN.apiKey,
      }),
      {
        retryEnvironment: instantRetries(),
      },
    ).addPartnerTags(partnerId, ['churn risk']);
    const tagged = standIn.store.browse('res.partner', [partnerId])[0]!.category_id as number[];
    await ops.removePartnerTags(partnerId, ['churn risk']);
    // Assess
    const tags = standIn.store.all('res.partner.category').map((t) => t.name);
    expect(tags).toEqual(['Tessera: churn risk', 'Tessera: VIP']);
    expect(tagged).toHaveLength(2);
    expect(standIn.store.browse('res.partner', [partnerId])[0]!.category_id).toHaveLength(1);
  });

  it('posts a chatter note once per key, even after a 500 that followed the commit', async () => {
    // Prepare
    const { ops, standIn } = await connect({ version });
    const { partnerId } = await ops.ensurePartner(jane);
    standIn.injectFault({ kind: 'commit-then-500', method: 'message_post' });
    // Act
    const first = await ops.postNote(
      partnerId,
      'APR-1:note',
      'Retention offer approved: 10% off <b>next</b> order',
    );
    const again = await ops.postNote(
      partnerId,
      'APR-1:note',
      'Retention offer approved: 10% off <b>next</b> order',
    );
    // Assess
    const notes = standIn.store.all('mail.message').filter((m) => m.res_id === partnerId);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.body).toBe(
      '<p>Retention offer approved: 10% off &lt;b&gt;next&lt;/b&gt; order [tessera:APR-1:note]</p>',
    );
    expect(notes[0]!.subtype_id).toBe(2);
    expect(again).toEqual({ id: first.id, created: false });
  });

  it("schedules one activity for the partner's salesperson, even when the first call timed out after committing", async () => {
    // Prepare
    const { ops, standIn } = await connect({
      version,
      users: [{ login: 'sam', name: 'Sam Seller', apiKey: 'sam-key' }],
    });
    const { partnerId } = await ops.ensurePartner(jane);
    standIn.store.write('res.partner', [partnerId], { user_id: 8 }, 2);
    standIn.injectFault({ kind: 'commit-then-hang', method: 'activity_schedule' });
    // Act
    await ops.scheduleActivity(partnerId, 'APR-1:activity', {
      summary: 'Call customer re: retention offer',
      note: 'Offer 10% off',
      deadline: '2030-01-15',
    });
    // Assess
    const activities = standIn.store.all('mail.activity');
    expect(activities).toHaveLength(1);
    expect(activities[0]).toMatchObject({
      res_id: partnerId,
      user_id: 8,
      date_deadline: '2030-01-15',
      activity_type_id: 4,
    });
  });

  it('adjusts loyalty points once per key, even after a 500 that followed the commit', async () => {
    // Prepare
    const { ops, standIn } = await connect({ version });
    const { partnerId } = await ops.ensurePartner(jane);
    standIn.injectFault({ kind: 'commit-then-500', model: 'loyalty.card', method: 'write' });
    // Act
    await ops.adjustLoyaltyPoints(partnerId, 'APR-1:points', {
      points: 500,
      description: 'Loyalty compensation',
    });
    const again = await ops.adjustLoyaltyPoints(partnerId, 'APR-1:points', {
      points: 500,
      description: 'Loyalty compensation',
    });
    // Assess
    const cards = standIn.store.all('loyalty.card');
    expect(cards).toHaveLength(1);
    expect(cards[0]).toMatchObject({ partner_id: partnerId, points: 500 });
    expect(again.applied).toBe(false);
    if (version >= 18) expect(standIn.store.all('loyalty.history')).toMatchObject([{ issued: 500, used: 0 }]);
  });

  it('writes the Tessera fields the database has and says which it skipped', async () => {
    // Prepare
    const without = await connect({ version });
    const { partnerId } = await without.ops.ensurePartner(jane);
    // Act
    const skippedAll = await without.ops.writeTesseraFields(partnerId, { x_tessera_churn_risk: 0.8 });
    await without.standIn.close();
    const withFields = await connect({ version, tesseraFields: true });
    const p2 = await withFields.ops.ensurePartner(jane);
    const written = await withFields.ops.writeTesseraFields(p2.partnerId, {
      x_tessera_churn_risk: 0.8,
      x_tessera_segments: 'at-risk',
    });
    // Assess
    expect(skippedAll).toEqual({ written: [], skipped: ['x_tessera_churn_risk'] });
    expect(written.written).toEqual(['x_tessera_churn_risk', 'x_tessera_segments']);
    expect(withFields.standIn.store.browse('res.partner', [p2.partnerId])[0]).toMatchObject({
      x_tessera_churn_risk: 0.8,
    });
  });

  it('creates one win-back opportunity per key, tagged, and says when CRM is not installed', async () => {
    // Prepare
    const { ops, standIn } = await connect({ version });
    const { partnerId } = await ops.ensurePartner(jane);
    // Act
    const first = await ops.createWinBackOpportunity(partnerId, 'APR-2:lead', {
      title: 'Win back Jane Retail',
      description: 'Churn risk 0.8',
      expectedRevenue: 300,
    });
    const again = await ops.createWinBackOpportunity(partnerId, 'APR-2:lead', {
      title: 'Win back Jane Retail',
      description: 'Churn risk 0.8',
    });
    await standIn.close();
    const noCrm = await connect({ version, modules: ['loyalty'] });
    const p2 = await noCrm.ops.ensurePartner(jane);
    const error = await failure(
      noCrm.ops.createWinBackOpportunity(p2.partnerId, 'APR-2:lead', { title: 't', description: 'd' }),
    );
    // Assess
    expect(again).toEqual({ id: first.id, created: false });
    expect(standIn.store.all('crm.lead')).toMatchObject([
      { type: 'opportunity', partner_id: partnerId, priority: '2', expected_revenue: 300 },
    ]);
    expect(error).toMatchObject({ kind: 'not_found', model: 'crm.lead', retryable: false });
  });

  it('records a merge: the survivor takes over a partner and duplicates are tagged and noted once', async () => {
    // Prepare
    const { ops, standIn } = await connect({ version });
    const a = await ops.ensurePartner({ customerId: 'cus_000000000a', name: 'Ann Lee' });
    const b = await ops.ensurePartner({ customerId: 'cus_000000000b', name: 'Ann Lee' });
    // Act
    const result = await ops.recordMerge('cus_00000000surv', ['cus_000000000a', 'cus_000000000b'], 'MRG-1');
    await ops.recordMerge('cus_00000000surv', ['cus_000000000a', 'cus_000000000b'], 'MRG-1');
    // Assess
    expect(result).toEqual({ survivorPartnerId: a.partnerId, duplicatePartnerIds: [b.partnerId] });
    expect(standIn.store.browse('res.partner', [a.partnerId])[0]!.ref).toBe('cus_00000000surv');
    expect(standIn.store.all('mail.message')).toHaveLength(2);
  });
});

describe('Odoo operations: failures a user must hear about', () => {
  it('an AccessError names the model and the operation, and is not retried', async () => {
    // Prepare
    const { ops, standIn } = await connect(
      {
        version: 17,
        users: [
          {
            login: 'limited',
            name: 'Limited',
            apiKey: 'limited-key',
            denied: ['res.partner.category:create'],
          },
        ],
      },
      { login: 'limited', apiKey: 'limited-key' },
    );
    const { partnerId } = await ops.ensurePartner(jane);
    // Act
    const error = await failure(ops.addPartnerTags(partnerId, ['VIP']));
    // Assess
    expect(error).toMatchObject({
      kind: 'access',
      model: 'res.partner.category',
      operation: 'create',
      retryable: false,
    });
    expect(error.message).toContain(
      "You are not allowed to create 'Partner Tags' (res.partner.category) records",
    );
    expect(
      standIn.received.filter((r) => r.model === 'res.partner.category' && r.method === 'create'),
    ).toHaveLength(1);
  });

  it('a 401 is permanent: asked once, not retried', async () => {
    // Prepare
    const { ops, standIn } = await connect({ version: 19 });
    standIn.injectFault({ kind: 'unauthorized', times: 100 });
    // Act
    const error = await failure(ops.ensurePartner(jane));
    // Assess
    expect(error).toMatchObject({ kind: 'auth', httpStatus: 401, retryable: false });
    expect(standIn.received.filter((r) => r.api === 'json2')).toHaveLength(1);
  });

  it('a timeout is retried and the operation completes', async () => {
    // Prepare
    const { ops, standIn } = await connect({ version: 19 });
    standIn.injectFault({ kind: 'hang', model: 'res.partner', method: 'search_read' });
    // Act
    const match = await ops.ensurePartner(jane);
    // Assess
    expect(match.created).toBe(true);
    expect(
      standIn.received.filter((r) => r.method === 'search_read' && r.model === 'res.partner').length,
    ).toBeGreaterThanOrEqual(2);
  });
});
