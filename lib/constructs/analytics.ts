import { type CfnElement, Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import type { TableRef } from '../stateful-stack.js';
import { DeadLetterQueue } from './dead-letter-queue.js';
import { TesseraFunction } from './tessera-function.js';

/** Partition key of the fitted-model items (lambdas/adapters/dynamodb/model-store.ts, MODELS_PK). */
export const ANALYTICS_MODELS_PARTITION = 'ANALYTICS#MODELS';
/** Partition keys of the profiles the fit rescores (CUS#<id>, sk PROFILE). */
export const PROFILE_PARTITION_PATTERN = 'CUS#*';

export interface AnalyticsProps {
  readonly stage: string;
  readonly bus: events.IEventBus;
  readonly key: kms.IKey;
  readonly customersTable: TableRef;
  /** An EventBridge Scheduler expression: cron(...) or rate(...). */
  readonly fitSchedule: string;
  readonly fitTimeZone: string;
  readonly logRetention: logs.RetentionDays;
}

/**
 * The analytics fitting job: on a schedule, fits BG/NBD and Gamma-Gamma over every profile, stores the
 * fitted parameters (ANALYTICS#MODELS items) and rescores the profiles, emitting CustomerRiskChanged where a
 * segment changes. EventBridge Scheduler invokes it with retries and a dead-letter queue.
 */
export class Analytics extends Construct {
  public readonly fitFunction: TesseraFunction;
  public readonly schedule: scheduler.Schedule;
  public readonly scheduleDeadLetterQueue: DeadLetterQueue;
  /** The role EventBridge Scheduler invokes the function with. */
  public readonly scheduleRole: iam.Role;

  constructor(scope: Construct, id: string, props: AnalyticsProps) {
    super(scope, id);
    const table = props.customersTable;
    this.fitFunction = new TesseraFunction(this, 'Fit', {
      entry: 'lambdas/analytics-fit/index.ts',
      serviceName: 'tessera-analytics-fit',
      description: 'Fits the purchase and spend models over every profile, stores them and rescores profiles',
      logRetention: props.logRetention,
      memorySize: 2048,
      // A full scan and fit; Lambda's maximum, the retry policy below covers a run that still times out.
      timeout: Duration.minutes(15),
    })
      .bindTable(table, 'read')
      .bindBus(props.bus);
    // Scheduler invokes asynchronously; one more try, then the errors alarm tells an operator (the next
    // scheduled run refits from the same data, so nothing is lost).
    this.fitFunction.configureAsyncInvoke({ retryAttempts: 1, maxEventAge: Duration.hours(1) });
    // Writes only where the job owns the data: the fitted-model items and the profiles' scores.
    this.fitFunction.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:PutItem'],
        resources: [table.table.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [ANALYTICS_MODELS_PARTITION] } },
      }),
    );
    this.fitFunction.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:UpdateItem'],
        resources: [table.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [PROFILE_PARTITION_PATTERN] } },
      }),
    );
    if (table.table.encryptionKey) {
      this.fitFunction.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['kms:Encrypt', 'kms:GenerateDataKey'],
          resources: [table.table.encryptionKey.keyArn],
        }),
      );
    }

    this.scheduleDeadLetterQueue = new DeadLetterQueue(this, 'ScheduleFailures', {
      key: props.key,
      purpose: 'analytics fit runs EventBridge Scheduler could not invoke',
    });
    this.scheduleRole = new iam.Role(this, 'ScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'Lets EventBridge Scheduler invoke the analytics fit function',
    });
    const schedulerRole = this.scheduleRole;
    // The dead-letter queue is encrypted with the data key; the Scheduler target grants only sqs:SendMessage.
    schedulerRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [props.key.keyArn],
      }),
    );
    Validations.of(schedulerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.fitFunction.node.defaultChild as CfnElement)}.Arn>:*]`,
      reason:
        'lambda:InvokeFunction on the one analytics fit function and its versions (<arn>:*), as the Scheduler Lambda target grants it.',
    });
    this.schedule = new scheduler.Schedule(this, 'FitSchedule', {
      scheduleName: `tessera-${props.stage}-analytics-fit`,
      description: 'Refits the analytics models and rescores every profile',
      schedule: scheduler.ScheduleExpression.expression(props.fitSchedule, TimeZone.of(props.fitTimeZone)),
      target: new schedulerTargets.LambdaInvoke(this.fitFunction, {
        role: schedulerRole,
        input: scheduler.ScheduleTargetInput.fromObject({ rescore: true }),
        deadLetterQueue: this.scheduleDeadLetterQueue,
        retryAttempts: 3,
        maxEventAge: Duration.hours(6),
      }),
    });
  }
}
