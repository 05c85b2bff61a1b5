/**
 * `tessera identity split | decide | erase` as a person runs them on the state a local run left behind: each
 * change to the identity graph is announced on the local bus, once, as the cloud would announce it.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerIdentityCommands } from '../../../bin/commands/identity.js';
import { DynamoIdentityStore } from '../../../lambdas/adapters/dynamodb/identity-store.js';
import type { SourceCustomer } from '../../../lambdas/core/contracts/common.js';
import type { TesseraEvent } from '../../../lambdas/core/contracts/envelope.js';
import {
  ChannelEventType,
  channelSource,
  InternalEventType,
  InternalSource,
} from '../../../lambdas/core/contracts/names.js';
import { rootOf } from '../../../lambdas/core/identity/resolve.js';
import { startLocalRuntime } from '../../../local/runtime.js';

const stateDir = mkdtempSync(join(tmpdir(), 'tessera-identity-cli-'));
const archive = join(stateDir, 'bus', 'archive.jsonl');
const deadLetters = join(stateDir, 'bus', 'dead-letters.jsonl');
afterAll(() => rm(stateDir, { recursive: true, force: true }));

/** Runs one `tessera identity ...` command in this process and returns what it printed. */
async function tessera(...args: string[]): Promise<string> {
  const program = new Command('tessera').exitOverride();
  registerIdentityCommands(program);
  const printed: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
    printed.push(String(line));
  });
  try {
    await program.parseAsync(['identity', ...args, '--state-dir', stateDir], { from: 'user' });
  } finally {
    vi.restoreAllMocks();
  }
  return printed.join('\n');
}

/** What the identity area put on the bus, from the bus archive (every accepted event, in order). */
function identityAnnouncements(): TesseraEvent<Record<string, unknown>>[] {
  if (!existsSync(archive)) return [];
  return readFileSync(archive, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as TesseraEvent<Record<string, unknown>>)
    .filter((e) => e.source === InternalSource.identity);
}

const jan = { givenName: 'Jan', familyName: 'Novak', birthDate: '2001-07-07', email: 'jan.novak@example.cz' };
const ann = {
  givenName: 'Ann',
  familyName: 'Lindqvist',
  birthDate: '1980-03-14',
  email: 'ann.l@example.com',
};
const people: Record<string, Omit<SourceCustomer, 'sourceSystem'>> = {
  // Two records linked into one profile, the second of which someone finds was not him.
  'C-1': jan,
  'C-2': { ...jan, phone: '+420 601 123 456' },
  // One person with two loyalty cards: never linked automatically, queued for review.
  'C-3': { ...ann, loyaltyId: 'L-1001' },
  'C-4': { ...ann, loyaltyId: 'L-2002' },
};
const ids: Record<string, string> = {};
let decidedReviewId = '';

beforeAll(async () => {
  // A local run receives the four CRM records, then stops.
  const runtime = await startLocalRuntime({ stateDir });
  try {
    await runtime.publisher.publish(
      Object.entries(people).map(([id, person], i) => ({
        source: channelSource('crm'),
        detailType: ChannelEventType.CustomerProfileUpdated,
        detail: {
          schemaVersion: 1,
          eventId: `crm-evt-${i}`,
          occurredAt: `2025-03-0${i + 1}T10:00:00Z`,
          customer: { sourceSystem: 'crm', sourceCustomerId: id, ...person },
        },
      })),
    );
    await runtime.bus.drain();
    const store = new DynamoIdentityStore(runtime.dynamo.doc, runtime.dynamo.tables.customers);
    for (const id of Object.keys(people)) {
      const customerId = (await store.getRecord(`crm#crm#${id}`))?.customerId;
      if (customerId === undefined) throw new Error(`the local run did not resolve ${id}`);
      // Delivered concurrently, the two records of one person may merge after the fact: follow redirects.
      ids[id] = (await rootOf(store, customerId)).customerId;
    }
  } finally {
    await runtime.stop();
  }
}, 120_000);

