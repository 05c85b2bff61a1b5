import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelEventType } from '../../../lambdas/core/contracts/index.js';
import { mapOdooWebhook } from '../../../lambdas/core/odoo/inbound.js';
import { OdooStandIn, STAND_IN_ADMIN } from '../../../local/odoo-stand-in/stand-in.js';
import { readOutgoingCaptures, readWire } from './recorded-wire.js';

/**
 * The stand-in must answer what a real Odoo answered: the same HTTP status, the same error envelope,
 * the same exception class and message (for messages naming user groups, the part before the groups).
 */

type RpcRecord = { http: number; result?: unknown; error?: Record<string, unknown>; body?: string };
const rpc17 = readWire<Record<string, RpcRecord>>('rpc_probe_results.json');
type Json2Record = { status: number; ctype: string; body: unknown; 'www-authenticate'?: string | null };
const json19 = readWire<Record<string, Json2Record>>('json2_probe19_results.json');

const LIMITED = { login: 'limited', name: 'Limited User', apiKey: 'limited-key' };

// biome-ignore lint/suspicious/noExplicitAny: the answers are arbitrary JSON, asserted field by field
type Json = any;

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json: json as Json, headers: response.headers };
}

const beforeGroups = (message: string): string => message.split('\n\nThis operation is allowed')[0]!;

