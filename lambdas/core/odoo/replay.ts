import { isOdooError } from './errors.js';

/**
 * Re-drives failed Odoo updates: events the sync gave up on (after its retries) wait in a dead-letter
 * queue; once the cause is fixed (a rotated API key, a missing right, an app installed) an operator
 * replays them. Every sync step is idempotent, so replaying an update that partly landed is safe.
 */

export interface FailedUpdate {
  readonly messageId: string;
  /** The EventBridge event as the DLQ kept it. */
  readonly body: string;
  readonly receipt: string;
}

export interface FailedUpdateQueue {
  receive(max: number): Promise<FailedUpdate[]>;
  /** Removes a replayed update; one that fails again stays for the next replay. */
  remove(update: FailedUpdate): Promise<void>;
}

export interface ReplayOutcome {
  readonly messageId: string;
  readonly detailType?: string;
  readonly outcome: 'replayed' | 'failed' | 'skipped';
  /** Why it failed: error kind, model and operation, never event contents. */
  readonly reason?: string;
}

export async function replayFailedUpdates(
  queue: FailedUpdateQueue,
  apply: (event: { 'detail-type': string; detail: unknown } & Record<string, unknown>) => Promise<unknown>,
  options: { max: number; dryRun?: boolean },
): Promise<ReplayOutcome[]> {
  const outcomes: ReplayOutcome[] = [];
  const seen = new Set<string>();
  while (outcomes.length < options.max) {
    const batch = (await queue.receive(Math.min(10, options.max - outcomes.length))).filter(
      (u) => !seen.has(u.messageId),
    );
    if (batch.length === 0) break;
    for (const update of batch) {
      seen.add(update.messageId);
      let event: { 'detail-type': string; detail: unknown } & Record<string, unknown>;
      try {
        event = JSON.parse(update.body);
        if (typeof event?.['detail-type'] !== 'string' || event.detail === undefined)
          throw new Error('no detail-type or detail');
      } catch (error) {
        outcomes.push({
          messageId: update.messageId,
          outcome: 'skipped',
          reason: `not an EventBridge event: ${(error as Error).message}`,
        });
        continue;
      }
      const detailType = event['detail-type'];
      if (options.dryRun) {
        outcomes.push({ messageId: update.messageId, detailType, outcome: 'skipped', reason: 'dry run' });
        continue;
      }
      try {
        await apply(event);
        await queue.remove(update);
        outcomes.push({ messageId: update.messageId, detailType, outcome: 'replayed' });
      } catch (error) {
        const reason = isOdooError(error)
          ? `${error.kind} on ${error.model} ${error.operation}${error.retryable ? ' (retryable)' : ''}`
          : error instanceof Error
            ? error.message.slice(0, 300)
            : String(error);
        outcomes.push({ messageId: update.messageId, detailType, outcome: 'failed', reason });
      }
    }
  }
  return outcomes;
}
