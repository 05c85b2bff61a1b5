import './polyfills.js';
import { parentPort, workerData } from 'node:worker_threads';
import { Logger } from '@aws-lambda-powertools/logger';
import type { PutEventsCommand, PutEventsResponse } from '@aws-sdk/client-eventbridge';
import { EventBridgePublisher } from '../lambdas/adapters/eventbridge/event-publisher.js';
import { systemClock } from '../lambdas/core/ports.js';
import type { ConsumerId } from '../lib/shared/routing.js';
import { createLocalConsumers } from './composition.js';
import type { ConsumerWorkerData, FromWorker, ToWorker } from './consumer-worker.js';
import { fromWire, toWire } from './consumer-worker.js';
import { connectLocalDynamo } from './dynamodb.js';

// The worker side of local/consumer-worker.ts: the same composition as on the runtime's thread, with its own
// DynamoDB clients (one per container, as in the cloud) and a publisher whose PutEvents go to the runtime's bus.
const port = parentPort;
if (!port) throw new Error('consumer-worker-main runs only as a worker thread of the local runtime');
const data = workerData as ConsumerWorkerData;

const waiting = new Map<number, { resolve: (r: PutEventsResponse) => void; reject: (e: Error) => void }>();
let nextId = 0;
const post = (message: FromWorker) => port.postMessage(message);

try {
  const dynamo = connectLocalDynamo(data.dynamoEndpoint);
  const bus = {
    send: (command: PutEventsCommand) =>
      new Promise<PutEventsResponse>((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, { resolve, reject });
        post({ kind: 'put-events', id, entries: command.input.Entries ?? [] });
      }),
  };
  const local = createLocalConsumers({
    dynamo: { ...dynamo, close: async () => dynamo.close() },
    publisher: new EventBridgePublisher(bus, data.busName),
    clock: systemClock,
    logger: (serviceName) => new Logger({ serviceName, logLevel: data.logLevel, environment: 'local' }),
  });
  const capacity = () => ({ read: local.identityCapacity.read, write: local.identityCapacity.write });

  port.on('message', (message: ToWorker) => {
    if (message.kind === 'put-events-result') {
      const waiter = waiting.get(message.id);
      waiting.delete(message.id);
      if (message.error) waiter?.reject(fromWire(message.error));
      else waiter?.resolve(message.response as PutEventsResponse);
      return;
    }
    const target = local.consumers[message.consumer];
    const run = target
      ? target(message.event)
      : Promise.reject(new Error(`the consumer worker has no consumer '${message.consumer}'`));
    run.then(
      () => post({ kind: 'delivered', id: message.id, identityCapacity: capacity() }),
      (error: unknown) =>
        post({ kind: 'delivered', id: message.id, error: toWire(error), identityCapacity: capacity() }),
    );
  });
  post({ kind: 'ready', consumers: Object.keys(local.consumers) as ConsumerId[] });
} catch (error) {
  post({ kind: 'start-failed', error: toWire(error) });
}
