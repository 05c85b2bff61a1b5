import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import {
  PutEventsCommand,
  type PutEventsRequestEntry,
  type PutEventsResponse,
} from '@aws-sdk/client-eventbridge';
import { CapacityMeter } from '../lambdas/adapters/dynamodb/identity-store.js';
import type { PutEventsClient } from '../lambdas/adapters/eventbridge/event-publisher.js';
import type { TesseraEvent } from '../lambdas/core/contracts/envelope.js';
import type { ConsumerId } from '../lib/shared/routing.js';
import type { EventTarget } from './event-bus/bus.js';

/** What the runtime tells its consumer worker when it starts it. */
export interface ConsumerWorkerData {
  readonly dynamoEndpoint: string;
  readonly busName: string;
  readonly logLevel: LogLevel;
}

/** Messages from the runtime to the worker. */
export type ToWorker =
  | {
      readonly kind: 'deliver';
      readonly id: number;
      readonly consumer: ConsumerId;
      readonly event: TesseraEvent;
    }
  | {
      readonly kind: 'put-events-result';
      readonly id: number;
      readonly response?: PutEventsResponse;
      readonly error?: WireError;
    };

/** Messages from the worker to the runtime. */
export type FromWorker =
  | { readonly kind: 'ready'; readonly consumers: readonly ConsumerId[] }
  | { readonly kind: 'start-failed'; readonly error: WireError }
  | {
      readonly kind: 'delivered';
      readonly id: number;
      readonly error?: WireError;
      readonly identityCapacity: { readonly read: number; readonly write: number };
    }
  | { readonly kind: 'put-events'; readonly id: number; readonly entries: PutEventsRequestEntry[] };

export interface WireError {
  readonly name: string;
  readonly message: string;
}

export interface ConsumerWorker {
  /** One bus target per consumer the worker hosts: a delivery runs there, a thrown error comes back here. */
  readonly consumers: Partial<Record<ConsumerId, EventTarget>>;
  /** Request units the identity consumer consumed, updated as each delivery ends. */
  readonly identityCapacity: CapacityMeter;
  close(): Promise<void>;
}

/**
 * Runs the consumers of `createLocalConsumers` (the identity consumer and its DynamoDB calls, most of the
 * pipeline's work) in a worker thread, as their own Lambda would run apart from the ingest API: the ingest
 * API, the bus and the workflows keep this thread, so the two share the machine's cores with dynalite instead
 * of queueing on one event loop. The bus stays here; the worker's publisher sends its PutEvents back to it.
 */
export async function startConsumerWorker(
  data: ConsumerWorkerData,
  bus: PutEventsClient,
): Promise<ConsumerWorker> {
  const worker = new Worker(fileURLToPath(new URL('./consumer-worker-entry.mjs', import.meta.url)), {
    workerData: data,
    // The entry registers the TypeScript loader itself; inheriting the parent's flags would load it twice.
    // Profiling flags pass through, so `node --cpu-prof` shows this thread too.
    execArgv: process.execArgv.filter((arg) => arg.startsWith('--cpu-prof')),
  });
  const pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  const identityCapacity = new CapacityMeter();
  let nextId = 0;
  let exited: Error | undefined;

  // Held only while deliveries are in flight: an idle worker must not keep the process alive.
  const hold = () => {
    if (pending.size === 1) worker.ref();
  };
  const release = () => {
    if (pending.size === 0) worker.unref();
  };

  const hosted = await new Promise<readonly ConsumerId[]>((resolve, reject) => {
    const onExit = (code: number) =>
      reject(new Error(`the consumer worker exited with code ${code} before it started`));
    worker.once('error', reject);
    worker.once('exit', onExit);
    worker.once('message', (message: FromWorker) => {
      worker.off('error', reject);
      worker.off('exit', onExit);
      if (message.kind === 'ready') resolve(message.consumers);
      else if (message.kind === 'start-failed')
        reject(
          new Error(`the consumer worker did not start: ${message.error.name}: ${message.error.message}`),
        );
      else reject(new Error(`the consumer worker sent '${message.kind}' before it was ready`));
    });
  });
  worker.unref();

  worker.on('message', (message: FromWorker) => {
    if (message.kind === 'delivered') {
      identityCapacity.read = message.identityCapacity.read;
      identityCapacity.write = message.identityCapacity.write;
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      release();
      if (message.error) waiter?.reject(fromWire(message.error));
      else waiter?.resolve();
    } else if (message.kind === 'put-events') {
      bus.send(new PutEventsCommand({ Entries: message.entries })).then(
        (response) =>
          worker.postMessage({ kind: 'put-events-result', id: message.id, response } satisfies ToWorker),
        (error: unknown) =>
          worker.postMessage({
            kind: 'put-events-result',
            id: message.id,
            error: toWire(error),
          } satisfies ToWorker),
      );
    }
  });
  // A crashed worker fails what it was running (the bus retries, then dead-letters): nothing waits forever.
  const failAll = (error: Error) => {
    exited = error;
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };
  worker.on('error', (error) => failAll(new Error(`the consumer worker failed: ${error.message}`)));
  worker.on('exit', (code) => failAll(new Error(`the consumer worker exited with code ${code}`)));

  const target =
    (consumer: ConsumerId): EventTarget =>
    (event) => {
      if (exited) return Promise.reject(exited);
      const id = nextId++;
      return new Promise<void>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        hold();
        worker.postMessage({ kind: 'deliver', id, consumer, event } satisfies ToWorker);
      });
    };

  return {
    consumers: Object.fromEntries(hosted.map((consumer) => [consumer, target(consumer)])),
    identityCapacity,
    close: async () => {
      if (exited) return;
      await worker.terminate();
    },
  };
}

export function toWire(error: unknown): WireError {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Error', message: String(error) };
}

/** The consumer's error as the bus records it (`name: message`), as a Lambda invocation error reads. */
export function fromWire(wire: WireError): Error {
  const error = new Error(wire.message);
  error.name = wire.name;
  return error;
}