describe('the Odoo 17 stand-in answers /jsonrpc like the recorded Odoo 17', () => {
  let odoo: OdooStandIn;
  beforeAll(async () => {
    odoo = await OdooStandIn.start({
      version: 17,
      tesseraFields: true,
      users: [{ ...LIMITED, denied: ['crm.lead:read', 'res.partner.category:create'] }],
    });
    odoo.store.create('res.partner', { name: 'Jane Retail' }, 2);
  });
  afterAll(() => odoo.close());

  const executeKw = (
    model: string,
    method: string,
    args: unknown[],
    kwargs: Record<string, unknown> = {},
    user = STAND_IN_ADMIN as { apiKey: string },
    uid = 2,
    db = 'tessera',
  ) =>
    post(`${odoo.url}/jsonrpc`, {
      jsonrpc: '2.0',
      method: 'call',
      params: {
        service: 'object',
        method: 'execute_kw',
        args: [db, uid, user.apiKey, model, method, args, kwargs],
      },
      id: 1,
    });

  const cases: [string, () => ReturnType<typeof post>, boolean?][] = [
    ['err_missing_record_write', () => executeKw('res.partner', 'write', [[999999], { name: 'x' }])],
    ['err_unknown_model', () => executeKw('no.such.model', 'search_read', [[]])],
    ['err_unknown_method', () => executeKw('res.partner', 'no_such_method', [[1]])],
    ['err_private_method', () => executeKw('res.partner', '_compute_display_name', [[1]])],
    ['err_unknown_field', () => executeKw('res.partner', 'write', [[1], { x_nope: 1 }])],
    ['err_access_limited_crm', () => executeKw('crm.lead', 'search_read', [[]], {}, LIMITED, 8), true],
    [
      'err_access_limited_write_partner_category',
      () => executeKw('res.partner.category', 'create', [[{ name: 'VIP' }]], {}, LIMITED, 8),
      true,
    ],
    ['err_validation_required', () => executeKw('crm.lead', 'create', [[{ type: 'opportunity' }]])],
    ['err_bad_db', () => executeKw('res.partner', 'search_read', [[]], {}, STAND_IN_ADMIN, 2, 'nodb')],
    [
      'err_bad_service',
      () =>
        post(`${odoo.url}/jsonrpc`, {
          jsonrpc: '2.0',
          method: 'call',
          params: { service: 'nosuch', method: 'x', args: [] },
          id: 1,
        }),
    ],
    [
      'activity_create_missing_model',
      () =>
        executeKw('mail.activity', 'create', [[{ res_id: 1, date_deadline: '2030-01-15', summary: 'x' }]]),
    ],
  ];

  it.each(cases)('%s: HTTP 200, code 200, same exception and message', async (key, request, groupsDiffer) => {
    // Prepare
    const recorded = rpc17[key]!.error!;
    // Act
    const answer = await request();
    // Assess
    expect(answer.status).toBe(rpc17[key]!.http);
    expect(answer.json.error).toMatchObject({ code: recorded.code, message: recorded.message });
    expect(answer.json.error.data.name).toBe(recorded['data.name']);
    const message = answer.json.error.data.message as string;
    const expected = recorded['data.message'] as string;
    expect(groupsDiffer ? beforeGroups(message) : message).toBe(
      groupsDiffer ? beforeGroups(expected) : expected,
    );
    expect(answer.json.error.data.arguments).toEqual([message]);
  });

  it('rolls a failed call back as Odoo does: no part of a failing write stays', async () => {
    // Prepare
    const before = odoo.store.browse('res.partner', [1])[0]!.category_id;
    // Act
    const answer = await executeKw('res.partner', 'write', [[1], { category_id: [[4, 1]], x_nope: 1 }]);
    // Assess
    expect(answer.json.error.data.name).toBe('builtins.ValueError');
    expect(odoo.store.browse('res.partner', [1])[0]!.category_id).toEqual(before);
  });

  it('answers malformed JSON with HTTP 400 and the same text', async () => {
    // Act
    const answer = await post(`${odoo.url}/jsonrpc`, '{not json');
    // Assess
    expect(answer.status).toBe(rpc17.err_bad_json_body!.http);
    expect(answer.text).toBe(rpc17.err_bad_json_body!.body);
  });

  it('answers a wrong value like Odoo: ValueError naming model, field and value', async () => {
    // Act
    const answer = await executeKw('res.partner', 'write', [[1], { x_tessera_churn_risk: 'nope' }]);
    // Assess
    expect(answer.json.error.data.name).toBe(rpc17.x_field_bad_value!.error!['data.name']);
    expect(answer.json.error.data.message).toBe("Wrong value for res.partner.x_tessera_churn_risk: 'nope'");
  });

  it('answers authenticate with the uid, or false for a wrong key', async () => {
    // Act
    const call = (key: string) =>
      post(`${odoo.url}/jsonrpc`, {
        jsonrpc: '2.0',
        method: 'call',
        params: { service: 'common', method: 'authenticate', args: ['tessera', 'admin', key, {}] },
        id: 1,
      });
    const good = await call(STAND_IN_ADMIN.apiKey);
    const bad = await call('wrong');
    // Assess
    expect(good.json.result).toBe(rpc17.authenticate_with_apikey!.result);
    expect(bad.json.result).toBe(false);
  });

  it('answers creates, writes, posts and schedules with the recorded result shapes', async () => {
    // Act
    const created = await executeKw('res.partner', 'create', [[{ name: 'Ann' }]]);
    const single = await executeKw('res.partner', 'create', [{ name: 'Bob' }]);
    const written = await executeKw('res.partner', 'write', [[1], { category_id: [[4, 1]] }]);
    const posted = await executeKw('res.partner', 'message_post', [[1]], {
      body: '<b>escaped?</b>',
      message_type: 'comment',
      subtype_xmlid: 'mail.mt_note',
    });
    const scheduled = await executeKw('res.partner', 'activity_schedule', [[1]], {
      act_type_xmlid: 'mail.mail_activity_data_todo',
      date_deadline: '2030-01-15',
      summary: 'Call customer re: retention offer',
    });
    const activity = await executeKw('mail.activity', 'search_read', [[['res_id', '=', 1]]], {
      fields: [
        'res_model',
        'res_id',
        'res_name',
        'activity_type_id',
        'summary',
        'date_deadline',
        'user_id',
        'state',
      ],
    });
    const body = await executeKw('mail.message', 'search_read', [[['res_id', '=', 1]]], {
      fields: ['body', 'subtype_id', 'message_type'],
    });
    // Assess
    expect(created.json.result).toEqual([expect.any(Number)]);
    expect(typeof single.json.result).toBe(typeof rpc17.partner_create);
    expect(written.json.result).toBe(rpc17.partner_write_tag_cmd4!.result);
    expect(typeof posted.json.result).toBe(typeof rpc17.message_post_note!.result);
    expect(scheduled.json.result).toMatch(/^mail\.activity\(\d+,\)$/);
    const recordedActivity = (rpc17.activity_read!.result as Record<string, unknown>[])[0]!;
    expect(Object.keys(activity.json.result[0]).sort()).toEqual(Object.keys(recordedActivity).sort());
    expect(activity.json.result[0]).toMatchObject({
      activity_type_id: [4, 'To-Do'],
      user_id: [2, 'Mitchell Admin'],
      state: recordedActivity.state,
    });
    const recordedBodies = rpc17.message_bodies!.result as Record<string, unknown>[];
    expect(body.json.result[0]).toMatchObject({
      body: recordedBodies[2]!.body,
      subtype_id: recordedBodies[2]!.subtype_id,
      message_type: 'comment',
    });
  });
});

