import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutgoingEvent } from '../../../lambdas/core/contracts/envelope.js';
import { InternalEventType } from '../../../lambdas/core/contracts/names.js';
import { identityConfig } from '../../../lambdas/core/identity/config.js';
import { InMemoryIdentityStore } from '../../../lambdas/core/identity/memory-store.js';
import { systemClock } from '../../../lambdas/core/ports.js';
import { IdentityResolverLinker } from '../../../lambdas/documents-workflow/identity-linker.js';
import { runDocumentsDemo } from '../../../local/documents/documents-demo.js';
import { LocalDocumentWorkflow } from '../../../local/documents/local-workflow.js';
import { type LocalDynamo, startLocalDynamo } from '../../../local/dynamodb.js';
import { simulateRetailer } from '../../../local/simulator/index.js';

let dynamo: LocalDynamo;
let folder: string;
let workflow: LocalDocumentWorkflow;
const published: OutgoingEvent[] = [];

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  folder = mkdtempSync(join(tmpdir(), 'tessera-documents-demo-'));
  workflow = await LocalDocumentWorkflow.create({
    doc: dynamo.doc,
    tableName: dynamo.tables.documents,
    publisher: {
      publish: async (events) => {
        published.push(...events);
        return events.map(() => ({ ok: true as const, busEventId: 'local' }));
      },
    },
    clock: systemClock,
    folder,
    linker: new IdentityResolverLinker(new InMemoryIdentityStore(), identityConfig(), systemClock),
    retryIntervalMs: 0,
  });
});

afterAll(async () => {
  await workflow?.close();
  await dynamo?.close();
  await rm(folder, { recursive: true, force: true });
});

describe('documents demo', () => {
  it("puts the simulated retailer's return forms and claim letters (PDF and PNG) through the workflow", async () => {
    // Prepare
    const { truth } = simulateRetailer({ customers: 300, seed: 11 });
    // Act
    const summary = await runDocumentsDemo(workflow, truth.documents, { perKind: 1 });
    // Assess: every document is accounted for, none lost, and the PDFs at least are read as meant
    expect(summary.submitted).toBe(4);
    expect(summary.processed + summary.needsReview + summary.failed).toBe(summary.submitted);
    expect(summary.failed).toBe(0);
    expect(
      summary.documents.filter((d) => d.fileName.endsWith('.pdf')).every((d) => d.status === 'PROCESSED'),
    ).toBe(true);
    expect(summary.matchingIntent).toBeGreaterThanOrEqual(2);
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
