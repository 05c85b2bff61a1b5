import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { approvalRequestEmail } from '../../../lambdas/core/interventions/approval-email.js';
import {
  approvalIdFor,
  approvalUrl,
  signApprovalLink,
} from '../../../lambdas/core/interventions/approval-link.js';
import type { ApprovalRecord, ApprovalStore } from '../../../lambdas/core/interventions/ports.js';
import { createApprovalPageHandler } from '../../../lambdas/interventions-approval-page/handler.js';
import { localLambdaContext } from '../../../local/lambda-context.js';

const KEY = 'unit-test-key';
const NOW = new Date('2026-11-27T12:00:00Z');
const approvalId = approvalIdFor(KEY, 'iv_1', 1);
const exp = Math.floor(NOW.getTime() / 1000) + 3600;
const link = signApprovalLink(KEY, approvalId, exp);

const record: ApprovalRecord = {
  approvalId,
  interventionId: 'iv_1',
  level: 1,
  team: 'marketing',
  approver: { name: 'Marketing', email: 'marketing@retailer.example' },
  customer: { customerId: 'cus_0000000001', displayName: 'J*** S****', maskedEmail: 'j***@e****.com' },
  triggerKind: 'risk_changed',
  proposal: {
    playbookId: 'win-back-high-value',
    playbookName: 'Win back <a high-value> customer',
    actions: [
      { type: 'retention_offer', description: 'Voucher', amount: 90, unit: 'currency', costPerUnit: 1 },
    ],
    why: ['churn probability rose to 80%'],
    evidence: [{ label: 'Churn probability', value: '80%' }],
    expectedValue: 225,
    expectedCost: 90,
    confidence: 0.77,
    currency: 'EUR',
  },
  policyReason: 'expected cost 90 is above the auto-approval limit of 25',
  amountBounds: { actionIndex: 0, min: 0, max: 200 },
  status: 'pending',
  taskToken: 'secret-task-token',
  createdAt: NOW.toISOString(),
  deadline: new Date(exp * 1000).toISOString(),
  onTimeout: 'If nobody decides by then, the decision goes to Head of Marketing.',
  url: approvalUrl('https://approvals.example/prod', link),
};

describe('approval email', () => {
  it('has plain text and HTML, masked details, the deadline, the timeout rule and exactly one link, no tracking', () => {
    const mail = approvalRequestEmail(record);
    expect(mail.to).toEqual(['marketing@retailer.example']);
    expect(mail.text).toContain('Customer: J*** S**** (j***@e****.com)');
    expect(mail.text).toContain(
      'Decide by 2026-11-27 13:00 UTC. If nobody decides by then, the decision goes to Head of Marketing.',
    );
    expect(mail.text).toContain('Retention offer: Voucher (90.00 EUR)');
    expect(mail.html.match(/href=/g)).toHaveLength(1);
    expect(mail.html).not.toMatch(/<img/i);
    expect(mail.html).toContain('Win back &lt;a high-value&gt; customer');
    expect(`${mail.text}${mail.html}`).not.toContain('secret-task-token');
  });
});

describe('approval page handler', () => {
  const store = {
    get: async (id: string) => (id === approvalId ? record : undefined),
  } as unknown as ApprovalStore;
  const handler = createApprovalPageHandler({
    store,
    callbacks: { succeed: async () => 'delivered', fail: async () => 'delivered' },
    mail: { send: async () => ({ messageId: 'x' }) },
    clock: { now: () => NOW },
    signingKey: async () => KEY,
    logger: new Logger({ logLevel: 'ERROR' }),
  });
  const event = (overrides: Partial<APIGatewayProxyEvent>): APIGatewayProxyEvent =>
    ({
      httpMethod: 'GET',
      headers: { 'x-forwarded-proto': 'https' },
      pathParameters: { approvalId },
      queryStringParameters: { exp: String(exp), sig: link.signature },
      requestContext: { identity: { sourceIp: '203.0.113.9' } },
      body: null,
      isBase64Encoded: false,
      ...overrides,
    }) as APIGatewayProxyEvent;

  it('serves the form with a Secure SameSite cookie, no-store, a strict CSP and no referrer', async () => {
    const response = await handler(event({}), localLambdaContext('page'));
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['set-cookie']).toMatch(
      /^tessera_csrf=[\w-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=3600; Secure$/,
    );
    expect(response.headers?.['cache-control']).toBe('no-store');
    expect(response.headers?.['content-security-policy']).toContain("default-src 'none'");
    expect(response.headers?.['referrer-policy']).toBe('no-referrer');
    expect(response.body).toContain('<button type="submit" name="decision" value="approve">');
    expect(response.body).not.toContain('secret-task-token');
  });

  it('refuses a decision that is not a form post, naming why, and changes nothing', async () => {
    const response = await handler(
      event({
        httpMethod: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"decision":"approve"}',
      }),
      localLambdaContext('page'),
    );
    expect(response.statusCode).toBe(415);
    expect(response.body).toContain('the decision must be sent from the approval form');
  });
});

describe('deciding when Step Functions cannot be reached', () => {
  it('undoes the decision so it is not lost, and asks the approver to try again', async () => {
    // Prepare
    const { issueCsrf } = await import('../../../lambdas/core/interventions/approval-link.js');
    const calls: string[] = [];
    const store = {
      get: async () => record,
      decide: async () => {
        calls.push('decide');
        return 'decided';
      },
      reopen: async () => {
        calls.push('reopen');
        return true;
      },
      appendAudit: async (entry: { action: string }) => {
        calls.push(`audit:${entry.action}`);
      },
    } as unknown as ApprovalStore;
    const handler = createApprovalPageHandler({
      store,
      callbacks: {
        succeed: async () => {
          throw Object.assign(new Error('connect ETIMEDOUT'), { name: 'TimeoutError' });
        },
        fail: async () => 'delivered',
      },
      mail: { send: async () => ({ messageId: 'x' }) },
      clock: { now: () => NOW },
      signingKey: async () => KEY,
      logger: new Logger({ logLevel: 'ERROR' }),
    });
    const csrf = issueCsrf(KEY, approvalId, NOW);
    // Act
    const response = await handler(
      {
        httpMethod: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: `tessera_csrf=${csrf.cookieNonce}`,
        },
        pathParameters: { approvalId },
        queryStringParameters: { exp: String(exp), sig: link.signature },
        requestContext: { identity: { sourceIp: '203.0.113.9' } },
        body: new URLSearchParams({ csrf: csrf.token, decision: 'approve' }).toString(),
        isBase64Encoded: false,
      } as unknown as APIGatewayProxyEvent,
      localLambdaContext('page'),
    );
    // Assess
    expect(response.statusCode).toBe(503);
    expect(response.body).toContain('Nothing was changed');
    expect(calls).toEqual(['decide', 'audit:approved', 'reopen', 'audit:decision_refused']);
  });
});
