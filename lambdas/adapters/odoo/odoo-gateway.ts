import { z } from 'zod';
import { OdooError } from '../../core/odoo/errors.js';
import type {
  OdooApi,
  OdooDomain,
  OdooFieldInfo,
  OdooGateway,
  OdooRecord,
  OdooServerInfo,
  OdooValues,
  SearchOptions,
} from '../../core/odoo/ports.js';
import {
  DEFAULT_RETRY_POLICY,
  type RetryEnvironment,
  type RetryPolicy,
  realRetryEnvironment,
  withRetry,
} from '../../core/odoo/retry.js';
import { type CallSite, classifyOdooException } from './classify.js';
import {
  type FetchLike,
  type HttpAnswer,
  normaliseBaseUrl,
  parseJsonText,
  postJson,
} from './http-transport.js';

export interface OdooConnectionConfig {
  /** The server's base URL, e.g. https://mycompany.odoo.com. */
  readonly url: string;
  /** Required for JSON-RPC; sent as X-Odoo-Database on JSON-2 when set (needed when the server hosts several). */
  readonly database?: string;
  /** JSON-RPC only: the login of the user the API key belongs to. */
  readonly login?: string;
  /** An Odoo API key (Preferences > Account Security), used as the password on JSON-RPC and as bearer on JSON-2. */
  readonly apiKey: string;
  /** `auto` (default) asks the server its version: JSON-2 from 19 on, JSON-RPC before. */
  readonly api?: OdooApi | 'auto';
  /** Deadline of one HTTP exchange. */
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  readonly fetch?: FetchLike;
  readonly retryEnvironment?: RetryEnvironment;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
/** First Odoo version with the JSON-2 API; /jsonrpc is deprecated there. */
export const JSON2_SINCE_MAJOR = 19;

interface MethodCall {
  readonly model: string;
  readonly method: string;
  readonly ids?: readonly number[];
  readonly kwargs?: OdooValues;
  /** JSON-RPC positional args when they are not `[ids]`. */
  readonly positional?: readonly unknown[];
  readonly mayWrite: boolean;
  /** Safe to repeat even when a previous attempt may have been applied. */
  readonly idempotent: boolean;
}

const Int = z.number().int();
const RecordList = z.array(z.looseObject({ id: Int }));
const CreateAnswer = z.union([Int, z.array(Int).length(1)]);
const FieldsAnswer = z.record(
  z.string(),
  z.looseObject({
    type: z.string(),
    string: z.string().optional(),
    readonly: z.boolean().optional(),
    required: z.boolean().optional(),
    relation: z.string().optional(),
    selection: z.unknown().optional(),
  }),
);
const VersionAnswer = z.looseObject({
  server_version: z.string(),
  server_version_info: z.array(z.union([z.number(), z.string()])).min(2),
});
const WebVersionAnswer = z.looseObject({
  version: z.string(),
  version_info: z.array(z.union([z.number(), z.string()])).min(2),
});
const JsonRpcError = z.looseObject({
  error: z.looseObject({
    code: z.number().optional(),
    message: z.string().optional(),
    data: z.looseObject({ name: z.string().optional(), message: z.string().optional() }).optional(),
  }),
});
const Json2ErrorBody = z.looseObject({ name: z.string().optional(), message: z.string().optional() });

abstract class BaseOdooGateway implements OdooGateway {
  abstract readonly api: OdooApi;
  protected readonly baseUrl: string;
  protected readonly timeoutMs: number;
  protected readonly fetchFn: FetchLike;
  private readonly policy: RetryPolicy;
  private readonly retryEnv: RetryEnvironment;
  private rpcId = 0;

  constructor(protected readonly config: OdooConnectionConfig) {
    this.baseUrl = normaliseBaseUrl(config.url);
    if (!config.apiKey) throw new Error('Odoo API key is empty: set it in the configuration or secret');
    this.timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.fetchFn = config.fetch ?? ((input, init) => fetch(input, init));
    this.policy = config.retry ?? DEFAULT_RETRY_POLICY;
    this.retryEnv = config.retryEnvironment ?? realRetryEnvironment;
  }

