import type { ChannelEventLine } from './channel-client.js';

export interface DemoStream {
  readonly events: AsyncIterable<ChannelEventLine> | Iterable<ChannelEventLine>;
  readonly total?: number;
  readonly description: string;
}

/** The built-in demo: the simulated retailer's channel events. */
export function demoEventStream(_options: { customers: number; seed: number }): DemoStream {
  return { events: [], total: 0, description: 'simulator not wired yet' };
}
