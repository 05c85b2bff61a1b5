import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ChannelEventType,
  channelSource,
  InternalEventType,
  InternalSource,
} from '../../../lambdas/core/contracts/names.js';
import { listOutbox } from '../../../local/mail/outbox.js';
import { decidePendingApprovals } from '../../../local/stepfunctions/auto-approver.js';
import {
  eventTypes,
  type Harness,
  openLink,
  postDecision,
  publishRiskChange,
  riskChanged,
  startHarness,
  waitForApprovalLink,
} from './harness.js';

/** A cheap, confident service-friction proposal: the policy approves it without an email. */
const confidentServiceFriction = () =>
  riskChanged({
    entered: ['service-friction'],
    segments: ['service-friction'],
    scores: { serviceFriction: 0.9 },
  });

describe('approval-gated interventions on the local runtime', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('approve: the emailed link shows the context, the POST decides, the action is applied and the run completes', async () => {
    // Prepare
    const execution = await publishRiskChange(h, riskChanged());
    const link = await waitForApprovalLink(h, 1);
    // Act
    const form = await openLink(link);
    const decided = await postDecision(link, form, {
      decision: 'approve',
      amount: '120',
      comment: 'go ahead',
    });
    await execution.done;
    await h.bus.drain();
    // Assess
    expect(form.status).toBe(200);
    expect(form.html).toContain('J*** S****');
    expect(form.html).not.toContain('jane.smith@example.com');
    expect(decided.status).toBe(200);
    expect(decided.html).toContain('Your decision was recorded: <strong>approved</strong>');
    expect(execution.status).toBe('SUCCEEDED');
    expect(eventTypes(h)).toEqual([
      InternalEventType.InterventionProposed,
      InternalEventType.InterventionApproved,
      InternalEventType.InterventionCompleted,
    ]);
    const approved = h.published.find((e) => e['detail-type'] === InternalEventType.InterventionApproved);
    expect(approved?.detail).toMatchObject({
      approvedBy: 'marketing@retailer.example',
      autoApproved: false,
      actions: [{ type: 'retention_offer', amount: 120, currency: 'EUR' }, { type: 'crm_follow_up' }],
    });
    const audit = await h.interventions.store.listAudit(execution.name);
    const approval = audit.find((a) => a.action === 'approved');
    expect(approval).toMatchObject({ actor: 'marketing@retailer.example', sourceIp: '127.0.0.1' });
    expect(approval?.detail).toContain('amount 120');
    expect((await listOutbox(h.outboxDir)).some((f) => f.endsWith('-approved.eml'))).toBe(true);
  });

  it('GET never decides: opening the link twice leaves the approval pending', async () => {
    const execution = await publishRiskChange(h, riskChanged());
    const link = await waitForApprovalLink(h, 1);
    await openLink(link);
    await openLink(link);
    const pending = await h.interventions.store.listPending(10);
    expect(pending.map((p) => p.interventionId)).toEqual([execution.name]);
    expect(execution.status).toBe('RUNNING');
  });

  it('reject: the workflow records the rejection and emits InterventionRejected, nothing is applied', async () => {
    const execution = await publishRiskChange(h, riskChanged());
    const link = await waitForApprovalLink(h, 1);
    const form = await openLink(link);
    const decided = await postDecision(link, form, {
      decision: 'reject',
      comment: 'customer already has a voucher',
    });
    await execution.done;
    await h.bus.drain();
    expect(decided.html).toContain('<strong>rejected</strong>');
    expect(execution.status).toBe('SUCCEEDED');
    expect(eventTypes(h)).toEqual([
      InternalEventType.InterventionProposed,
      InternalEventType.InterventionRejected,
      InternalEventType.InterventionCompleted,
    ]);
    expect(h.published[1]?.detail).toMatchObject({
      rejectedBy: 'marketing@retailer.example',
      reason: 'customer already has a voucher',
    });
    expect(h.published[2]?.detail).toMatchObject({ outcome: 'rejected' });
    expect((await h.interventions.store.getOutcome(execution.name))?.status).toBe('rejected');
  });

  it('a replayed POST is refused with a clear page and changes nothing', async () => {
    const execution = await publishRiskChange(h, riskChanged());
    const link = await waitForApprovalLink(h, 1);
    const form = await openLink(link);
    await postDecision(link, form, { decision: 'approve' });
    const replay = await postDecision(link, form, { decision: 'reject' });
    await execution.done;
    expect(replay.status).toBe(409);
    expect(replay.html).toContain('already approved by marketing@retailer.example');
    expect((await h.interventions.store.getOutcome(execution.name))?.status).toBe('applied');
    const listed = [];
    for await (const outcome of h.interventions.store.listOutcomes()) listed.push(outcome);
    expect(listed).toContainEqual(
      expect.objectContaining({ interventionId: execution.name, status: 'applied' }),
    );
    const refusals = (await h.interventions.store.listAudit(execution.name)).filter(
      (a) => a.action === 'decision_refused',
    );
    expect(refusals).toHaveLength(1);
  });

  it('a tampered link is refused on GET and POST, and the approval stays pending', async () => {
    await publishRiskChange(h, riskChanged());
    const link = await waitForApprovalLink(h, 1);
    const form = await openLink(link);
    const tampered = new URL(link);
    tampered.searchParams.set('exp', String(Number(tampered.searchParams.get('exp')) + 86_400));
    const shown = await openLink(tampered.toString());
    const posted = await postDecision(tampered.toString(), form, { decision: 'approve' });
    expect(shown.status).toBe(403);
    expect(shown.html).toContain('has been altered');
    expect(shown.csrf).toBeUndefined();
    expect(posted.status).toBe(403);
    expect(await h.interventions.store.listPending(10)).toHaveLength(1);
  });

  it('a POST without the CSRF cookie, with an unknown decision or an amount outside policy changes nothing', async () => {
    const execution = await publishRiskChange(h, riskChanged());
    const link = await waitForApprovalLink(h, 1);
    const form = await openLink(link);
    const noCookie = await postDecision(link, { ...form, cookie: undefined } as never, {
      decision: 'approve',
    });
    const unknown = await postDecision(link, form, { decision: 'maybe' });
    const tooMuch = await postDecision(link, form, { decision: 'approve', amount: '5000' });
    expect(noCookie.status).toBe(403);
    expect(unknown.status).toBe(400);
    expect(unknown.html).toContain('decision: choose Approve or Reject');
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.html).toContain('between 0 and 200');
    expect(execution.status).toBe('RUNNING');
    expect(await h.interventions.store.listPending(10)).toHaveLength(1);
  });

  it('a cheap, confident proposal is approved by policy without an email', async () => {
    const execution = await publishRiskChange(h, confidentServiceFriction());
    await execution.done;
    await h.bus.drain();
    expect(execution.status).toBe('SUCCEEDED');
    expect(await listOutbox(h.outboxDir)).toEqual([]);
    const approved = h.published.find((e) => e['detail-type'] === InternalEventType.InterventionApproved);
    expect(approved?.detail).toMatchObject({ approvedBy: 'policy', autoApproved: true });
  });

  it('a merged customer is followed to the survivor; an erased one stops cleanly', async () => {
    const merged = await publishRiskChange(h, riskChanged({ customerId: 'cus_0000000002' }));
    const erased = await publishRiskChange(h, riskChanged({ customerId: 'cus_0000000004' }));
    await erased.done;
    await waitForApprovalLink(h, 1);
    const pending = await h.interventions.store.listPending(10);
    expect(pending[0]?.customer.customerId).toBe('cus_0000000003');
    expect(merged.status).toBe('RUNNING');
    expect(erased.status).toBe('SUCCEEDED');
    expect(
      h.published.filter(
        (e) => e.detail && (e.detail as { customerId?: string }).customerId === 'cus_0000000004',
      ),
    ).toEqual([]);
  });

  it('the unattended demo decides through the real page: GET the link, POST the form', async () => {
    const execution = await publishRiskChange(h, riskChanged());
    await waitForApprovalLink(h, 1);
    const decided = await decidePendingApprovals({ store: h.interventions.store });
    await execution.done;
    expect(decided).toBe(1);
    expect(execution.status).toBe('SUCCEEDED');
    const audit = await h.interventions.store.listAudit(execution.name);
    expect(audit.find((a) => a.action === 'approved')?.userAgent).toBe('tessera-auto-approve');
  });

  it('a large claim asks customer care; a small one starts nothing', async () => {
    const { PutEventsCommand } = await import('@aws-sdk/client-eventbridge');
    const claim = (eventId: string, amount: number) => ({
      EventBusName: 'tessera-test',
      Source: InternalSource.documents,
      DetailType: InternalEventType.ClaimDocumentProcessed,
      Detail: JSON.stringify({
        schemaVersion: 1,
        eventId,
        occurredAt: new Date().toISOString(),
        documentId: `doc-${eventId}`,
        customerId: 'cus_0000000003',
        amount,
        currency: 'EUR',
        reason: 'damaged',
        reviewed: true,
      }),
    });
    await h.bus.send(new PutEventsCommand({ Entries: [claim('claim-big', 320), claim('claim-small', 40)] }));
    await h.bus.drain();
    await waitForApprovalLink(h, 1);
    const [pending] = await h.interventions.store.listPending(10);
    expect(h.interventions.stepFunctions.listExecutions()).toHaveLength(1);
    expect(pending?.approver.email).toBe('care@retailer.example');
    expect(pending?.proposal.playbookId).toBe('large-claim-care');
    expect(pending?.policyReason).toBe('confidence 0.75 is below the auto-approval minimum of 0.8');
  });

  it('an escalated ticket from a customer identity knows gets a service upgrade approved by policy', async () => {
    // Prepare: identity has resolved the helpdesk's customer record to cus_0000000003
    const { DynamoIdentityStore } = await import('../../../lambdas/adapters/dynamodb/identity-store.js');
    const { PutEventsCommand } = await import('@aws-sdk/client-eventbridge');
    const identity = new DynamoIdentityStore(h.dynamo.doc, h.dynamo.tables.customers);
    const recordKey = 'zendesk#service#zd-77';
    await identity.putRecord(
      {
        recordKey,
        source: 'zendesk',
        attributes: {},
        fingerprint: 'f',
        observedAt: new Date().toISOString(),
      },
      [],
    );
    await identity.assignRecord(recordKey, 'cus_0000000003', {
      outcome: 'new',
      threshold: 0,
      decidedAt: new Date().toISOString(),
    });
    // Act
    await h.bus.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: 'tessera-test',
            Source: channelSource('zendesk'),
            DetailType: ChannelEventType.TicketUpdated,
            Detail: JSON.stringify({
              schemaVersion: 1,
              eventId: 'tk-1',
              occurredAt: new Date().toISOString(),
              customer: { sourceSystem: 'service', sourceCustomerId: 'zd-77' },
              ticketId: 'T-1',
              channel: 'email',
              priority: 'urgent',
              category: 'delivery',
              escalated: false,
              status: 'escalated',
            }),
          },
        ],
      }),
    );
    await h.bus.drain();
    await h.interventions.stepFunctions.drain();
    await h.bus.drain();
    // Assess: no amount at stake and a person escalated it, so the policy approves the service upgrade
    expect(h.bus.deadLettered()).toEqual([]);
    const approved = h.published.find((e) => e['detail-type'] === InternalEventType.InterventionApproved);
    expect(approved?.detail).toMatchObject({
      customerId: 'cus_0000000003',
      trigger: 'escalated_ticket',
      autoApproved: true,
      actions: [{ type: 'service_priority_upgrade' }, { type: 'crm_follow_up' }],
    });
  });

  it('a redelivered risk event does not start a second intervention', async () => {
    const detail = riskChanged();
    await publishRiskChange(h, detail);
    await publishRiskChange(h, detail);
    expect(h.interventions.stepFunctions.listExecutions()).toHaveLength(1);
  });
});

