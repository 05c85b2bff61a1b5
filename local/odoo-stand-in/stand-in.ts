import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ModelStore, OdooException, type Row, type UserRecord } from './model-store.js';
import type { OdooModule } from './models.js';

/**
 * An Odoo STAND-IN, not an Odoo: an in-process HTTP server speaking the wire recorded from real Odoo 17
 * and 19 servers in ../shared/data/odoo-wire (JSON-RPC with its HTTP-200 errors, JSON-2 with real status
 * codes, incoming automation webhooks), over an in-memory store of the models Tessera uses. It keeps
 * every request it received and can inject faults, so tests and the local demo see what Odoo would do.
 */

export interface OdooStandInOptions {
  /** Odoo major version to imitate: 17 and 18 speak JSON-RPC; 19 adds JSON-2 (JSON-RPC stays, deprecated). */
  readonly version?: 17 | 18 | 19;
  readonly database?: string;
  readonly modules?: readonly OdooModule[];
  /** res.partner has Tessera's x_tessera_* fields. */
  readonly tesseraFields?: boolean;
  /** Users besides the administrator (uid 2, login `admin`, API key `stand-in-admin-key`). */
  readonly users?: readonly Omit<UserRecord, 'uid'>[];
  /** Seed an active loyalty programme (Odoo's default demo has none). */
  readonly loyaltyProgram?: boolean;
  readonly clock?: () => Date;
}

export interface ReceivedRequest {
  readonly api: 'jsonrpc' | 'json2' | 'webhook' | 'other';
  readonly path: string;
  readonly model?: string;
  readonly method?: string;
  readonly body: unknown;
  status: number;
}

export type FaultKind =
  /** Answer 500 without applying. */
  | 'http-500'
  /** Apply the call, then answer 500 as a proxy would: the caller cannot know it was applied. */
  | 'commit-then-500'
  /** Apply the call and never answer. */
  | 'commit-then-hang'
  /** Never answer, apply nothing. */
  | 'hang'
  /** The API key stops working. */
  | 'unauthorized'
  /** The user lacks the right for this model. */
  | 'access-error'
  /** A serialization failure: Odoo rolled the transaction back. */
  | 'concurrency';

export interface Fault {
  readonly kind: FaultKind;
  readonly api?: ReceivedRequest['api'];
  readonly model?: string;
  readonly method?: string;
  /** How many matching requests it hits (default 1). */
  times?: number;
}

export interface OutgoingWebhook {
  readonly model: string;
  /** Where Odoo posts, e.g. Tessera's `/odoo/webhook/<secret>`. */
  readonly url: string;
  /** The fields the rule sends besides `_action`, `_id`, `_model` and `id`. */
  readonly fields: readonly string[];
  readonly name?: string;
}

export interface WebhookContext {
  readonly store: ModelStore;
  readonly record: Row;
  readonly uid: number;
}
export type WebhookAction = (payload: Record<string, unknown>, context: WebhookContext) => void;

export const STAND_IN_ADMIN = {
  uid: 2,
  login: 'admin',
  name: 'Mitchell Admin',
  apiKey: 'stand-in-admin-key',
} as const;
const LABEL = 'Odoo stand-in (not a real Odoo)';

const MODEL_METHODS = new Set([
  'create',
  'search',
  'search_read',
  'search_count',
  'fields_get',
  'context_get',
  'check_access_rights',
  'has_access',
  'default_get',
]);
const JSON2_KWARGS: Readonly<Record<string, readonly string[]>> = {
  search_read: ['domain', 'fields', 'offset', 'limit', 'order'],
  search: ['domain', 'offset', 'limit', 'order'],
  search_count: ['domain', 'limit'],
  read: ['fields'],
  create: ['vals_list'],
  write: ['vals'],
  unlink: [],
  fields_get: ['allfields', 'attributes'],
  message_post: ['body', 'message_type', 'subtype_xmlid', 'body_is_html', 'partner_ids', 'subject'],
  activity_schedule: ['act_type_xmlid', 'date_deadline', 'summary', 'note', 'user_id'],
  context_get: [],
  check_access_rights: ['operation', 'raise_exception'],
  has_access: ['operation'],
};

