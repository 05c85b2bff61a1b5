import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InternalEventType } from '../../lambdas/core/contracts/names.js';
import { approvalLinkFromEml, listOutbox } from '../../local/mail/outbox.js';
import {
  type Harness,
  publishRiskChange,
  riskChanged,
  startHarness,
  waitForApprovalLink,
} from '../integration/interventions/harness.js';

// Debian's chromium, installed by .ci/run; the flags keep it offline and quiet in CI.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describe('approval page in a real browser', () => {
  let browser: Browser;
  let h: Harness;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    h = await startHarness({ callbackTimeoutMs: 60_000 });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await h?.stop();
  });

  it('opens the link from the .eml file, shows the context, approves, and the execution finishes', async () => {
    // Prepare: a risk event starts an intervention whose approval email lands in the outbox
    const execution = await publishRiskChange(h, riskChanged());
    await waitForApprovalLink(h, 1);
    const [eml] = await listOutbox(h.outboxDir);
    if (!eml) throw new Error('no email in the outbox');
    const link = await approvalLinkFromEml(eml);
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();

    // Act
    await page.goto(link);
    const customer = await page.locator('#customer').textContent();
    const heading = await page.locator('h2').first().textContent();
    await page.fill('#comment', 'Approved from the browser test');
    await page.click('button[value="approve"]');
    const result = await page.locator('#result').textContent();
    await execution.done;
    await h.bus.drain();

    // Assess
    expect(customer).toBe('J*** S****');
    expect(heading).toBe('Win back a high-value customer at risk of churning');
    expect(result).toContain('Your decision was recorded: approved');
    expect(execution.status).toBe('SUCCEEDED');
    expect(h.published.map((e) => e['detail-type'])).toContain(InternalEventType.InterventionApproved);
    expect(
      (await h.interventions.store.listAudit(execution.name)).find((a) => a.action === 'approved')?.userAgent,
    ).toMatch(/Chrome/);
    await context.close();
  }, 60_000);
});
