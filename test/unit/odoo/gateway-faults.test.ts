import { describe, expect, it } from 'vitest';
import { Json2OdooGateway, JsonRpcOdooGateway } from '../../../lambdas/adapters/odoo/odoo-gateway.js';
import { backoffDelay, DEFAULT_RETRY_POLICY } from '../../../lambdas/core/odoo/retry.js';
import {
  failure,
  instantRetries,
  rpcCall,
  rpcResult,
  type ScriptedAnswer,
  scriptedFetch,
} from '../../contract/odoo/scripted-fetch.js';

const config = {
  url: 'http://odoo.test',
  database: 'shop',
  login: 'admin',
  apiKey: 'key-123',
  timeoutMs: 25,
};

function json2(script: (index: number) => ScriptedAnswer) {
  const retry = instantRetries();
  const wire = scriptedFetch((_r, i) => script(i));
  return {
    gateway: new Json2OdooGateway({ ...config, fetch: wire.fetch, retryEnvironment: retry }),
    wire,
    retry,
  };
}

const serverError = { status: 500, body: { name: 'builtins.RuntimeError', message: 'worker died' } };

describe('Odoo gateway under faults', () => {
  it('retries a read that timed out and returns the answer of the next attempt', async () => {
    // Prepare
    const { gateway, wire } = json2((i) =>
      i === 0 ? 'hang' : { status: 200, body: [{ id: 7, name: 'Jane' }] },
    );
    // Act
    const records = await gateway.searchRead('res.partner', [['ref', '=', 'cus_1']], ['name']);
    // Assess
    expect(records).toEqual([{ id: 7, name: 'Jane' }]);
    expect(wire.requests).toHaveLength(2);
  });

  it('does not blindly repeat a create that timed out: the outcome is unknown and the caller looks first', async () => {
    // Prepare
    const { gateway, wire } = json2(() => 'hang');
    // Act
    const error = await failure(gateway.create('res.partner', { name: 'Jane' }));
    // Assess
    expect(error).toMatchObject({
      kind: 'timeout',
      retryable: true,
      outcomeUnknown: true,
      model: 'res.partner',
    });
    expect(error.message).toMatch(/no answer within 25 ms/);
    expect(wire.requests).toHaveLength(1);
  });

  it('repeats a create when Odoo rolled it back on a serialization failure, or never received it', async () => {
    // Prepare
    const concurrency = {
      status: 500,
      body: {
        name: 'psycopg2.errors.SerializationFailure',
        message: 'could not serialize access due to concurrent update',
      },
    };
    const { gateway, wire } = json2((i) =>
      i === 0 ? concurrency : i === 1 ? 'refused' : { status: 200, body: [9] },
    );
    // Act
    const id = await gateway.create('res.partner', { name: 'Jane' });
    // Assess
    expect(id).toBe(9);
    expect(wire.requests).toHaveLength(3);
  });

  it('gives up on a read after the configured attempts, waiting with full-jitter exponential backoff', async () => {
    // Prepare
    const { gateway, wire, retry } = json2(() => serverError);
    // Act
    const error = await failure(gateway.read('res.partner', [7], ['name']));
    // Assess
    expect(error).toMatchObject({ kind: 'server', retryable: true, httpStatus: 500 });
    expect(wire.requests).toHaveLength(DEFAULT_RETRY_POLICY.maxAttempts);
    expect(retry.delays).toEqual([100, 200, 400]);
  });

  it('keeps backoff delays between zero and the capped exponential ceiling', () => {
    // Act
    const low = backoffDelay(10, DEFAULT_RETRY_POLICY, () => 0);
    const high = backoffDelay(10, DEFAULT_RETRY_POLICY, () => 0.999999);
    // Assess
    expect(low).toBe(0);
    expect(high).toBe(DEFAULT_RETRY_POLICY.maxDelayMs - 1);
  });

  it('treats a 401 as permanent: one request, no retry, and the error says to check the key', async () => {
    // Prepare
    const { gateway, wire } = json2(() => ({
      status: 401,
      body: {
        name: 'werkzeug.exceptions.Unauthorized',
        message: 'Invalid apikey',
        arguments: ['Invalid apikey', 401],
      },
    }));
    // Act
    const error = await failure(gateway.write('res.partner', [7], { comment: 'x' }));
    // Assess
    expect(error).toMatchObject({ kind: 'auth', retryable: false, httpStatus: 401 });
    expect(error.message).toContain('Invalid apikey');
    expect(error.message).not.toContain('key-123');
    expect(wire.requests).toHaveLength(1);
  });

  it('authenticates once per gateway on JSON-RPC, and again after a failed authentication', async () => {
    // Prepare
    let authAnswers = 0;
    const wire = scriptedFetch((request) => {
      if (rpcCall(request).method === 'authenticate') {
        authAnswers += 1;
        return authAnswers === 1 ? serverError : rpcResult(2);
      }
      return rpcResult([]);
    });
    const gateway = new JsonRpcOdooGateway({
      ...config,
      fetch: wire.fetch,
      retryEnvironment: instantRetries(),
    });
    // Act
    await gateway.searchRead('res.partner', [], ['name']);
    await gateway.searchRead('res.partner', [], ['name']);
    // Assess
    expect(wire.requests.filter((r) => rpcCall(r).method === 'authenticate')).toHaveLength(2);
    expect(wire.requests.filter((r) => rpcCall(r).method === 'execute_kw')).toHaveLength(2);
  });

  it('refuses a configuration it cannot work with, naming the missing setting', () => {
    // Act
    const noLogin = () => new JsonRpcOdooGateway({ url: 'http://odoo.test', database: 'shop', apiKey: 'k' });
    const badUrl = () => new Json2OdooGateway({ url: 'odoo.test', apiKey: 'k' });
    // Assess
    expect(noLogin).toThrow(/login is required/);
    expect(badUrl).toThrow(/is not a URL/);
  });
});
