import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CfnResource } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import type { TesseraFunction } from '../../lib/constructs/tessera-function.js';
import { ROUTES } from '../../lib/shared/routing.js';
import { type CfnJson, FULL_CONTEXT, resourcesOf, synthesiseTessera } from './tessera-app-fixture.js';

// Every capability deployed (Odoo and an SES sender configured); unconfigured.test.ts covers the defaults.
const tessera = synthesiseTessera({ context: FULL_CONTEXT });
afterAll(() => rmSync(tessera.outdir, { recursive: true, force: true }));
const { stateless, stateful, statelessTemplate: template } = tessera;
const resources = template.toJSON().Resources as Record<
  string,
  { Type: string; Properties: Record<string, CfnJson> }
>;
const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  stateless.getLogicalId(construct.node.defaultChild as CfnResource);
/** How a stateful resource's attribute appears in this stack (an import of the other stack's export). */
const fromStateful = (value: string) => stateless.resolve(value);

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}
function statementsOf(fn: TesseraFunction): Statement[] {
  const roleId = logicalId(fn.role as never);
  return resourcesOf(template, 'AWS::IAM::Policy')
    .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
}
const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

// Routes whose consumer has no cloud construct yet are declared as such in the stateless stack.
const undeployed = stateless.routing.undeployedRoutes;
const deployedRoutes = ROUTES.filter((route) => !undeployed.has(route.name));

describe('event routing', () => {
  const rules = resourcesOf(template, 'AWS::Events::Rule').map(([, r]) => r.Properties);

  const busName = fromStateful(stateful.bus.eventBusName);

  it('has one rule per route of the routing table, on the Tessera bus, with exactly its pattern', () => {
    const onTesseraBus = rules.filter((r) => JSON.stringify(r.EventBusName) === JSON.stringify(busName));
    expect(onTesseraBus).toHaveLength(deployedRoutes.length);
    for (const route of deployedRoutes) {
      const rule = rules.find((r) => r.Name === `tessera-dev-${route.name}`);
      expect(rule, route.name).toBeDefined();
      expect(rule?.EventPattern, route.name).toEqual(JSON.parse(JSON.stringify(route.pattern)));
      expect(rule?.EventBusName).toEqual(busName);
    }
  });

  it("gives every target a dead-letter queue and the route's retry attempts and maximum event age", () => {
    for (const route of deployedRoutes) {
      const rule = rules.find((r) => r.Name === `tessera-dev-${route.name}`);
      expect(rule?.Targets.length, route.name).toBeGreaterThan(0);
      for (const target of rule?.Targets ?? []) {
        const dlqId = target.DeadLetterConfig?.Arn?.['Fn::GetAtt']?.[0];
        expect(resources[dlqId]?.Type, route.name).toBe('AWS::SQS::Queue');
        expect(target.RetryPolicy, route.name).toEqual({
          MaximumRetryAttempts: route.retry.maximumRetryAttempts,
          MaximumEventAgeInSeconds: route.retry.maximumEventAgeSeconds,
        });
      }
    }
  });

  it('warns at synth time about each route whose consumer is not deployed, and creates no rule for it', () => {
    const warnings = Annotations.fromStack(stateless).findWarning(
      '*',
      Match.stringLikeRegexp('has no rule in the cloud'),
    );
    expect(warnings.map((w) => String(w.entry.data).match(/Route '([^']+)'/)?.[1]).sort()).toEqual(
      [...undeployed.keys()].sort(),
    );
    for (const name of undeployed.keys()) {
      expect(rules.find((r) => r.Name === `tessera-dev-${name}`)).toBeUndefined();
    }
  });

  it('forwards document uploads from the default bus (where S3 publishes) to the Tessera bus, with a DLQ', () => {
    const forward = rules.find((r) => r.EventBusName === undefined);
    expect(forward?.EventPattern).toEqual({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { bucket: { name: [fromStateful(stateful.documentsBucket.bucketName)] } },
    });
    expect(forward?.Targets).toEqual([
      expect.objectContaining({
        Arn: fromStateful(stateful.bus.eventBusArn),
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } },
      }),
    ]);
  });

  it('keeps events a Lambda consumer failed on in a failure queue after Lambda retries', () => {
    const resolverId = logicalId(tessera.stateless.identity.resolver);
    const config = resourcesOf(template, 'AWS::Lambda::EventInvokeConfig').find(
      ([, c]) => c.Properties.FunctionName.Ref === resolverId,
    );
    const failureQueueId = config?.[1].Properties.DestinationConfig.OnFailure.Destination['Fn::GetAtt'][0];
    expect(resources[failureQueueId]?.Type).toBe('AWS::SQS::Queue');
  });

  it('encrypts every queue with the data key, refuses plain HTTP, and alarms on its depth', () => {
    const queues = resourcesOf(template, 'AWS::SQS::Queue');
    const alarms = resourcesOf(template, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    const topicId = logicalId(stateless.observability.alarmTopic);
    expect(queues.length).toBeGreaterThanOrEqual(deployedRoutes.length);
    for (const [queueId, queue] of queues) {
      expect(queue.Properties.KmsMasterKeyId, queueId).toEqual(fromStateful(stateful.key.keyArn));
      const depthAlarm = alarms.find(
        (a) =>
          a.MetricName === 'ApproximateNumberOfMessagesVisible' &&
          JSON.stringify(a.Dimensions) ===
            JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }]),
      );
      expect(depthAlarm, `depth alarm of ${queueId}`).toMatchObject({
        Threshold: 1,
        AlarmActions: [{ Ref: topicId }],
      });
      const policy = resourcesOf(template, 'AWS::SQS::QueuePolicy').find(([, p]) =>
        JSON.stringify(p.Properties.Queues).includes(`"${queueId}"`),
      );
      expect(JSON.stringify(policy?.[1].Properties.PolicyDocument), queueId).toContain(
        '"aws:SecureTransport":"false"',
      );
    }
  });
});

