/**
 * Generation speed of the demo retailer: events per second and memory, streamed (nothing kept), for the
 * default demo size and a larger one. `npm run bench -- simulator`; SIM_BENCH_CUSTOMERS=100000 adds a run.
 */
import { serializeEvent, streamRetailer } from '../local/simulator/index.js';

async function measure(customers: number): Promise<void> {
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const stream = streamRetailer({ customers });
  let events = 0;
  let bytes = 0;
  let peakHeap = 0;
  for (const event of stream) {
    events++;
    bytes += serializeEvent(event).length + 1;
    if ((events & 0xfff) === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  // The machine is shared: CPU time says what the generator costs when wall-clock time is inflated by others.
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const truth = stream.truth();
  console.log(
    [
      `customers ${String(customers).padStart(7)}`,
      `events ${String(events).padStart(9)}`,
      `${Math.round(events / seconds)
        .toLocaleString('en-GB')
        .padStart(7)} events/s (incl. serialising)`,
      `${seconds.toFixed(1)} s wall`,
      `${Math.round(events / cpuSeconds).toLocaleString('en-GB')} events per CPU-second`,
      `${(bytes / 1e6).toFixed(1)} MB of JSONL`,
      `peak heap ${(peakHeap / 1e6).toFixed(0)} MB`,
      `records ${truth.records.length}`,
    ].join(' | '),
  );
}

export async function main(): Promise<void> {
  const sizes = [2000, 20_000];
  const extra = Number(process.env.SIM_BENCH_CUSTOMERS);
  if (Number.isInteger(extra) && extra > 0) sizes.push(extra);
  for (const customers of sizes) await measure(customers);
}
