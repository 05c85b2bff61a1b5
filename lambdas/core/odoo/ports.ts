/**
 * What Tessera needs from an Odoo server, whichever API the server speaks (JSON-RPC on 16-18, JSON-2 on 19+).
 * The adapters in lambdas/adapters/odoo implement it; the use cases in this folder depend only on it.
 */

export type OdooApi = 'jsonrpc' | 'json2';

/** An Odoo search domain, e.g. `[['ref', '=', 'cus_1'], ['active', 'in', [true, false]]]`. */
export type OdooDomain = readonly unknown[];

export type OdooValues = Readonly<Record<string, unknown>>;

export interface OdooRecord {
  readonly id: number;
  readonly [field: string]: unknown;
}

export interface OdooServerInfo {
  /** As Odoo states it, e.g. `17.0-20240709` or `19.0+e-20251227`. */
  readonly version: string;
  readonly major: number;
  readonly minor: number;
  /** The API this gateway speaks to that server. */
  readonly api: OdooApi;
}

export interface OdooFieldInfo {
  readonly type: string;
  readonly string?: string;
  readonly readonly?: boolean;
  readonly required?: boolean;
  readonly relation?: string;
  readonly selection?: readonly (readonly [string, string])[];
}

export interface SearchOptions {
  readonly limit?: number;
  readonly order?: string;
  readonly context?: OdooValues;
}

export interface OdooGateway {
  readonly api: OdooApi;
  serverInfo(): Promise<OdooServerInfo>;
  /** Proves the credentials; the user id where the API tells it (JSON-RPC always does). */
  authenticate(): Promise<{ readonly uid?: number }>;
  searchRead(
    model: string,
    domain: OdooDomain,
    fields: readonly string[],
    options?: SearchOptions,
  ): Promise<OdooRecord[]>;
  read(model: string, ids: readonly number[], fields: readonly string[]): Promise<OdooRecord[]>;
  /** Creates one record; NOT idempotent: callers look first (see the use cases). */
  create(model: string, values: OdooValues, context?: OdooValues): Promise<number>;
  /**
   * Writes the same values to every id; repeating it with absolute values or link commands is harmless,
   * so it is retried, except when it holds an x2many create command.
   */
  write(model: string, ids: readonly number[], values: OdooValues): Promise<void>;
  fieldsGet(model: string, attributes?: readonly string[]): Promise<Record<string, OdooFieldInfo>>;
  /** Calls a public method on records (`message_post`, `activity_schedule`); returns Odoo's answer. */
  callOnRecords(model: string, method: string, ids: readonly number[], kwargs?: OdooValues): Promise<unknown>;
  /** Calls a public model method (no records). */
  callOnModel(model: string, method: string, kwargs?: OdooValues): Promise<unknown>;
}

/** Posts to an Odoo automation rule's webhook (`/web/hook/<uuid>`). */
export interface OdooWebhookSender {
  send(payload: { readonly _model: string; readonly _id: number } & OdooValues): Promise<void>;
}

/** The Odoo `[id, name]` or bare-id form of a many2one, reduced to the id. */
export const many2oneId = (value: unknown): number | undefined => {
  if (typeof value === 'number') return value;
  if (Array.isArray(value) && typeof value[0] === 'number') return value[0];
  return undefined;
};
