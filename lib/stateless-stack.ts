import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { sesIdentityOf, type TesseraConfig } from './config.js';
import { Analytics } from './constructs/analytics.js';
import { BucketEvents } from './constructs/bucket-events.js';
import { Documents } from './constructs/documents.js';
import {
  type ConsumerTarget,
  type ConsumerTargets,
  EventRouting,
  notYetDeployed,
} from './constructs/event-routing.js';
import { Identity } from './constructs/identity.js';
import { IdentityBackfill } from './constructs/identity-backfill.js';
import { Ingestion } from './constructs/ingestion.js';
import { Interventions } from './constructs/interventions.js';
import { Observability } from './constructs/observability.js';
import { OdooSync } from './constructs/odoo.js';
import { LARGE_CLAIM_THRESHOLD, ROUTES } from './shared/routing.js';
import type { StatefulResources } from './stateful-stack.js';

export interface StatelessStackProps extends StackProps {
  readonly config: TesseraConfig;
  readonly data: StatefulResources;
}

/**
 * Functions, the API, the rules and the alarms: everything that can be destroyed and redeployed without
 * losing data. It only composes one construct per capability; the routing table decides what reaches whom.
 *
 * Adding a capability: write its construct in lib/constructs/ (functions as TesseraFunction with bind*
 * helpers, state machines as sfn.StateMachine), create it here from `data`, and replace its entry in
 * `consumers` with `lambdaConsumer(...)` or `stateMachineConsumer(...)`. Rules, DLQs and every alarm follow.
 */
