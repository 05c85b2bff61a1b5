import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InternalEventType } from '../../../lambdas/core/contracts/names.js';
import { runDocumentsDemo } from '../../../local/documents/documents-demo.js';
import { type LocalRuntime, startLocalRuntime } from '../../../local/runtime.js';
import { simulateRetailer } from '../../../local/simulator/index.js';
import { probeDocumentEvents } from './documents-probe.js';

let runtime: LocalRuntime;
let published: ReturnType<typeof probeDocumentEvents>;

beforeAll(async () => {
  runtime = await startLocalRuntime({ bus: { retryBaseDelayMs: 1 } });
  published = probeDocumentEvents(runtime);
});

afterAll(async () => runtime?.stop());

describe('documents demo', () => {
  it("sends the simulated retailer's return forms and claim letters (PDF and PNG) through intake and the bus", async () => {
    // Prepare
    const { truth } = simulateRetailer({ customers: 300, seed: 11 });
    // Act
    const summary = await runDocumentsDemo(runtime, truth.documents, { perKind: 1 });
    // Assess: every document is accounted for, none lost, each came through the upload route
    expect(summary.submitted).toBe(4);
    expect(summary.processed + summary.needsReview + summary.failed).toBe(summary.submitted);
    expect(summary.failed).toBe(0);
    expect(runtime.bus.stats()['document-uploads-to-workflow']?.delivered).toBe(4);
    expect(
      summary.documents.filter((d) => d.fileName.endsWith('.pdf')).every((d) => d.status === 'PROCESSED'),
    ).toBe(true);
    expect(summary.matchingIntent).toBeGreaterThanOrEqual(2);
    await runtime.bus.drain();
    const types = published.map((e) => e.detailType);
    expect(types).toContain(InternalEventType.ReturnDocumentProcessed);
    expect(types).toContain(InternalEventType.ClaimDocumentProcessed);
    console.log(
      JSON.stringify({
        ...summary,
        documents: summary.documents.map((d) => `${d.fileName}: ${d.status}${d.error ? ` ${d.error}` : ''}`),
      }),
    );
  });
});
