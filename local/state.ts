import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSourceKeys } from '../lambdas/adapters/secrets/source-keys.js';
import { SIGNING_CHANNEL_SOURCES } from '../lambdas/core/contracts/common.js';

/** Where the local runtime keeps what must survive a restart (git-ignored). */
export interface LocalStatePaths {
  readonly root: string;
  readonly dynamodb: string;
  readonly archive: string;
  readonly deadLetters: string;
  readonly sourceKeys: string;
  readonly odooWebhookSecret: string;
  readonly approvalSigningKey: string;
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
    approvalSigningKey: join(root, 'approval-signing-key'),
    outbox: join(root, 'outbox'),
  };
}

const LOCK_FILE = 'runtime.lock';

/**
 * Empties the state folder (`--fresh`), under its lock: wiping the folder of a runtime that is still running
 * would delete its database under it. Fails with LocalStateInUseError then, and changes nothing.
 */
export async function resetLocalState(root: string): Promise<void> {
  const release = await acquireStateLock(root);
  try {
    for (const entry of await readdir(root)) {
      if (entry !== LOCK_FILE) await rm(join(root, entry), { recursive: true, force: true });
    }
  } finally {
    await release();
  }
}

/**
 * The local equivalent of the Secrets Manager secrets: random keys made on first start and kept in the
 * state folder with owner-only permissions, so a restarted runtime accepts the same senders.
 */
export interface LocalSecrets {
  readonly sourceKeys: Record<string, string>;
  readonly odooWebhookSecret: string;
  /** HMAC key of approval links: kept so the links in the outbox still open after a restart. */
  readonly approvalSigningKey: string;
}

export async function loadOrCreateSecrets(paths: LocalStatePaths): Promise<LocalSecrets> {
  await mkdir(paths.root, { recursive: true });
  if (!existsSync(paths.sourceKeys)) {
    const keys = Object.fromEntries(
      SIGNING_CHANNEL_SOURCES.map((id) => [id, randomBytes(32).toString('base64url')]),
    );
    await writeFile(paths.sourceKeys, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  }
  for (const file of [paths.odooWebhookSecret, paths.approvalSigningKey]) {
    if (!existsSync(file)) await writeFile(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  }
  const sourceKeys = parseSourceKeys(JSON.parse(await readFile(paths.sourceKeys, 'utf8')), paths.sourceKeys);
  const odooWebhookSecret = (await readFile(paths.odooWebhookSecret, 'utf8')).trim();
  const approvalSigningKey = (await readFile(paths.approvalSigningKey, 'utf8')).trim();
  return { sourceKeys, odooWebhookSecret, approvalSigningKey };
}

/** In-memory secrets for tests and `--in-memory` runs. */
export function ephemeralSecrets(): LocalSecrets {
  return {
    sourceKeys: Object.fromEntries(
      SIGNING_CHANNEL_SOURCES.map((id) => [id, randomBytes(32).toString('base64url')]),
    ),
    odooWebhookSecret: randomBytes(32).toString('base64url'),
    approvalSigningKey: randomBytes(32).toString('base64url'),
  };
}

/**
 * One process at a time may open a state folder: its DynamoDB files are a LevelDB store, which a second
 * opener crashes on. A lock file with the owner's pid says who holds it; a lock whose process is gone is stale.
 */
export async function acquireStateLock(root: string): Promise<() => Promise<void>> {
  await mkdir(root, { recursive: true });
  const lockFile = join(root, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      await writeFile(lockFile, String(process.pid), { flag: 'wx' });
      return async () => rm(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number((await readFile(lockFile, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
        throw new LocalStateInUseError(root, owner);
      }
      await rm(lockFile, { force: true });
    }
  }
  throw new Error(`could not lock ${root}`);
}

/** Another process (a running `tessera local`) holds the state folder. */
export class LocalStateInUseError extends Error {
  constructor(
    readonly root: string,
    readonly owner: number,
  ) {
    super(
      `the local state in ${root} is in use by a running \`tessera local\` (process ${owner}); stop it and retry`,
    );
    this.name = 'LocalStateInUseError';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
