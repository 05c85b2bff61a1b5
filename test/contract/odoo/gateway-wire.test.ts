import { describe, expect, it } from 'vitest';
import { OdooAutomationWebhook } from '../../../lambdas/adapters/odoo/automation-webhook.js';
import {
  createOdooGateway,
  Json2OdooGateway,
  JsonRpcOdooGateway,
} from '../../../lambdas/adapters/odoo/odoo-gateway.js';
import type { OdooErrorKind } from '../../../lambdas/core/odoo/errors.js';
import { readWire } from './recorded-wire.js';
import {
  failure,
  instantRetries,
  rpcCall,
  rpcResult,
  type ScriptedAnswer,
  scriptedFetch,
} from './scripted-fetch.js';

/** Recorded on an Odoo 17 server: results as they were answered; errors with `data.*` flattened by the probe. */
type RpcRecord = { http: number; result?: unknown; error?: Record<string, unknown>; body?: string };
const rpc17 = readWire<Record<string, RpcRecord> & { xmlrpc_version: Record<string, unknown> }>(
  'rpc_probe_results.json',
);
/** Recorded on an Odoo 19 server: status, content type and body of each JSON-2 answer. */
type Json2Record = { status: number; ctype: string; body: unknown };
const json19 = readWire<Record<string, Json2Record> & Record<string, unknown>>('json2_probe19_results.json');

/** The JSON-RPC error envelope as Odoo 17 put it on the wire (code 200 there, 0 on 19). */
function rpcErrorAnswer(record: RpcRecord): ScriptedAnswer {
  if (!record.error) return { status: record.http, body: record.body ?? '', contentType: 'text/html' };
  const e = record.error;
  return {
    status: record.http,
    body: {
      jsonrpc: '2.0',
      id: 1,
      error: {
        code: e.code,
        message: e.message,
        data: {
          name: e['data.name'],
          message: e['data.message'],
          arguments: e['data.arguments'],
          context: e['data.context'],
          debug: e['data.debug[:60]'],
        },
      },
    },
  };
}

const json2Answer = (record: Json2Record): ScriptedAnswer => ({
  status: record.status,
  body: record.body,
  contentType: record.ctype,
});

const config = { url: 'http://odoo.test', database: 'shop', login: 'admin', apiKey: 'key-123' };

/** A JSON-RPC gateway on Odoo 17 whose execute_kw calls get `answer`. */
function odoo17(answer: ScriptedAnswer | ((index: number) => ScriptedAnswer)) {
  const retry = instantRetries();
  const wire = scriptedFetch((request, index) => {
    if (rpcCall(request).method === 'authenticate') return rpcResult(rpc17.authenticate_with_apikey!.result);
    return typeof answer === 'function' ? answer(index) : answer;
  });
  const gateway = new JsonRpcOdooGateway({ ...config, fetch: wire.fetch, retryEnvironment: retry });
  return { gateway, requests: wire.requests, retry };
}

function odoo19(answer: ScriptedAnswer | ((index: number) => ScriptedAnswer)) {
  const retry = instantRetries();
  const wire = scriptedFetch((_r, index) => (typeof answer === 'function' ? answer(index) : answer));
  const gateway = new Json2OdooGateway({ ...config, fetch: wire.fetch, retryEnvironment: retry });
  return { gateway, requests: wire.requests, retry };
}

