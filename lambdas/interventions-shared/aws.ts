import { Logger } from '@aws-lambda-powertools/logger';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { z } from 'zod';
import { documentClient, eventBridgeClient, secretsManagerClient, sesClient } from '../adapters/clients.js';
import { DynamoApprovalStore } from '../adapters/dynamodb/approval-store.js';
import { readEnvironment, requiredString } from '../adapters/environment.js';
import { EventBridgePublisher } from '../adapters/eventbridge/event-publisher.js';
import { SesMailSender } from '../adapters/sesv2/ses-mail-sender.js';
import {
  DEFAULT_INTERVENTION_CONFIG,
  type InterventionConfig,
  interventionConfig,
} from '../core/interventions/config.js';

/**
 * What every interventions function composes on AWS, read once per container. The playbooks and policy
 * come as JSON in INTERVENTION_CONFIG (validated at cold start, defaults when absent); the approval link
 * signing key from Secrets Manager.
 */
export const interventionsEnvironment = () =>
  readEnvironment({
    INTERVENTIONS_TABLE_NAME: requiredString,
    EVENT_BUS_NAME: requiredString,
    INTERVENTION_CONFIG: z.string().optional(),
  });

export function readInterventionConfig(json: string | undefined): InterventionConfig {
  if (!json) return interventionConfig(DEFAULT_INTERVENTION_CONFIG);
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error('invalid function configuration: INTERVENTION_CONFIG is not valid JSON');
  }
  return interventionConfig(parsed);
}

export const approvalStore = (tableName: string) => new DynamoApprovalStore(documentClient(), tableName);
export const busPublisher = (busName: string) => new EventBridgePublisher(eventBridgeClient(), busName);
export const logger = (serviceName: string) => new Logger({ serviceName });

// Powertools caches values per provider instance, so one provider per container keeps the cache across invocations.
let secrets: SecretsProvider | undefined;

/** The HMAC key of approval links and CSRF tokens, cached by Powertools between invocations. */
export async function signingKey(secretArn: string): Promise<string> {
  secrets ??= new SecretsProvider({ awsSdkV3Client: secretsManagerClient() });
  const value = await secrets.get(secretArn, { maxAge: 300 });
  if (typeof value !== 'string' || value.length < 32)
    throw new Error('the approval signing secret must be a string of at least 32 characters');
  return value;
}

/**
 * What the two functions that send approval mail share: SES from the configured identity, and the key
 * that signs the links in it (read once per container, the key through the Powertools cache).
 */
export function approvalMail() {
  const env = readEnvironment({
    APPROVAL_SIGNING_SECRET_ARN: requiredString,
    SES_FROM_ADDRESS: requiredString,
  });
  return {
    mail: new SesMailSender(sesClient(), env.SES_FROM_ADDRESS),
    signingKey: () => signingKey(env.APPROVAL_SIGNING_SECRET_ARN),
  };
}