  /** One attempt of one call, in the API's wire form. */
  protected abstract send(call: MethodCall): Promise<unknown>;

  /**
   * Reads and idempotent writes are retried on any retryable failure; creates and posts only when the
   * failure proves Odoo did not apply them (refused connection, concurrency rollback). The rest is left
   * to the use cases, which look before writing again.
   */
  protected invoke(call: MethodCall): Promise<unknown> {
    return withRetry(
      () => this.send(call),
      this.policy,
      this.retryEnv,
      (e) => e instanceof OdooError && e.retryable && (call.idempotent || !e.outcomeUnknown),
    );
  }

  protected retryRead<T>(task: () => Promise<T>): Promise<T> {
    return withRetry(task, this.policy, this.retryEnv);
  }

  protected post(path: string, body: unknown, site: CallSite, headers?: Record<string, string>) {
    return postJson(`${this.baseUrl}${path}`, body, site, {
      fetch: this.fetchFn,
      timeoutMs: this.timeoutMs,
      ...(headers ? { headers } : {}),
    });
  }

  protected nextId(): number {
    this.rpcId += 1;
    return this.rpcId;
  }

  /** A JSON-RPC 2.0 call (also how both APIs ask the version): Odoo answers 200 with `error` for failures. */
  protected async jsonRpc(path: string, params: OdooValues, site: CallSite): Promise<unknown> {
    const answer = await this.post(path, { jsonrpc: '2.0', method: 'call', params, id: this.nextId() }, site);
    if (answer.status !== 200) throw httpFailure(answer, site);
    const parsed = parseJsonText(answer.text);
    const value = parsed.ok && parsed.value && typeof parsed.value === 'object' ? parsed.value : undefined;
    if (!value || !('result' in value || 'error' in value)) {
      throw badAnswer(site, `not a JSON-RPC answer: ${snippet(answer.text)}`);
    }
    if ('error' in value) {
      const failure = JsonRpcError.safeParse(value);
      if (!failure.success) throw badAnswer(site, `malformed JSON-RPC error: ${snippet(answer.text)}`);
      const { error } = failure.data;
      // Odoo's "Session expired" (code 100) is an authentication failure whatever the exception.
      if (error.code === 100) {
        throw classifyOdooException(
          { name: 'odoo.http.SessionExpiredException', message: error.message },
          401,
          site,
        );
      }
      throw classifyOdooException(error.data ?? { message: error.message }, undefined, site);
    }
    return (value as { result: unknown }).result;
  }

  async serverInfo(): Promise<OdooServerInfo> {
    return this.retryRead(() => fetchServerInfo(this, this.api));
  }

  /** For fetchServerInfo; not part of the port. */
  rawJsonRpc(path: string, params: OdooValues, site: CallSite): Promise<unknown> {
    return this.jsonRpc(path, params, site);
  }

  abstract authenticate(): Promise<{ readonly uid?: number }>;

  async searchRead(
    model: string,
    domain: OdooDomain,
    fields: readonly string[],
    options: SearchOptions = {},
  ): Promise<OdooRecord[]> {
    const kwargs = {
      domain,
      fields,
      ...(options.limit !== undefined ? { limit: options.limit } : {}),
      ...(options.order ? { order: options.order } : {}),
      ...(options.context ? { context: options.context } : {}),
    };
    const result = await this.invoke({
      model,
      method: 'search_read',
      kwargs,
      mayWrite: false,
      idempotent: true,
    });
    return checked(RecordList, result, { model, operation: 'search_read', mayWrite: false });
  }

  async read(model: string, ids: readonly number[], fields: readonly string[]): Promise<OdooRecord[]> {
    const result = await this.invoke({
      model,
      method: 'read',
      ids,
      kwargs: { fields },
      mayWrite: false,
      idempotent: true,
    });
    return checked(RecordList, result, { model, operation: 'read', mayWrite: false });
  }

  async create(model: string, values: OdooValues, context?: OdooValues): Promise<number> {
    const result = await this.invoke(this.createCall(model, values, context));
    const id = checked(CreateAnswer, result, { model, operation: 'create', mayWrite: true });
    return typeof id === 'number' ? id : id[0]!;
  }

