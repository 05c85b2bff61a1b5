/** Deduplication ledger: one entry per (source, event id). Conditional writes make the claim atomic. */
export type ClaimResult = 'claimed' | 'already-published' | 'pending';

export interface EventLedger {
  /** Claims the key for publishing. `pending` means an earlier attempt did not confirm: publish again. */
  claim(key: string, receivedAt: Date): Promise<ClaimResult>;
  /** Confirms the keys this delivery claimed and published (one batched write for the whole request). */
  markPublished(keys: readonly string[], receivedAt: Date): Promise<void>;
  /** Gives the key back after a failed publish, so the sender's retry is not taken for a duplicate. */
  release(key: string): Promise<void>;
}

export interface RejectedEvent {
  readonly rejectionId: string;
  readonly sourceId: string;
  readonly receivedAt: string;
  readonly reasons: readonly string[];
  /** The event exactly as received (truncated to `MAX_KEPT_BYTES` when larger), so it can be fixed and re-driven. */
  readonly rawEvent: string;
  readonly truncated: boolean;
  readonly detailType?: string;
  readonly eventId?: string;
  readonly redrivenAt?: string;
}

export interface RejectedEventPage {
  readonly items: readonly RejectedEvent[];
  readonly nextCursor?: string;
}

export interface RejectedEventStore {
  save(rejection: RejectedEvent): Promise<void>;
  list(options: { limit: number; cursor?: string; since: Date }): Promise<RejectedEventPage>;
  get(rejectionId: string): Promise<RejectedEvent | undefined>;
  markRedriven(rejectionId: string, at: Date): Promise<void>;
}

export interface SourceKeyProvider {
  /** The signing key of a source, or undefined when the source is unknown. */
  keyFor(sourceId: string): Promise<string | undefined>;
}

/** One secret string, such as the Odoo webhook path secret; implementations cache and follow rotation. */
export interface SecretReader {
  read(): Promise<string>;
}
