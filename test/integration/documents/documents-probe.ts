import { InternalSource } from '../../../lambdas/core/contracts/names.js';
import type { LocalRuntime } from '../../../local/runtime.js';

/** Every event the document workflow publishes on the runtime's bus, as delivered (listed in arrival order). */
export function probeDocumentEvents(
  runtime: LocalRuntime,
): { readonly detailType: string; readonly detail: Record<string, unknown> }[] {
  const published: { detailType: string; detail: Record<string, unknown> }[] = [];
  runtime.bus.subscribe(
    {
      name: 'test-documents-probe',
      consumer: 'documents',
      description: 'what the document workflow publishes',
      pattern: { source: [InternalSource.documents] },
      retry: { maximumRetryAttempts: 0, maximumEventAgeSeconds: 60 },
    },
    async (event) => {
      published.push({ detailType: event['detail-type'], detail: event.detail as Record<string, unknown> });
    },
  );
  return published;
}
