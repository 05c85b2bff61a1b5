import { Duration, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
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
  /** The Tessera REST API; the identity review routes are added under /identity/reviews with IAM authorisation. */
  readonly api: apigateway.RestApi;
  /** Survivorship rules of the golden record (the `identitySurvivorship` setting); none: the defaults. */
  readonly survivorship?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * The environment that gives a function folding profiles the deployment's survivorship rules (read by
 * lambdas/identity/environment.ts); empty for the defaults.
 */
export const survivorshipEnvironment = (
  survivorship: Readonly<Record<string, unknown>> | undefined,
): Record<string, string> => (survivorship ? { IDENTITY_SURVIVORSHIP: JSON.stringify(survivorship) } : {});

/**
 * Identity resolution and the unified profile: consumes channel events from the bus (through the routing
 * table), resolves each to a stable customer id in the customers table and emits CustomersMerged and
 * friends back onto the bus. The review API lets a person decide the possible matches.
 */
export class Identity extends Construct {
  public readonly resolver: TesseraFunction;
  /** The routing-table consumer `identity`. */
  public readonly consumer: ConsumerTarget;
  /** GET /identity/reviews, GET /identity/reviews/{reviewId}, POST /identity/reviews/{reviewId}/decision. */
  public readonly reviewFunction: TesseraFunction;

  constructor(scope: Construct, id: string, props: IdentityProps) {
    super(scope, id);
    // Both functions fold profiles, so both read the same rules.
    const survivorship = survivorshipEnvironment(props.survivorship);
    this.resolver = new TesseraFunction(this, 'Resolver', {
      entry: 'lambdas/identity/index.ts',
      serviceName: 'tessera-identity',
      description: 'Resolves each channel event to one customer and updates the unified profile',
      logRetention: props.logRetention,
      memorySize: 1024,
      timeout: Duration.seconds(60),
      environment: survivorship,
    })
      .bindBus(props.bus)
      .bindTable(props.tables.customers, 'readWrite');
    this.consumer = lambdaConsumer(this.resolver, props.key);

    this.reviewFunction = new TesseraFunction(this, 'Review', {
      entry: 'lambdas/identity-review-api/index.ts',
      serviceName: 'tessera-identity-review',
      description: 'Identity review queue: list possible matches, show the evidence, accept or reject once',
      logRetention: props.logRetention,
      timeout: Duration.seconds(29),
      environment: survivorship,
    })
      .bindBus(props.bus)
      .bindTable(props.tables.customers, 'readWrite');

    const identity = props.api.root.addResource('identity');
    Validations.of(identity).acknowledge({
      id: 'AwsSolutions-COG4',
      reason:
        'The identity review routes use IAM (SigV4) authorisation: reviewers are staff roles and back-office tools of the account, not end users with a Cognito pool.',
    });
    const iamAuth = { authorizationType: apigateway.AuthorizationType.IAM };
    const review = new apigateway.LambdaIntegration(this.reviewFunction, { allowTestInvoke: false });
    const reviews = identity.addResource('reviews');
    reviews.addMethod('GET', review, { ...iamAuth, operationName: 'ListIdentityReviews' });
    const one = reviews.addResource('{reviewId}');
    one.addMethod('GET', review, { ...iamAuth, operationName: 'ShowIdentityReview' });
    one
      .addResource('decision')
      .addMethod('POST', review, { ...iamAuth, operationName: 'DecideIdentityReview' });
  }
}
