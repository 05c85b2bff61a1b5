import { Logger } from '@aws-lambda-powertools/logger';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { z } from 'zod';
import { secretsManagerClient } from '../adapters/clients.js';
import { readEnvironment, requiredString } from '../adapters/environment.js';
import { OdooAutomationWebhook } from '../adapters/odoo/automation-webhook.js';
import { createOdooGateway } from '../adapters/odoo/odoo-gateway.js';
import { OdooOperations } from '../core/odoo/operations.js';
import { realRetryEnvironment } from '../core/odoo/retry.js';
import { systemClock } from '../core/ports.js';
import { createOdooSyncHandler } from './handler.js';

const env = readEnvironment({
  ODOO_SYNC_MODE: z.enum(['api', 'webhook', 'both']).default('api'),
  ODOO_URL: requiredString,
  ODOO_DATABASE: z.string().optional(),
  ODOO_LOGIN: z.string().optional(),
  ODOO_API: z.enum(['auto', 'jsonrpc', 'json2']).default('auto'),
  /** Secret holding the API key (a plain string). */
  ODOO_API_KEY_SECRET_ARN: z.string().optional(),
  /** Secret holding the automation webhook URL: its uuid is the only credential. */
  ODOO_WEBHOOK_URL_SECRET_ARN: z.string().optional(),
  ODOO_LOYALTY_PROGRAM_ID: z.coerce.number().int().positive().optional(),
  ODOO_DEFAULT_USER_ID: z.coerce.number().int().positive().optional(),
  ODOO_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
});
if (env.ODOO_SYNC_MODE !== 'webhook' && !env.ODOO_API_KEY_SECRET_ARN) {
  throw new Error(
    `invalid function configuration: ODOO_API_KEY_SECRET_ARN: required in mode ${env.ODOO_SYNC_MODE}`,
  );
}
if (env.ODOO_SYNC_MODE !== 'api' && !env.ODOO_WEBHOOK_URL_SECRET_ARN) {
  throw new Error(
    `invalid function configuration: ODOO_WEBHOOK_URL_SECRET_ARN: required in mode ${env.ODOO_SYNC_MODE}`,
  );
}

const secrets = new SecretsProvider({ awsSdkV3Client: secretsManagerClient() });
const logger = new Logger({ serviceName: 'tessera-odoo-sync' });

async function readSecret(arn: string, what: string): Promise<string> {
  const value = await secrets.get(arn);
  if (typeof value !== 'string' || value.trim() === '') throw new Error(`the ${what} secret is empty`);
  return value.trim();
}

/** Composed once per container, on the first event (the secrets are read then). */
async function compose() {
  const apiKey = env.ODOO_API_KEY_SECRET_ARN
    ? await readSecret(env.ODOO_API_KEY_SECRET_ARN, 'Odoo API key')
    : undefined;
  const webhookUrl = env.ODOO_WEBHOOK_URL_SECRET_ARN
    ? await readSecret(env.ODOO_WEBHOOK_URL_SECRET_ARN, 'Odoo webhook URL')
    : undefined;
  const gateway = apiKey
    ? createOdooGateway({
        url: env.ODOO_URL,
        apiKey,
        api: env.ODOO_API,
        timeoutMs: env.ODOO_TIMEOUT_MS,
        ...(env.ODOO_DATABASE ? { database: env.ODOO_DATABASE } : {}),
        ...(env.ODOO_LOGIN ? { login: env.ODOO_LOGIN } : {}),
      })
    : undefined;
  return createOdooSyncHandler({
    mode: env.ODOO_SYNC_MODE,
    ...(gateway
      ? {
          operations: new OdooOperations(gateway, {
            retryEnvironment: realRetryEnvironment,
            ...(env.ODOO_LOYALTY_PROGRAM_ID ? { loyaltyProgramId: env.ODOO_LOYALTY_PROGRAM_ID } : {}),
            ...(env.ODOO_DEFAULT_USER_ID ? { defaultUserId: env.ODOO_DEFAULT_USER_ID } : {}),
          }),
        }
      : {}),
    ...(webhookUrl
      ? { webhook: new OdooAutomationWebhook({ url: webhookUrl, timeoutMs: env.ODOO_TIMEOUT_MS }) }
      : {}),
    clock: systemClock,
    retryEnvironment: realRetryEnvironment,
    logger,
  });
}

let composed: ReturnType<typeof compose> | undefined;

export const handler = async (event: EventBridgeEvent<string, unknown>, context: Context) => {
  composed ??= compose().catch((error: unknown) => {
    composed = undefined;
    throw error;
  });
  return (await composed)(event, context);
};
