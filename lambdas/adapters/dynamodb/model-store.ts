/**
 * Fitted analytics parameters in the customers table, apart from every identity key (REC#, BLK#, CUS#, TF#,
 * REVIEW, EVT#, TOMB#):
 *
 *   pk                 sk              item
 *   ANALYTICS#MODELS   LATEST          the fit that scoring uses (one GetItem per cache refresh)
 *   ANALYTICS#MODELS   FIT#<fittedAt>  every fit, kept for audit and comparison
 *
 * Parameters are stored as one JSON string: a few KB, read whole, never queried by field.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { FittedModelStore } from '../../core/analytics/model-store.js';
import type { FittedModels } from '../../core/analytics/models.js';
import { isConditionFailure } from './conditions.js';

export const MODELS_PK = 'ANALYTICS#MODELS';
const LATEST = 'LATEST';

export class DynamoFittedModelStore implements FittedModelStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async latest(): Promise<FittedModels | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: MODELS_PK, sk: LATEST } }),
    );
    if (out.Item === undefined) return undefined;
    const models = JSON.parse(String(out.Item.models)) as FittedModels;
    if (models.version !== 1 || typeof models.bgnbd?.r !== 'number') {
      throw new Error(`${this.tableName} ${MODELS_PK}/${LATEST} does not hold fitted parameters (version 1)`);
    }
    return models;
  }

  async save(models: FittedModels): Promise<void> {
    const body = JSON.stringify(models);
    const common = { pk: MODELS_PK, fittedAt: models.fittedAt, customers: models.customers, models: body };
    await this.doc.send(
      new PutCommand({ TableName: this.tableName, Item: { ...common, sk: `FIT#${models.fittedAt}` } }),
    );
    try {
      // A slow older run finishing after a newer one must not replace it.
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...common, sk: LATEST },
          ConditionExpression: 'attribute_not_exists(pk) OR fittedAt <= :at',
          ExpressionAttributeValues: { ':at': models.fittedAt },
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
  }
}
