import type { Logger } from '@aws-lambda-powertools/logger';
import { DynamoIdentityStore } from '../lambdas/adapters/dynamodb/identity-store.js';
import { identityConfig } from '../lambdas/core/identity/config.js';
import type { Clock, EventPublisher } from '../lambdas/core/ports.js';
import { createIdentityHandler } from '../lambdas/identity/handler.js';
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

/**
 * Every consumer of the routing table, built from local adapters: the one place where they are chosen,
 * mirroring the AWS composition roots in `lambdas/<function>/index.ts`.
 */
export function createLocalConsumers(ctx: LocalContext): Partial<Record<ConsumerId, EventTarget>> {
  const identityStore = new DynamoIdentityStore(ctx.dynamo.doc, ctx.dynamo.tables.customers);
  const identity = createIdentityHandler({
    identity: identityStore,
    profiles: identityStore,
    publisher: ctx.publisher,
    config: identityConfig({ defaultRegion: 'GB' }),
    clock: ctx.clock,
    logger: ctx.logger('tessera-identity'),
  });
  return {
    identity: lambdaTarget('tessera-identity', identity as EventHandler),
  };
}
