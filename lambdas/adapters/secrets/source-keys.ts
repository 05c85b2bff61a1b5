import type { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { z } from 'zod';
import type { SecretReader, SourceKeyProvider } from '../../core/ingest/ports.js';
import { describeIssues } from '../../core/validation.js';

/** The secret holds `{"<source id>": "<signing key>", ...}`; keys of at least 32 characters. */
export const SourceKeysSecret = z.record(
  z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'source ids are lower-case letters, digits and dashes'),
  z.string().min(32, 'signing keys must be at least 32 characters'),
);

export function parseSourceKeys(value: unknown, where: string): Record<string, string> {
  const parsed = SourceKeysSecret.safeParse(value);
  if (!parsed.success) {
    throw new Error(`${where} is not a valid source key map: ${describeIssues(parsed.error.issues)}`);
  }
  return parsed.data;
}

/** Reads the source key map from Secrets Manager, cached for `maxAgeSeconds` so rotation takes effect quickly. */
export class SecretsManagerSourceKeys implements SourceKeyProvider {
  constructor(
    private readonly provider: SecretsProvider,
    private readonly secretId: string,
    private readonly maxAgeSeconds = 300,
  ) {}

  async keyFor(sourceId: string): Promise<string | undefined> {
    const value = await this.provider.get(this.secretId, { transform: 'json', maxAge: this.maxAgeSeconds });
    return parseSourceKeys(value, 'the source keys secret')[sourceId];
  }
}

/** A fixed map, for the local runtime (its keys live in .tessera/source-keys.json) and tests. */
export class StaticSourceKeys implements SourceKeyProvider {
  constructor(private readonly keys: Readonly<Record<string, string>>) {}

  async keyFor(sourceId: string): Promise<string | undefined> {
    return Object.hasOwn(this.keys, sourceId) ? this.keys[sourceId] : undefined;
  }
}

/** A plain string secret from Secrets Manager, cached like the source keys. */
export class SecretsManagerSecret implements SecretReader {
  constructor(
    private readonly provider: SecretsProvider,
    private readonly secretId: string,
    private readonly maxAgeSeconds = 300,
  ) {}

  async read(): Promise<string> {
    const value = await this.provider.get(this.secretId, { maxAge: this.maxAgeSeconds });
    if (typeof value !== 'string' || value.length < 16)
      throw new Error('the secret must be a string of at least 16 characters');
    return value;
  }
}
