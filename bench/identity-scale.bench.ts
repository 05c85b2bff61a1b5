/**
 * Request units per event as the identity graph grows (issue 3: "flat as the number of profiles grows").
 * Loads the demo retailer's people through the real identity consumer into local DynamoDB (dynalite, on
 * disk in a temporary folder), 8 events in flight, until each size is reached; there it measures the read
 * and write units per event, as DynamoDB reports them, over a fixed sample of the stream's next events:
 * records seen for the first time (resolved against the graph) and events of records already known.
 *
 *   npm run bench -- identity-scale                     # 1,000 and 10,000 profiles, a few minutes here
 *   TESSERA_BENCH_PROFILES=10000,30000 TESSERA_BENCH_DYNAMO=memory npm run bench -- identity-scale   # 9 minutes
 *   TESSERA_BENCH_PROFILES=10000,100000 TESSERA_BENCH_DYNAMO=memory npm run bench -- identity-scale   # 37 min
 *   TESSERA_BENCH_PROFILES=10000,30000 TESSERA_BENCH_SAMPLE=1000 TESSERA_BENCH_CONCURRENCY=8 npm run bench -- identity-scale
 *
 * Only first events of records are loaded (the repeats in between would add nothing to the graph and only
 * time). The simulated people have common and rare surnames, households, nicknames and typos, so blocks
 * grow the way a real customer base makes them grow.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { DynamoIdentityStore } from '../lambdas/adapters/dynamodb/identity-store.js';
import { identityConfig } from '../lambdas/core/identity/config.js';
import { costPerMillionEvents } from '../lambdas/core/identity/pricing.js';
import { systemClock } from '../lambdas/core/ports.js';
import { createIdentityHandler } from '../lambdas/identity/handler.js';
import { startLocalDynamo } from '../local/dynamodb.js';
import { type IdentityEvent, identityEvents } from './identity-people.js';

/** Simulated people per profile wanted: some never show up within the period, guests add profiles. */
const PEOPLE_PER_PROFILE = 1.25;
/** Repeat events per new record in the cost mix, as in identity-cost (a retail stream is mostly repeats). */
const REPEATS_PER_NEW = 4;

function positiveInts(name: string, fallback: string): number[] {
  const raw = process.env[name] ?? fallback;
  const values = raw.split(',').map((v) => Number(v.trim()));
  if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new Error(`${name} must be positive integers separated by commas, got ${JSON.stringify(raw)}`);
  }
  return values;
}

interface Units {
  readonly read: number;
  readonly write: number;
}

interface Row {
  readonly profiles: number;
  readonly records: number;
  readonly loadSeconds: number;
  readonly fresh: Units;
  readonly repeat: Units;
}

