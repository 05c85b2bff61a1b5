import { OdooError } from '../../core/odoo/errors.js';
import type { OdooValues, OdooWebhookSender } from '../../core/odoo/ports.js';
import { classifyOdooException } from './classify.js';
import { type FetchLike, normaliseBaseUrl, parseJsonText, postJson } from './http-transport.js';
import { DEFAULT_TIMEOUT_MS } from './odoo-gateway.js';

export interface OdooWebhookConfig {
  /** The automation rule's URL, `https://<odoo>/web/hook/<uuid>`; the uuid is its only secret. */
  readonly url: string;
  readonly timeoutMs?: number;
  readonly fetch?: FetchLike;
}

/**
 * Posts to an Odoo automation rule triggered "On webhook". Odoo finds the record from `_model` and `_id`
 * and answers 200 `{"status": "ok"}`, 404 for an unknown uuid, and 500 for any failure, possibly after
 * committing some writes: a 500 is an unknown outcome, so the automation's code must be idempotent (the
 * payload carries `tessera_key` for that) and the sender does not retry on its own.
 */
export class OdooAutomationWebhook implements OdooWebhookSender {
  private readonly url: string;
  /** The URL with the uuid masked, for errors and logs. */
  readonly label: string;
  private readonly timeoutMs: number;
  private readonly fetchFn: FetchLike;

  constructor(config: OdooWebhookConfig) {
    this.url = normaliseBaseUrl(config.url);
    const match = /\/web\/hook\/([^/?#]+)$/.exec(new URL(this.url).pathname);
    if (!match?.[1]) throw new Error('Odoo webhook URL must end with /web/hook/<uuid>');
    this.label = `/web/hook/…${match[1].slice(-4)}`;
    this.timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.fetchFn = config.fetch ?? ((input, init) => fetch(input, init));
  }

  async send(payload: { readonly _model: string; readonly _id: number } & OdooValues): Promise<void> {
    const site = { model: this.label, operation: `webhook ${payload._model}`, mayWrite: true };
    const answer = await postJson(this.url, payload, site, {
      fetch: this.fetchFn,
      timeoutMs: this.timeoutMs,
    });
    const parsed = parseJsonText(answer.text);
    const status =
      parsed.ok && parsed.value && typeof parsed.value === 'object'
        ? (parsed.value as { status?: unknown }).status
        : undefined;
    if (answer.status === 200 && status === 'ok') return;
    if (answer.status === 404) {
      throw new OdooError({
        kind: 'webhook_not_found',
        ...site,
        httpStatus: 404,
        detail:
          'Odoo does not know this webhook (wrong or rotated uuid): copy the URL from the automation rule again',
      });
    }
    if (answer.status >= 500) {
      throw new OdooError({
        kind: 'server',
        ...site,
        httpStatus: answer.status,
        outcomeUnknown: true,
        detail: `the automation failed (HTTP ${answer.status}); writes before the failure may be committed: see the rule's logs in Odoo`,
      });
    }
    throw classifyOdooException(
      { message: `HTTP ${answer.status}: ${answer.text.slice(0, 160)}` },
      answer.status === 200 ? 502 : answer.status,
      site,
    );
  }
}
