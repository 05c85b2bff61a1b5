/**
 * Ingest throughput through the local stack: signed HTTP batches into the ingest handler, contract
 * validation, the dedup ledger on dynalite, PutEvents onto the local bus. Printed twice: as acknowledged by
 * the API (what a channel system sees), and until every consumer has processed the events (end to end).
 * `npm run bench -- ingest` (BENCH_INGEST_CUSTOMERS to change the size).
 */
import { sendEventStream } from '../local/event-stream.js';
import { startLocalRuntime } from '../local/runtime.js';
import { simulateRetailer } from '../local/simulator/index.js';

export async function main(): Promise<void> {
  const customers = Number(process.env.BENCH_INGEST_CUSTOMERS ?? 300);
  const { events } = simulateRetailer({ customers, seed: 7 });
  const runtime = await startLocalRuntime({ port: 0 });
  try {
    const started = performance.now();
    const totals = await sendEventStream(events, {
      apiUrl: runtime.api.url,
      sourceKeys: runtime.sourceKeys,
      batchSize: 25,
      concurrency: 4,
      maxResends: 3,
    });
    const acknowledged = performance.now();
    await runtime.bus.drain();
    const processed = performance.now();
    const seconds = (ms: number) => (ms / 1000).toFixed(1);
    console.log(
      `demo retailer: ${customers} customers, ${totals.sent} events (${totals.duplicates} duplicates)`,
    );
    console.log(
      `ingest API: ${Math.round(totals.sent / ((acknowledged - started) / 1000))} events/s acknowledged (${seconds(acknowledged - started)} s)`,
    );
    console.log(
      `end to end (identity, profile, downstream consumers): ${Math.round(totals.sent / ((processed - started) / 1000))} events/s (${seconds(processed - started)} s)`,
    );
  } finally {
    await runtime.stop();
  }
}
