import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { createTesseraApp, type TesseraApp } from '../../lib/tessera-app.js';

/** The context `cdk synth` sees: cdk.json's (feature flags and the `tessera` settings), plus overrides. */
export function cdkJsonContext(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(resolve(process.cwd(), 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return { ...cdkJson.context, ...overrides };
}

export interface SynthesisedTessera extends TesseraApp {
  readonly statefulTemplate: Template;
  readonly statelessTemplate: Template;
  /** The cloud assembly folder; under the git-ignored cdk.out/ so bundles resolve node_modules like Lambda's SDK. */
  readonly outdir: string;
}

/**
 * Builds and synthesises the app as bin/app.ts does, bundling the real handler entries, once per test file.
 * cdk-nag and CDK's built-in CloudFormation schema check run in cdk-nag.test.ts (as in `cdk synth`);
 * skipping them here saves several seconds per file on this 2-core machine.
 */
export function synthesiseTessera(
  options: {
    context?: Record<string, unknown>;
    /** false: no esbuild bundling (CDK's own switch), for files that assert no bundle contents. */
    bundle?: boolean;
  } = {},
): SynthesisedTessera {
  const parent = resolve(process.cwd(), 'cdk.out');
  mkdirSync(parent, { recursive: true });
  const outdir = mkdtempSync(join(parent, 'test-'));
  const tessera = createTesseraApp({
    context: cdkJsonContext({
      ...options.context,
      ...(options.bundle === false ? { 'aws:cdk:bundling-stacks': [] } : {}),
    }),
    outdir,
    nag: false,
    builtinCloudFormationValidation: false,
    treeMetadata: false,
  });
  tessera.app.synth();
  return {
    ...tessera,
    outdir,
    statefulTemplate: Template.fromStack(tessera.stateful),
    statelessTemplate: Template.fromStack(tessera.stateless),
  };
}

// biome-ignore lint/suspicious/noExplicitAny: synthesised CloudFormation is untyped JSON that tests navigate.
export type CfnJson = any;

/** Every resource of a type, as [logical id, resource] pairs. */
export function resourcesOf(
  template: Template,
  type: string,
): [string, { Properties: Record<string, CfnJson> }][] {
  return Object.entries(template.findResources(type)) as [string, { Properties: Record<string, CfnJson> }][];
}

/** Settings that deploy every optional capability (Odoo sync, interventions), as an operator would set them. */
export const FULL_CONTEXT: Record<string, unknown> = {
  'tessera:odooUrl': 'https://odoo.retailer.example',
  'tessera:odooDatabase': 'retailer',
  'tessera:odooLogin': 'tessera-integration',
  'tessera:odooApi': 'jsonrpc',
  'tessera:odooSyncMode': 'both',
  'tessera:approvalSenderAddress': 'approvals@mail.retailer.example',
  'tessera:sesIdentity': 'retailer.example',
};