describe('ingest API', () => {
  const methods = resourcesOf(template, 'AWS::ApiGateway::Method').map(([, m]) => m.Properties);
  const pathOf = (resourceId: string): string => {
    const resource = resources[resourceId]?.Properties;
    if (!resource) return '';
    const parent = resource.ParentId.Ref ? pathOf(resource.ParentId.Ref) : '';
    return `${parent}/${resource.PathPart}`;
  };

  it('exposes only the ingest, Odoo webhook, documents, identity review and approval routes; documents and identity reviews need IAM, the others verify in their handler', () => {
    // Assess: no other method or path exists (no ANY proxy, no unauthenticated side door).
    const routes = methods.map((m) => `${m.HttpMethod} ${pathOf(m.ResourceId.Ref)}`).sort();
    expect(routes).toEqual([
      'GET /approvals/{approvalId}',
      'GET /documents/failed',
      'GET /documents/review',
      'GET /documents/{documentId}',
      'GET /identity/reviews',
      'GET /identity/reviews/{reviewId}',
      'POST /approvals/{approvalId}',
      'POST /documents',
      'POST /documents/{documentId}/review',
      'POST /events',
      'POST /identity/reviews/{reviewId}/decision',
      'POST /odoo/webhook/{secret}',
    ]);
    const iamOnly = (m: CfnJson) => /^\/(documents|identity)(\/|$)/.test(pathOf(m.ResourceId.Ref));
    for (const method of methods.filter(iamOnly)) {
      expect(method.AuthorizationType).toBe('AWS_IAM');
    }
    for (const method of methods.filter((m) => !iamOnly(m))) {
      // HMAC signature (events) or path secret (Odoo) depend on the request, so the handler verifies them.
      expect(method.AuthorizationType).toBe('NONE');
      expect(method.ApiKeyRequired ?? false).toBe(false);
      expect(method.Integration.Type).toBe('AWS_PROXY');
    }
    const ingest = methods.find((m) => pathOf(m.ResourceId.Ref) === '/events');
    expect(JSON.stringify(ingest?.Integration.Uri)).toContain(logicalId(stateless.ingestion.ingestFunction));
  });

  it('traces, throttles and access-logs the stage without writing the Odoo secret path to the log', () => {
    const [[, stage]] = resourcesOf(template, 'AWS::ApiGateway::Stage') as [
      [string, { Properties: CfnJson }],
    ];
    expect(stage.Properties.TracingEnabled).toBe(true);
    expect(stage.Properties.MethodSettings[0]).toMatchObject({
      DataTraceEnabled: false,
      ThrottlingRateLimit: 100,
      ThrottlingBurstLimit: 200,
    });
    const format = JSON.parse(stage.Properties.AccessLogSetting.Format);
    expect(format.resourcePath).toBe('$context.resourcePath');
    expect(stage.Properties.AccessLogSetting.Format).not.toContain('$context.path');
  });

  it('alarms on the API 5xx count', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: '5XXError',
      Namespace: 'AWS/ApiGateway',
      Threshold: 1,
    });
  });
});

