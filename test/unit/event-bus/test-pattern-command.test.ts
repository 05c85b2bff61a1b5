/**
 * `tessera events test-pattern` end to end: the real CLI in a child process, on temporary files.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelEventType, channelSource } from '../../../lambdas/core/contracts/names.js';

const cli = resolve(process.cwd(), 'bin/tessera.mjs');
let dir: string;

/** Writes `content` (JSON-encoded unless it is already text) to a temp file and returns its path. */
function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function testPattern(patternFile: string, eventFile: string) {
  const run = spawnSync(
    process.execPath,
    [cli, 'events', 'test-pattern', '--pattern', patternFile, '--event', eventFile],
    {
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

const orderPlaced = {
  version: '0',
  id: 'c1a2b3',
  source: channelSource('web'),
  'detail-type': ChannelEventType.OrderPlaced,
  account: '123456789012',
  time: '2026-03-01T10:15:00Z',
  region: 'eu-west-1',
  resources: [],
  detail: { orderId: 'O-1', total: 120.5, channel: 'web' },
};

describe('tessera events test-pattern', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-test-pattern-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints true and exits 0 when the event matches', () => {
    // Prepare
    const pattern = file('match.json', {
      source: [{ prefix: 'tessera.channel.' }],
      detail: { total: [{ numeric: ['>', 100] }] },
    });
    const event = file('event.json', orderPlaced);
    // Act
    const run = testPattern(pattern, event);
    // Assess
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe('true');
  });

  it('prints false and exits 0 when it does not', () => {
    // Prepare
    const pattern = file('no-match.json', { 'detail-type': [ChannelEventType.OrderReturned] });
    const event = file('event.json', orderPlaced);
    // Act
    const run = testPattern(pattern, event);
    // Assess
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe('false');
  });

  it('exits 2 with the EventBridge-like reason on stderr for an invalid pattern', () => {
    // Prepare
    const pattern = file('invalid.json', { detail: { total: [{ numeric: ['>', 100, '<', 50] }] } });
    const event = file('event.json', orderPlaced);
    // Act
    const run = testPattern(pattern, event);
    // Assess
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(
      'Event pattern is not valid. Reason: Bottom must be less than top at detail.total',
    );
  });

  it('exits 2 naming the pattern file when it is not valid JSON', () => {
    // Prepare
    const pattern = file('broken.json', '{"source": [');
    const event = file('event.json', orderPlaced);
    // Act
    const run = testPattern(pattern, event);
    // Assess
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`pattern file ${pattern} is not valid JSON`);
  });

  it('exits 2 naming the event file when it cannot be read', () => {
    // Prepare
    const pattern = file('match.json', { source: [{ exists: true }] });
    const missing = join(dir, 'missing-event.json');
    // Act
    const run = testPattern(pattern, missing);
    // Assess
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`cannot read event file ${missing}: no such file`);
  });

  it('exits 2 when the event is not a JSON object', () => {
    // Prepare
    const pattern = file('match.json', { source: [{ exists: true }] });
    const event = file('array-event.json', [orderPlaced]);
    // Act
    const run = testPattern(pattern, event);
    // Assess
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`event file ${event} must hold a JSON object`);
  });
});