describe('timeouts and failures', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('timeout escalates to the second approver, then the default rejects; the first link is expired', async () => {
    h = await startHarness({ callbackTimeoutMs: 300 });
    const execution = await publishRiskChange(h, riskChanged());
    const first = await waitForApprovalLink(h, 1);
    const second = await waitForApprovalLink(h, 2);
    const firstPage = await openLink(first);
    await execution.done;
    await h.bus.drain();
    expect(second).not.toBe(first);
    expect(firstPage.status).toBe(410);
    expect(execution.status).toBe('SUCCEEDED');
    const files = await listOutbox(h.outboxDir);
    expect(files).toHaveLength(2);
    expect(eventTypes(h)).toEqual([
      InternalEventType.InterventionProposed,
      InternalEventType.InterventionRejected,
      InternalEventType.InterventionCompleted,
    ]);
    expect(h.published[2]?.detail).toMatchObject({ outcome: 'timed_out' });
    const audit = await h.interventions.store.listAudit(execution.name);
    expect(audit.filter((a) => a.action === 'approval_requested')).toHaveLength(2);
    expect(await h.interventions.store.listPending(10)).toEqual([]);
    const late = await openLink(second);
    expect(late.status).toBe(410);
  });

  it('an expired link gets a clear page and cannot decide', async () => {
    h = await startHarness({
      callbackTimeoutMs: 60_000,
      config: {
        ...(await import('./harness.js')).TEST_CONFIG,
        approval: { timeoutSeconds: 1, escalationTimeoutSeconds: 1, onTimeout: 'reject' },
      },
    });
    await publishRiskChange(h, riskChanged());
    const link = await waitForApprovalLink(h, 1);
    const form = await openLink(link);
    await new Promise((r) => setTimeout(r, 1100));
    const posted = await postDecision(link, form, { decision: 'approve' });
    const shown = await openLink(link);
    expect(posted.status).toBe(410);
    expect(shown.status).toBe(410);
    expect(shown.html).toContain('The time to decide on this proposal has passed');
    expect(await h.interventions.store.listPending(10)).toHaveLength(1);
  });

  it('a customer in the holdout group gets no action and the outcome says holdout', async () => {
    const salt = 'holdout-test';
    const { isInHoldout } = await import('../../../lambdas/core/interventions/holdout.js');
    const { TEST_CONFIG } = await import('./harness.js');
    h = await startHarness({ config: { ...TEST_CONFIG, holdout: { share: 0.5, salt } } });
    // With this salt the deterministic draw puts the customer in the holdout half.
    expect(isInHoldout('cus_0000000001', 0.5, salt)).toBe(true);
    const execution = await publishRiskChange(h, riskChanged());
    await execution.done;
    await h.bus.drain();
    expect(await listOutbox(h.outboxDir)).toEqual([]);
    expect(eventTypes(h)).toEqual([
      InternalEventType.InterventionProposed,
      InternalEventType.InterventionCompleted,
    ]);
    expect(h.published[1]?.detail).toMatchObject({ outcome: 'holdout', holdout: true });
  });

  it('a failing apply step is retried, then the execution ends in the visible Fail state with the outcome recorded', async () => {
    let attempts = 0;
    h = await startHarness({
      functionOverrides: {
        'tessera-interventions-apply': async () => {
          attempts += 1;
          throw Object.assign(new Error('Odoo sync bus unavailable'), { name: 'Intervention.PublishFailed' });
        },
      },
    });
    const execution = await publishRiskChange(h, confidentServiceFriction());
    await execution.done;
    await h.bus.drain();
    expect(attempts).toBe(4); // the first try and three retries
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('Intervention.Failed');
    expect((await h.interventions.store.getOutcome(execution.name))?.status).toBe('failed');
    expect(h.published.at(-1)?.detail).toMatchObject({ outcome: 'failed' });
  });
});
