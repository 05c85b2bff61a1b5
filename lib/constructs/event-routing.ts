import { Annotations, Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { EventPattern } from '../shared/event-pattern.js';
import type { ConsumerId, Route } from '../shared/routing.js';
import { DeadLetterQueue } from './dead-letter-queue.js';
import type { TesseraFunction } from './tessera-function.js';

/** What a route hands its consumer: the route's DLQ and retry policy, which every target must apply. */
export interface ConsumerTargetOptions {
  readonly deadLetterQueue: sqs.IQueue;
  readonly retryAttempts: number;
  readonly maxEventAge: Duration;
}

/** How a consumer of the routing table is reached in the cloud. */
export type ConsumerTarget =
  | {
      readonly kind: 'deployed';
      /**
       * A queue of the consumer's own that also receives what EventBridge could not deliver, so everything
       * that failed for this consumer waits in one place (the Odoo sync's replay reads it). Default: one
       * queue per route.
       */
      readonly deadLetterQueue?: sqs.IQueue;
      target(options: ConsumerTargetOptions): events.IRuleTarget;
    }
  | { readonly kind: 'not-deployed'; readonly reason: string };

/**
 * One target per consumer of the routing table. A `Record` over `ConsumerId`, so adding a consumer to
 * `lib/shared/routing.ts` without giving it a target here is a compile error, not a missing rule.
 */
export type ConsumerTargets = Readonly<Record<ConsumerId, ConsumerTarget>>;

/**
 * A Lambda consumer. EventBridge invokes Lambda asynchronously: once Lambda accepts the event, the rule's
 * DLQ no longer sees it, so the function gets its own failure queue for events its handler kept failing on.
 *
 * A function created with a `deadLetterQueue` keeps its failures there instead: Lambda's dead-letter queue
 * holds the event itself (an on-failure destination wraps it in an invocation record), which is what a
 * replay tool can re-drive. That queue then serves as the routes' DLQ too.
 */
export function lambdaConsumer(fn: TesseraFunction, key: kms.IKey): ConsumerTarget {
  if (fn.deadLetterQueue) {
    fn.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(6) });
    return {
      kind: 'deployed',
      deadLetterQueue: fn.deadLetterQueue,
      target: (options) => new targets.LambdaFunction(fn, options),
    };
  }
  const failures = new DeadLetterQueue(fn, 'AsyncFailures', {
    key,
    purpose: `events the ${fn.serviceName} function failed to process after Lambda's retries`,
  });
  fn.configureAsyncInvoke({
    onFailure: new destinations.SqsDestination(failures),
    retryAttempts: 2,
    maxEventAge: Duration.hours(6),
  });
  return { kind: 'deployed', target: (options) => new targets.LambdaFunction(fn, options) };
}

/** A Step Functions consumer (documents, interventions): the execution input is the whole event. */
export function stateMachineConsumer(stateMachine: sfn.IStateMachine): ConsumerTarget {
  return { kind: 'deployed', target: (options) => new targets.SfnStateMachine(stateMachine, options) };
}

/**
 * A consumer that runs locally but has no cloud construct yet. It must be declared (with the reason), so a
 * route is never dropped by accident: the synth warns for each of its routes, and the bus archive keeps
 * their events for replay once the consumer is deployed.
 */
export function notYetDeployed(reason: string): ConsumerTarget {
  return { kind: 'not-deployed', reason };
}

export interface EventRoutingProps {
  readonly stage: string;
  readonly bus: events.IEventBus;
  readonly key: kms.IKey;
  readonly routes: readonly Route[];
  readonly consumers: ConsumerTargets;
}

/**
 * Turns the routing table into EventBridge rules: for each route, a rule with exactly the route's pattern,
 * targeting its consumer with the route's retry policy and a dead-letter queue of its own.
 */
export class EventRouting extends Construct {
  public readonly rules = new Map<string, events.Rule>();
  public readonly deadLetterQueues = new Map<string, sqs.IQueue>();
  /** Routes whose consumer is declared not yet deployed, with the reason. */
  public readonly undeployedRoutes = new Map<string, string>();

  constructor(scope: Construct, id: string, props: EventRoutingProps) {
    super(scope, id);
    for (const route of props.routes) {
      const consumer = props.consumers[route.consumer];
      if (!consumer) {
        // Only reachable when the types were bypassed (tsx runs without type-checking).
        throw new Error(
          `route '${route.name}' goes to consumer '${route.consumer}', which has no entry in the consumer registry of lib/stateless-stack.ts`,
        );
      }
      if (consumer.kind === 'not-deployed') {
        this.undeployedRoutes.set(route.name, consumer.reason);
        Annotations.of(this).addWarningV2(
          `tessera:undeployed-route:${route.name}`,
          `Route '${route.name}' has no rule in the cloud: ${consumer.reason}. Its events stay in the bus archive for replay.`,
        );
        continue;
      }
      const ruleName = `tessera-${props.stage}-${route.name}`;
      if (ruleName.length > 64) {
        throw new Error(
          `route '${route.name}': rule name '${ruleName}' is longer than EventBridge's 64 characters`,
        );
      }
      const deadLetterQueue =
        consumer.deadLetterQueue ??
        new DeadLetterQueue(this, `${route.name}-dlq`, {
          key: props.key,
          purpose: `events of route ${route.name} that EventBridge could not deliver`,
        });
      const rule = new events.Rule(this, route.name, {
        ruleName,
        description: route.description.slice(0, 512),
        eventBus: props.bus,
        // The shared pattern uses EventBridge's own field names ('detail-type'), which CDK passes through as is.
        eventPattern: toCdkPattern(route.pattern),
      });
      rule.addTarget(
        consumer.target({
          deadLetterQueue,
          retryAttempts: route.retry.maximumRetryAttempts,
          maxEventAge: Duration.seconds(route.retry.maximumEventAgeSeconds),
        }),
      );
      this.rules.set(route.name, rule);
      this.deadLetterQueues.set(route.name, deadLetterQueue);
    }
  }
}

const toCdkPattern = (pattern: EventPattern): events.EventPattern => pattern as events.EventPattern;
