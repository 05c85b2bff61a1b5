import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { createTesseraApp } from '../../lib/tessera-app.js';
import { cdkJsonContext, FULL_CONTEXT } from './tessera-app-fixture.js';

// The app as `cdk synth` builds it, AwsSolutions pack included, with every optional capability configured so
// each construct is checked; esbuild bundling is skipped (CDK's switch), as no rule looks into a bundle.
// cdk-nag 3 is a policy-validation plugin: its findings fail app.synth() and land in the validation report,
// not in construct annotations, so they are collected with the pack's own validateScope() (the entry point
// cdk-nag documents for tests).
// Built twice: without an environment (partition, region and account stay tokens) and with the region and
// account the CLI takes from a profile, which turns the partition and region in ARNs into plain text, so an
// acknowledgement written for one form only fails here as it would fail `npx cdk synth`.
function checkedApp(env?: { account: string; region: string }) {
  const { app } = createTesseraApp({
    context: cdkJsonContext({ ...FULL_CONTEXT, 'aws:cdk:bundling-stacks': [] }),
    outdir: mkdtempSync(join(tmpdir(), 'tessera-nag-')),
    nag: true,
    // CDK's own CloudFormation schema check only ever warns (it cannot fail this test) and costs seconds.
    builtinCloudFormationValidation: false,
    ...(env ? { env } : {}),
  });
  let synthError: unknown;
  try {
    app.synth();
  } catch (error) {
    synthError = error;
  }
  return { app, synthError, report: new AwsSolutionsChecks().validateScope(app) };
}

const variants = [
  { name: 'without an environment', ...checkedApp() },
  { name: 'in eu-west-1 of one account', ...checkedApp({ account: '123456789012', region: 'eu-west-1' }) },
];

function acknowledgements(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id,
          reason,
        })),
      ),
  );
}

describe.each(variants)('cdk-nag AwsSolutions, $name', ({ app, synthError, report }) => {
  it('reports no unacknowledged error or warning, and the synth with the pack succeeds', () => {
    // Assess: listing the findings makes a failure readable (rule, severity, resources).
    const findings = report.violations.map(
      (v) =>
        `${v.severity} ${v.ruleName}: ${v.description} (${v.violatingResources.map((r) => r.constructPath).join(', ')})`,
    );
    expect(findings).toEqual([]);
    expect(synthError).toBeUndefined();
  });

  it('gives every acknowledgement a specific written reason', () => {
    const acks = acknowledgements(app);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.id, ack.path).toMatch(/AwsSolutions-[A-Z]+\d+/);
      expect(ack.reason.length, `${ack.path} ${ack.id}`).toBeGreaterThanOrEqual(60);
    }
  });
});
