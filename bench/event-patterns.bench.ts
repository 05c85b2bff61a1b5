/**
 * Pattern checks per second of the local bus's EventBridge matcher: the aws/event-ruler conformance cases,
 * the routing table on sample Tessera events, and a richer routing pattern using most operators.
 *   npx tsx bench/run.ts event-patterns
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  CHANNEL_EVENT_TYPES,
  ChannelEventType,
  channelSource,
  INTERNAL_EVENT_TYPES,
  InternalSource,
} from '../lambdas/core/contracts/names.js';
import { ROUTES } from '../lib/shared/routing.js';
import { type CompiledPattern, compileEventPattern } from '../local/event-bus/pattern/index.js';

interface Check {
  readonly pattern: CompiledPattern;
  readonly event: unknown;
}

/** Runs the checks round after round for about `seconds`, after a warm-up, and returns checks per second. */
function measure(checks: readonly Check[], seconds = 1): { perSecond: number; matched: number } {
  let matched = 0;
  const round = () => {
    for (const check of checks) if (check.pattern.matches(check.event)) matched++;
  };
  for (let i = 0; i < 200; i++) round();
  matched = 0;
  let rounds = 0;
  const started = process.hrtime.bigint();
  const budget = BigInt(seconds * 1e9);
  while (process.hrtime.bigint() - started < budget) {
    round();
    rounds++;
  }
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  return { perSecond: (rounds * checks.length) / elapsed, matched: matched / rounds };
}

function conformanceChecks(): { checks: Check[]; rules: unknown[] } {
  const dir = resolve(process.cwd(), '../shared/data/event-patterns');
  const cases = readdirSync(dir)
    .filter((file) => file.endsWith('.expected.json'))
    .flatMap(
      (file) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as { rule: unknown; event: unknown }[],
    );
  return {
    checks: cases.map((c) => ({ pattern: compileEventPattern(c.rule), event: c.event })),
    rules: cases.map((c) => c.rule),
  };
}

/** Envelopes shaped like what the ingest API puts on the bus: a customer, lines, amounts, tags. */
function sampleEvents(count: number): unknown[] {
  const sources = ['pos', 'web', 'marketplace', 'loyalty', 'crm', 'service', 'odoo'];
  const events: unknown[] = [];
  for (let i = 0; i < count; i++) {
    const internal = i % 10 === 9;
    events.push({
      version: '0',
      id: `evt-${i}`,
      source: internal ? InternalSource.analytics : channelSource(sources[i % sources.length]!),
      'detail-type': internal
        ? INTERNAL_EVENT_TYPES[i % INTERNAL_EVENT_TYPES.length]
        : CHANNEL_EVENT_TYPES[i % CHANNEL_EVENT_TYPES.length],
      account: '123456789012',
      time: '2026-03-01T10:15:00Z',
      region: 'eu-west-1',
      resources: [],
      detail: {
        schemaVersion: 1,
        eventId: `src-${i}`,
        customer: {
          sourceSystem: sources[i % sources.length],
          sourceCustomerId: `C-${i % 997}`,
          email: `customer${i % 997}@example.com`,
          loyaltyId: i % 3 === 0 ? `L-${i}` : undefined,
        },
        channel: i % 2 === 0 ? 'store' : 'web',
        priority: ['low', 'normal', 'high', 'urgent'][i % 4],
        sourceIp: `10.${i % 4}.${i % 200}.${i % 250}`,
        total: (i % 40) * 12.5,
        refund: { amount: (i % 13) * 55 },
        promotionCodes: i % 5 === 0 ? ['SPRING10', `VIP${i % 7}`] : [],
        lines: Array.from({ length: 1 + (i % 4) }, (_, l) => ({
          sku: `SKU-${(i + l) % 300}-${['S', 'M', 'L', 'XL'][l % 4]}`,
          quantity: 1 + (l % 3),
          unitPrice: 20 + l,
          discount: l % 2 === 0 ? 0 : 5,
        })),
      },
    });
  }
  return events;
}

/** A pattern of the kind a later consumer might route on: most operators, nested `$or`, arrays. */
const RICH_PATTERN = {
  source: [{ prefix: 'tessera.channel.' }],
  'detail-type': [
    { 'anything-but': [ChannelEventType.LoyaltyPointsChanged, ChannelEventType.TicketUpdated] },
  ],
  detail: {
    customer: { email: [{ suffix: { 'equals-ignore-case': '@EXAMPLE.COM' } }] },
    sourceIp: [{ cidr: '10.0.0.0/14' }],
    $or: [
      { priority: ['high', 'urgent'] },
      { total: [{ numeric: ['>=', 250, '<', 1000] }], lines: { sku: [{ wildcard: 'SKU-1*-XL' }] } },
      { refund: { amount: [{ numeric: ['>', 500] }] }, promotionCodes: [{ prefix: 'VIP' }] },
    ],
  },
};

export async function main(): Promise<void> {
  const conformance = conformanceChecks();
  const compileRounds = 200;
  const compileStarted = process.hrtime.bigint();
  for (let i = 0; i < compileRounds; i++) for (const rule of conformance.rules) compileEventPattern(rule);
  const compileSeconds = Number(process.hrtime.bigint() - compileStarted) / 1e9;
  const compiles = (compileRounds * conformance.rules.length) / compileSeconds;

  const events = sampleEvents(1000);
  const routes = ROUTES.map((route) => compileEventPattern(route.pattern));
  const routing = events.flatMap((event) => routes.map((pattern) => ({ pattern, event })));
  const rich = compileEventPattern(RICH_PATTERN);
  const richChecks = events.map((event) => ({ pattern: rich, event }));

  const rows: [string, { perSecond: number; matched: number }, number][] = [
    [
      `conformance cases (${conformance.checks.length} rule x event)`,
      measure(conformance.checks),
      conformance.checks.length,
    ],
    [
      `routing table (${routes.length} route(s) x ${events.length} sample events)`,
      measure(routing),
      routing.length,
    ],
    [
      `rich pattern: $or, numeric, cidr, wildcard, suffix ignore-case (x ${events.length})`,
      measure(richChecks),
      richChecks.length,
    ],
  ];
  console.log(
    `pattern compiles per second (conformance rules): ${Math.round(compiles).toLocaleString('en-US')}`,
  );
  for (const [label, result, total] of rows) {
    console.log(
      `${label}: ${Math.round(result.perSecond).toLocaleString('en-US')} checks/s, ${result.matched} of ${total} match`,
    );
  }
}
