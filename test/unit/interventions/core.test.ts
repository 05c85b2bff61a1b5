import { describe, expect, it } from 'vitest';
import {
  approvalIdFor,
  approvalUrl,
  issueCsrf,
  signApprovalLink,
  verifyApprovalLink,
  verifyCsrf,
} from '../../../lambdas/core/interventions/approval-link.js';
import {
  DEFAULT_INTERVENTION_CONFIG,
  interventionConfig,
} from '../../../lambdas/core/interventions/config.js';
import { readDecisionForm } from '../../../lambdas/core/interventions/decision.js';
import { holdoutBucket, isInHoldout } from '../../../lambdas/core/interventions/holdout.js';
import { maskEmail, maskName } from '../../../lambdas/core/interventions/masking.js';
import { amountBoundsFor, approverTeamFor, checkPolicy } from '../../../lambdas/core/interventions/policy.js';
import { proposeIntervention } from '../../../lambdas/core/interventions/proposal.js';
import {
  type InterventionTrigger,
  interventionIdFor,
  triggerFromClaim,
  triggerFromRiskChanged,
} from '../../../lambdas/core/interventions/trigger.js';

const config = interventionConfig(DEFAULT_INTERVENTION_CONFIG);
const KEY = 'test-signing-key';
const NOW = new Date('2026-11-27T12:00:00Z');

const riskTrigger = (overrides: Partial<InterventionTrigger> = {}): InterventionTrigger => ({
  kind: 'risk_changed',
  eventId: 'evt-1',
  customerId: 'cus_0000000001',
  occurredAt: '2026-11-27T11:00:00Z',
  segments: ['high-value-churn-risk'],
  scores: { churnProbability: 0.8, clv: 900 },
  reasons: ['churn probability rose to 80%'],
  ...overrides,
});

describe('playbooks', () => {
  it('proposes a retention offer sized from CLV within its ceiling, with why, evidence, value, cost and confidence', () => {
    // Prepare
    const trigger = riskTrigger();
    // Act
    const proposal = proposeIntervention(trigger, { customerId: trigger.customerId }, config);
    // Assess
    expect(proposal?.playbookId).toBe('win-back-high-value');
    expect(proposal?.actions.map((a) => a.type)).toEqual(['retention_offer', 'crm_follow_up']);
    expect(proposal?.actions[0]?.amount).toBe(90); // 10% of 900, inside 10..150
    expect(proposal?.expectedCost).toBe(90);
    expect(proposal?.expectedValue).toBe(225); // 25% uplift x 900
    expect(proposal?.confidence).toBeCloseTo(0.85 * 0.9, 3);
    expect(proposal?.why).toContain('churn probability rose to 80%');
    expect(proposal?.evidence).toContainEqual({ label: 'Churn probability', value: '80%' });
  });

  it('proposes nothing when the customer entered no segment a playbook covers', () => {
    const proposal = proposeIntervention(
      riskTrigger({ segments: ['some-other-segment'] }),
      { customerId: 'cus_0000000001' },
      config,
    );
    expect(proposal).toBeUndefined();
  });

  it('turns a large claim into goodwill points and ignores claims below the threshold', () => {
    // Prepare
    const claim = {
      schemaVersion: 1 as const,
      eventId: 'doc-evt-1',
      occurredAt: '2026-11-27T10:00:00Z',
      documentId: 'doc-1',
      customerId: 'cus_0000000002',
      amount: 320,
      currency: 'EUR',
      reviewed: true,
    };
    // Act
    const large = triggerFromClaim(claim, config.largeClaimThreshold);
    const small = triggerFromClaim({ ...claim, amount: 40 }, config.largeClaimThreshold);
    // Assess
    expect(small).toEqual({ ok: false, reason: 'claim amount below 150' });
    if (!large.ok) throw new Error(large.reason);
    const proposal = proposeIntervention(large.trigger, { customerId: 'cus_0000000002' }, config);
    expect(proposal?.actions[0]).toMatchObject({ type: 'loyalty_compensation', amount: 500, unit: 'points' });
    expect(proposal?.expectedCost).toBe(5); // 500 points at 0.01
  });

  it('does not start anything when a customer only left a segment', () => {
    const result = triggerFromRiskChanged({
      schemaVersion: 1,
      eventId: 'e',
      occurredAt: '2026-11-27T10:00:00Z',
      customerId: 'cus_0000000003',
      entered: [],
      left: ['service-friction'],
      segments: [],
      scores: {},
      reasons: [],
    });
    expect(result).toEqual({ ok: false, reason: 'no segment entered' });
  });

  it('names the same intervention for a redelivered event', () => {
    expect(interventionIdFor(riskTrigger())).toBe(interventionIdFor(riskTrigger()));
    expect(interventionIdFor(riskTrigger())).not.toBe(interventionIdFor(riskTrigger({ eventId: 'evt-2' })));
  });

  it('refuses a configuration with a playbook defined twice, naming it', () => {
    const broken = {
      ...DEFAULT_INTERVENTION_CONFIG,
      playbooks: [...DEFAULT_INTERVENTION_CONFIG.playbooks, DEFAULT_INTERVENTION_CONFIG.playbooks[0]],
    };
    expect(() => interventionConfig(broken)).toThrow('playbook id "win-back-high-value" is defined twice');
  });
});