export class OdooStandIn {
  readonly store: ModelStore;
  readonly received: ReceivedRequest[] = [];
  /** Automation-rule log lines, as Odoo writes them to ir.logging. */
  readonly webhookLogs: string[] = [];
  readonly major: number;
  readonly database: string;
  private readonly users: UserRecord[];
  private readonly faults: Fault[] = [];
  private readonly hooks = new Map<string, WebhookAction>();
  private readonly outgoing: OutgoingWebhook[] = [];
  private readonly pendingOutgoing: Promise<void>[] = [];
  /** What the outgoing webhooks got back, as Odoo logs it. */
  readonly outgoingLog: { url: string; model: string; id: number; status?: number; error?: string }[] = [];
  private server: Server | undefined;
  private baseUrl = '';

  private constructor(options: OdooStandInOptions) {
    this.major = options.version ?? 17;
    this.database = options.database ?? 'tessera';
    const clock = options.clock ?? (() => new Date());
    this.store = new ModelStore(
      {
        major: this.major,
        modules: options.modules ?? ['crm', 'loyalty'],
        tesseraFields: options.tesseraFields ?? false,
      },
      clock,
    );
    this.users = [STAND_IN_ADMIN, ...(options.users ?? []).map((u, i) => ({ ...u, uid: 8 + i }))];
    this.seed(options.loyaltyProgram ?? true);
  }

  static async start(options: OdooStandInOptions = {}): Promise<OdooStandIn> {
    const standIn = new OdooStandIn(options);
    await standIn.listen();
    return standIn;
  }

  get url(): string {
    return this.baseUrl;
  }

  /** One line for any output that mentions this server. */
  describe(): string {
    return `${LABEL}: Odoo ${this.major}.0 wire (${this.major >= 19 ? 'JSON-2 and JSON-RPC' : 'JSON-RPC'}), database '${this.database}', at ${this.baseUrl}`;
  }

  /** An automation rule "Send Webhook Notification" on create and update of `model`. */
  addOutgoingWebhook(hook: OutgoingWebhook): void {
    this.outgoing.push(hook);
  }

  injectFault(fault: Fault): void {
    this.faults.push({ ...fault, times: fault.times ?? 1 });
  }

  /** An automation rule triggered "On webhook"; the default action applies Tessera's payload. */
  registerWebhook(action: WebhookAction = tesseraAutomation): { uuid: string; url: string } {
    const uuid = randomUUID();
    this.hooks.set(uuid, action);
    return { uuid, url: `${this.baseUrl}/web/hook/${uuid}` };
  }