describe('functions', () => {
  const functions = [
    stateless.ingestion.ingestFunction,
    stateless.ingestion.odooWebhookFunction,
    stateless.identity.resolver,
    stateless.identity.reviewFunction,
    stateless.identityBackfill.processor,
    stateless.documents.workflowFunction,
    stateless.documents.callbackFunction,
    stateless.documents.intakeFunction,
    stateless.documents.reviewFunction,
    stateless.analytics.fitFunction,
    ...(stateless.odooSync ? [stateless.odooSync.syncFunction] : []),
    ...Object.values(stateless.interventions?.tasks ?? {}),
    ...(stateless.interventions
      ? [stateless.interventions.trigger, stateless.interventions.approvalPage]
      : []),
  ];

  it('run Node.js 22 on ARM64 with active tracing, JSON logs and an error alarm', () => {
    const alarms = resourcesOf(template, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    expect(resourcesOf(template, 'AWS::Lambda::Function')).toHaveLength(functions.length);
    for (const fn of functions) {
      const props = resources[logicalId(fn)]?.Properties;
      expect(props).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON' },
      });
      expect(props?.Environment.Variables.POWERTOOLS_SERVICE_NAME).toBe(fn.serviceName);
      expect(
        alarms.some(
          (a) =>
            a.MetricName === 'Errors' && JSON.stringify(a.Dimensions).includes(`"Ref":"${logicalId(fn)}"`),
        ),
        `errors alarm of ${fn.serviceName}`,
      ).toBe(true);
    }
  });

  it('are bundled into ES modules that load with exactly the environment the stack gives them', () => {
    // Prepare: each bundle in its own Node process (as in its own Lambda container), with its own variables,
    // references replaced by plausible values.
    const load = (fn: TesseraFunction) => {
      const props = resources[logicalId(fn)]?.Properties;
      expect(props?.Handler).toBe('index.handler');
      const bundle = pathToFileURL(
        join(tessera.outdir, `asset.${String(props?.Code.S3Key).replace(/\.zip$/, '')}`, 'index.mjs'),
      ).href;
      const env = Object.fromEntries(
        Object.entries(props?.Environment.Variables as Record<string, unknown>).map(([name, value]) => [
          name,
          typeof value === 'string'
            ? value
            : name.endsWith('_ARN')
              ? `arn:aws:states:eu-west-1:123456789012:stateMachine:${name.toLowerCase()}`
              : name.endsWith('_URL')
                ? 'https://api.example.com/v1/'
                : name.toLowerCase(),
        ]),
      );
      // Act: the composition root reads its configuration at load time, as on a cold start.
      return execFileSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `console.log(typeof (await import(${JSON.stringify(bundle)})).handler)`,
        ],
        {
          encoding: 'utf8',
          env: { PATH: process.env.PATH, NODE_NO_WARNINGS: '1', AWS_REGION: 'eu-west-1', ...env },
        },
      ).trim();
    };

    // Assess
    expect(functions.length).toBeGreaterThanOrEqual(17);
    for (const fn of functions) expect(load(fn), fn.serviceName).toBe('function');
  });

  it('get the environment variables their composition roots read', () => {
    const env = (fn: TesseraFunction) =>
      Object.keys(resources[logicalId(fn)]?.Properties.Environment.Variables);
    expect(env(stateless.ingestion.ingestFunction)).toEqual(
      expect.arrayContaining([
        'EVENT_BUS_NAME',
        'INGEST_TABLE_NAME',
        'SOURCE_KEYS_SECRET_ARN',
        'MAX_CLOCK_SKEW_SECONDS',
      ]),
    );
    expect(env(stateless.ingestion.odooWebhookFunction)).toEqual(
      expect.arrayContaining(['EVENT_BUS_NAME', 'INGEST_TABLE_NAME', 'ODOO_WEBHOOK_SECRET_ARN']),
    );
    expect(env(stateless.identity.resolver)).toEqual(
      expect.arrayContaining(['EVENT_BUS_NAME', 'CUSTOMERS_TABLE_NAME']),
    );
  });

  it('let the ingest function put events on the Tessera bus only, and touch only its table and secret', () => {
    // Prepare
    const statements = statementsOf(stateless.ingestion.ingestFunction);
    const resourceOf = (prefix: string) =>
      statements.filter((s) => actionsOf(s).some((a) => a.startsWith(prefix))).map((s) => s.Resource);

    // Assess
    const putEvents = statements.filter((s) => actionsOf(s).includes('events:PutEvents'));
    expect(putEvents).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Resource: fromStateful(stateful.bus.eventBusArn),
      }),
    ]);
    expect(statements.flatMap(actionsOf).filter((a) => a.startsWith('events:'))).toEqual([
      'events:PutEvents',
    ]);
    expect(resourceOf('dynamodb:')).toEqual([fromStateful(stateful.tables.ingest.table.tableArn)]);
    expect(resourceOf('secretsmanager:')).toEqual([fromStateful(stateful.sourceKeysSecret.secretArn)]);
  });

  it('let the identity review function touch only the customers table and put events on the Tessera bus', () => {
    // Prepare
    const review = stateless.identity.reviewFunction;
    const statements = statementsOf(review);
    const resourcesFor = (prefix: string) =>
      statements.filter((s) => actionsOf(s).some((a) => a.startsWith(prefix))).map((s) => s.Resource);
    const services = new Set(statements.flatMap(actionsOf).map((a) => a.split(':')[0]));

    // Assess
    expect([...services].sort()).toEqual(['dynamodb', 'events', 'kms', 'logs', 'xray']);
    expect(statements.flatMap(actionsOf).filter((a) => a.startsWith('events:'))).toEqual([
      'events:PutEvents',
    ]);
    expect(resourcesFor('events:')).toEqual([fromStateful(stateful.bus.eventBusArn)]);
    const tableResources = JSON.stringify(resourcesFor('dynamodb:'));
    expect(tableResources).toContain(JSON.stringify(fromStateful(stateful.tables.customers.table.tableArn)));
    for (const other of ['ingest', 'documents', 'interventions'] as const) {
      expect(tableResources).not.toContain(
        JSON.stringify(fromStateful(stateful.tables[other].table.tableArn)),
      );
    }
    const methods = resourcesOf(template, 'AWS::ApiGateway::Method').map(([, m]) => m.Properties);
    const integrated = methods.filter((m) => JSON.stringify(m.Integration.Uri).includes(logicalId(review)));
    expect(integrated.map((m) => [m.HttpMethod, m.AuthorizationType]).sort()).toEqual([
      ['GET', 'AWS_IAM'],
      ['GET', 'AWS_IAM'],
      ['POST', 'AWS_IAM'],
    ]);
  });

  it('name the resource of every data action: no "*" resource and no service-wide action', () => {
    for (const fn of functions) {
      for (const statement of statementsOf(fn)) {
        const actions = actionsOf(statement);
        // X-Ray and Textract support no resource-level permissions (Textract reads only what S3 grants allow).
        if (actions.every((a) => a.startsWith('xray:') || a.startsWith('textract:'))) continue;
        expect(JSON.stringify(statement.Resource), `${fn.serviceName}: ${actions.join(',')}`).not.toContain(
          '"*"',
        );
        expect(
          actions.filter((a) => a === '*' || a.endsWith(':*')),
          fn.serviceName,
        ).toEqual([]);
      }
    }
  });
});

