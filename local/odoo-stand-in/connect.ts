import type { Logger } from '@aws-lambda-powertools/logger';
import { OdooAutomationWebhook } from '../../lambdas/adapters/odoo/automation-webhook.js';
import { createOdooGateway } from '../../lambdas/adapters/odoo/odoo-gateway.js';
import { OdooOperations } from '../../lambdas/core/odoo/operations.js';
import type { OdooGateway } from '../../lambdas/core/odoo/ports.js';
import { realRetryEnvironment } from '../../lambdas/core/odoo/retry.js';
import type { CustomerContactReader, OdooSyncMode } from '../../lambdas/core/odoo/sync.js';
import { systemClock } from '../../lambdas/core/ports.js';
import { createOdooSyncHandler } from '../../lambdas/odoo-sync/handler.js';
import { OdooStandIn, STAND_IN_ADMIN } from './stand-in.js';

/**
 * One place that decides where Odoo calls go: the configured Odoo when a URL is given, otherwise the
 * stand-in, labelled as such. The CLI and the local runtime both connect through it.
 */

export interface OdooCliOptions {
  /** A real Odoo; without it the command runs against the stand-in. */
  readonly odooUrl?: string;
  readonly database?: string;
  readonly login?: string;
  /** Read from the environment variable named by --api-key-env, never from the command line. */
  readonly apiKey?: string;
  readonly api?: 'auto' | 'jsonrpc' | 'json2';
  readonly standInVersion?: 17 | 18 | 19;
  readonly timeoutMs?: number;
}

export interface OdooConnection {
  readonly gateway: OdooGateway;
  /** What the output says it talked to; the stand-in says it is one. */
  readonly label: string;
  readonly standIn?: OdooStandIn;
  close(): Promise<void>;
}

/** Connects to the configured Odoo, or starts the stand-in when no URL is configured. */
export async function connectOdoo(options: OdooCliOptions): Promise<OdooConnection> {
  if (options.odooUrl) {
    if (!options.apiKey)
      throw new Error('an Odoo URL is configured but no API key: set ODOO_API_KEY (or --api-key-env)');
    const gateway = createOdooGateway({
      url: options.odooUrl,
      apiKey: options.apiKey,
      api: options.api ?? 'auto',
      timeoutMs: options.timeoutMs ?? 10_000,
      ...(options.database ? { database: options.database } : {}),
      ...(options.login ? { login: options.login } : {}),
    });
    return { gateway, label: `Odoo at ${new URL(options.odooUrl).origin}`, close: async () => {} };
  }
  const standIn = await OdooStandIn.start({ version: options.standInVersion ?? 17 });
  const gateway = createOdooGateway({
    url: standIn.url,
    database: standIn.database,
    login: STAND_IN_ADMIN.login,
    apiKey: STAND_IN_ADMIN.apiKey,
    api: options.api ?? 'auto',
    timeoutMs: options.timeoutMs ?? 10_000,
  });
  return { gateway, label: standIn.describe(), standIn, close: () => standIn.close() };
}

/**
 * The Odoo sync consumer for the local runtime: the same handler as in the cloud, writing to the
 * configured Odoo or to the stand-in (whose label the runtime should print, with `received` counts).
 */
export async function createLocalOdooSync(
  options: OdooCliOptions & { logger: Logger; contacts?: CustomerContactReader; mode?: OdooSyncMode },
) {
  const connection = await connectOdoo(options);
  const webhook =
    options.mode && options.mode !== 'api' && connection.standIn
      ? connection.standIn.registerWebhook()
      : undefined;
  const handler = createOdooSyncHandler({
    mode: webhook ? (options.mode ?? 'api') : 'api',
    operations: new OdooOperations(connection.gateway, { retryEnvironment: realRetryEnvironment }),
    ...(webhook ? { webhook: new OdooAutomationWebhook({ url: webhook.url }) } : {}),
    ...(options.contacts ? { contacts: options.contacts } : {}),
    clock: systemClock,
    retryEnvironment: realRetryEnvironment,
    logger: options.logger,
  });
  return { handler, connection };
}