  protected abstract createCall(model: string, values: OdooValues, context?: OdooValues): MethodCall;

  async write(model: string, ids: readonly number[], values: OdooValues): Promise<void> {
    const result = await this.invoke(this.writeCall(model, ids, values));
    checked(z.literal(true), result, { model, operation: 'write', mayWrite: true });
  }

  protected abstract writeCall(model: string, ids: readonly number[], values: OdooValues): MethodCall;

  async fieldsGet(
    model: string,
    attributes: readonly string[] = ['type', 'string', 'readonly', 'required', 'relation', 'selection'],
  ): Promise<Record<string, OdooFieldInfo>> {
    const result = await this.invoke({
      model,
      method: 'fields_get',
      kwargs: { attributes },
      mayWrite: false,
      idempotent: true,
    });
    return checked(FieldsAnswer, result, { model, operation: 'fields_get', mayWrite: false }) as Record<
      string,
      OdooFieldInfo
    >;
  }

  callOnRecords(
    model: string,
    method: string,
    ids: readonly number[],
    kwargs: OdooValues = {},
  ): Promise<unknown> {
    return this.invoke({
      model,
      method,
      ids,
      kwargs,
      mayWrite: !isReadMethod(method),
      idempotent: isReadMethod(method),
    });
  }

  callOnModel(model: string, method: string, kwargs: OdooValues = {}): Promise<unknown> {
    return this.invoke({
      model,
      method,
      kwargs,
      mayWrite: !isReadMethod(method),
      idempotent: isReadMethod(method),
    });
  }
}

/** A write with an x2many create command `[0, 0, {...}]` adds a record each time it is repeated. */
const createsRecords = (values: OdooValues): boolean =>
  Object.values(values).some(
    (v) => Array.isArray(v) && v.some((command) => Array.isArray(command) && command[0] === 0),
  );

const READ_METHODS = new Set([
  'search',
  'search_read',
  'search_count',
  'read',
  'fields_get',
  'name_search',
  'check_access_rights',
  'has_access',
  'context_get',
  'default_get',
]);
export const isReadMethod = (method: string): boolean => READ_METHODS.has(method);

/** Odoo 16-18 external API: `/jsonrpc`, `common.authenticate`, `object.execute_kw`, the API key as password. */
export class JsonRpcOdooGateway extends BaseOdooGateway {
  readonly api = 'jsonrpc' as const;
  private uid: Promise<number> | undefined;

  constructor(config: OdooConnectionConfig) {
    super(config);
    if (!config.database) throw new Error('Odoo database name is required for the JSON-RPC API (Odoo 16-18)');
    if (!config.login) {
      throw new Error("Odoo login is required for the JSON-RPC API (Odoo 16-18): the API key's user");
    }
  }

  async authenticate(): Promise<{ uid: number }> {
    return { uid: await this.userId() };
  }

  private userId(): Promise<number> {
    // One authentication per container; a failed one is not cached so a fixed key works without a restart.
    this.uid ??= this.retryRead(() => this.login()).catch((error: unknown) => {
      this.uid = undefined;
      throw error;
    });
    return this.uid;
  }

  private async login(): Promise<number> {
    const site = { model: 'common', operation: 'authenticate', mayWrite: false };
    const result = await this.jsonRpc(
      '/jsonrpc',
      {
        service: 'common',
        method: 'authenticate',
        args: [this.config.database, this.config.login, this.config.apiKey, {}],
      },
      site,
    );
    // A wrong login or key is answered with `false`, not an error.
    if (result === false) {
      throw new OdooError({
        kind: 'auth',
        ...site,
        detail: `Access denied for login '${this.config.login}' on database '${this.config.database}' (authenticate answered false): check the API key`,
      });
    }
    return checked(Int, result, site);
  }