describe('JSON-RPC (Odoo 16-18): requests have the recorded shape', () => {
  it('authenticates with the API key as password, then calls execute_kw with the uid Odoo gave', async () => {
    // Prepare
    const { gateway, requests } = odoo17(rpcResult(rpc17.execute_kw_with_apikey!.result));
    // Act
    const users = await gateway.searchRead('res.users', [['login', '=', 'admin']], ['login'], { limit: 1 });
    // Assess
    expect(users).toEqual([{ id: 2, login: 'admin' }]);
    expect(requests.map((r) => r.path)).toEqual(['/jsonrpc', '/jsonrpc']);
    expect(requests[0]!.body).toMatchObject({
      jsonrpc: '2.0',
      method: 'call',
      params: { service: 'common', method: 'authenticate', args: ['shop', 'admin', 'key-123', {}] },
    });
    expect(rpcCall(requests[1]!)).toEqual({
      service: 'object',
      method: 'execute_kw',
      args: [
        'shop',
        2,
        'key-123',
        'res.users',
        'search_read',
        [],
        { domain: [['login', '=', 'admin']], fields: ['login'], limit: 1 },
      ],
    });
  });

  it('sends create values positionally and reads the id Odoo answers', async () => {
    // Prepare
    const { gateway, requests } = odoo17(rpcResult(rpc17.partner_create));
    // Act
    const id = await gateway.create('res.partner', { name: 'Jane Retail', ref: 'cus_0000000001' });
    // Assess
    expect(id).toBe(44);
    expect(rpcCall(requests[1]!).args!.slice(3)).toEqual([
      'res.partner',
      'create',
      [[{ name: 'Jane Retail', ref: 'cus_0000000001' }]],
      {},
    ]);
  });

  it('writes tag commands as [ids, values] and understands true', async () => {
    // Prepare
    const { gateway, requests } = odoo17(rpcResult(rpc17.partner_write_tag_cmd4!.result));
    // Act
    const written = gateway.write('res.partner', [44], { category_id: [[4, 10]] });
    // Assess
    await expect(written).resolves.toBeUndefined();
    expect(rpcCall(requests[1]!).args!.slice(3)).toEqual([
      'res.partner',
      'write',
      [[44], { category_id: [[4, 10]] }],
      {},
    ]);
  });

  it('calls record methods with [ids] and keyword arguments, as message_post needs', async () => {
    // Prepare
    const { gateway, requests } = odoo17(rpcResult(rpc17.message_post_note!.result));
    // Act
    const messageId = await gateway.callOnRecords('res.partner', 'message_post', [44], {
      body: 'Loyalty compensation approved',
      message_type: 'comment',
      subtype_xmlid: 'mail.mt_note',
    });
    // Assess
    expect(messageId).toBe(259);
    expect(rpcCall(requests[1]!).args!.slice(3)).toEqual([
      'res.partner',
      'message_post',
      [[44]],
      { body: 'Loyalty compensation approved', message_type: 'comment', subtype_xmlid: 'mail.mt_note' },
    ]);
  });

  it('reports a wrong API key (authenticate answers false) as a permanent authentication error', async () => {
    // Prepare
    const wire = scriptedFetch(() => rpcResult(false));
    const gateway = new JsonRpcOdooGateway({
      ...config,
      fetch: wire.fetch,
      retryEnvironment: instantRetries(),
    });
    // Act
    const error = await failure(gateway.authenticate());
    // Assess
    expect(error).toMatchObject({ kind: 'auth', retryable: false, operation: 'authenticate' });
    expect(error.message).toMatch(/Access denied for login 'admin'/);
    expect(wire.requests).toHaveLength(1);
  });

  it('reads the server version from common.version', async () => {
    // Prepare
    const wire = scriptedFetch(() => rpcResult(rpc17.xmlrpc_version));
    const gateway = createOdooGateway({ ...config, fetch: wire.fetch });
    // Act
    const info = await gateway.serverInfo();
    // Assess
    expect(info).toEqual({ version: '17.0-20240709', major: 17, minor: 0, api: 'jsonrpc' });
    expect(rpcCall(wire.requests[0]!)).toEqual({ service: 'common', method: 'version', args: [] });
  });
});

