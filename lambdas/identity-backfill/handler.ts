import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { CHANNEL_SOURCE_PREFIX, channelSource } from '../core/contracts/names.js';
import { CONTRACTS, describeIssues, isKnownDetailType, validateDetail } from '../core/contracts/registry.js';
import type { IdentityHandlerResult } from '../identity/handler.js';

/**
 * One line of a backfill file, as the Distributed Map's ItemSelector hands it over: its position in the
 * file (0-based, `$$.Map.Item.Index`) and the parsed JSON of the line (`$$.Map.Item.Value`).
 */
export interface BackfillItem {
  readonly index: number;
  readonly event: unknown;
}

/** What ItemBatcher sends to one invocation: a batch of lines and the execution's BatchInput. */
export interface BackfillBatch {
  readonly Items: readonly BackfillItem[];
  readonly BatchInput?: {
    /** The sender lines without an envelope `source` are attributed to (`tessera.channel.<source>`). */
    readonly source?: string;
    /** The S3 key of the file, for the verdicts and for event ids of lines without one. */
    readonly key?: string;
  };
}

export type BackfillVerdict =
  | {
      readonly index: number;
      readonly status: 'resolved';
      readonly outcome: string;
      readonly customerId: string;
      readonly mergedIds?: readonly string[];
    }
  | { readonly index: number; readonly status: 'duplicate' }
  /** The resolver's own verdict (e.g. no usable identifier with noIdentifier=reject): processed, not an error. */
  | { readonly index: number; readonly status: 'rejected'; readonly reason: string }
  /** The line is not a channel event that keeps its contract: not resolved, listed as a failure. */
  | { readonly index: number; readonly status: 'invalid'; readonly reason: string };

export interface BackfillFailure {
  /** 1-based line of the file (the item index plus one). */
  readonly line: number;
  readonly reason: string;
}

export interface BackfillBatchResult {
  readonly key: string;
  readonly items: number;
  readonly counts: Readonly<Record<string, number>>;
  readonly verdicts: readonly BackfillVerdict[];
  /** Number of invalid lines; the state machine fails the batch when it is not zero, so ResultWriter lists it. */
  readonly failed: number;
  readonly failures: readonly BackfillFailure[];
}

type IdentityConsumer = (
  event: EventBridgeEvent<string, unknown>,
  context: Context,
) => Promise<IdentityHandlerResult>;

export interface IdentityBackfillDependencies {
  /** The live identity consumer (`createIdentityHandler`), composed with the same adapters as on the bus. */
  readonly identity: IdentityConsumer;
  readonly logger: Logger;
}

const DEFAULT_SENDER = 'backfill';
/** Reasons are cut so that a batch's failure list fits the 32,768-character cause of a failed execution. */
const MAX_REASON = 200;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Turns a backfill line into the EventBridge event the live consumer receives: either an EventBridge
 * envelope (`detail-type`, `source`, `detail`, `id`) as exported from the bus archive, or the channel-client
 * line form `{"detailType", "detail"}`. Checks the contract here, with the same registry the consumer uses,
 * so a bad line becomes a verdict while a failure of the store still fails (and retries) the batch.
 */
export function backfillEvent(
  item: BackfillItem,
  batchInput: BackfillBatch['BatchInput'],
): { ok: true; event: EventBridgeEvent<string, unknown> } | { ok: false; reason: string } {
  const raw = item.event;
  if (!isObject(raw)) return { ok: false, reason: 'the line is not a JSON object' };
  const detailType = raw['detail-type'] ?? raw.detailType;
  if (typeof detailType !== 'string') return { ok: false, reason: 'no detail-type (or detailType) field' };
  if (!isKnownDetailType(detailType) || CONTRACTS[detailType].kind !== 'channel') {
    return {
      ok: false,
      reason: `identity backfill takes channel events; got detail-type ${JSON.stringify(detailType.slice(0, 100))}`,
    };
  }
  const source = raw.source ?? channelSource(batchInput?.source ?? DEFAULT_SENDER);
  if (typeof source !== 'string' || !source.startsWith(CHANNEL_SOURCE_PREFIX)) {
    return {
      ok: false,
      reason: `source must be ${CHANNEL_SOURCE_PREFIX}<sender>; got ${JSON.stringify(String(source).slice(0, 100))}`,
    };
  }
  const checked = validateDetail(detailType, raw.detail);
  if (!checked.ok)
    return { ok: false, reason: `${detailType} breaks its contract: ${describeIssues(checked.issues)}` };
  const detail = checked.detail as { eventId: string; occurredAt: string };
  return {
    ok: true,
    event: {
      version: '0',
      id: typeof raw.id === 'string' ? raw.id : `backfill-${batchInput?.key ?? 'file'}-${item.index}`,
      'detail-type': detailType,
      source,
      account: typeof raw.account === 'string' ? raw.account : '000000000000',
      time: typeof raw.time === 'string' ? raw.time : detail.occurredAt,
      region: typeof raw.region === 'string' ? raw.region : 'backfill',
      resources: [],
      detail: raw.detail,
    },
  };
}

/**
 * The item processor of the identity backfill state machine (stepfunctions/identity-backfill.asl.json):
 * resolves a batch of history lines, one at a time, through the live identity consumer, and returns a
 * verdict per line. A line that is not a valid channel event is reported (line and reason), never
 * skipped silently; any other error propagates so that Step Functions retries the whole batch, which is
 * safe because the consumer is idempotent (a line already resolved comes back as `duplicate`).
 */
export function createIdentityBackfillHandler(deps: IdentityBackfillDependencies) {
  return async (batch: BackfillBatch, context: Context): Promise<BackfillBatchResult> => {
    if (!isObject(batch) || !Array.isArray(batch.Items)) {
      throw new Error(
        'identity backfill expects an ItemBatcher batch: {"Items": [{"index", "event"}], "BatchInput"}',
      );
    }
    const verdicts: BackfillVerdict[] = [];
    const failures: BackfillFailure[] = [];
    const counts: Record<string, number> = {};
    for (const item of batch.Items) {
      const index = Number.isInteger(item?.index) ? item.index : -1;
      const parsed = backfillEvent(item, batch.BatchInput);
      let verdict: BackfillVerdict;
      if (!parsed.ok) {
        const reason = parsed.reason.slice(0, MAX_REASON);
        verdict = { index, status: 'invalid', reason };
        failures.push({ line: index + 1, reason });
      } else {
        // Sequential on purpose: the map's MaxConcurrency is then the number of resolvers writing at once.
        const result = await deps.identity(parsed.event, context);
        verdict =
          result.status === 'resolved'
            ? {
                index,
                status: 'resolved',
                outcome: result.outcome,
                customerId: result.customerId,
                ...(result.mergedIds.length > 0 ? { mergedIds: result.mergedIds } : {}),
              }
            : result.status === 'rejected'
              ? { index, status: 'rejected', reason: result.reason }
              : { index, status: 'duplicate' };
      }
      const key = verdict.status === 'resolved' ? verdict.outcome : verdict.status;
      counts[key] = (counts[key] ?? 0) + 1;
      verdicts.push(verdict);
    }
    const key = batch.BatchInput?.key ?? 'unknown';
    if (failures.length > 0) {
      // Line numbers and reasons only: reasons name fields, never their values (no PII in logs).
      deps.logger.warn('backfill lines not resolved', { key, lines: failures.map((f) => f.line) });
    }
    deps.logger.info('backfill batch resolved', { key, items: batch.Items.length, counts });
    return { key, items: batch.Items.length, counts, verdicts, failed: failures.length, failures };
  };
}
