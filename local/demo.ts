import type { ChannelEventLine } from './channel-client.js';
import { type GroundTruth, simulateRetailer, streamRetailer } from './simulator/index.js';

export interface DemoStream {
  readonly events: AsyncIterable<ChannelEventLine> | Iterable<ChannelEventLine>;
  /** Known up front for demo sizes (the progress bar shows an ETA); unknown for streamed large runs. */
  readonly total?: number;
  readonly description: string;
  /** Who is who, for the end-of-run accuracy figures; available once the stream has been consumed. */
  truth(): GroundTruth;
}

/** Above this many customers the demo streams its events instead of generating them all first. */
const IN_MEMORY_LIMIT = 20_000;

/** The built-in demo: the simulated retailer's channel events, as its channel systems would send them. */
export function demoEventStream(options: { customers: number; seed: number }): DemoStream {
  if (options.customers <= IN_MEMORY_LIMIT) {
    const run = simulateRetailer({ customers: options.customers, seed: options.seed });
    return {
      events: run.events,
      total: run.events.length,
      description: `${options.customers.toLocaleString('en-US')} customers, ${run.events.length.toLocaleString('en-US')} channel events (seed ${options.seed})`,
      truth: () => run.truth,
    };
  }
  const stream = streamRetailer({ customers: options.customers, seed: options.seed });
  return {
    events: stream,
    description: `${options.customers.toLocaleString('en-US')} customers, streamed (seed ${options.seed})`,
    truth: () => stream.truth(),
  };
}
