/**
 * Where fitted Fellegi-Sunter parameters (from `tessera identity train`) wait for the identity consumers,
 * and how a consumer picks them up at cold start: the stored model when there is one, the shipped defaults
 * otherwise. A stored model that does not validate fails the cold start, so no event is matched with it.
 */
import { DEFAULT_MODEL, type ModelParameters } from './model.js';

export interface StoredIdentityModel {
  readonly model: ModelParameters;
  /** ISO time the model was stored. */
  readonly storedAt: string;
  /** How many records it was fitted on (for the operator; not used in matching). */
  readonly records?: number;
}

export interface IdentityModelStore {
  /** The model in use, validated; undefined when none was ever stored. Throws when the stored one is corrupt. */
  latest(): Promise<StoredIdentityModel | undefined>;
  /** Validates, keeps the model in the history and makes it the one consumers load from their next cold start. */
  save(model: StoredIdentityModel): Promise<void>;
}

export interface LoadedIdentityModel {
  readonly model: ModelParameters;
  readonly origin: 'stored' | 'default';
  readonly storedAt?: string;
}

export async function loadIdentityModel(store: IdentityModelStore): Promise<LoadedIdentityModel> {
  const stored = await store.latest();
  return stored === undefined
    ? { model: DEFAULT_MODEL, origin: 'default' }
    : { model: stored.model, origin: 'stored', storedAt: stored.storedAt };
}
