/**
 * Every case of the EventBridge / event-ruler conformance data (../shared/data/event-patterns, Apache-2.0,
 * aws/event-ruler): `match` is what AWS's own matcher answers for that rule and event.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileEventPattern } from '../../../local/event-bus/pattern/index.js';

interface ConformanceCase {
  readonly name: string;
  readonly rule: unknown;
  readonly event: unknown;
  readonly match: boolean;
}

const dataDir = resolve(process.cwd(), '../shared/data/event-patterns');
const files = readdirSync(dataDir)
  .filter((file) => file.endsWith('.expected.json'))
  .sort();

describe('event pattern conformance with aws/event-ruler', () => {
  it('finds the conformance data', () => {
    // Assess: an empty directory would make the suites below vacuous.
    expect(files.length).toBeGreaterThan(0);
  });

  describe.each(files)('%s', (file) => {
    const cases = JSON.parse(readFileSync(join(dataDir, file), 'utf8')) as ConformanceCase[];

    it('holds cases', () => {
      expect(cases.length).toBeGreaterThan(0);
    });

    it.each(cases.map((c, index) => ({ ...c, title: `#${index} ${c.name}` })))(
      '$title -> $match',
      ({ rule, event, match }) => {
        // Prepare
        const pattern = compileEventPattern(rule);
        // Act
        const matched = pattern.matches(event);
        // Assess
        expect(matched).toBe(match);
      },
    );
  });
});