  protected async send(call: MethodCall): Promise<unknown> {
    const uid = await this.userId();
    const positional = call.positional ?? (call.ids ? [call.ids] : []);
    return this.jsonRpc(
      '/jsonrpc',
      {
        service: 'object',
        method: 'execute_kw',
        args: [
          this.config.database,
          uid,
          this.config.apiKey,
          call.model,
          call.method,
          positional,
          call.kwargs ?? {},
        ],
      },
      { model: call.model, operation: call.method, mayWrite: call.mayWrite },
    );
  }

  protected createCall(model: string, values: OdooValues, context?: OdooValues): MethodCall {
    // create's values go positionally, as a list of one (the recorded wire).
    return {
      model,
      method: 'create',
      positional: [[values]],
      kwargs: context ? { context } : {},
      mayWrite: true,
      idempotent: false,
    };
  }

  protected writeCall(model: string, ids: readonly number[], values: OdooValues): MethodCall {
    return {
      model,
      method: 'write',
      positional: [ids, values],
      mayWrite: true,
      idempotent: !createsRecords(values),
    };
  }
}

/** Odoo 19+ JSON-2 API: `POST /json/2/<model>/<method>`, bearer API key, named arguments, real HTTP statuses. */
export class Json2OdooGateway extends BaseOdooGateway {
  readonly api = 'json2' as const;

  async authenticate(): Promise<{ uid?: number }> {
    const context = await this.invoke({
      model: 'res.users',
      method: 'context_get',
      mayWrite: false,
      idempotent: true,
    });
    const uid = (context as { uid?: unknown } | null)?.uid;
    return typeof uid === 'number' ? { uid } : {};
  }

  protected async send(call: MethodCall): Promise<unknown> {
    const site = { model: call.model, operation: call.method, mayWrite: call.mayWrite };
    const headers: Record<string, string> = { authorization: `bearer ${this.config.apiKey}` };
    if (this.config.database) headers['x-odoo-database'] = this.config.database;
    const body = { ...(call.ids ? { ids: call.ids } : {}), ...call.kwargs };
    const answer = await this.post(
      `/json/2/${encodeURIComponent(call.model)}/${encodeURIComponent(call.method)}`,
      body,
      site,
      headers,
    );
    const parsed = parseJsonText(answer.text);
    if (answer.status === 200) {
      if (!parsed.ok) throw badAnswer(site, `answer is not JSON: ${snippet(answer.text)}`);
      return parsed.value;
    }
    throw httpFailure(answer, site);
  }

  protected createCall(model: string, values: OdooValues, context?: OdooValues): MethodCall {
    return {
      model,
      method: 'create',
      kwargs: { vals_list: [values], ...(context ? { context } : {}) },
      mayWrite: true,
      idempotent: false,
    };
  }

  protected writeCall(model: string, ids: readonly number[], values: OdooValues): MethodCall {
    return {
      model,
      method: 'write',
      ids,
      kwargs: { vals: values },
      mayWrite: true,
      idempotent: !createsRecords(values),
    };
  }
}

/** Any non-200 answer: JSON-2's `{name, message}` body, or a plain page (wrong database, proxy). */
function httpFailure(answer: HttpAnswer, site: CallSite): OdooError {
  const parsed = parseJsonText(answer.text);
  const body = parsed.ok ? Json2ErrorBody.safeParse(parsed.value) : undefined;
  if (body?.success && (body.data.name || body.data.message)) {
    return classifyOdooException(body.data, answer.status, site);
  }
  if (answer.status === 404 && /No database is selected/i.test(answer.text)) {
    return new OdooError({
      kind: 'invalid',
      ...site,
      httpStatus: 404,
      detail: 'No database is selected: set the Odoo database name (sent as X-Odoo-Database)',
    });
  }
  return classifyOdooException(
    { message: `HTTP ${answer.status}: ${snippet(answer.text)}` },
    answer.status,
    site,
  );
}

function badAnswer(site: CallSite, detail: string): OdooError {
  return new OdooError({ kind: 'invalid', ...site, detail: `unexpected answer from Odoo: ${detail}` });
}

/** Validates an Odoo answer at the trust boundary. */
function checked<T extends z.ZodType>(schema: T, value: unknown, site: CallSite): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw badAnswer(
      site,
      `${snippet(JSON.stringify(value) ?? String(value))} (${result.error.issues[0]?.message})`,
    );
  }
  return result.data;
}

