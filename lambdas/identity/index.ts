import type { Context, EventBridgeEvent } from 'aws-lambda';
import { composeIdentityConsumer } from './composition.js';

// Composed at load (environment and survivorship checked before any event); the model is read on first use.
const identity = composeIdentityConsumer('tessera-identity');

export const handler = async (event: EventBridgeEvent<string, unknown>, context: Context) => {
  const consume = await identity.ready();
  return consume(event, context);
};
