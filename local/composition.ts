import type { Logger } from '@aws-lambda-powertools/logger';
import type { Clock, EventPublisher } from '../lambdas/core/ports.js';
import type { ConsumerId } from '../lib/shared/routing.js';
import type { LocalDynamo } from './dynamodb.js';
import type { EventTarget } from './event-bus/bus.js';
import { localLambdaContext } from './lambda-context.js';

export interface LocalContext {
  readonly dynamo: LocalDynamo;
  readonly publisher: EventPublisher;
  readonly clock: Clock;
  readonly logger: (serviceName: string) => Logger;
}

type EventHandler = (event: never, context: ReturnType<typeof localLambdaContext>) => Promise<unknown>;

/** Wraps a Lambda handler as a bus target: a thrown error is a failed invocation, which the bus retries. */
export function lambdaTarget(functionName: string, handler: EventHandler): EventTarget {
  return async (event) => {
    await handler(event as never, localLambdaContext(functionName));
  };
}

/** Every consumer of the routing table, built from local adapters: the one place where they are chosen. */
export function createLocalConsumers(_ctx: LocalContext): Partial<Record<ConsumerId, EventTarget>> {
  return {
    identity: async () => undefined,
  };
}
