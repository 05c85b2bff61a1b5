import { Duration } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { TableKey } from '../shared/tables.js';
import type { TableRef } from '../stateful-stack.js';
import { type ConsumerTarget, lambdaConsumer } from './event-routing.js';
import { TesseraFunction } from './tessera-function.js';

export interface IdentityProps {
  readonly bus: events.IEventBus;
  readonly key: kms.IKey;
  readonly tables: Readonly<Record<TableKey, TableRef>>;
  readonly logRetention: logs.RetentionDays;
}

/**
 * Identity resolution and the unified profile: consumes channel events from the bus (through the routing
 * table), resolves each to a stable customer id in the customers table and emits CustomersMerged and
 * friends back onto the bus.
 */
export class Identity extends Construct {
  public readonly resolver: TesseraFunction;
  /** The routing-table consumer `identity`. */
  public readonly consumer: ConsumerTarget;

  constructor(scope: Construct, id: string, props: IdentityProps) {
    super(scope, id);
    this.resolver = new TesseraFunction(this, 'Resolver', {
      entry: 'lambdas/identity/index.ts',
      serviceName: 'tessera-identity',
      description: 'Resolves each channel event to one customer and updates the unified profile',
      logRetention: props.logRetention,
      memorySize: 1024,
      timeout: Duration.seconds(60),
    })
      .bindBus(props.bus)
      .bindTable(props.tables.customers, 'readWrite');
    this.consumer = lambdaConsumer(this.resolver, props.key);
  }
}