describe('the Odoo 19 stand-in answers JSON-2 and webhooks like the recorded Odoo 19', () => {
  let odoo: OdooStandIn;
  beforeAll(async () => {
    odoo = await OdooStandIn.start({ version: 19 });
    odoo.store.create('res.partner', { name: 'Jane Retail' }, 2);
  });
  afterAll(() => odoo.close());

  const call = (
    model: string,
    method: string,
    body: unknown,
    headers: Record<string, string> = { authorization: `bearer ${STAND_IN_ADMIN.apiKey}` },
  ) => post(`${odoo.url}/json/2/${model}/${method}`, body, headers);

  const cases: [string, () => ReturnType<typeof post>][] = [
    ['err_bad_key', () => call('res.partner', 'search_read', {}, { authorization: 'bearer nope' })],
    ['err_no_key', () => call('res.partner', 'search_read', {}, {})],
    ['err_missing_record', () => call('res.partner', 'write', { ids: [999999], vals: { name: 'x' } })],
    ['err_unknown_model', () => call('no.such.model', 'search_read', {})],
    ['err_unknown_method', () => call('res.partner', 'no_such_method', { ids: [1] })],
    ['err_private_method', () => call('res.partner', '_compute_display_name', { ids: [1] })],
    ['err_bad_kwarg', () => call('res.partner', 'search_read', { badparameter: 1 })],
    [
      'err_ids_on_model_method',
      () => call('res.partner', 'create', { ids: [1], vals_list: [{ name: 'x' }] }),
    ],
    ['err_unknown_field', () => call('res.partner', 'write', { ids: [1], vals: { x_nope: 1 } })],
  ];

  it.each(cases)('%s: same status, exception, message and arguments', async (key, request) => {
    // Prepare
    const recorded = json19[key]!;
    const body = recorded.body as Record<string, unknown>;
    // Act
    const answer = await request();
    // Assess
    expect(answer.status).toBe(recorded.status);
    expect(answer.json).toMatchObject({
      name: body.name,
      message: body.message,
      arguments: body.arguments,
      context: {},
    });
    expect(answer.headers.get('www-authenticate')).toBe(recorded['www-authenticate'] ?? null);
  });

  it('answers malformed JSON with 400 BadRequest and a wrong database with the HTML 404 page', async () => {
    // Act
    const badJson = await call('res.partner', 'search_read', '{bad');
    const wrongDb = await call(
      'res.partner',
      'search_read',
      {},
      { authorization: `bearer ${STAND_IN_ADMIN.apiKey}`, 'x-odoo-database': 'other' },
    );
    // Assess
    expect(badJson.status).toBe(json19.err_bad_json!.status);
    expect(badJson.json.name).toBe((json19.err_bad_json!.body as { name: string }).name);
    expect(wrongDb.status).toBe(404);
    expect(wrongDb.headers.get('content-type')).toBe(json19.err_wrong_db_header!.ctype);
    expect(wrongDb.text).toContain('No database is selected');
  });

  it('answers creates, posts and schedules with id lists and writes with true, as recorded', async () => {
    // Act
    const created = await call('res.partner', 'create', { vals_list: [{ name: 'Ann' }] });
    const written = await call('res.partner', 'write', { ids: [1], vals: { category_id: [[4, 1]] } });
    const posted = await call('res.partner', 'message_post', { ids: [1], body: 'approved' });
    const scheduled = await call('res.partner', 'activity_schedule', {
      ids: [1],
      act_type_xmlid: 'mail.mail_activity_data_todo',
    });
    const count = await call('res.partner', 'search_count', { domain: [] });
    // Assess
    expect(created.json).toEqual([expect.any(Number)]);
    expect(written.json).toBe(json19.write_m2m_cmd4!.body);
    expect(posted.json).toEqual([expect.any(Number)]);
    expect(scheduled.json).toEqual([expect.any(Number)]);
    expect(typeof count.json).toBe(typeof json19.no_db_header_monodb_filter!.body);
    expect(created.headers.get('content-type')).toBe(json19.create_returns!.ctype);
  });

  it('keeps the deprecated /jsonrpc, with error code 0 and a 19.0 version', async () => {
    // Act
    const version = await post(`${odoo.url}/jsonrpc`, {
      jsonrpc: '2.0',
      method: 'call',
      params: { service: 'common', method: 'version', args: [] },
      id: 1,
    });
    const error = await post(`${odoo.url}/jsonrpc`, {
      jsonrpc: '2.0',
      method: 'call',
      params: {
        service: 'object',
        method: 'execute_kw',
        args: ['tessera', 2, STAND_IN_ADMIN.apiKey, 'res.partner', 'write', [[999999], { name: 'x' }], {}],
      },
      id: 2,
    });
    // Assess
    const recorded = json19.legacy_jsonrpc_error as unknown as {
      error: { code: number; data: { name: string; message: string } };
    };
    expect(version.json.result.server_version_info.slice(0, 2)).toEqual([19, 0]);
    expect(version.json.result.server_version).toContain('stand-in');
    expect(error.json.error).toMatchObject({
      code: recorded.error.code,
      data: { name: recorded.error.data.name, message: recorded.error.data.message },
    });
  });

  it('answers webhooks: ok, unknown uuid 404, missing record 500, with the recorded bodies', async () => {
    // Prepare
    const hook = odoo.registerWebhook();
    const hooks = json19 as unknown as Record<string, { status: number; body: string }>;
    // Act
    const ok = await post(hook.url, {
      _model: 'res.partner',
      _id: 1,
      tessera_key: 'K-1',
      note: 'via webhook retention',
    });
    const unknown = await post(`${odoo.url}/web/hook/00000000-0000-0000-0000-000000000000`, {
      _model: 'res.partner',
      _id: 1,
    });
    const missing = await post(hook.url, { _model: 'res.partner', _id: 999999 });
    // Assess
    expect([ok.status, ok.text]).toEqual([hooks.hook19_post!.status, hooks.hook19_post!.body]);
    expect([unknown.status, unknown.text]).toEqual([
      hooks.hook19_unknown!.status,
      hooks.hook19_unknown!.body,
    ]);
    expect([missing.status, missing.text]).toEqual([
      hooks.hook19_missing!.status,
      hooks.hook19_missing!.body,
    ]);
    expect(odoo.webhookLogs).toContain(
      'Webhook could not be triggered because no record to run it on was found.',
    );
  });
});