describe('policy', () => {
  it('auto-approves a cheap, confident proposal and asks a person above the cost limit', () => {
    // Prepare
    const service = proposeIntervention(
      riskTrigger({ segments: ['service-friction'], scores: { serviceFriction: 0.9 } }),
      { customerId: 'cus_0000000001' },
      config,
    );
    const winBack = proposeIntervention(riskTrigger(), { customerId: 'cus_0000000001' }, config);
    if (!service || !winBack) throw new Error('expected proposals');
    // Act
    const cheap = checkPolicy(service, config.policy);
    const costly = checkPolicy(winBack, config.policy);
    // Assess
    expect(cheap.route).toBe('auto');
    expect(costly).toEqual({
      route: 'ask',
      reason: 'expected cost 90 is above the auto-approval limit of 25',
    });
  });

  it('asks a person when confidence is below the minimum, and always for pricing reviews', () => {
    const unsure = proposeIntervention(
      riskTrigger({ segments: ['service-friction'], scores: { serviceFriction: 0.1 } }),
      { customerId: 'cus_0000000001' },
      config,
    );
    const pricing = proposeIntervention(
      riskTrigger({ segments: ['margin-destructive'] }),
      { customerId: 'cus_0000000001' },
      config,
    );
    if (!unsure || !pricing) throw new Error('expected proposals');
    expect(checkPolicy(unsure, config.policy).reason).toMatch(/confidence 0.495 is below/);
    expect(checkPolicy(pricing, config.policy)).toEqual({
      route: 'ask',
      reason: 'pricing_review always needs a person',
    });
  });

  it('routes approvals to the team that owns the most valuable action', () => {
    const winBack = proposeIntervention(riskTrigger(), { customerId: 'cus_0000000001' }, config);
    const pricing = proposeIntervention(
      riskTrigger({ segments: ['margin-destructive'] }),
      { customerId: 'cus_0000000001' },
      config,
    );
    if (!winBack || !pricing) throw new Error('expected proposals');
    expect(approverTeamFor(winBack, config.routing)).toBe('marketing');
    expect(approverTeamFor(pricing, config.routing)).toBe('merchandising');
    expect(amountBoundsFor(winBack, config.policy)).toEqual({
      actionIndex: 0,
      type: 'retention_offer',
      min: 0,
      max: 200,
    });
  });
});

describe('holdout', () => {
  it('assigns the same customer to the same side every time, and about the configured share overall', () => {
    // Prepare
    const ids = Array.from({ length: 20_000 }, (_, i) => `cus_${String(i).padStart(10, '0')}`);
    // Act
    const held = ids.filter((id) => isInHoldout(id, 0.1, 'salt-a')).length;
    // Assess
    expect(held / ids.length).toBeGreaterThan(0.09);
    expect(held / ids.length).toBeLessThan(0.11);
    expect(isInHoldout('cus_0000000042', 0.1, 'salt-a')).toBe(isInHoldout('cus_0000000042', 0.1, 'salt-a'));
    expect(holdoutBucket('cus_0000000042', 'salt-a')).not.toBe(holdoutBucket('cus_0000000042', 'salt-b'));
    expect(ids.some((id) => isInHoldout(id, 0, 'salt-a'))).toBe(false);
  });
});

