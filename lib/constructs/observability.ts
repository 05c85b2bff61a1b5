import { Duration } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, type IConstruct } from 'constructs';
import { TesseraFunction } from './tessera-function.js';

export interface ObservabilityProps {
  readonly stage: string;
  readonly key: kms.IKey;
  readonly alarmEmail?: string | undefined;
}

/**
 * The alarm topic, the alarms and the dashboard. `watchAll` finds every queue, Tessera function, REST API
 * and state machine in a scope, so a construct a later capability adds is alarmed without anyone
 * remembering to.
 */
export class Observability extends Construct {
  public readonly alarmTopic: sns.Topic;
  public readonly dashboard: cloudwatch.Dashboard;
  public readonly alarms: cloudwatch.Alarm[] = [];
  private readonly action: actions.SnsAction;
  private readonly watched = new Set<IConstruct>();
  private readonly queueWidgets: cloudwatch.IMetric[] = [];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `Tessera ${props.stage} alarms`,
      masterKey: props.key,
      enforceSSL: true,
    });
    if (props.alarmEmail) {
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    }
    this.action = new actions.SnsAction(this.alarmTopic);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `tessera-${props.stage}`,
      defaultInterval: Duration.hours(6),
    });
  }

  /** Alarms as soon as one message waits: every message in these queues is an event something failed on. */
  watchQueue(queue: sqs.IQueue, label: string): cloudwatch.Alarm {
    this.watched.add(queue);
    const depth = queue.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(1),
      statistic: cloudwatch.Stats.MAXIMUM,
    });
    // The label only on the graph: a labelled metric makes the alarm a metric-math alarm.
    this.queueWidgets.push(depth.with({ label }));
    return this.alarm(queue, 'DepthAlarm', {
      metric: depth,
      alarmDescription: `${label}: messages are waiting in a dead-letter queue; inspect and re-drive them.`,
    });
  }

  watchFunction(fn: TesseraFunction): cloudwatch.Alarm {
    this.watched.add(fn);
    const errors = fn.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: `${fn.serviceName}: invocations and errors`,
        left: [fn.metricInvocations({ period: Duration.minutes(5) }), errors],
        right: [fn.metricThrottles({ period: Duration.minutes(5) })],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: `${fn.serviceName}: duration`,
        left: [
          fn.metricDuration({ statistic: cloudwatch.Stats.p(50) }),
          fn.metricDuration({ statistic: cloudwatch.Stats.p(99) }),
        ],
        width: 12,
      }),
    );
    return this.alarm(fn, 'ErrorsAlarm', {
      metric: errors,
      alarmDescription: `The ${fn.serviceName} function is failing; see its log group ${fn.functionLogGroup.logGroupName}.`,
    });
  }

  watchApi(api: apigateway.RestApi): cloudwatch.Alarm {
    this.watched.add(api);
    const serverErrors = api.metricServerError({
      period: Duration.minutes(5),
      statistic: cloudwatch.Stats.SUM,
    });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: `${api.restApiName}: requests`,
        left: [api.metricCount({ period: Duration.minutes(5) })],
        right: [api.metricClientError({ period: Duration.minutes(5) }), serverErrors],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: `${api.restApiName}: latency`,
        left: [api.metricLatency({ statistic: cloudwatch.Stats.p(99) })],
        width: 12,
      }),
    );
    return this.alarm(api, 'ServerErrorsAlarm', {
      metric: serverErrors,
      alarmDescription: `${api.restApiName} answered with 5xx: senders will retry, but something is broken.`,
    });
  }

  /** Alarms on failed, timed-out and aborted executions: each is a workflow an operator must look at. */
  watchStateMachine(stateMachine: sfn.StateMachine): cloudwatch.Alarm {
    this.watched.add(stateMachine);
    const period = Duration.minutes(5);
    const failed = new cloudwatch.MathExpression({
      expression: 'failed + timedOut + aborted',
      usingMetrics: {
        failed: stateMachine.metricFailed({ period, statistic: cloudwatch.Stats.SUM }),
        timedOut: stateMachine.metricTimedOut({ period, statistic: cloudwatch.Stats.SUM }),
        aborted: stateMachine.metricAborted({ period, statistic: cloudwatch.Stats.SUM }),
      },
      label: 'executions that did not succeed',
      period,
    });
    const name = stateMachine.node.path.split('/').slice(1).join('/');
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: `${name}: executions`,
        left: [stateMachine.metricStarted({ period }), stateMachine.metricSucceeded({ period }), failed],
        width: 24,
      }),
    );
    return this.alarm(stateMachine, 'FailedExecutionsAlarm', {
      metric: failed,
      alarmDescription: `Executions of ${name} failed, timed out or were aborted; inspect them in the Step Functions console and re-drive.`,
    });
  }

  /** Watches every queue, Tessera function, REST API and state machine under `scope` not watched yet. */
  watchAll(scope: IConstruct): void {
    for (const child of scope.node.findAll()) {
      if (this.watched.has(child)) continue;
      if (child instanceof sqs.Queue) this.watchQueue(child, child.node.path.split('/').slice(1).join('/'));
      else if (child instanceof TesseraFunction) this.watchFunction(child);
      else if (child instanceof apigateway.RestApi) this.watchApi(child);
      else if (child instanceof sfn.StateMachine) this.watchStateMachine(child);
    }
    if (this.queueWidgets.length > 0) {
      this.dashboard.addWidgets(
        new cloudwatch.GraphWidget({
          title: 'Dead-letter queues: messages waiting',
          left: this.queueWidgets,
          width: 24,
        }),
      );
      this.queueWidgets.length = 0;
    }
  }

  private alarm(
    subject: IConstruct,
    id: string,
    props: { readonly metric: cloudwatch.IMetric; readonly alarmDescription: string },
  ): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(subject, id, {
      metric: props.metric,
      alarmDescription: props.alarmDescription,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
    this.alarms.push(alarm);
    return alarm;
  }
}