export async function main(): Promise<void> {
  // 100,000 profiles take 36 minutes to load here (211,000 records, about 100 records/s): ask for them by name.
  const sizes = positiveInts('TESSERA_BENCH_PROFILES', '1000,10000').sort((a, b) => a - b);
  const [sample = 1000] = positiveInts('TESSERA_BENCH_SAMPLE', '1000');
  const [concurrency = 8] = positiveInts('TESSERA_BENCH_CONCURRENCY', '8');
  const largest = sizes.at(-1) ?? 0;
  // On disk by default: a 100k-profile graph is millions of items, which may not fit dynalite's in-memory heap.
  const onDisk = (process.env.TESSERA_BENCH_DYNAMO ?? 'disk') !== 'memory';
  const customers = Math.ceil(largest * PEOPLE_PER_PROFILE) + 2 * sample;
  console.log(
    `sizes ${sizes.join(', ')} profiles; ${customers} simulated people; sample ${sample} new + ${sample} repeat events; ${concurrency} in flight; dynalite ${onDisk ? 'on disk' : 'in memory'}`,
  );

  const folder = await mkdtemp(join(tmpdir(), 'tessera-identity-scale-'));
  const dynamo = await startLocalDynamo(onDisk ? { path: folder } : {});
  try {
    const store = new DynamoIdentityStore(dynamo.doc, dynamo.tables.customers);
    const handler = createIdentityHandler({
      identity: store,
      profiles: store,
      publisher: {
        publish: async (events) => events.map(() => ({ ok: true as const, busEventId: 'bench' })),
      },
      // The demo retailer is British: phones without a country code are UK numbers, as in `tessera local`.
      config: identityConfig({ defaultRegion: 'GB' }),
      clock: systemClock,
      logger: new Logger({ serviceName: 'bench', logLevel: 'SILENT' }),
    });
    const context = { functionName: 'bench', awsRequestId: 'bench' } as Context;

    // Profiles = the live roots the consumer has answered with; a merge retires the ids it absorbed.
    const roots = new Set<string>();
    const absorbed = new Set<string>();
    let records = 0;
    /** Answers the event and says how: the outcome (new, link, merge, known, duplicate, ...). */
    const handle = async (item: IdentityEvent): Promise<string> => {
      const result = await handler(item.event, context);
      if (item.first) records += 1;
      const outcome = result.status === 'resolved' ? result.outcome : result.status;
      if (result.status !== 'resolved') return outcome;
      for (const id of result.mergedIds) {
        absorbed.add(id);
        roots.delete(id);
      }
      if (!absorbed.has(result.customerId)) roots.add(result.customerId);
      return outcome;
    };
    /** Handles the items `next` hands out, `concurrency` at a time, until it returns undefined. */
    const pool = async (next: () => IdentityEvent | undefined) => {
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          for (let item = next(); item !== undefined; item = next()) await handle(item);
        }),
      );
    };
    // One event at a time, so that each event's units are its own: the units per outcome show whether a
    // change between sizes comes from the graph's growth or from what the sample was made of.
    const measure = async (items: readonly IdentityEvent[]): Promise<Units & { outcomes: string }> => {
      const tally = new Map<string, { n: number; read: number; write: number }>();
      let read = 0;
      let write = 0;
      for (const item of items) {
        const before = { read: store.capacity.read, write: store.capacity.write };
        const outcome = await handle(item);
        const r = store.capacity.read - before.read;
        const w = store.capacity.write - before.write;
        const t = tally.get(outcome) ?? { n: 0, read: 0, write: 0 };
        tally.set(outcome, { n: t.n + 1, read: t.read + r, write: t.write + w });
        read += r;
        write += w;
      }
      return {
        read: read / items.length,
        write: write / items.length,
        outcomes: [...tally]
          .sort((a, b) => b[1].n - a[1].n)
          .map(
            ([k, t]) => `${k} ${t.n} (RRU ${(t.read / t.n).toFixed(2)}, WRU ${(t.write / t.n).toFixed(2)})`,
          )
          .join(', '),
      };
    };

    const stream = identityEvents({ customers, seed: 7 });
    const pull = () => {
      const r = stream.next();
      return r.done ? undefined : r.value;
    };
    const started = performance.now();
    let lastReport = started;
    const rows: Row[] = [];
    for (const size of sizes) {
      // Load: first events of records until the graph holds `size` profiles.
      await pool(() => {
        if (roots.size >= size) return undefined;
        const now = performance.now();
        if (now - lastReport > 15_000) {
          lastReport = now;
          const seconds = (now - started) / 1000;
          console.log(
            `  loading: ${roots.size} profiles from ${records} records, ${Math.round(seconds)} s, ${(records / seconds).toFixed(0)} records/s`,
          );
        }
        for (let item = pull(); item !== undefined; item = pull()) if (item.first) return item;
        return undefined;
      });
      if (roots.size < size) throw new Error(`the simulated stream ran out at ${roots.size} profiles`);
      const loadSeconds = (performance.now() - started) / 1000;
      const profilesAtSize = roots.size;
      const recordsAtSize = records;

      // The fixed sample: the stream's next `sample` new records and `sample` events of known records.
      const fresh: IdentityEvent[] = [];
      const later: IdentityEvent[] = [];
      const repeat: IdentityEvent[] = [];
      while (fresh.length < sample || repeat.length < sample) {
        const item = pull();
        if (item === undefined) throw new Error(`the simulated stream ran out while sampling at ${size}`);
        if (item.first) (fresh.length < sample ? fresh : later).push(item);
        else if (repeat.length < sample) repeat.push(item);
      }
      const freshUnits = await measure(fresh);
      // New records read past the sample are loaded (unmeasured), so every repeat meets a known record.
      await measure(later);
      const repeatUnits = await measure(repeat);
      rows.push({
        profiles: profilesAtSize,
        records: recordsAtSize,
        loadSeconds,
        fresh: freshUnits,
        repeat: repeatUnits,
      });
      console.log(
        `  at ${profilesAtSize} profiles (${recordsAtSize} records, loaded in ${Math.round(loadSeconds)} s): new RRU ${freshUnits.read.toFixed(2)} WRU ${freshUnits.write.toFixed(2)}, repeat RRU ${repeatUnits.read.toFixed(2)} WRU ${repeatUnits.write.toFixed(2)}` +
          `\n    new sample answered: ${freshUnits.outcomes}; repeat sample: ${repeatUnits.outcomes}`,
      );
    }

    const f = (x: number) => x.toFixed(2).padStart(6);
    console.log(
      `\n${'profiles'.padStart(9)} ${'records'.padStart(8)} ${'load s'.padStart(7)} | new RRU    WRU | repeat RRU    WRU | mix RRU    WRU  $/M events`,
    );
    for (const r of rows) {
      const mix = {
        readPerEvent: (r.fresh.read + REPEATS_PER_NEW * r.repeat.read) / (1 + REPEATS_PER_NEW),
        writePerEvent: (r.fresh.write + REPEATS_PER_NEW * r.repeat.write) / (1 + REPEATS_PER_NEW),
      };
      const cost = costPerMillionEvents(mix, {
        lambdaMemoryGb: 1,
        lambdaMsPerEvent: 60,
        busEventsPerEvent: 1,
      });
      console.log(
        `${String(r.profiles).padStart(9)} ${String(r.records).padStart(8)} ${String(Math.round(r.loadSeconds)).padStart(7)} |  ${f(r.fresh.read)} ${f(r.fresh.write)} |     ${f(r.repeat.read)} ${f(r.repeat.write)} |  ${f(mix.readPerEvent)} ${f(mix.writePerEvent)} ${f(cost.total).padStart(10)}`,
      );
    }
    console.log(
      `(request units per event as DynamoDB reports them; mix = 1 new + ${REPEATS_PER_NEW} repeats; cost from lambdas/core/identity/pricing.ts)`,
    );
  } finally {
    await dynamo.close();
    await rm(folder, { recursive: true, force: true });
  }
}
