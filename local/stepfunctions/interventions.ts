import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@aws-lambda-powertools/logger';
import { DynamoApprovalStore } from '../../lambdas/adapters/dynamodb/approval-store.js';
import { DynamoIdentityStore } from '../../lambdas/adapters/dynamodb/identity-store.js';
import { SfnTaskCallbacks, SfnWorkflowStarter } from '../../lambdas/adapters/sfn/step-functions.js';
import type { TicketOpenedDetail, TicketUpdatedDetail } from '../../lambdas/core/contracts/channel-events.js';
import { identityConfig } from '../../lambdas/core/identity/config.js';
import {
  DEFAULT_INTERVENTION_CONFIG,
  type InterventionConfigInput,
  interventionConfig,
} from '../../lambdas/core/interventions/config.js';
import { identityCustomerDirectory } from '../../lambdas/core/interventions/identity-directory.js';
import type { CustomerDirectory, MailSender } from '../../lambdas/core/interventions/ports.js';
import type { Clock, EventPublisher } from '../../lambdas/core/ports.js';
import { createApplyHandler } from '../../lambdas/interventions-apply/handler.js';
import { createApprovalPageHandler } from '../../lambdas/interventions-approval-page/handler.js';
import { createEmitOutcomeHandler } from '../../lambdas/interventions-emit-outcome/handler.js';
import { createLoadContextHandler } from '../../lambdas/interventions-load-context/handler.js';
import { createProposeHandler } from '../../lambdas/interventions-propose/handler.js';
import { createRecordOutcomeHandler } from '../../lambdas/interventions-record-outcome/handler.js';
import { createRequestApprovalHandler } from '../../lambdas/interventions-request-approval/handler.js';
import { createTriggerHandler } from '../../lambdas/interventions-trigger/handler.js';
import { ticketCustomerResolver } from '../../lambdas/interventions-trigger/ticket-customer.js';
import type { LocalDynamo } from '../dynamodb.js';
import type { EventTarget } from '../event-bus/bus.js';
import type { LocalApiRoute } from '../http/api-server.js';
import { localLambdaContext } from '../lambda-context.js';
import { OutboxMailSender } from '../mail/outbox.js';
import { type LocalFunction, LocalStepFunctions } from './runner.js';

export const INTERVENTION_ASL = resolve(
  fileURLToPath(new URL('.', import.meta.url)),
  '../../stepfunctions/intervention.asl.json',
);

/** The placeholders of stepfunctions/intervention.asl.json and the function each stands for (CDK uses the same names). */
export const INTERVENTION_FUNCTIONS = {
  LoadContextFunctionArn: 'tessera-interventions-load-context',
  ProposeFunctionArn: 'tessera-interventions-propose',
  RequestApprovalFunctionArn: 'tessera-interventions-request-approval',
  ApplyFunctionArn: 'tessera-interventions-apply',
  RecordOutcomeFunctionArn: 'tessera-interventions-record-outcome',
  EmitOutcomeFunctionArn: 'tessera-interventions-emit-outcome',
} as const;

export interface LocalInterventionsOptions {
  readonly dynamo: LocalDynamo;
  readonly publisher: EventPublisher;
  readonly clock: Clock;
  readonly logger: (serviceName: string) => Logger;
  /** Where approval emails land as .eml files (the runtime passes `.tessera/outbox`). */
  readonly outboxDir: string;
  readonly config?: InterventionConfigInput;
  /** HMAC key of approval links; keep it in the state folder so links survive a restart. Random when omitted. */
  readonly signingKey?: string;
  /** Customers; by default the identity graph and profiles in the local customers table. */
  readonly directory?: CustomerDirectory;
  readonly mail?: MailSender;
  /** Ticket customer lookup; by default the identity records in the local customers table. */
  readonly resolveTicketCustomer?: (
    source: string,
    ticket: TicketOpenedDetail | TicketUpdatedDetail,
  ) => Promise<string | undefined>;
  /** Approval wait in ms instead of the configured hours (tests, demos). */
  readonly callbackTimeoutMs?: number;
  readonly retryIntervalMs?: number;
  /** Replaces a task's function (tests: a failing apply step). */
  readonly functionOverrides?: Partial<
    Record<(typeof INTERVENTION_FUNCTIONS)[keyof typeof INTERVENTION_FUNCTIONS], LocalFunction>
  >;
}

export interface LocalInterventions {
  readonly stepFunctions: LocalStepFunctions;
  readonly store: DynamoApprovalStore;
  readonly mail: MailSender;
  /** Bus target for the `interventions` consumer of the routing table. */
  readonly consumer: EventTarget;
  /** GET and POST /approvals/{approvalId} for the local API server. */
  readonly routes: readonly LocalApiRoute[];
  /** Tells the approval emails where the page is served, once the API server listens. */
  setApprovalBaseUrl(url: string): void;
}