describe('JSON-RPC (Odoo 17): every recorded error is understood', () => {
  const cases: [string, OdooErrorKind, string, string][] = [
    ['x_field_bad_value', 'validation', 'res.partner', 'write'],
    ['activity_create_missing_model', 'validation', 'mail.activity', 'create'],
    ['loyalty_history_model', 'not_found', 'loyalty.history', 'search_read'],
    ['err_missing_record_write', 'missing', 'res.partner', 'write'],
    ['err_unknown_model', 'not_found', 'no.such.model', 'search_read'],
    ['err_unknown_method', 'not_found', 'res.partner', 'no_such_method'],
    ['err_private_method', 'access', 'res.partner', '_compute_display_name'],
    ['err_unknown_field', 'not_found', 'res.partner', 'search_read'],
    ['err_access_limited_crm', 'access', 'crm.lead', 'search_read'],
    ['err_access_limited_write_partner_category', 'access', 'res.partner.category', 'create'],
    ['err_validation_required', 'validation', 'crm.lead', 'create'],
    ['err_bad_db', 'invalid', 'res.partner', 'search_read'],
    ['err_bad_service', 'invalid', 'res.partner', 'search_read'],
    ['err_bad_json_body', 'invalid', 'res.partner', 'search_read'],
  ];

  it.each(cases)(
    '%s is a permanent %s error naming %s and %s, not retried',
    async (key, kind, model, operation) => {
      // Prepare
      const { gateway, requests } = odoo17(rpcErrorAnswer(rpc17[key]!));
      // Act
      const call =
        operation === 'create'
          ? gateway.create(model, { name: 'x' })
          : operation === 'write'
            ? gateway.write(model, [999999], { name: 'x' })
            : operation === 'search_read'
              ? gateway.searchRead(model, [], ['name'])
              : gateway.callOnRecords(model, operation, [44]);
      const error = await failure(call);
      // Assess
      expect(error).toMatchObject({ kind, retryable: false, model, operation });
      expect(error.message).toContain(`Odoo ${operation} on ${model} failed`);
      expect(requests.filter((r) => rpcCall(r).method === 'execute_kw')).toHaveLength(1);
    },
  );

  it('an AccessError names the model and the operation the user may not do', async () => {
    // Prepare
    const { gateway } = odoo17(rpcErrorAnswer(rpc17.err_access_limited_crm!));
    // Act
    const error = await failure(gateway.create('crm.lead', { name: 'Win back Jane' }));
    // Assess
    expect(error.message).toMatch(
      /^Odoo create on crm\.lead failed \(access\): AccessError: You are not allowed/,
    );
    expect(error.odooName).toBe('odoo.exceptions.AccessError');
  });
});

describe('JSON-2 (Odoo 19+): requests and every recorded answer', () => {
  it('posts named arguments to /json/2/<model>/<method> with the bearer key and database header', async () => {
    // Prepare
    const { gateway, requests } = odoo19(json2Answer(json19.create_returns!));
    // Act
    const id = await gateway.create('res.partner', { name: 'Jane Retail' });
    // Assess
    expect(id).toBe(1);
    expect(requests[0]).toMatchObject({
      path: '/json/2/res.partner/create',
      headers: {
        authorization: 'bearer key-123',
        'x-odoo-database': 'shop',
        'content-type': 'application/json',
      },
      body: { vals_list: [{ name: 'Jane Retail' }] },
    });
  });

  it('understands the recorded success answers of search_read, write, read, message_post and activity_schedule', async () => {
    // Prepare
    const answers = ['search_read', 'write_m2m_cmd4', 'read', 'message_post', 'activity_schedule_returns'];
    const { gateway, requests } = odoo19((i) => json2Answer(json19[answers[i]!]!));
    // Act
    const found = await gateway.searchRead('res.partner', [['id', '=', 1]], ['name', 'category_id']);
    await gateway.write('res.partner', [7], { category_id: [[4, 1]] });
    const read = await gateway.read('res.partner', [7], ['category_id', 'comment']);
    const message = await gateway.callOnRecords('res.partner', 'message_post', [7], { body: 'approved' });
    const activity = await gateway.callOnRecords('res.partner', 'activity_schedule', [7], {
      act_type_xmlid: 'mail.mail_activity_data_todo',
    });
    // Assess
    expect(found[0]).toMatchObject({ id: 1, name: 'My Company' });
    expect(read[0]).toMatchObject({ id: 7, category_id: [1] });
    expect(message).toEqual([40]);
    expect(activity).toEqual([2]);
    expect(requests[1]).toMatchObject({
      path: '/json/2/res.partner/write',
      body: { ids: [7], vals: { category_id: [[4, 1]] } },
    });
    expect(requests[3]).toMatchObject({ body: { ids: [7], body: 'approved' } });
  });

  const cases: [string, OdooErrorKind][] = [
    ['err_bad_key', 'auth'],
    ['err_no_key', 'auth'],
    ['err_missing_record', 'missing'],
    ['err_validation', 'validation'],
    ['err_unknown_model', 'not_found'],
    ['err_unknown_method', 'not_found'],
    ['err_private_method', 'access'],
    ['err_bad_kwarg', 'invalid'],
    ['err_ids_on_model_method', 'invalid'],
    ['err_bad_json', 'invalid'],
    ['err_unknown_field', 'invalid'],
    ['err_wrong_db_header', 'invalid'],
  ];

  it.each(cases)('%s is a permanent %s error, asked once', async (key, kind) => {
    // Prepare
    const { gateway, requests } = odoo19(json2Answer(json19[key]!));
    // Act
    const error = await failure(gateway.searchRead('res.partner', [], ['name']));
    // Assess
    expect(error).toMatchObject({ kind, retryable: false, model: 'res.partner', operation: 'search_read' });
    expect(error.httpStatus).toBe(json19[key]!.status);
    expect(requests).toHaveLength(1);
  });

  it('says to set the database when Odoo answers the wrong-database page', async () => {
    // Prepare
    const { gateway } = odoo19(json2Answer(json19.err_wrong_db_header!));
    // Act
    const error = await failure(gateway.read('res.partner', [7], ['name']));
    // Assess
    expect(error.message).toMatch(/No database is selected: set the Odoo database name/);
  });

  it('detects Odoo 19 from the legacy version call and switches to JSON-2', async () => {
    // Prepare
    const wire = scriptedFetch((request) =>
      request.path === '/jsonrpc'
        ? { status: 200, body: json19.legacy_jsonrpc_version }
        : json2Answer(json19.no_db_header_monodb_filter!),
    );
    const gateway = createOdooGateway({ url: 'http://odoo.test/', apiKey: 'key-123', fetch: wire.fetch });
    // Act
    const info = await gateway.serverInfo();
    const count = await gateway.callOnModel('res.partner', 'search_count', { domain: [] });
    // Assess
    expect(info).toMatchObject({ version: '19.0+e-20251227', major: 19, api: 'json2' });
    expect(gateway.api).toBe('json2');
    expect(count).toBe(4);
    expect(wire.requests.at(-1)).toMatchObject({
      path: '/json/2/res.partner/search_count',
      body: { domain: [] },
    });
    expect(wire.requests.at(-1)!.headers['x-odoo-database']).toBeUndefined();
  });

  it('understands the legacy JSON-RPC error of Odoo 19 (code 0)', async () => {
    // Prepare
    const retry = instantRetries();
    const wire = scriptedFetch((request) =>
      rpcCall(request).method === 'authenticate'
        ? rpcResult(2)
        : { status: 200, body: json19.legacy_jsonrpc_error },
    );
    const gateway = new JsonRpcOdooGateway({ ...config, fetch: wire.fetch, retryEnvironment: retry });
    // Act
    const error = await failure(gateway.write('res.partner', [999999], { name: 'x' }));
    // Assess
    expect(error).toMatchObject({ kind: 'missing', retryable: false });
  });
});

