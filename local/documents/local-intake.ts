/**
 * Document intake on this machine as in the cloud: `POST /documents` on the local API runs the intake
 * Lambda's handler, whose pre-signed URL points at the local S3 endpoint; the PUT there announces the file on
 * the bus, and the routing table's upload route starts the document workflow.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { PutEventsClient } from '../../lambdas/adapters/eventbridge/event-publisher.js';
import type { Clock } from '../../lambdas/core/ports.js';
import { createDocumentIntakeHandler } from '../../lambdas/documents-intake/handler.js';
import type { LocalApiRoute } from '../http/api-server.js';
import { type LocalS3, startLocalS3 } from './local-s3.js';
import type { LocalDocumentWorkflow } from './local-workflow.js';

export interface LocalDocumentIntake {
  readonly route: LocalApiRoute;
  readonly s3: LocalS3;
}

export async function startLocalDocumentIntake(options: {
  readonly workflow: LocalDocumentWorkflow;
  readonly events: PutEventsClient;
  readonly clock: Clock;
  readonly logger: Logger;
}): Promise<LocalDocumentIntake> {
  const s3 = await startLocalS3({
    objects: options.workflow.objects,
    events: options.events,
    clock: options.clock,
  });
  const handler = createDocumentIntakeHandler({
    store: options.workflow.store,
    bucket: options.workflow.objects.bucket,
    presign: s3.presign,
    clock: options.clock,
    logger: options.logger,
  });
  return {
    route: { method: 'POST', path: '/documents', functionName: 'tessera-documents-intake', handler },
    s3,
  };
}
