import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { registerSimulateCommands } from '../../../bin/commands/simulate.js';
import { describeIssues, validateDetail } from '../../../lambdas/core/contracts/index.js';
import {
  readTruth,
  recordIndex,
  serializeEvent,
  simulateRetailer,
  streamRetailer,
  truthLines,
  writeSimulation,
} from '../../../local/simulator/index.js';

const small = { customers: 300, months: 6 };
const bytes = (seed: number) => {
  const { events, truth } = simulateRetailer({ ...small, seed });
  return { events: events.map(serializeEvent).join('\n'), truth: [...truthLines(truth)].join('\n') };
};
const dirs: string[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-sim-'));
  dirs.push(dir);
  return dir;
};
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('determinism and output', () => {
  it('gives the same bytes for the same seed, and a different run for another seed', () => {
    // Act
    const first = bytes(7);
    const again = bytes(7);
    const other = bytes(8);
    // Assess
    expect(again.events).toBe(first.events);
    expect(again.truth).toBe(first.truth);
    expect(other.events).not.toBe(first.events);
  });

  it('keeps each person the same when the population grows (per-person random streams)', () => {
    // Act
    const few = simulateRetailer({ ...small, customers: 100, seed: 3 }).truth.people;
    const many = simulateRetailer({ ...small, customers: 400, seed: 3 }).truth.people;
    // Assess: the households filled completely in both runs hold the same people
    const same = few.slice(0, 90).map((p) => [p.givenName, p.familyName, p.birthDate, p.traits]);
    expect(many.slice(0, 90).map((p) => [p.givenName, p.familyName, p.birthDate, p.traits])).toEqual(same);
  });

  it('streams the same events it returns as an array, valid for other seeds and sizes too', async () => {
    // Prepare
    const options = { customers: 500, months: 8, seed: 99, start: '2024-03-15' };
    const stream = streamRetailer(options);
    // Act
    const streamed: string[] = [];
    const progress: number[] = [];
    for await (const event of stream) {
      if (streamed.length % 500 === 0) progress.push(stream.progress());
      const result = validateDetail(event.detailType, event.detail);
      if (!result.ok) throw new Error(`${event.detailType}: ${describeIssues(result.issues)}`);
      streamed.push(serializeEvent(event));
    }
    // Assess
    expect(streamed.join('\n')).toBe(simulateRetailer(options).events.map(serializeEvent).join('\n'));
    expect(stream.truth().meta.start).toBe('2024-03-15T00:00:00Z');
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress[0]).toBeLessThan(0.2);
    expect(progress.at(-1)).toBeGreaterThan(0.8);
    expect(stream.progress()).toBe(1);
    expect(stream.truth()).toEqual(stream.truth());
    expect(() => [...stream]).toThrow(/can be read once/);
  });

  it('refuses to give the truth before the stream was read to the end', () => {
    const stream = streamRetailer(small);
    expect(() => stream.truth()).toThrow(/only after the whole event stream/);
  });

  it('writes events.jsonl and truth.jsonl that read back to the same truth', async () => {
    // Prepare
    const dir = await tempDir();
    // Act
    const { eventsFile, truthFile, truth } = await writeSimulation({ ...small, seed: 21 }, dir);
    const lines = (await readFile(eventsFile, 'utf8')).trimEnd().split('\n');
    const readBack = await readTruth(truthFile);
    // Assess
    expect(lines).toHaveLength(truth.meta.deliveredEvents);
    expect(Object.keys(JSON.parse(lines[0] ?? '{}'))).toEqual(['source', 'detailType', 'detail']);
    expect(readBack).toEqual(JSON.parse(JSON.stringify(truth)));
    expect(recordIndex(readBack).size).toBe(truth.records.length);
  });

  it('`tessera simulate` writes the files and prints people, records per source, events per type and duplicates', async () => {
    // Prepare
    const dir = await tempDir();
    const program = new Command('tessera').exitOverride();
    registerSimulateCommands(program);
    const printed: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
    // Act
    await program.parseAsync(
      ['simulate', '--customers', '150', '--months', '4', '--seed', '5', '--out', dir],
      {
        from: 'user',
      },
    );
    log.mockRestore();
    // Assess
    const output = printed.join('\n');
    expect(output).toMatch(/^people 150 in \d+ households/m);
    expect(output).toMatch(/records per source: pos \d+, ecommerce \d+/);
    expect(output).toMatch(/OrderPlaced\s+\d+/);
    expect(output).toMatch(/duplicates injected \d+/);
    const events = (await readFile(join(dir, 'events.jsonl'), 'utf8')).trimEnd().split('\n');
    expect(events.length).toBeGreaterThan(100);
  });

  it('`tessera simulate` refuses a bad option with a message naming it', async () => {
    const program = new Command('tessera').exitOverride().configureOutput({ writeErr: () => {} });
    registerSimulateCommands(program);
    await expect(
      program.parseAsync(['simulate', '--customers', 'many', '--out', 'x'], { from: 'user' }),
    ).rejects.toThrow(/--customers must be an integer/);
    await expect(
      program.parseAsync(['simulate', '--duplicate-rate', '2', '--out', await tempDir()], { from: 'user' }),
    ).rejects.toThrow(/duplicateRate must be a share between 0 and 1/);
  });
});
