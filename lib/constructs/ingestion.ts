import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as events from 'aws-cdk-lib/aws-events';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { TableRef } from '../stateful-stack.js';
import { TesseraFunction } from './tessera-function.js';

/** The API's one stage; its URL path starts with it. */
export const API_STAGE_NAME = 'v1';

export interface IngestionProps {
  readonly stage: string;
  readonly bus: events.IEventBus;
  readonly ingestTable: TableRef;
  readonly sourceKeysSecret: secretsmanager.ISecret;
  readonly odooWebhookSecret: secretsmanager.ISecret;
  readonly maxClockSkewSeconds: number;
  readonly logRetention: logs.RetentionDays;
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/**
 * The front door: a REST API with `POST /events` (batches from channel systems, HMAC-signed per source)
 * and `POST /odoo/webhook/{secret}` (Odoo's outgoing webhooks, authenticated by the secret path segment).
 * Both handlers validate, deduplicate and put accepted events on the bus.
 */
export class Ingestion extends Construct {
  public readonly api: apigateway.RestApi;
  public readonly ingestFunction: TesseraFunction;
  public readonly odooWebhookFunction: TesseraFunction;

  constructor(scope: Construct, id: string, props: IngestionProps) {
    super(scope, id);

    this.ingestFunction = new TesseraFunction(this, 'IngestApi', {
      entry: 'lambdas/ingest-api/index.ts',
      serviceName: 'tessera-ingest',
      description:
        'Validates, authenticates and deduplicates channel event batches, then puts them on the bus',
      logRetention: props.logRetention,
      memorySize: 1024,
      // API Gateway gives up after 29 seconds; stop before it so the caller gets our answer, not a 504.
      timeout: Duration.seconds(25),
      environment: { MAX_CLOCK_SKEW_SECONDS: String(props.maxClockSkewSeconds) },
    })
      .bindBus(props.bus)
      .bindTable(props.ingestTable, 'readWrite')
      .bindSecret('SOURCE_KEYS_SECRET_ARN', props.sourceKeysSecret);

    this.odooWebhookFunction = new TesseraFunction(this, 'OdooWebhook', {
      entry: 'lambdas/odoo-webhook/index.ts',
      serviceName: 'tessera-odoo-webhook',
      description: "Maps Odoo's outgoing webhook notifications to channel events and puts them on the bus",
      logRetention: props.logRetention,
      timeout: Duration.seconds(25),
    })
      .bindBus(props.bus)
      .bindTable(props.ingestTable, 'readWrite')
      .bindSecret('ODOO_WEBHOOK_SECRET_ARN', props.odooWebhookSecret);

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: `tessera-${props.stage}-ingest`,
      description: 'Tessera: channel event batches, Odoo webhooks, document intake and review, approval page',
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      // Access and execution logging need the account-level CloudWatch role of API Gateway.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: API_STAGE_NAME,
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        // Full request logging would write signatures, event bodies (personal data) and the Odoo secret.
        dataTraceEnabled: false,
        throttlingRateLimit: props.rateLimit,
        throttlingBurstLimit: props.burstLimit,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        // resourcePath is the template (/odoo/webhook/{secret}), never the request path holding the secret.
        accessLogFormat: apigateway.AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTimeEpoch',
            httpMethod: '$context.httpMethod',
            resourcePath: '$context.resourcePath',
            status: '$context.status',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationStatus: '$context.integrationStatus',
            integrationLatency: '$context.integrationLatency',
            error: '$context.error.message',
            sourceIp: '$context.identity.sourceIp',
            xrayTraceId: '$context.xrayTraceId',
          }),
        ),
      },
    });

    // Authentication happens in the handlers, per request, because it depends on the body: an HMAC-SHA256
    // signature over it with the sender's key (POST /events), or the secret path segment Odoo can be given.
    const integrationOptions = { allowTestInvoke: false };
    this.api.root
      .addResource('events')
      .addMethod('POST', new apigateway.LambdaIntegration(this.ingestFunction, integrationOptions), {
        authorizationType: apigateway.AuthorizationType.NONE,
        operationName: 'IngestEvents',
      });
    this.api.root
      .addResource('odoo')
      .addResource('webhook')
      .addResource('{secret}')
      .addMethod('POST', new apigateway.LambdaIntegration(this.odooWebhookFunction, integrationOptions), {
        authorizationType: apigateway.AuthorizationType.NONE,
        operationName: 'OdooWebhook',
        requestParameters: { 'method.request.path.secret': true },
      });

    this.acknowledgeDesign(props.stage);
  }

  private acknowledgeDesign(stage: string): void {
    const signed =
      'Every route authenticates its caller: POST /events per source by an HMAC-SHA256 signature of the body with a key from Secrets Manager and a timestamp within the clock-skew window; POST /odoo/webhook/{secret} by a 48-character secret path segment compared in constant time (both depend on body and path, so the handler verifies them); /documents by IAM (SigV4); /approvals/{approvalId} by an HMAC-signed, expiring link from the approval email plus a CSRF token on POST, because approvers are people without an AWS identity.';
    Validations.of(this.api).acknowledge(
      { id: 'AwsSolutions-APIG4', reason: signed },
      {
        id: 'AwsSolutions-COG4',
        reason: `${signed} There is no user directory to sign in to, so no Cognito user pool.`,
      },
      {
        id: 'AwsSolutions-APIG2',
        reason:
          'Request bodies are validated in the handlers (zod contracts for event batches and documents, the approval form against its CSRF token and policy bounds), so each event of a batch gets its own error naming the field and valid events of the same batch are still accepted, and an approver gets a readable page; API Gateway model validation would reject whole requests with a generic message.',
      },
      {
        id: 'AwsSolutions-APIG3',
        reason: `Every request is authenticated and the ${stage} stage is throttled; a WAF web ACL is an account-level choice (and cost) an operator can associate with the stage without changing this stack.`,
      },
    );
    const cloudWatchRole = this.api.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole) {
      Validations.of(cloudWatchRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          'The account-level role API Gateway uses to write access and execution logs; AWS documents this managed policy for it and maintains it.',
      });
    }
  }
}