  /**
   * The body Odoo's "Send Webhook Notification" would POST for a record: `_action`, `_id`, `_model`, `id`
   * and the selected fields read with load=None (a many2one is a bare id, x2many a list of ids).
   */
  webhookNotification(
    model: string,
    id: number,
    fields: readonly string[],
    action = 'Send Webhook Notification(#1)',
  ) {
    const [row] = this.store.browse(model, [id]);
    const read = this.store.present(
      model,
      row!,
      fields.filter((f) => f !== 'id'),
    );
    const values = Object.fromEntries(
      Object.entries(read).map(([k, v]) => [k, Array.isArray(v) && typeof v[1] === 'string' ? v[0] : v]),
    );
    const body: Record<string, unknown> = { _action: action, _id: id, _model: model, ...values, id };
    // Odoo serialises with sorted keys (the recorded bodies are in key order).
    return Object.fromEntries(
      Object.keys(body)
        .sort()
        .map((k) => [k, body[k]]),
    ) as typeof body & {
      _id: number;
      _model: string;
    };
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private seed(loyaltyProgram: boolean): void {
    const s = this.store;
    s.create('res.users', { name: 'OdooBot', login: '__system__' }, 1);
    for (const user of this.users) s.create('res.users', { name: user.name, login: user.login }, 1);
    s.create('mail.message.subtype', { name: 'Discussions' }, 1);
    s.create('mail.message.subtype', { name: 'Note' }, 1);
    for (const name of ['Email', 'Call', 'Meeting', 'To-Do']) s.create('mail.activity.type', { name }, 1);
    for (const model of this.store.models.keys())
      s.create('ir.model', { model, name: this.store.models.get(model)!.description }, 1);
    if (s.models.has('crm.stage')) s.create('crm.stage', { name: 'New' }, 1);
    if (loyaltyProgram && s.models.has('loyalty.program')) {
      s.create('loyalty.program', { name: 'Retail Loyalty', program_type: 'loyalty' }, 1);
    }
  }

  private async listen(): Promise<void> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) send(res, 500, 'text/plain', `stand-in failure: ${String(error)}`);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('x-odoo-stand-in', 'true');
    const path = new URL(req.url ?? '/', 'http://stand-in').pathname;
    const text = await readBody(req);
    if (path === '/jsonrpc' && req.method === 'POST') return this.jsonRpc(path, text, res);
    const json2 = /^\/json\/2\/([^/]+)\/([^/]+)$/.exec(path);
    if (json2 && req.method === 'POST' && this.major >= 19) {
      return this.json2(path, decodeURIComponent(json2[1]!), decodeURIComponent(json2[2]!), text, req, res);
    }
    const hook = /^\/web\/hook\/([^/]+)$/.exec(path);
    if (hook) return this.webhook(path, hook[1]!, text, res);
    this.received.push({ api: 'other', path, body: text, status: 404 });
    send(
      res,
      404,
      'text/html; charset=utf-8',
      '<!DOCTYPE html>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n',
    );
  }

  /** A matching fault, consumed. */
  private takeFault(api: ReceivedRequest['api'], model?: string, method?: string): Fault | undefined {
    const fault = this.faults.find(
      (f) =>
        (f.times ?? 0) > 0 &&
        (!f.api || f.api === api) &&
        (!f.model || f.model === model) &&
        (!f.method || f.method === method),
    );
    if (fault) fault.times = (fault.times ?? 1) - 1;
    return fault;
  }

  // ---- JSON-RPC (/jsonrpc): every Odoo error is HTTP 200 with an `error` member ----

  private async jsonRpc(path: string, text: string, res: ServerResponse): Promise<void> {
    const entry: ReceivedRequest = { api: 'jsonrpc', path, body: text, status: 200 };
    this.received.push(entry);
    let body: { id?: unknown; params?: { service?: string; method?: string; args?: unknown[] } };
    try {
      body = JSON.parse(text);
    } catch {
      entry.status = 400;
      return send(res, 400, 'text/html; charset=utf-8', 'Invalid JSON data');
    }
    (entry as { body: unknown }).body = body;
    const id = body.id ?? null;
    const params = body.params ?? {};
    const args = params.args ?? [];
    try {
      if (params.service === 'common') {
        if (params.method === 'version')
          return sendJson(res, 200, { jsonrpc: '2.0', id, result: this.version() });
        if (params.method === 'authenticate' || params.method === 'login') {
          const [db, login, key] = args as [string, string, string];
          this.checkDatabase(db);
          const user = this.users.find((u) => u.login === login && u.apiKey === key);
          return sendJson(res, 200, { jsonrpc: '2.0', id, result: user ? user.uid : false });
        }
      }
      if (params.service === 'object' && params.method === 'execute_kw') {
        const [db, uid, key, model, method, positional = [], kwargs = {}] = args as [
          string,
          number,
          string,
          string,
          string,
          unknown[],
          Record<string, unknown>,
        ];
        Object.assign(entry, { model, method });
        this.checkDatabase(db);
        const user = this.users.find((u) => u.uid === uid && u.apiKey === key);
        if (!user) throw new OdooException('odoo.exceptions.AccessDenied', 'Access Denied');
        const fault = this.takeFault('jsonrpc', model, method);
        if (fault?.kind === 'unauthorized')
          throw new OdooException('odoo.exceptions.AccessDenied', 'Access Denied');
        const { ids, named } = positionalToNamed(method, positional, kwargs);
        const run = () => this.callAndNotify(user, model, method, ids, named, 'jsonrpc');
        if (fault) return this.applyFault(fault, res, run, this.jsonRpcError(res, id));
        const result = run();
        return sendJson(res, 200, { jsonrpc: '2.0', id, result });
      }
      throw new OdooException(
        'builtins.KeyError',
        String(params.service === 'common' || params.service === 'object' ? params.method : params.service),
      );
    } catch (error) {
      if (!(error instanceof OdooException)) throw error;
      return this.jsonRpcError(res, id)(error);
    }
  }

  private jsonRpcError(res: ServerResponse, id: unknown) {
    return (error: OdooException) =>
      sendJson(res, 200, {
        jsonrpc: '2.0',
        id,
        error: {
          code: this.major >= 19 ? 0 : 200,
          message: 'Odoo Server Error',
          data: {
            name: error.odooName,
            message: error.message,
            arguments: [error.message],
            context: {},
            debug: `Traceback (most recent call last):\n  (${LABEL})`,
          },
        },
      });
  }

  // ---- JSON-2 (/json/2/<model>/<method>, Odoo 19+): real HTTP status codes ----

  private async json2(
    path: string,
    model: string,
    method: string,
    text: string,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const entry: ReceivedRequest = { api: 'json2', path, model, method, body: text, status: 200 };
    this.received.push(entry);
    const fail = (status: number, name: string, message: string, withStatusArg = false) => {
      entry.status = status;
      if (status === 401) res.setHeader('www-authenticate', 'Bearer ');
      sendJson(res, status, {
        name,
        message,
        arguments: withStatusArg ? [message, status] : [message],
        context: {},
        debug: `Traceback (most recent call last):\n  (${LABEL})`,
      });
    };
    const database = req.headers['x-odoo-database'];
    if (typeof database === 'string' && database !== this.database) {
      entry.status = 404;
      return send(
        res,
        404,
        'text/html; charset=utf-8',
        '<!DOCTYPE html>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>No database is selected and the requested URL was not found in the server-wide controllers.</p>\n',
      );
    }
    const auth = /^bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (!auth)
      return fail(
        401,
        'werkzeug.exceptions.Unauthorized',
        'User not authenticated, use an API Key with a Bearer Authorization header.',
        true,
      );
    const user = this.users.find((u) => u.apiKey === auth[1]!.trim());
    const fault = this.takeFault('json2', model, method);
    if (!user || fault?.kind === 'unauthorized')
      return fail(401, 'werkzeug.exceptions.Unauthorized', 'Invalid apikey', true);
    let body: Record<string, unknown>;
    try {
      body = text.trim() === '' ? {} : JSON.parse(text);
    } catch (error) {
      return fail(
        400,
        'werkzeug.exceptions.BadRequest',
        `could not parse the body as json: ${(error as Error).message}`,
        true,
      );
    }
    (entry as { body: unknown }).body = body;
    if (!this.store.models.has(model))
      return fail(404, 'werkzeug.exceptions.NotFound', `the model '${model}' does not exist`, true);
    if (method.startsWith('_')) {
      return fail(
        403,
        'odoo.exceptions.AccessError',
        `Private methods (such as '${model}.${method}') cannot be called remotely.`,
      );
    }
    const known = JSON2_KWARGS[method];
    if (!known)
      return fail(
        404,
        'werkzeug.exceptions.NotFound',
        `The method '${model}.${method}' does not exist`,
        true,
      );
    const {
      ids,
      context: _context,
      ...named
    } = body as { ids?: number[]; context?: unknown } & Record<string, unknown>;
    if (ids !== undefined && MODEL_METHODS.has(method))
      return fail(
        422,
        'werkzeug.exceptions.UnprocessableEntity',
        `cannot call ${model}.${method} with ids`,
        true,
      );
    const unexpected = Object.keys(named).find((k) => !known.includes(k));
    if (unexpected)
      return fail(
        422,
        'werkzeug.exceptions.UnprocessableEntity',
        `got an unexpected keyword argument '${unexpected}'`,
        true,
      );
    const onError = (error: OdooException) => {
      const invalidField = /^Invalid field '([^']+)'/.exec(error.message);
      // Odoo 19 answers an unknown field in values with a bare KeyError and 500 (recorded).
      if (invalidField) return fail(500, 'builtins.KeyError', invalidField[1]!);
      fail(json2Status(error.odooName), error.odooName, error.message);
    };
    const run = () => this.callAndNotify(user, model, method, ids, named, 'json2');
    try {
      if (fault) return this.applyFault(fault, res, run, onError, entry);
      sendJson(res, 200, run());
    } catch (error) {
      if (!(error instanceof OdooException)) throw error;
      onError(error);
    }
  }

  private applyFault(
    fault: Fault,
    res: ServerResponse,
    run: () => unknown,
    onError: (e: OdooException) => void,
    entry?: ReceivedRequest,
  ): void {
    if (entry) entry.status = 500;
    const serverErrorPage = '<html><body><h1>500 Internal Server Error</h1></body></html>';
    switch (fault.kind) {
      case 'access-error': {
        const model = fault.model ?? 'res.partner';
        if (entry) entry.status = 403;
        const description = this.store.models.get(model)?.description ?? model;
        onError(
          new OdooException(
            'odoo.exceptions.AccessError',
            `You are not allowed to access '${description}' (${model}) records.\n\nContact your administrator to request access if necessary.`,
          ),
        );
        break;
      }
      case 'concurrency':
        onError(
          new OdooException(
            'psycopg2.errors.SerializationFailure',
            'could not serialize access due to concurrent update',
          ),
        );
        break;
      case 'http-500':
        send(res, 500, 'text/html; charset=utf-8', serverErrorPage);
        break;
      case 'commit-then-500':
      case 'commit-then-hang':
        try {
          run();
        } catch {
          // the client never learns what happened
        }
        if (fault.kind === 'commit-then-500') send(res, 500, 'text/html; charset=utf-8', serverErrorPage);
        break;
      default:
        // 'hang': no answer until the client gives up or the stand-in closes
        break;
    }
  }

  // ---- incoming webhooks (/web/hook/<uuid>) ----

  private async webhook(path: string, uuid: string, text: string, res: ServerResponse): Promise<void> {
    const entry: ReceivedRequest = { api: 'webhook', path, body: text, status: 200 };
    this.received.push(entry);
    const action = this.hooks.get(uuid);
    const error = (status: number) => {
      entry.status = status;
      // Odoo writes these with Python's json.dumps spacing (recorded).
      send(res, status, 'application/json; charset=utf-8', '{"status": "error"}');
    };
    if (!action) return error(404);
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(text);
    } catch {
      this.webhookLogs.push('Webhook could not be triggered because the payload is not JSON');
      return error(500);
    }
    (entry as { body: unknown }).body = payload;
    this.webhookLogs.push(`Webhook triggered with payload ${JSON.stringify(payload)}`);
    const model = payload._model;
    const id = Number(payload._id);
    if (typeof model !== 'string' || !this.store.models.has(model) || !Number.isInteger(id)) {
      this.webhookLogs.push('Webhook could not be triggered because the record_getter failed');
      return error(500);
    }
    const [record] = this.store.search(model, [['id', '=', id]], { activeTest: false });
    if (!record) {
      this.webhookLogs.push('Webhook could not be triggered because no record to run it on was found.');
      return error(500);
    }
    const fault = this.takeFault('webhook', model);
    try {
      // Like Odoo, writes the action made before failing stay committed.
      action(payload, { store: this.store, record, uid: STAND_IN_ADMIN.uid });
      if (fault) return error(500);
    } catch (e) {
      this.webhookLogs.push(`Webhook failed with error: ${(e as Error).message}`);
      return error(500);
    }
    send(res, 200, 'application/json; charset=utf-8', '{"status": "ok"}');
  }

  // ---- the ORM calls both APIs share ----

  private version() {
    return {
      server_version: `${this.major}.0-stand-in`,
      server_version_info: [this.major, 0, 0, 'final', 0, ''],
      server_serie: `${this.major}.0`,
      protocol_version: 1,
    };
  }

  private checkDatabase(db: unknown): void {
    if (db !== this.database) {
      throw new OdooException(
        'psycopg2.OperationalError',
        `connection to server at "127.0.0.1", port 5432 failed: FATAL:  database "${String(db)}" does not exist\n`,
      );
    }
  }

  /** Runs a call, then fires the outgoing webhooks of the records it created or changed. */
  private callAndNotify(
    user: UserRecord,
    model: string,
    method: string,
    ids: number[] | undefined,
    kw: Record<string, unknown>,
    api: 'jsonrpc' | 'json2',
  ): unknown {
    const result = this.store.transaction(() => this.call(user, model, method, ids, kw, api));
    if (method === 'create' || method === 'write') {
      const touched =
        method === 'write'
          ? (ids ?? [])
          : (Array.isArray(result) ? result : [result]).filter((v): v is number => typeof v === 'number');
      for (const hook of this.outgoing.filter((h) => h.model === model)) {
        for (const id of touched) this.pendingOutgoing.push(this.notify(hook, id));
      }
    }
    return result;
  }

  /** Like Odoo: a JSON POST with no signature, a one-second timeout and no retry; failures are only logged. */
  private async notify(hook: OutgoingWebhook, id: number): Promise<void> {
    const body = this.webhookNotification(
      hook.model,
      id,
      hook.fields,
      hook.name ?? 'Send Webhook Notification(#1)',
    );
    try {
      const response = await fetch(hook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(1000),
      });
      await response.arrayBuffer();
      this.outgoingLog.push({ url: hook.url, model: hook.model, id, status: response.status });
    } catch (error) {
      this.outgoingLog.push({ url: hook.url, model: hook.model, id, error: (error as Error).message });
    }
  }

  /** Waits for the outgoing webhooks fired so far. */
  async flushOutgoing(): Promise<void> {
    while (this.pendingOutgoing.length > 0) await Promise.all(this.pendingOutgoing.splice(0));
  }

  private call(
    user: UserRecord,
    model: string,
    method: string,
    ids: number[] | undefined,
    kw: Record<string, unknown>,
    api: 'jsonrpc' | 'json2',
  ): unknown {
    const s = this.store;
    const def = s.model(model);
    if (method.startsWith('_')) {
      throw new OdooException(
        'odoo.exceptions.AccessError',
        `Private methods (such as ${method}) cannot be called remotely.`,
      );
    }
    const context = (kw.context ?? {}) as { active_test?: boolean };
    const searchOptions = () => ({
      ...(typeof kw.limit === 'number' ? { limit: kw.limit } : {}),
      ...(typeof kw.offset === 'number' ? { offset: kw.offset } : {}),
      ...(typeof kw.order === 'string' ? { order: kw.order } : {}),
      activeTest: context.active_test !== false,
    });
    const asList = (record: unknown) => (api === 'json2' ? [record] : record);
    switch (method) {
      case 'search_read': {
        s.checkAccess(user, model, 'read');
        return s
          .search(model, (kw.domain ?? []) as unknown[], searchOptions())
          .map((r) => s.present(model, r, (kw.fields ?? []) as string[]));
      }
      case 'search':
        s.checkAccess(user, model, 'read');
        return s.search(model, (kw.domain ?? []) as unknown[], searchOptions()).map((r) => r.id);
      case 'search_count':
        s.checkAccess(user, model, 'read');
        return s.search(model, (kw.domain ?? []) as unknown[], { activeTest: context.active_test !== false })
          .length;
      case 'read':
        s.checkAccess(user, model, 'read');
        return s.browse(model, ids ?? []).map((r) => s.present(model, r, (kw.fields ?? []) as string[]));
      case 'create': {
        s.checkAccess(user, model, 'create');
        const values = kw.vals_list;
        const list = Array.isArray(values) ? values : [values];
        const created = list.map((v) => s.create(model, v as Record<string, unknown>, user.uid));
        return Array.isArray(values) && api === 'json2'
          ? created
          : Array.isArray(values)
            ? created
            : created[0];
      }
      case 'write':
        s.checkAccess(user, model, 'write');
        s.write(model, ids ?? [], (kw.vals ?? {}) as Record<string, unknown>, user.uid);
        return true;
      case 'unlink':
        s.checkAccess(user, model, 'unlink');
        s.unlink(model, ids ?? []);
        return true;
      case 'fields_get': {
        s.checkAccess(user, model, 'read');
        const attributes = kw.attributes as string[] | undefined;
        return Object.fromEntries(
          Object.entries(def.fields).map(([name, field]) => {
            const all: Record<string, unknown> = {
              type: field.type,
              string: field.string,
              readonly: !!field.readonly,
              required: !!field.required,
            };
            if (field.relation) all.relation = field.relation;
            if (field.selection) all.selection = field.selection;
            return [
              name,
              attributes
                ? Object.fromEntries(Object.entries(all).filter(([k]) => attributes.includes(k)))
                : all,
            ];
          }),
        );
      }
      case 'context_get':
        return { lang: 'en_US', tz: 'UTC', uid: user.uid };
      case 'check_access_rights': {
        const operation = String(kw.operation ?? 'read') as 'read';
        if (kw.raise_exception === false) return s.hasAccess(user, model, operation);
        s.checkAccess(user, model, operation);
        return true;
      }
      case 'has_access':
        if (this.major < 18) break;
        return s.hasAccess(user, model, String(kw.operation ?? 'read') as 'read');
      case 'message_post': {
        if (!def.thread) break;
        const [record] = s.browse(model, ids ?? []);
        s.checkAccess(user, model, 'read');
        const text = String(kw.body ?? '');
        // A plain string body is escaped and wrapped in <p>, as the recorded wire shows.
        const body = kw.body_is_html === true ? text : `<p>${escapeHtml(text)}</p>`;
        const subtype = kw.subtype_xmlid === 'mail.mt_note' ? 2 : 1;
        const id = s.create(
          'mail.message',
          {
            model,
            res_id: record!.id,
            body,
            message_type: String(kw.message_type ?? 'notification'),
            subtype_id: subtype,
          },
          user.uid,
        );
        return asList(id);
      }
      case 'activity_schedule': {
        if (!def.thread) break;
        const [record] = s.browse(model, ids ?? []);
        s.checkAccess(user, 'mail.activity', 'create');
        const typeName = kw.act_type_xmlid === 'mail.mail_activity_data_call' ? 'Call' : 'To-Do';
        const [type] = s.search('mail.activity.type', [['name', '=', typeName]]);
        const [irModel] = s.search('ir.model', [['model', '=', model]]);
        const id = s.create(
          'mail.activity',
          {
            res_model: model,
            res_model_id: irModel!.id,
            res_id: record!.id,
            res_name: s.displayName(model, record!.id),
            activity_type_id: type!.id,
            summary: kw.summary ?? false,
            note: kw.note ?? false,
            date_deadline: kw.date_deadline ?? new Date().toISOString().slice(0, 10),
            user_id: kw.user_id ?? user.uid,
          },
          user.uid,
        );
        // JSON-RPC cannot marshal the recordset and answers its repr (recorded); JSON-2 answers ids.
        return api === 'json2' ? [id] : `mail.activity(${id},)`;
      }
      default:
        break;
    }
    if (api === 'json2')
      throw new OdooException(
        'werkzeug.exceptions.NotFound',
        `The method '${model}.${method}' does not exist`,
      );
    throw new OdooException(
      'builtins.AttributeError',
      `The method '${method}' does not exist on the model '${model}'`,
    );
  }
}

