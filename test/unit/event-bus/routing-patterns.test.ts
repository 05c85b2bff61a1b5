import { describe, expect, it } from 'vitest';
import {
  CHANNEL_EVENT_TYPES,
  ChannelEventType,
  channelSource,
  InternalEventType,
  InternalSource,
} from '../../../lambdas/core/contracts/names.js';
import { ROUTES } from '../../../lib/shared/routing.js';
import { compileEventPattern } from '../../../local/event-bus/pattern/index.js';

/** The routing table is what CDK turns into rules; the local bus must read every pattern in it the same way. */
describe('routing table patterns', () => {
  it.each(ROUTES.map((route) => ({ name: route.name, route })))('$name compiles', ({ route }) => {
    // Act
    const compile = () => compileEventPattern(route.pattern);
    // Assess
    expect(compile).not.toThrow();
  });

  it('sends every channel event type to identity resolution and no internal event', () => {
    // Prepare
    const route = ROUTES.find((r) => r.consumer === 'identity');
    expect(route).toBeDefined();
    const pattern = compileEventPattern(route!.pattern);
    const channel = CHANNEL_EVENT_TYPES.map((type) => ({
      source: channelSource('pos'),
      'detail-type': type,
    }));
    const internal = { source: InternalSource.identity, 'detail-type': InternalEventType.CustomersMerged };
    const spoofed = { source: InternalSource.analytics, 'detail-type': ChannelEventType.OrderPlaced };
    // Act
    const routed = channel.map((event) => pattern.matches(event));
    // Assess
    expect(routed.every(Boolean)).toBe(true);
    expect(pattern.matches(internal)).toBe(false);
    expect(pattern.matches(spoofed)).toBe(false);
  });
});
