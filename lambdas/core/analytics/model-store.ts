/**
 * Where the fitted parameters live between the scheduled fit and per-event scoring, and the per-container
 * cache that makes scoring cost no read at all between refreshes.
 */
import type { Clock } from '../ports.js';
import type { FittedModels } from './models.js';

export interface FittedModelStore {
  /** the most recent fit, or undefined before the first one */
  latest(): Promise<FittedModels | undefined>;
  /** keeps the fit in the history and makes it the latest (unless a newer fit is already latest) */
  save(models: FittedModels): Promise<void>;
}

export interface FittedModelCacheOptions {
  /** how long loaded parameters are used before the store is read again */
  readonly maxAgeMs: number;
}

export const DEFAULT_MODEL_CACHE_OPTIONS: FittedModelCacheOptions = { maxAgeMs: 5 * 60_000 };

/**
 * Loads the latest fit once per container and again when it is older than `maxAgeMs`: at most one read per
 * refresh, none per event. Scoring is synchronous (inside the profile update), so the composition awaits
 * `refreshIfStale()` before each invocation and the hook reads `current()`.
 */
export class FittedModelCache {
  private models: FittedModels | undefined;
  private loadedAt: number | undefined;
  private inFlight: Promise<void> | undefined;
  reads = 0;

  constructor(
    private readonly store: FittedModelStore,
    private readonly clock: Clock,
    private readonly options: FittedModelCacheOptions = DEFAULT_MODEL_CACHE_OPTIONS,
  ) {
    if (!(options.maxAgeMs >= 0)) throw new Error('FittedModelCache: maxAgeMs must be zero or more');
  }

  /** the parameters loaded at the last refresh (undefined before the first fit: only aggregates update) */
  current(): FittedModels | undefined {
    return this.models;
  }

  isStale(): boolean {
    return this.loadedAt === undefined || this.clock.now().getTime() - this.loadedAt >= this.options.maxAgeMs;
  }

  /** Reads the store when stale; concurrent callers share one read. A failed read propagates. */
  async refreshIfStale(): Promise<void> {
    if (!this.isStale()) return;
    this.inFlight ??= this.refresh().finally(() => {
      this.inFlight = undefined;
    });
    await this.inFlight;
  }

  /** Reads the store now (after a fit in the same process, for instance). */
  async refresh(): Promise<void> {
    const at = this.clock.now().getTime();
    this.reads += 1;
    const latest = await this.store.latest();
    this.models = latest;
    this.loadedAt = at;
  }
}