/** JSON-RPC positional arguments to the named ones both APIs share. */
function positionalToNamed(
  method: string,
  positional: unknown[],
  kwargs: Record<string, unknown>,
): { ids: number[] | undefined; named: Record<string, unknown> } {
  const names: Record<string, string[]> = {
    search_read: ['domain', 'fields', 'offset', 'limit', 'order'],
    search: ['domain', 'offset', 'limit', 'order'],
    search_count: ['domain'],
    create: ['vals_list'],
    fields_get: ['allfields', 'attributes'],
    check_access_rights: ['operation', 'raise_exception'],
    has_access: ['operation'],
    context_get: [],
  };
  let ids: number[] | undefined;
  let rest = positional;
  if (!MODEL_METHODS.has(method)) {
    const first = positional[0];
    ids = Array.isArray(first) ? (first as number[]) : typeof first === 'number' ? [first] : [];
    rest = positional.slice(1);
  }
  const order = names[method] ?? (method === 'read' ? ['fields'] : method === 'write' ? ['vals'] : []);
  const named: Record<string, unknown> = { ...kwargs };
  rest.forEach((value, i) => {
    const name = order[i];
    if (name) named[name] = value;
  });
  return { ids, named };
}

function json2Status(name: string): number {
  switch (name) {
    case 'odoo.exceptions.AccessError':
      return 403;
    case 'odoo.exceptions.MissingError':
    case 'werkzeug.exceptions.NotFound':
      return 404;
    case 'odoo.exceptions.ValidationError':
    case 'odoo.exceptions.UserError':
    case 'builtins.ValueError':
      return 422;
    case 'odoo.exceptions.AccessDenied':
      return 401;
    default:
      return 500;
  }
}