describe('automation webhooks /web/hook/<uuid>: recorded answers', () => {
  const hooks = readWire<Record<string, { status: number; body: string }>>('json2_probe19_results.json');
  const url = 'http://odoo.test/web/hook/d7f6a33f-3234-4abf-9b6b-d2f201797960';

  it('posts _model and _id as JSON and accepts {"status": "ok"}', async () => {
    // Prepare
    const wire = scriptedFetch(() => ({ status: 200, body: hooks.hook19_post!.body }));
    const hook = new OdooAutomationWebhook({ url, fetch: wire.fetch });
    // Act
    await hook.send({ _model: 'res.partner', _id: 7, reason: 'retention' });
    // Assess
    expect(wire.requests[0]).toMatchObject({
      path: '/web/hook/d7f6a33f-3234-4abf-9b6b-d2f201797960',
      body: { _model: 'res.partner', _id: 7, reason: 'retention' },
    });
  });

  it('treats an unknown uuid (404) as permanent and a 500 as retryable with an unknown outcome, never showing the uuid', async () => {
    // Prepare
    const unknown = new OdooAutomationWebhook({
      url,
      fetch: scriptedFetch(() => ({ status: 404, body: hooks.hook19_unknown!.body })).fetch,
    });
    const failing = new OdooAutomationWebhook({
      url,
      fetch: scriptedFetch(() => ({ status: 500, body: hooks.hook19_missing!.body })).fetch,
    });
    // Act
    const notFound = await failure(unknown.send({ _model: 'res.partner', _id: 7 }));
    const serverError = await failure(failing.send({ _model: 'res.partner', _id: 999999 }));
    // Assess
    expect(notFound).toMatchObject({ kind: 'webhook_not_found', retryable: false });
    expect(serverError).toMatchObject({ kind: 'server', retryable: true, outcomeUnknown: true });
    expect(notFound.message + serverError.message).not.toContain('d7f6a33f');
  });
});
