import type { Context } from 'aws-lambda';
import { composeIdentityConsumer } from '../identity/composition.js';
import { type BackfillBatch, createIdentityBackfillHandler } from './handler.js';

// The live consumer's own composition, so a backfilled event is resolved, scored and announced exactly as if
// it had arrived on the bus. A corrupt stored model fails the batch, which Step Functions retries and finally
// lists as failed, rather than matching with it.
const identity = composeIdentityConsumer('tessera-identity-backfill');
let backfill: ReturnType<typeof createIdentityBackfillHandler> | undefined;

export const handler = async (batch: BackfillBatch, context: Context) => {
  const consume = await identity.ready();
  backfill ??= createIdentityBackfillHandler({ identity: consume, logger: identity.logger });
  return backfill(batch, context);
};