/**
 * The automation Tessera's setup guide asks retailers to create ("On webhook", Execute Code), expressed
 * over the stand-in's store: apply tags, a note and an activity from the payload, each once per
 * `tessera_key`, because Odoo's 500 can follow a partial commit and Tessera repeats the post.
 */
export function tesseraAutomation(
  payload: Record<string, unknown>,
  { store, record, uid }: WebhookContext,
): void {
  const key = String(payload.tessera_key ?? '');
  if (!key) throw new Error('tessera_key missing');
  // Tessera applied the standard actions through the API already (mode `both`).
  if (payload.applied_by_api === true) return;
  const marker = `[tessera:${key}]`;
  const model = String(payload._model);
  for (const label of (payload.tags as string[] | undefined) ?? []) {
    const [tag] = store.search('res.partner.category', [['name', '=', label]]);
    const tagId = tag?.id ?? store.create('res.partner.category', { name: label }, uid);
    store.write(model, [record.id], { category_id: [[4, tagId]] }, uid);
  }
  if (typeof payload.note === 'string') {
    const exists = store.search('mail.message', [
      ['model', '=', model],
      ['res_id', '=', record.id],
      ['body', 'ilike', marker],
    ]);
    if (exists.length === 0) {
      store.create(
        'mail.message',
        {
          model,
          res_id: record.id,
          body: `<p>${escapeHtml(payload.note)} ${marker}</p>`,
          message_type: 'comment',
          subtype_id: 2,
        },
        uid,
      );
    }
  }
  for (const label of (payload.remove_tags as string[] | undefined) ?? []) {
    const [tag] = store.search('res.partner.category', [['name', '=', label]]);
    if (tag) store.write(model, [record.id], { category_id: [[3, tag.id]] }, uid);
  }
  if (typeof payload.points === 'number' && store.models.has('loyalty.card')) {
    const pointsMarker = `${marker}:points`;
    const done = store.search('mail.message', [
      ['model', '=', model],
      ['res_id', '=', record.id],
      ['body', 'ilike', pointsMarker],
    ]);
    if (done.length === 0) {
      const [program] = store.search('loyalty.program', [['program_type', '=', 'loyalty']]);
      if (!program) throw new Error('no loyalty programme');
      const [card] = store.search('loyalty.card', [
        ['partner_id', '=', record.id],
        ['program_id', '=', program.id],
      ]);
      const cardId =
        card?.id ??
        store.create('loyalty.card', { partner_id: record.id, program_id: program.id, points: 0 }, uid);
      const balance = Number(card?.points ?? 0) + payload.points;
      store.write('loyalty.card', [cardId], { points: balance }, uid);
      store.create(
        'mail.message',
        {
          model,
          res_id: record.id,
          body: `<p>Loyalty points ${payload.points} ${pointsMarker}</p>`,
          message_type: 'comment',
          subtype_id: 2,
        },
        uid,
      );
    }
  }
  const activity = payload.activity as { summary?: string; deadline?: string; note?: string } | undefined;
  if (activity) {
    const exists = store.search(
      'mail.activity',
      [
        ['res_model', '=', model],
        ['res_id', '=', record.id],
        ['note', 'ilike', marker],
      ],
      { activeTest: false },
    );
    if (exists.length === 0) {
      const [type] = store.search('mail.activity.type', [['name', '=', 'To-Do']]);
      const [irModel] = store.search('ir.model', [['model', '=', model]]);
      store.create(
        'mail.activity',
        {
          res_model: model,
          res_model_id: irModel!.id,
          res_id: record.id,
          activity_type_id: type!.id,
          summary: activity.summary ?? 'Tessera follow-up',
          note: `${activity.note ?? ''} ${marker}`,
          date_deadline: activity.deadline ?? new Date().toISOString().slice(0, 10),
          user_id: uid,
        },
        uid,
      );
    }
  }
}

const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType });
  res.end(body);
}

const sendJson = (res: ServerResponse, status: number, body: unknown): void =>
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