describe('analytics fitting job', () => {
  const fit = stateless.analytics.fitFunction;

  it('runs daily from EventBridge Scheduler with retries and an alarmed dead-letter queue', () => {
    // Prepare
    const [[, schedule]] = resourcesOf(template, 'AWS::Scheduler::Schedule') as [[string, CfnJson]];
    const queueId = logicalId(stateless.analytics.scheduleDeadLetterQueue);

    // Assess: the defaults of tessera:analyticsFitSchedule and analyticsFitTimeZone.
    expect(schedule.Properties).toMatchObject({
      ScheduleExpression: 'cron(0 3 * * ? *)',
      ScheduleExpressionTimezone: 'UTC',
      State: 'ENABLED',
    });
    expect(schedule.Properties.Target).toMatchObject({
      Arn: { 'Fn::GetAtt': [logicalId(fit), 'Arn'] },
      RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 6 * 3600 },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
    });
    expect(JSON.parse(schedule.Properties.Target.Input)).toEqual({ rescore: true });
    // Scheduler can write into the encrypted queue (SendMessage alone fails on a KMS queue).
    const roleStatements = statementsOf({ role: stateless.analytics.scheduleRole } as never);
    expect(roleStatements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [queueId, 'Arn'] } }),
        expect.objectContaining({
          Action: expect.arrayContaining(['kms:GenerateDataKey', 'kms:Decrypt']),
          Resource: fromStateful(stateful.key.keyArn),
        }),
      ]),
    );
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
    });
  });

  it('reads the customers table and writes only the fitted-model items and the profiles it rescores', () => {
    // Prepare
    const tableArn = fromStateful(stateful.tables.customers.table.tableArn);
    const writes = statementsOf(fit).filter((s) =>
      actionsOf(s).some((a) => /^dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem)$/.test(a)),
    );

    // Assess
    expect(writes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Action: 'dynamodb:PutItem',
          Resource: tableArn,
          Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['ANALYTICS#MODELS'] } },
        }),
        expect.objectContaining({
          Action: 'dynamodb:UpdateItem',
          Resource: tableArn,
          Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CUS#*'] } },
        }),
      ]),
    );
    expect(writes).toHaveLength(2);
    const reads = statementsOf(fit).filter((s) => actionsOf(s).includes('dynamodb:Scan'));
    expect(reads.map((s) => s.Resource)).toEqual([tableArn]);
  });

  it('gets the settings its composition root reads', () => {
    expect(Object.keys(resources[logicalId(fit)]?.Properties.Environment.Variables)).toEqual(
      expect.arrayContaining(['EVENT_BUS_NAME', 'CUSTOMERS_TABLE_NAME']),
    );
  });
});