/**
 * The interventions capability on this machine: the same handlers as on AWS, the same ASL run by the
 * local Step Functions runner, dynalite for approvals, and the .eml outbox instead of SES.
 */
export function createLocalInterventions(options: LocalInterventionsOptions): LocalInterventions {
  const config = interventionConfig(options.config ?? DEFAULT_INTERVENTION_CONFIG);
  const signingKey = options.signingKey ?? randomBytes(32).toString('base64url');
  const key = async () => signingKey;
  const { clock, publisher, logger } = options;
  const store = new DynamoApprovalStore(options.dynamo.doc, options.dynamo.tables.interventions);
  const mail = options.mail ?? new OutboxMailSender(options.outboxDir);
  const identity = new DynamoIdentityStore(options.dynamo.doc, options.dynamo.tables.customers);
  const directory =
    options.directory ??
    identityCustomerDirectory({
      getCustomer: (id) => identity.getCustomer(id),
      getProfile: (id) => identity.getProfile(id),
    });
  const base = { url: 'http://127.0.0.1' };

  const invoke =
    (
      functionName: string,
      handler: (event: never, context: ReturnType<typeof localLambdaContext>) => Promise<unknown>,
    ): LocalFunction =>
    (event) =>
      handler(event as never, localLambdaContext(functionName));
  const F = INTERVENTION_FUNCTIONS;
  const functions: Record<string, LocalFunction> = {
    [F.LoadContextFunctionArn]: invoke(
      F.LoadContextFunctionArn,
      createLoadContextHandler({ directory, logger: logger(F.LoadContextFunctionArn) }),
    ),
    [F.ProposeFunctionArn]: invoke(
      F.ProposeFunctionArn,
      createProposeHandler({ config, publisher, store, clock, logger: logger(F.ProposeFunctionArn) }),
    ),
    [F.RequestApprovalFunctionArn]: invoke(
      F.RequestApprovalFunctionArn,
      createRequestApprovalHandler({
        store,
        mail,
        clock,
        signingKey: key,
        get approvalBaseUrl() {
          return base.url;
        },
        approvers: config.approvers,
        logger: logger(F.RequestApprovalFunctionArn),
      }),
    ),
    [F.ApplyFunctionArn]: invoke(
      F.ApplyFunctionArn,
      createApplyHandler({ publisher, store, clock, logger: logger(F.ApplyFunctionArn) }),
    ),
    [F.RecordOutcomeFunctionArn]: invoke(
      F.RecordOutcomeFunctionArn,
      createRecordOutcomeHandler({
        store,
        clock,
        signingKey: key,
        logger: logger(F.RecordOutcomeFunctionArn),
      }),
    ),
    [F.EmitOutcomeFunctionArn]: invoke(
      F.EmitOutcomeFunctionArn,
      createEmitOutcomeHandler({ publisher, clock, logger: logger(F.EmitOutcomeFunctionArn) }),
    ),
    ...options.functionOverrides,
  };

  const stepFunctions = new LocalStepFunctions({
    definitionFile: INTERVENTION_ASL,
    stateMachineName: 'tessera-intervention',
    functionPlaceholders: INTERVENTION_FUNCTIONS,
    functions,
    ...(options.callbackTimeoutMs !== undefined ? { callbackTimeoutMs: options.callbackTimeoutMs } : {}),
    ...(options.retryIntervalMs !== undefined ? { retryIntervalMs: options.retryIntervalMs } : {}),
  });

  const trigger = createTriggerHandler({
    starter: new SfnWorkflowStarter(stepFunctions, stepFunctions.stateMachineArn),
    largeClaimThreshold: config.largeClaimThreshold,
    resolveTicketCustomer:
      options.resolveTicketCustomer ??
      ticketCustomerResolver(identity, identityConfig({ defaultRegion: 'GB' }), clock),
    logger: logger('tessera-interventions-trigger'),
  });
  const page = createApprovalPageHandler({
    store,
    callbacks: new SfnTaskCallbacks(stepFunctions),
    mail,
    clock,
    signingKey: key,
    logger: logger('tessera-interventions-approval-page'),
  });

  return {
    stepFunctions,
    store,
    mail,
    consumer: async (event) => {
      await trigger(event as never, localLambdaContext('tessera-interventions-trigger'));
    },
    routes: [
      {
        method: 'GET',
        path: '/approvals/{approvalId}',
        functionName: 'tessera-interventions-approval-page',
        handler: page,
      },
      {
        method: 'POST',
        path: '/approvals/{approvalId}',
        functionName: 'tessera-interventions-approval-page',
        handler: page,
      },
    ],
    setApprovalBaseUrl(url: string) {
      base.url = url;
    },
  };
}