const snippet = (text: string): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 160)}…` : flat;
};

/** `common.version` on /jsonrpc (Odoo 16-19); `/web/version` where /jsonrpc is switched off. */
async function fetchServerInfo(gateway: BaseOdooGateway, api: OdooApi): Promise<OdooServerInfo> {
  const site = { model: 'common', operation: 'version', mayWrite: false };
  try {
    const result = await gateway.rawJsonRpc(
      '/jsonrpc',
      { service: 'common', method: 'version', args: [] },
      site,
    );
    const v = checked(VersionAnswer, result, site);
    return {
      version: v.server_version,
      major: Number(v.server_version_info[0]),
      minor: Number(v.server_version_info[1]),
      api,
    };
  } catch (error) {
    if (!(error instanceof OdooError && error.kind === 'not_found' && error.httpStatus === 404)) throw error;
    const result = await gateway.rawJsonRpc('/web/version', {}, { ...site, model: 'web' });
    const v = checked(WebVersionAnswer, result, site);
    return { version: v.version, major: Number(v.version_info[0]), minor: Number(v.version_info[1]), api };
  }
}

/**
 * The gateway for a configuration: the API it names, or (`auto`) the one the server's version calls for,
 * detected on first use so a cold start does not wait for Odoo.
 */
export function createOdooGateway(config: OdooConnectionConfig): OdooGateway {
  const api = config.api ?? 'auto';
  if (api === 'jsonrpc') return new JsonRpcOdooGateway(config);
  if (api === 'json2') return new Json2OdooGateway(config);
  return new AutoDetectingOdooGateway(config);
}

class AutoDetectingOdooGateway implements OdooGateway {
  private resolved: Promise<OdooGateway> | undefined;
  private detectedApi: OdooApi | undefined;

  constructor(private readonly config: OdooConnectionConfig) {
    normaliseBaseUrl(config.url);
  }

  /** The API in use once detected; before that, the JSON-RPC default of Odoo 16-18. */
  get api(): OdooApi {
    return this.detectedApi ?? 'jsonrpc';
  }

  private gateway(): Promise<OdooGateway> {
    this.resolved ??= this.detect().catch((error: unknown) => {
      this.resolved = undefined;
      throw error;
    });
    return this.resolved;
  }

  private async detect(): Promise<OdooGateway> {
    // The version endpoint needs no credentials and no database, so either gateway class can ask it.
    const probe = new Json2OdooGateway(this.config);
    const info = await probe.serverInfo();
    this.detectedApi = info.major >= JSON2_SINCE_MAJOR ? 'json2' : 'jsonrpc';
    return this.detectedApi === 'json2' ? probe : new JsonRpcOdooGateway(this.config);
  }

  async serverInfo(): Promise<OdooServerInfo> {
    const gateway = await this.gateway();
    return gateway.serverInfo();
  }
  async authenticate() {
    return (await this.gateway()).authenticate();
  }
  async searchRead(model: string, domain: OdooDomain, fields: readonly string[], options?: SearchOptions) {
    return (await this.gateway()).searchRead(model, domain, fields, options);
  }
  async read(model: string, ids: readonly number[], fields: readonly string[]) {
    return (await this.gateway()).read(model, ids, fields);
  }
  async create(model: string, values: OdooValues, context?: OdooValues) {
    return (await this.gateway()).create(model, values, context);
  }
  async write(model: string, ids: readonly number[], values: OdooValues) {
    return (await this.gateway()).write(model, ids, values);
  }
  async fieldsGet(model: string, attributes?: readonly string[]) {
    return (await this.gateway()).fieldsGet(model, attributes);
  }
  async callOnRecords(model: string, method: string, ids: readonly number[], kwargs?: OdooValues) {
    return (await this.gateway()).callOnRecords(model, method, ids, kwargs);
  }
  async callOnModel(model: string, method: string, kwargs?: OdooValues) {
    return (await this.gateway()).callOnModel(model, method, kwargs);
  }
}
