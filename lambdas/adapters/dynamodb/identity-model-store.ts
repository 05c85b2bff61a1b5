/**
 * The fitted identity model in the customers table, beside the identity graph it is used on:
 *
 *   pk               sk                  item
 *   IDENTITY#MODEL   LATEST              the model consumers load at cold start (one GetItem per container)
 *   IDENTITY#MODEL   MODEL#<storedAt>    every stored model, kept for audit and rollback
 *
 * Chosen over an S3 object or an SSM parameter because the identity functions already read this table:
 * no new grant, no new key use, and the same adapter runs on dynalite locally. The parameters are a few KB
 * (SSM standard parameters stop at 4 KB), stored as one JSON string and read whole.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { IdentityModelStore, StoredIdentityModel } from '../../core/identity/model-store.js';
import { parseModelParameters } from '../../core/identity/train.js';

export const IDENTITY_MODEL_PK = 'IDENTITY#MODEL';
const LATEST = 'LATEST';

export class DynamoIdentityModelStore implements IdentityModelStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async latest(): Promise<StoredIdentityModel | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: IDENTITY_MODEL_PK, sk: LATEST },
        ConsistentRead: true,
      }),
    );
    if (out.Item === undefined) return undefined;
    const where = `${this.tableName} ${IDENTITY_MODEL_PK}/${LATEST}`;
    let json: unknown;
    try {
      json = JSON.parse(String(out.Item.model));
    } catch (error) {
      throw new Error(`${where}: the stored identity model is not JSON (${(error as Error).message})`);
    }
    try {
      return {
        model: parseModelParameters(json),
        storedAt: String(out.Item.storedAt),
        ...(typeof out.Item.records === 'number' ? { records: out.Item.records } : {}),
      };
    } catch (error) {
      throw new Error(`${where}: ${(error as Error).message}`);
    }
  }

  async save(stored: StoredIdentityModel): Promise<void> {
    // Validated before it is written: a model no consumer could load must not become LATEST.
    const model = JSON.stringify(parseModelParameters(stored.model));
    const common = {
      pk: IDENTITY_MODEL_PK,
      storedAt: stored.storedAt,
      model,
      ...(stored.records !== undefined ? { records: stored.records } : {}),
    };
    await this.doc.send(
      new PutCommand({ TableName: this.tableName, Item: { ...common, sk: `MODEL#${stored.storedAt}` } }),
    );
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...common, sk: LATEST } }));
  }
}
