import { rmSync } from 'node:fs';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../lib/shared/routing.js';
import { resourcesOf, synthesiseTessera } from './tessera-app-fixture.js';

// cdk.json as committed: no Odoo URL, no approval sender. Nothing is bundled (CDK's switch): only the
// composition of the stacks is asserted here.
const tessera = synthesiseTessera({ bundle: false });
afterAll(() => rmSync(tessera.outdir, { recursive: true, force: true }));
const { stateless } = tessera;
const undeployed = stateless.routing.undeployedRoutes;
const optionalRoutes = ROUTES.filter((r) => r.consumer === 'odoo-sync' || r.consumer === 'interventions');

describe('default configuration', () => {
  it('names the setting that deploys each optional consumer, at synth time', () => {
    // Assess
    const odooRoute = ROUTES.find((r) => r.consumer === 'odoo-sync')?.name ?? '';
    expect(undeployed.get(odooRoute)).toMatch(/set tessera:odooUrl/);
    for (const route of ROUTES.filter((r) => r.consumer === 'interventions')) {
      expect(undeployed.get(route.name), route.name).toMatch(/set tessera:approvalSenderAddress/);
    }
    // Identity, documents and analytics need no setting: they are always deployed.
    expect([...undeployed.keys()].sort()).toEqual(optionalRoutes.map((r) => r.name).sort());
    const warnings = Annotations.fromStack(stateless).findWarning('*', Match.stringLikeRegexp('has no rule'));
    expect(warnings).toHaveLength(optionalRoutes.length);
  });

  it('creates no Odoo or interventions resources, and no rule for their routes', () => {
    // Prepare
    const template = tessera.statelessTemplate;
    const ruleNames = resourcesOf(template, 'AWS::Events::Rule').map(([, r]) => r.Properties.Name);

    // Assess
    expect(stateless.odooSync).toBeUndefined();
    expect(stateless.interventions).toBeUndefined();
    expect(resourcesOf(template, 'AWS::StepFunctions::StateMachine')).toHaveLength(2); // documents, identity backfill
    for (const route of optionalRoutes) expect(ruleNames).not.toContain(`tessera-dev-${route.name}`);
    expect(template.toJSON().Outputs.OdooSyncDeadLetterQueueUrl).toBeUndefined();
  });
});
