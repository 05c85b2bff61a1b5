import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InternalEventType } from '../../../lambdas/core/contracts/names.js';
import { identityConfig } from '../../../lambdas/core/identity/config.js';
import { documentRecordKey } from '../../../lambdas/core/identity/source-record.js';
import { IdentityResolverLinker } from '../../../lambdas/documents-workflow/identity-linker.js';
import { type LocalDynamo, startLocalDynamo } from '../../../local/dynamodb.js';
import { context, identityConsumer, orderPlaced, processedDocument } from './harness.js';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => dynamo.close());

const idOf = (r: { status: string; customerId?: string }) =>
  r.status === 'resolved' ? (r.customerId ?? '') : '';

describe('a return form whose details join two profiles (local DynamoDB)', () => {
  it('folds the absorbed profile into the survivor and announces the merge once', async () => {
    // Prepare: the web shop knows only her e-mail, the till only her phone (no names, so nothing links
    // them); the form she filled in gives both.
    const { handler, publisher, store, aggregatesOf } = identityConsumer(dynamo);
    const names = {};
    const web = await handler(
      orderPlaced(
        'web-shop',
        { sourceSystem: 'ecommerce', sourceCustomerId: 'W-900', ...names, email: 'seun.ah@example.org' },
        'ord-900',
        '2026-02-01T10:00:00Z',
      ),
      context,
    );
    const pos = await handler(
      orderPlaced(
        'pos-uk',
        { sourceSystem: 'pos', sourceCustomerId: 'P-900', ...names, phone: '+447700900777' },
        'ord-901',
        '2026-02-03T10:00:00Z',
      ),
      context,
    );
    expect(idOf(web)).not.toBe(idOf(pos));
    const linker = new IdentityResolverLinker(store, identityConfig({ defaultRegion: 'GB' }), {
      now: () => new Date('2026-03-01T11:00:00Z'),
    });
    const link = await linker.link({
      documentId: 'doc-900',
      observedAt: '2026-03-01T11:00:00Z',
      name: 'Oluwaseun Adeyemi-Hart',
      email: 'seun.ah@example.org',
      phone: '07700 900777',
    });
    const form = processedDocument(InternalEventType.ReturnDocumentProcessed, {
      eventId: 'docevt-900',
      documentId: 'doc-900',
      customerId: link.customerId,
      orderId: 'ord-901',
      reason: 'wrong_item',
    });
    // Act
    const enriched = await handler(form, context);
    const again = await handler(form, context);
    // Assess
    const [survivor, absorbed] = [idOf(web), idOf(pos)].sort();
    expect(link.customerId).toBe(survivor);
    expect(enriched).toEqual({ status: 'enriched', customerId: survivor, documentId: 'doc-900' });
    expect(again).toEqual({ status: 'duplicate' });
    const merged = publisher.published.filter((e) => e.detailType === InternalEventType.CustomersMerged);
    expect(merged.map((e) => e.detail)).toEqual([
      expect.objectContaining({ survivorId: survivor, mergedIds: [absorbed] }),
    ]);
    expect(Object.keys((await aggregatesOf(survivor!))?.orders ?? {}).sort()).toEqual(['ord-900', 'ord-901']);
    expect((await store.getRecord(documentRecordKey('doc-900')))?.pendingMerges).toBeUndefined();
  });

  it('ignores a customer hint that names no profile and links by the details on the form', async () => {
    // Prepare
    const { handler, store } = identityConsumer(dynamo);
    const known = await handler(
      orderPlaced(
        'web-shop',
        {
          sourceSystem: 'ecommerce',
          sourceCustomerId: 'W-901',
          givenName: 'Maren',
          familyName: 'Lindqvist-Ruiz',
          email: 'maren.lr@example.org',
        },
        'ord-910',
        '2026-02-01T10:00:00Z',
      ),
      context,
    );
    const linker = new IdentityResolverLinker(store, identityConfig({ defaultRegion: 'GB' }), {
      now: () => new Date('2026-03-01T11:00:00Z'),
    });
    // Act
    const link = await linker.link({
      documentId: 'doc-901',
      observedAt: '2026-03-01T11:00:00Z',
      customerHint: 'cus_0000000000000000000',
      name: 'Maren Lindqvist-Ruiz',
      email: 'maren.lr@example.org',
    });
    // Assess
    expect(link.customerId).toBe(idOf(known));
    expect(link.via).not.toBe('hint');
  });
});
