import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerReportCommands } from '../../../bin/commands/report.js';
import { emptyAggregates } from '../../../lambdas/core/analytics/aggregates.js';
import { writeReport } from '../../../local/report/index.js';
import { AS_OF, handMadeInterventions, handMadeProfiles, storedModels } from './fixtures.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-report-'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

async function run(...args: string[]): Promise<string[]> {
  const printed: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
    printed.push(String(line));
  });
  const program = new Command('tessera').exitOverride();
  registerReportCommands(program);
  await program.parseAsync(['node', 'tessera', 'report', ...args]);
  return printed;
}

const jsonl = (rows: readonly unknown[]) => `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;

describe('tessera report', () => {
  it('writes the page from a profile export and prints its path', async () => {
    // Prepare
    const profiles = join(dir, 'profiles.jsonl');
    const models = join(dir, 'models.json');
    const outcomes = join(dir, 'outcomes.jsonl');
    const out = join(dir, 'nested', 'report.html');
    // B carries its stored segment state rather than a list; C the whole analytics state of a profile item.
    const rows = handMadeProfiles().map((p, i) =>
      i === 1
        ? { ...p, segments: { segments: p.segments, above: [] } }
        : i === 2
          ? {
              customerId: p.customerId,
              state: {
                aggregates: p.aggregates,
                scores: p.scores,
                segments: { segments: p.segments, above: [] },
              },
            }
          : p,
    );
    await writeFile(profiles, jsonl(rows));
    await writeFile(models, JSON.stringify(storedModels()));
    await writeFile(outcomes, jsonl(handMadeInterventions()));
    // Act
    const printed = await run(
      '--profiles',
      profiles,
      '--models',
      models,
      '--interventions',
      outcomes,
      '--as-of',
      AS_OF.toISOString().slice(0, 10),
      '--out',
      out,
    );
    // Assess
    expect(printed).toEqual([out]);
    const html = await readFile(out, 'utf8');
    expect(html).toContain('<dd class="value">£550</dd>');
    expect(html).toContain('id="interventions"');
    expect(html).toMatch(/Service friction<\/th><td class="num">1<\/td>/);
    expect(html).toMatch(/Margin-destructive<\/th><td class="num">1<\/td>/);
  });

  it('writes the demo retailer report from its events run through the analytics in memory', async () => {
    // Prepare
    const out = join(dir, 'demo.html');
    // Act
    const printed = await run('--demo', '--customers', '150', '--seed', '7', '--out', out);
    // Assess
    expect(printed).toEqual([out]);
    const html = await readFile(out, 'utf8');
    expect(html).toContain('demo retailer');
    expect(html).toMatch(/<dt>Customers<\/dt><dd class="value">1[0-9]{2}<\/dd>/);
    expect(html).toContain('Gamma-Gamma');
    expect(html).not.toMatch(/cus_[0-9a-z]+/);
  }, 60_000);

  it('refuses to guess where the profiles come from, and names a bad profile line', async () => {
    // Prepare
    const bad = join(dir, 'bad.jsonl');
    const partial = join(dir, 'partial.jsonl');
    const good = JSON.stringify({ customerId: 'cus_aaaaaaaaaa', aggregates: emptyAggregates() });
    await writeFile(bad, `${good}\n{"customerId":7}\n`);
    await writeFile(partial, '{"customerId":"cus_aaaaaaaaaa","aggregates":{"v":1,"orders":{}}}\n');
    // Act + Assess
    await expect(run('--out', join(dir, 'x.html'))).rejects.toThrow(
      /exactly one of --profiles FILE, --demo or --local/,
    );
    await expect(run('--profiles', bad, '--out', join(dir, 'x.html'))).rejects.toThrow(/bad.jsonl line 2/);
    await expect(run('--profiles', partial, '--out', join(dir, 'x.html'))).rejects.toThrow(
      /partial.jsonl line 1: aggregates lack tickets, loyalty, campaigns, channels, issues/,
    );
  });

  it('prints the intervention outcomes with the interventions view', async () => {
    // Prepare
    const profiles = join(dir, 'profiles.jsonl');
    const outcomes = join(dir, 'outcomes.jsonl');
    await writeFile(profiles, jsonl(handMadeProfiles()));
    await writeFile(outcomes, jsonl(handMadeInterventions()));
    // Act
    const printed = await run(
      'interventions',
      '--interventions',
      outcomes,
      '--profiles',
      profiles,
      '--as-of',
      '2026-06-30',
    );
    // Assess
    expect(printed[0]).toBe(
      'proposed 7: applied 2 (auto-approved 1), rejected 1, timed out 1, holdout 2, failed 1',
    );
    expect(printed).toContain('treated\t2\t100.0%\t90.0%\t0.00 GBP\t10.00 GBP');
    expect(printed).toContain('holdout\t1\t100.0%\t15.0%\t10.00 GBP\t0.00 GBP');
    await expect(run('interventions', '--profiles', profiles)).rejects.toThrow(/needs --interventions FILE/);
  });

  it('exports writeReport for the local demo, defaulting the figures to today', async () => {
    // Act
    const before = new Date().toISOString().slice(0, 10);
    const file = await writeReport(handMadeProfiles(), {
      out: join(dir, 'r.html'),
      dataSource: 'local DynamoDB',
    });
    const after = new Date().toISOString().slice(0, 10);
    // Assess
    const html = await readFile(file, 'utf8');
    expect(file).toBe(join(dir, 'r.html'));
    expect(html).toContain('source: local DynamoDB');
    // Either side of midnight, the date the call ran on.
    expect([before, after].some((day) => html.includes(`Figures as of ${day}`))).toBe(true);
  });
});