describe('the stand-in sends outgoing webhooks like the recorded Odoo', () => {
  it('posts the changed record as {_action, _id, _model, id, ...fields} with sorted keys, which Tessera maps', async () => {
    // Prepare
    const recorded = readOutgoingCaptures('outgoing_webhook_capture.jsonl')[0]!;
    const received: { contentType: string | undefined; text: string }[] = [];
    const sink = createServer((req, res) => {
      let text = '';
      req.on('data', (c) => {
        text += c;
      });
      req.on('end', () => {
        received.push({ contentType: req.headers['content-type'], text });
        res.end('{"status": "accepted"}');
      });
    });
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
    const odoo = await OdooStandIn.start({ version: 19 });
    odoo.addOutgoingWebhook({
      model: 'res.partner',
      url: `http://127.0.0.1:${(sink.address() as AddressInfo).port}/odoo/webhook/secret`,
      fields: ['email', 'name', 'create_date', 'write_date'],
    });
    // Act
    await fetch(`${odoo.url}/json/2/res.partner/create`, {
      method: 'POST',
      headers: { authorization: `bearer ${STAND_IN_ADMIN.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ vals_list: [{ name: 'J2 Partner', email: 'j2@example.com' }] }),
    });
    await odoo.flushOutgoing();
    await odoo.close();
    await new Promise<void>((r) => sink.close(() => r()));
    // Assess
    expect(received).toHaveLength(1);
    expect(received[0]!.contentType).toBe(recorded.headers['Content-Type']);
    const body = JSON.parse(received[0]!.text) as Record<string, unknown>;
    const recordedKeys = Object.keys(recorded.body as object);
    expect(Object.keys(body)).toEqual([
      ...recordedKeys.slice(0, 3),
      'create_date',
      ...recordedKeys.slice(3),
      'write_date',
    ]);
    const mapped = mapOdooWebhook(body);
    expect(mapped.ok && mapped.detailType).toBe(ChannelEventType.CustomerProfileCreated);
  });
});
