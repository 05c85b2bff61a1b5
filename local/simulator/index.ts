import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type DeliveryCounts, deliver } from './delivery.js';
import { RetailerSimulation, type SimulatedEvent } from './engine.js';
import { loadNicknames } from './nicknames.js';
import { type ResolvedOptions, resolveOptions, type SimulationOptions } from './options.js';
import { buildPopulation } from './population.js';
import { type GroundTruth, truthLines } from './truth.js';

export type { SimulatedEvent } from './engine.js';
export { type NamedPerson, namesakeCounts } from './names.js';
export {
  DEFAULT_FAULTS,
  DEFAULT_OPTIONS,
  type FaultRates,
  SIM_SOURCES,
  type SimSource,
  type SimulationOptions,
} from './options.js';
export * from './truth.js';

/** A single-use stream of delivered events; `truth()` is available once the stream has been read to the end. */
export interface RetailerStream extends Iterable<SimulatedEvent>, AsyncIterable<SimulatedEvent> {
  readonly options: ResolvedOptions;
  /** Share of the simulated period generated so far (0 to 1), for a progress bar; the event count is not known ahead. */
  progress(): number;
  truth(): GroundTruth;
}

/**
 * The demo retailer as a stream: events are generated as they are read, so a 100k-customer run holds the
 * people and their open orders in memory, never the whole event list.
 */
export function streamRetailer(input: Partial<SimulationOptions> = {}): RetailerStream {
  const options = resolveOptions(input);
  const nicknames = loadNicknames();
  const simulation = new RetailerSimulation(options, buildPopulation(options), nicknames);
  const counts: DeliveryCounts = { delivered: 0, duplicatesInjected: 0, outOfOrderInjected: 0 };
  const delivered = deliver(
    simulation.events(),
    {
      seed: options.seed,
      duplicateRate: options.duplicateRate,
      outOfOrderRate: options.outOfOrderRate,
      window: options.outOfOrderWindow,
    },
    counts,
  );
  let done = false;
  let started = false;
  function* iterate(): Generator<SimulatedEvent> {
    if (started) throw new Error('simulator: a retailer stream can be read once; call streamRetailer again');
    started = true;
    yield* delivered;
    done = true;
  }
  return {
    options,
    progress: () => simulation.progress,
    [Symbol.iterator]: iterate,
    async *[Symbol.asyncIterator]() {
      yield* iterate();
    },
    truth(): GroundTruth {
      if (!done) throw new Error('simulator: the truth is known only after the whole event stream was read');
      const truth = simulation.truth();
      return {
        ...truth,
        meta: {
          ...truth.meta,
          deliveredEvents: counts.delivered,
          duplicatesInjected: counts.duplicatesInjected,
          outOfOrderInjected: counts.outOfOrderInjected,
        },
      };
    },
  };
}

/** The whole run in memory: fine for the demo size and tests; use streamRetailer for large runs. */
export function simulateRetailer(input: Partial<SimulationOptions> = {}): {
  events: SimulatedEvent[];
  truth: GroundTruth;
} {
  const stream = streamRetailer(input);
  const events = [...stream];
  return { events, truth: stream.truth() };
}

/** One JSONL line as `tessera local --events` reads it: `{ source, detailType, detail }`. */
export const serializeEvent = (event: SimulatedEvent): string => JSON.stringify(event);

export interface SimulationFiles {
  readonly eventsFile: string;
  readonly truthFile: string;
  readonly truth: GroundTruth;
}

async function writeLine(out: WriteStream, line: string): Promise<void> {
  if (!out.write(`${line}\n`)) await once(out, 'drain');
}

async function close(out: WriteStream): Promise<void> {
  out.end();
  await once(out, 'finish');
}

/** Writes `events.jsonl` and `truth.jsonl` into dir, streaming both. */
export async function writeSimulation(
  input: Partial<SimulationOptions>,
  dir: string,
  onProgress?: (eventsWritten: number) => void,
): Promise<SimulationFiles> {
  const target = resolve(dir);
  await mkdir(target, { recursive: true });
  const eventsFile = join(target, 'events.jsonl');
  const truthFile = join(target, 'truth.jsonl');
  const stream = streamRetailer(input);
  const events = createWriteStream(eventsFile, 'utf8');
  let written = 0;
  for (const event of stream) {
    await writeLine(events, serializeEvent(event));
    written++;
    if (onProgress && written % 5000 === 0) onProgress(written);
  }
  await close(events);
  const truth = stream.truth();
  const truthOut = createWriteStream(truthFile, 'utf8');
  for (const line of truthLines(truth)) await writeLine(truthOut, line);
  await close(truthOut);
  return { eventsFile, truthFile, truth };
}