describe('approval links', () => {
  const approvalId = approvalIdFor(KEY, 'iv_1', 1);
  const exp = Math.floor(NOW.getTime() / 1000) + 3600;
  const link = signApprovalLink(KEY, approvalId, exp);

  it('accepts the link as signed, and the URL carries no task token', () => {
    const url = new URL(approvalUrl('http://127.0.0.1:3000', link));
    expect(url.pathname).toBe(`/approvals/${approvalId}`);
    expect([...url.searchParams.keys()].sort()).toEqual(['exp', 'sig']);
    expect(verifyApprovalLink(KEY, { approvalId, exp: String(exp), sig: link.signature }, NOW)).toEqual({
      ok: true,
    });
  });

  it('refuses a changed expiry or id as tampered, and an old link as expired', () => {
    const other = approvalIdFor(KEY, 'iv_2', 1);
    expect(
      verifyApprovalLink(KEY, { approvalId, exp: String(exp + 86400), sig: link.signature }, NOW),
    ).toEqual({ ok: false, problem: 'tampered' });
    expect(
      verifyApprovalLink(KEY, { approvalId: other, exp: String(exp), sig: link.signature }, NOW),
    ).toEqual({ ok: false, problem: 'tampered' });
    expect(
      verifyApprovalLink(
        KEY,
        { approvalId, exp: String(exp), sig: link.signature },
        new Date((exp + 1) * 1000),
      ),
    ).toEqual({ ok: false, problem: 'expired' });
    expect(verifyApprovalLink(KEY, { approvalId: 'x', exp: String(exp), sig: link.signature }, NOW)).toEqual({
      ok: false,
      problem: 'malformed',
    });
  });

  it('accepts a CSRF token only with its own cookie, for its own approval', () => {
    const pair = issueCsrf(KEY, approvalId, NOW);
    const other = issueCsrf(KEY, approvalId, NOW);
    expect(verifyCsrf(KEY, approvalId, pair.token, pair.cookieNonce, NOW)).toEqual({ ok: true });
    expect(verifyCsrf(KEY, approvalId, pair.token, other.cookieNonce, NOW).ok).toBe(false);
    expect(verifyCsrf(KEY, approvalIdFor(KEY, 'iv_2', 1), pair.token, pair.cookieNonce, NOW).ok).toBe(false);
    expect(verifyCsrf(KEY, approvalId, undefined, pair.cookieNonce, NOW).ok).toBe(false);
  });
});

describe('posted decisions', () => {
  const bounds = { min: 0, max: 200 };
  it('accepts approve with an amount inside the bounds, and reject with a comment', () => {
    expect(readDecisionForm({ decision: 'approve', amount: '120.50' }, bounds)).toEqual({
      ok: true,
      form: { decision: 'approve', adjustedAmount: 120.5 },
    });
    expect(readDecisionForm({ decision: 'reject', comment: ' not now ' }, bounds)).toEqual({
      ok: true,
      form: { decision: 'reject', comment: 'not now' },
    });
  });
  it('refuses an unknown decision and an amount outside the policy, naming the field', () => {
    expect(readDecisionForm({ decision: 'maybe' }, bounds)).toEqual({
      ok: false,
      field: 'decision',
      message: 'choose Approve or Reject',
    });
    expect(readDecisionForm({ decision: 'approve', amount: '250' }, bounds)).toMatchObject({
      ok: false,
      field: 'amount',
      message: 'the amount must be between 0 and 200 under the policy',
    });
    expect(readDecisionForm({ decision: 'approve', amount: '-5' }, bounds)).toMatchObject({
      ok: false,
      field: 'amount',
    });
    expect(readDecisionForm({ decision: 'approve', amount: '5' }, undefined)).toMatchObject({
      ok: false,
      field: 'amount',
    });
  });
});

describe('masking', () => {
  it('keeps initials and the top-level domain only', () => {
    expect(maskName('Jane Smith')).toBe('J*** S****');
    expect(maskEmail('jane.smith@gmail.com')).toBe('j***@g****.com');
    expect(maskEmail('not-an-email')).toBeUndefined();
  });
});
