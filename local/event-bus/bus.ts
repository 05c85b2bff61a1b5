import { randomUUID } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { PutEventsCommand, PutEventsResponse, PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import {
  MAX_EVENT_BYTES,
  serialisedEntrySize,
  type TesseraEvent,
} from '../../lambdas/core/contracts/envelope.js';
import type { DetailType } from '../../lambdas/core/contracts/names.js';
import type { Route } from '../../lib/shared/routing.js';
import { type CompiledPattern, compileEventPattern } from './pattern/index.js';

/** A consumer as the bus sees it: throws to ask for a retry, like a Lambda target. */
export type EventTarget = (event: TesseraEvent) => Promise<void>;

export interface DeadLetter {
  readonly route: string;
  readonly event: TesseraEvent;
  readonly error: string;
  readonly attempts: number;
  readonly deadLetteredAt: string;
}

export interface LocalBusOptions {
  /** Base of the exponential retry backoff; EventBridge starts near a second, tests want milliseconds. */
  readonly retryBaseDelayMs: number;
  /** Deliveries in flight per route: with more than one, events overtake each other, as in the cloud. */
  readonly concurrency: number;
  /** Share of deliveries made twice, to exercise idempotency the way at-least-once delivery will. */
  readonly duplicateDeliveryRate: number;
  /** JSONL files that survive a restart; omit for a purely in-memory bus. */
  readonly archiveFile?: string;
  readonly deadLetterFile?: string;
  readonly random?: () => number;
  readonly now?: () => Date;
}

export interface RouteStats {
  matched: number;
  delivered: number;
  retried: number;
  deadLettered: number;
  duplicatesInjected: number;
}

interface Subscription {
  readonly route: Route;
  readonly pattern: CompiledPattern;
  readonly target: EventTarget;
  readonly queue: Delivery[];
  active: number;
  readonly stats: RouteStats;
}

interface Delivery {
  readonly event: TesseraEvent;
  readonly firstAttemptAt: number;
  attempts: number;
}

/**
 * The local stand-in for an EventBridge custom bus: the same routing table, the full pattern language,
 * at-least-once delivery with retries and a maximum event age per target, dead letters and an archive.
 * It answers PutEvents like EventBridge does, so the production publisher adapter runs unchanged.
 */
export class LocalEventBus {
  private readonly subscriptions: Subscription[] = [];
  private readonly deadLetters: DeadLetter[] = [];
  private readonly options: Required<Omit<LocalBusOptions, 'archiveFile' | 'deadLetterFile'>> &
    Pick<LocalBusOptions, 'archiveFile' | 'deadLetterFile'>;
  private pendingTimers = 0;
  private idleWaiters: (() => void)[] = [];
  private writes: Promise<void> = Promise.resolve();
  published = 0;
  /** Events put on the bus per event source: what each part of the system costs in bus traffic. */
  readonly publishedBySource = new Map<string, number>();

  constructor(
    readonly name: string,
    options: Partial<LocalBusOptions> = {},
  ) {
    this.options = {
      retryBaseDelayMs: options.retryBaseDelayMs ?? 200,
      concurrency: options.concurrency ?? 4,
      duplicateDeliveryRate: options.duplicateDeliveryRate ?? 0,
      random: options.random ?? Math.random,
      now: options.now ?? (() => new Date()),
      ...(options.archiveFile ? { archiveFile: options.archiveFile } : {}),
      ...(options.deadLetterFile ? { deadLetterFile: options.deadLetterFile } : {}),
    };
  }

  subscribe(route: Route, target: EventTarget): void {
    this.subscriptions.push({
      route,
      pattern: compileEventPattern(route.pattern),
      target,
      queue: [],
      active: 0,
      stats: { matched: 0, delivered: 0, retried: 0, deadLettered: 0, duplicatesInjected: 0 },
    });
  }

  /** The PutEvents API: entries are accepted or failed one by one, never the whole request. */
  async send(command: PutEventsCommand): Promise<PutEventsResponse> {
    const entries = command.input.Entries ?? [];
    if (entries.length > 10) throw new Error('PutEvents accepts at most 10 entries per request');
    const results: PutEventsResultEntry[] = [];
    for (const entry of entries) {
      const checked = this.checkEntry(entry);
      if ('failure' in checked) {
        results.push(checked.failure);
        continue;
      }
      const event: TesseraEvent = {
        version: '0',
        id: randomUUID(),
        'detail-type': entry.DetailType as DetailType,
        source: entry.Source as string,
        account: '000000000000',
        time: (entry.Time ?? this.options.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region: 'local',
        resources: entry.Resources ?? [],
        detail: checked.detail,
      };
      this.accept(event);
      results.push({ EventId: event.id });
    }
    const failed = results.filter((r) => r.ErrorCode).length;
    return { FailedEntryCount: failed, Entries: results, $metadata: {} } as PutEventsResponse;
  }

  /** Resolves once every delivery, retry and the deliveries they caused have finished. */
  async drain(): Promise<void> {
    while (!this.isIdle()) {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
    await this.writes;
  }

  stats(): Record<string, RouteStats> {
    return Object.fromEntries(this.subscriptions.map((s) => [s.route.name, { ...s.stats }]));
  }

  deadLettered(): readonly DeadLetter[] {
    return this.deadLetters;
  }

  /** Validates an entry as PutEvents does, returning its parsed detail or the per-entry failure. */
  private checkEntry(
    entry: NonNullable<PutEventsCommand['input']['Entries']>[number],
  ): { failure: PutEventsResultEntry } | { detail: Record<string, unknown> } {
    const invalid = (message: string) => ({
      failure: { ErrorCode: 'MalformedDetail', ErrorMessage: message },
    });
    if (!entry.Source) return invalid('Source is required');
    if (!entry.DetailType) return invalid('DetailType is required');
    if (!entry.Detail) return invalid('Detail is required');
    if (entry.EventBusName && entry.EventBusName !== this.name) {
      return {
        failure: {
          ErrorCode: 'ResourceNotFoundException',
          ErrorMessage: `Event bus ${entry.EventBusName} does not exist.`,
        },
      };
    }
    const size = serialisedEntrySize(entry);
    if (size > MAX_EVENT_BYTES)
      return invalid(`Total size of the entry is ${size} bytes; the maximum is ${MAX_EVENT_BYTES}`);
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail);
    } catch {
      return invalid('Detail is malformed.');
    }
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail))
      return invalid('Detail is not a JSON object');
    return { detail: detail as Record<string, unknown> };
  }

  private accept(event: TesseraEvent): void {
    this.published += 1;
    this.publishedBySource.set(event.source, (this.publishedBySource.get(event.source) ?? 0) + 1);
    if (this.options.archiveFile) this.append(this.options.archiveFile, event);
    for (const subscription of this.subscriptions) {
      if (!subscription.pattern.matches(event)) continue;
      subscription.stats.matched += 1;
      const firstAttemptAt = this.options.now().getTime();
      subscription.queue.push({ event, firstAttemptAt, attempts: 0 });
      if (this.options.random() < this.options.duplicateDeliveryRate) {
        subscription.stats.duplicatesInjected += 1;
        subscription.queue.push({ event, firstAttemptAt, attempts: 0 });
      }
      this.pump(subscription);
    }
  }

  private pump(subscription: Subscription): void {
    while (subscription.active < this.options.concurrency && subscription.queue.length > 0) {
      const delivery = subscription.queue.shift() as Delivery;
      subscription.active += 1;
      void this.deliver(subscription, delivery).finally(() => {
        subscription.active -= 1;
        this.pump(subscription);
        this.notifyIfIdle();
      });
    }
  }

  private async deliver(subscription: Subscription, delivery: Delivery): Promise<void> {
    delivery.attempts += 1;
    try {
      await subscription.target(delivery.event);
      subscription.stats.delivered += 1;
    } catch (error) {
      const { maximumRetryAttempts, maximumEventAgeSeconds } = subscription.route.retry;
      const ageSeconds = (this.options.now().getTime() - delivery.firstAttemptAt) / 1000;
      if (delivery.attempts > maximumRetryAttempts || ageSeconds > maximumEventAgeSeconds) {
        this.deadLetter(subscription, delivery, error);
        return;
      }
      subscription.stats.retried += 1;
      // Exponential backoff with full jitter, as EventBridge retries a failing target.
      const delay = this.options.random() * this.options.retryBaseDelayMs * 2 ** (delivery.attempts - 1);
      this.pendingTimers += 1;
      setTimeout(() => {
        this.pendingTimers -= 1;
        subscription.queue.push(delivery);
        this.pump(subscription);
        this.notifyIfIdle();
      }, delay);
    }
  }

  private deadLetter(subscription: Subscription, delivery: Delivery, error: unknown): void {
    subscription.stats.deadLettered += 1;
    const letter: DeadLetter = {
      route: subscription.route.name,
      event: delivery.event,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      attempts: delivery.attempts,
      deadLetteredAt: this.options.now().toISOString(),
    };
    this.deadLetters.push(letter);
    if (this.options.deadLetterFile) this.append(this.options.deadLetterFile, letter);
  }

  private append(file: string, record: unknown): void {
    const line = `${JSON.stringify(record)}\n`;
    this.writes = this.writes.then(async () => {
      await mkdir(dirname(file), { recursive: true });
      await appendFile(file, line);
    });
  }

  isIdle(): boolean {
    return (
      this.pendingTimers === 0 && this.subscriptions.every((s) => s.active === 0 && s.queue.length === 0)
    );
  }

  private notifyIfIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