export class StatelessStack extends Stack {
  public readonly observability: Observability;
  public readonly ingestion: Ingestion;
  public readonly identity: Identity;
  public readonly identityBackfill: IdentityBackfill;
  public readonly documents: Documents;
  public readonly analytics: Analytics;
  /** Absent when no approval sender is configured (tessera:approvalSenderAddress). */
  public readonly interventions: Interventions | undefined;
  /** Absent when no Odoo URL is configured (tessera:odooUrl). */
  public readonly odooSync: OdooSync | undefined;
  public readonly routing: EventRouting;
  public readonly documentEvents: BucketEvents;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config, data } = props;
    const logRetention = config.logRetentionDays;

    this.observability = new Observability(this, 'Observability', {
      stage: config.stage,
      key: data.key,
      alarmEmail: config.alarmEmail,
    });

    this.ingestion = new Ingestion(this, 'Ingestion', {
      stage: config.stage,
      bus: data.bus,
      ingestTable: data.tables.ingest,
      sourceKeysSecret: data.sourceKeysSecret,
      odooWebhookSecret: data.odooWebhookSecret,
      maxClockSkewSeconds: config.maxClockSkewSeconds,
      logRetention,
      rateLimit: config.apiRateLimit,
      burstLimit: config.apiBurstLimit,
    });

    this.identity = new Identity(this, 'Identity', {
      bus: data.bus,
      key: data.key,
      tables: data.tables,
      logRetention,
      api: this.ingestion.api,
      survivorship: config.identitySurvivorship,
    });

    this.identityBackfill = new IdentityBackfill(this, 'IdentityBackfill', {
      stage: config.stage,
      bus: data.bus,
      key: data.key,
      customersTable: data.tables.customers,
      bucket: data.documentsBucket,
      logRetention,
      maxConcurrency: config.identityBackfillMaxConcurrency,
      toleratedFailurePercentage: config.identityBackfillToleratedFailurePercent,
      survivorship: config.identitySurvivorship,
    });

    this.analytics = new Analytics(this, 'Analytics', {
      stage: config.stage,
      bus: data.bus,
      key: data.key,
      customersTable: data.tables.customers,
      fitSchedule: config.analyticsFitSchedule,
      fitTimeZone: config.analyticsFitTimeZone,
      logRetention,
    });

    this.documents = new Documents(this, 'Documents', {
      stage: config.stage,
      bus: data.bus,
      key: data.key,
      tables: data.tables,
      bucket: data.documentsBucket,
      api: this.ingestion.api,
      logRetention,
    });

    const sender = config.approvalSenderAddress;
    const sesIdentity = sesIdentityOf(config);
    this.interventions =
      sender && sesIdentity
        ? new Interventions(this, 'Interventions', {
            stage: config.stage,
            bus: data.bus,
            key: data.key,
            tables: data.tables,
            signingSecret: data.approvalSigningSecret,
            api: this.ingestion.api,
            senderAddress: sender,
            sesIdentity,
            approvalBaseUrl: config.approvalBaseUrl,
            interventionConfig: config.interventionConfig,
            largeClaimThreshold: LARGE_CLAIM_THRESHOLD,
            logRetention,
          })
        : undefined;

    this.odooSync = config.odooUrl
      ? new OdooSync(this, 'OdooSync', {
          key: data.key,
          url: config.odooUrl,
          database: config.odooDatabase,
          login: config.odooLogin,
          api: config.odooApi,
          mode: config.odooSyncMode,
          loyaltyProgramId: config.odooLoyaltyProgramId,
          apiKeySecret: data.odooApiKeySecret,
          webhookUrlSecret: data.odooAutomationWebhookUrlSecret,
          logRetention,
        })
      : undefined;

    // Each capability's consumer (and its route in lib/shared/routing.ts); the type makes a route without
    // a target a compile error. Optional capabilities say why they are absent: the synth prints it.
    const consumers: ConsumerTargets = {
      identity: this.identity.consumer,
      documents: this.documents.consumer,
      interventions: optional(
        this.interventions?.consumer,
        'no approval sender is configured: set tessera:approvalSenderAddress (an address of a verified SES identity, see tessera:sesIdentity) to deploy the interventions workflow',
      ),
      'odoo-sync': optional(
        this.odooSync?.consumer,
        'no Odoo URL is configured: set tessera:odooUrl (and odooDatabase, odooLogin for Odoo 16-18) and store the API key in the OdooApiKeySecretArn secret to deploy the Odoo sync',
      ),
    };
    this.routing = new EventRouting(this, 'Routing', {
      stage: config.stage,
      bus: data.bus,
      key: data.key,
      routes: ROUTES,
      consumers,
    });

    this.documentEvents = new BucketEvents(this, 'DocumentEvents', {
      stage: config.stage,
      bucket: data.documentsBucket,
      bus: data.bus,
      key: data.key,
    });

    // Last, so every queue, function and API defined above gets its alarm.
    this.observability.watchAll(this);

    new CfnOutput(this, 'IngestApiUrl', { value: this.ingestion.api.urlForPath('/events') });
    new CfnOutput(this, 'OdooWebhookUrl', {
      value: `${this.ingestion.api.urlForPath('/odoo/webhook')}/<secret>`,
      description:
        "The URL to configure in Odoo's webhook automation; <secret> is the value of the OdooWebhookSecretArn secret.",
    });
    new CfnOutput(this, 'IdentityBackfillStateMachineArn', {
      value: this.identityBackfill.stateMachine.stateMachineArn,
      description:
        'Load history: npx tessera identity backfill FILE --aws --state-machine <this> --bucket <DocumentsBucketName>.',
    });
    new CfnOutput(this, 'CustomersTableName', {
      value: data.tables.customers.table.tableName,
      description:
        'Where the identity model lives: npx tessera identity train ... --aws --table <this> stores a fitted model for the identity functions.',
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.observability.alarmTopic.topicArn });
    new CfnOutput(this, 'DocumentsApiUrl', {
      value: this.ingestion.api.urlForPath('/documents'),
      description: 'POST a document announcement (IAM-signed) to get a pre-signed upload URL.',
    });
    new CfnOutput(this, 'IdentityReviewApiUrl', {
      value: this.ingestion.api.urlForPath('/identity/reviews'),
      description:
        'GET the possible matches waiting for a person; POST {verdict, reviewer} to <id>/decision (IAM-signed).',
    });
    if (this.odooSync) {
      new CfnOutput(this, 'OdooSyncDeadLetterQueueUrl', {
        value: this.odooSync.deadLetterQueue.queueUrl,
        description:
          'Failed Odoo updates; re-drive them with npx tessera odoo replay --queue-url <this URL> once the cause is fixed.',
      });
    }
    if (this.interventions) {
      new CfnOutput(this, 'InterventionsStateMachineArn', {
        value: this.interventions.stateMachine.stateMachineArn,
      });
    }
  }
}

const optional = (target: ConsumerTarget | undefined, reason: string): ConsumerTarget =>
  target ?? notYetDeployed(reason);