describe('tessera identity split, decide and erase on the local state', () => {
  it('announce the split, the accepted merge and the erasure on the bus, each exactly once', async () => {
    // Prepare: Jan's two records share a profile, the two cards of Ann wait in the review queue
    expect(ids['C-2']).toBe(ids['C-1']);
    expect(ids['C-4']).not.toBe(ids['C-3']);
    const queue = (await tessera('review')).split('\n');
    // An id line, then an indented line with the two records and the evidence: take the id above Ann's.
    const evidence = queue.findIndex((line) => line.startsWith(' ') && line.includes('crm#crm#C-4'));
    const reviewId = evidence > 0 ? (queue[evidence - 1] ?? '') : '';
    decidedReviewId = reviewId;
    const before = identityAnnouncements().length;

    // Act
    const split = JSON.parse(await tessera('split', 'crm#crm#C-2'));
    const decided = JSON.parse(await tessera('decide', reviewId, 'accept'));
    const decidedTwice = await tessera('decide', reviewId, 'reject').catch((e: Error) => e.message);
    const erased = JSON.parse(await tessera('erase', decided.survivorId));

    // Assess
    const announced = identityAnnouncements().slice(before);
    expect(announced.map((e) => e['detail-type'])).toEqual([
      InternalEventType.CustomerSplit,
      InternalEventType.CustomersMerged,
      InternalEventType.CustomerErased,
    ]);
    expect(announced[0]?.detail).toMatchObject({
      fromCustomerId: ids['C-1'],
      newCustomerId: split.newCustomerId,
      recordKeys: ['crm#crm#C-2'],
    });
    expect([ids['C-3'], ids['C-4']]).toContain(decided.survivorId);
    expect(announced[1]?.detail).toMatchObject({
      survivorId: decided.survivorId,
      mergedIds: [decided.mergedId],
    });
    expect(announced[2]?.detail).toMatchObject({ customerId: decided.survivorId });
    expect(decidedTwice).toMatch(/was already decided: accept by/);
    expect([...erased.recordKeys].sort()).toEqual(['crm#crm#C-3', 'crm#crm#C-4']);
    // The consumers took them: the Odoo sync handled the merge without a dead letter.
    expect(existsSync(deadLetters) ? readFileSync(deadLetters, 'utf8') : '').toBe('');
  }, 180_000);

  it('a decision already taken is not taken, nor announced, again; an erased one is gone', async () => {
    // Prepare
    const before = identityAnnouncements().length;
    // Act
    const splitAgain = tessera('split', 'crm#crm#C-2');
    await expect(splitAgain).rejects.toThrow(/already split/);
    const decideAgain = tessera('decide', decidedReviewId, 'accept');
    // Assess: the erasure took the review and its decision with Ann's records.
    await expect(decideAgain).rejects.toThrow(/no identity review/);
    expect(identityAnnouncements()).toHaveLength(before);
    expect(await tessera('review')).toBe('No possible matches are waiting for a person.');
    await expect(tessera('review', '--limit', '0')).rejects.toThrow(
      /--limit must be a whole number of at least 1/,
    );
  }, 120_000);

  it('tells the user to stop `tessera local` while it holds the state, and changes nothing', async () => {
    // Prepare: a running local runtime holds the state folder
    const running = await startLocalRuntime({ stateDir });
    const before = identityAnnouncements().length;
    try {
      // Act
      const attempt = tessera('split', 'crm#crm#C-1');
      // Assess
      await expect(attempt).rejects.toThrow(
        /`tessera identity split` changes the local state .* a running `tessera local` \(process \d+\) holds: stop it \(Ctrl-C in its terminal\), run this command again/,
      );
    } finally {
      await running.stop();
    }
    expect(identityAnnouncements()).toHaveLength(before);
  }, 120_000);
});
