import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ChannelEventType,
  channelSource,
  InternalEventType,
  InternalSource,
} from '../../../lambdas/core/contracts/names.js';
import { DEFAULT_LARGE_CLAIM_THRESHOLD } from '../../../lambdas/core/interventions/config.js';
import { LARGE_CLAIM_THRESHOLD, ROUTES } from '../../../lib/shared/routing.js';
import { compileEventPattern } from '../../../local/event-bus/pattern/index.js';
import { INTERVENTION_ASL, INTERVENTION_FUNCTIONS } from '../../../local/stepfunctions/interventions.js';

type State = Record<string, unknown> & { Type: string };
const text = readFileSync(INTERVENTION_ASL, 'utf8');
const asl = JSON.parse(text) as { StartAt: string; States: Record<string, State>; QueryLanguage?: string };
const states = Object.entries(asl.States);

describe('stepfunctions/intervention.asl.json', () => {
  it('gives every Task a Retry and a Catch, so no failure is unhandled', () => {
    const tasks = states.filter(([, s]) => s.Type === 'Task');
    expect(tasks.length).toBeGreaterThanOrEqual(8);
    for (const [name, s] of tasks) {
      expect(Array.isArray(s.Retry) && s.Retry.length > 0, `${name} has Retry`).toBe(true);
      expect(Array.isArray(s.Catch) && s.Catch.length > 0, `${name} has Catch`).toBe(true);
    }
  });

  it('stays in JSONPath and names its resources only through the placeholders CDK substitutes', () => {
    expect(asl.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    const placeholders = new Set([...text.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]));
    expect([...placeholders].sort()).toEqual(Object.keys(INTERVENTION_FUNCTIONS).sort());
  });

  it('waits for a person with a task token and a timeout, escalates, then applies the configured default', () => {
    const first = asl.States.RequestApproval;
    const second = asl.States.EscalateApproval;
    for (const s of [first, second]) {
      expect(s?.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
      expect(JSON.stringify(s?.Parameters)).toContain('"taskToken.$":"$$.Task.Token"');
      expect(s?.TimeoutSecondsPath).toMatch(/^\$\.plan\.approval\./);
      // A timed-out approval must not be retried: only Lambda service errors are.
      expect(JSON.stringify(s?.Retry)).not.toContain('States.TaskFailed');
    }
    const onTimeout = (s: State | undefined) =>
      ((s?.Catch ?? []) as { ErrorEquals: string[]; Next: string }[]).find((c) =>
        c.ErrorEquals.includes('States.Timeout'),
      )?.Next;
    expect(onTimeout(first)).toBe('EscalateApproval');
    expect(onTimeout(second)).toBe('DefaultOnTimeout');
  });

  it('ends every failure path in the visible Fail state', () => {
    const fails = states.filter(([, s]) => s.Type === 'Fail').map(([n]) => n);
    expect(fails).toEqual(['InterventionFailed']);
    const catchTargets = new Set(
      states.flatMap(([, s]) =>
        ((s.Catch as { ErrorEquals: string[]; Next: string }[] | undefined) ?? [])
          .filter((c) => c.ErrorEquals.includes('States.ALL'))
          .map((c) => c.Next),
      ),
    );
    expect([...catchTargets].sort()).toEqual(['InterventionFailed', 'MarkFailed']);
    expect(asl.States.MarkFailed?.Next).toBe('RecordFailure');
  });
});

describe('interventions routes', () => {
  const routes = ROUTES.filter((r) => r.consumer === 'interventions');
  const matches = (name: string, event: unknown) => {
    const route = routes.find((r) => r.name === name);
    if (!route) throw new Error(`no route ${name}`);
    return compileEventPattern(route.pattern).matches(event);
  };

  it('uses the same large-claim threshold as the trigger', () => {
    expect(LARGE_CLAIM_THRESHOLD).toBe(DEFAULT_LARGE_CLAIM_THRESHOLD);
  });

  it('sends large claims, escalated tickets and risk changes, and nothing else', () => {
    const claim = (amount: number) => ({
      source: InternalSource.documents,
      'detail-type': InternalEventType.ClaimDocumentProcessed,
      detail: { amount, customerId: 'cus_0000000001' },
    });
    const ticket = (detail: object) => ({
      source: channelSource('zendesk'),
      'detail-type': ChannelEventType.TicketUpdated,
      detail,
    });
    expect(matches('large-claims-to-interventions', claim(320))).toBe(true);
    expect(matches('large-claims-to-interventions', claim(40))).toBe(false);
    expect(matches('escalated-tickets-to-interventions', ticket({ escalated: true }))).toBe(true);
    expect(
      matches('escalated-tickets-to-interventions', ticket({ escalated: false, status: 'escalated' })),
    ).toBe(true);
    expect(matches('escalated-tickets-to-interventions', ticket({ escalated: false, status: 'open' }))).toBe(
      false,
    );
    expect(
      matches('risk-changes-to-interventions', {
        source: InternalSource.analytics,
        'detail-type': InternalEventType.CustomerRiskChanged,
        detail: {},
      }),
    ).toBe(true);
  });
});
