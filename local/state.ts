import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSourceKeys } from '../lambdas/adapters/secrets/source-keys.js';

/** Source ids the demo retailer's channel systems sign as. */
export const DEMO_SOURCE_IDS = [
  'pos',
  'ecommerce',
  'marketplace',
  'loyalty',
  'crm',
  'service',
  'campaigns',
  'odoo',
] as const;

/** Where the local runtime keeps what must survive a restart (git-ignored). */
export interface LocalStatePaths {
  readonly root: string;
  readonly dynamodb: string;
  readonly archive: string;
  readonly deadLetters: string;
  readonly sourceKeys: string;
  readonly odooWebhookSecret: string;
  readonly outbox: string;
}

export function localStatePaths(root: string): LocalStatePaths {
  return {
    root,
    dynamodb: join(root, 'dynamodb'),
    archive: join(root, 'bus', 'archive.jsonl'),
    deadLetters: join(root, 'bus', 'dead-letters.jsonl'),
    sourceKeys: join(root, 'source-keys.json'),
    odooWebhookSecret: join(root, 'odoo-webhook-secret'),
    outbox: join(root, 'outbox'),
  };
}

export async function resetLocalState(root: string): Promise<void> {
  await rm(root, { recursive: true, force: true });
}

/**
 * The local equivalent of the Secrets Manager secrets: random keys made on first start and kept in the
 * state folder with owner-only permissions, so a restarted runtime accepts the same senders.
 */
export async function loadOrCreateSecrets(paths: LocalStatePaths): Promise<{
  sourceKeys: Record<string, string>;
  odooWebhookSecret: string;
}> {
  await mkdir(paths.root, { recursive: true });
  if (!existsSync(paths.sourceKeys)) {
    const keys = Object.fromEntries(DEMO_SOURCE_IDS.map((id) => [id, randomBytes(32).toString('base64url')]));
    await writeFile(paths.sourceKeys, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  }
  if (!existsSync(paths.odooWebhookSecret)) {
    await writeFile(paths.odooWebhookSecret, randomBytes(24).toString('base64url'), { mode: 0o600 });
  }
  const sourceKeys = parseSourceKeys(JSON.parse(await readFile(paths.sourceKeys, 'utf8')), paths.sourceKeys);
  const odooWebhookSecret = (await readFile(paths.odooWebhookSecret, 'utf8')).trim();
  return { sourceKeys, odooWebhookSecret };
}

/** In-memory secrets for tests and `--in-memory` runs. */
export function ephemeralSecrets(): { sourceKeys: Record<string, string>; odooWebhookSecret: string } {
  return {
    sourceKeys: Object.fromEntries(DEMO_SOURCE_IDS.map((id) => [id, randomBytes(32).toString('base64url')])),
    odooWebhookSecret: randomBytes(24).toString('base64url'),
  };
}
