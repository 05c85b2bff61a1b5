import { afterEach, describe, expect, it } from 'vitest';
import { runOdooCheck, runOdooDemo } from '../../../bin/commands/odoo.js';
import { OdooStandIn } from '../../../local/odoo-stand-in/stand-in.js';

let standIn: OdooStandIn | undefined;
afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

describe('tessera odoo check', () => {
  it('reports version, authentication and every model Tessera needs on the stand-in, labelled as a stand-in', async () => {
    // Act
    const { report, text } = await runOdooCheck({ standInVersion: 19 });
    // Assess
    expect(report.ready).toBe(true);
    expect(report.server).toMatchObject({ major: 19, api: 'json2' });
    expect(text).toMatch(/^Odoo check: Odoo stand-in \(not a real Odoo\)/);
    expect(text).toMatch(/ok\s+authentication\s+API key accepted \(user id 2\)/);
    expect(text).toMatch(/ok\s+loyalty programme .*history line \(Odoo 18\+\)/);
    expect(text).toMatch(/MISSING helpdesk\.ticket/);
  });

  it('says authentication failed and the setup is not ready when the API key is wrong', async () => {
    // Prepare
    standIn = await OdooStandIn.start({ version: 17 });
    // Act
    const { report, text } = await runOdooCheck({
      odooUrl: standIn.url,
      database: standIn.database,
      login: 'admin',
      apiKey: 'not-the-key',
    });
    // Assess
    expect(report.ready).toBe(false);
    expect(report.items.find((i) => i.area === 'authentication')).toMatchObject({ status: 'error' });
    expect(text).toMatch(/ERROR\s+authentication\s+Odoo authenticate on common failed \(auth\)/);
    expect(text).not.toContain('not-the-key');
  });

  it('says what to install and which rights to grant when CRM is missing and the user may not create tags', async () => {
    // Prepare
    standIn = await OdooStandIn.start({
      version: 17,
      modules: ['loyalty'],
      users: [{ login: 'sync', name: 'Sync', apiKey: 'sync-key', denied: ['res.partner.category:create'] }],
    });
    // Act
    const { report, text } = await runOdooCheck({
      odooUrl: standIn.url,
      database: standIn.database,
      login: 'sync',
      apiKey: 'sync-key',
    });
    // Assess
    expect(report.ready).toBe(false);
    expect(report.items.find((i) => i.area === 'crm.lead')).toMatchObject({
      status: 'missing',
      required: false,
    });
    expect(text).toMatch(/install the CRM app/);
    expect(text).toMatch(/ERROR\s+res\.partner\.category .*the API user may not create/);
  });
});

describe('tessera odoo demo', () => {
  it('applies a sample intervention twice and finds it landed once', async () => {
    // Act
    const { landed, reports, text } = await runOdooDemo({ standInVersion: 17 });
    // Assess
    expect(landed).toEqual({
      tags: ['Tessera: retention offer', 'Tessera: loyalty compensation'],
      notes: 3,
      activities: 1,
      points: 500,
    });
    expect(reports[1]!.steps.every((s) => s.outcome === 'already-done')).toBe(true);
    expect(text).toContain('(a stand-in, not a real Odoo)');
  });
});
