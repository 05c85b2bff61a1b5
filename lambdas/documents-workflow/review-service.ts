/**
 * What a person does with the review queue (the `tessera documents review` command and the review API):
 * list the documents waiting, show one, confirm its fields or correct them. The decision is stored on the
 * document first and then returned to the waiting execution, which publishes the reviewed fields.
 */
import type { DocumentExtraction } from '../core/documents/field-extraction.js';
import { applyReviewCorrections } from '../core/documents/review.js';
import type { Clock } from '../core/ports.js';
import type { DocumentRecord, DocumentStore, QueueEntry, TaskCallbacks } from './ports.js';

export class ReviewError extends Error {
  override readonly name = 'ReviewError';
  constructor(
    readonly reason: 'not-found' | 'not-in-review' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}

export interface ReviewDependencies {
  readonly store: DocumentStore;
  readonly callbacks: TaskCallbacks;
  readonly clock: Clock;
}

export function createReviewService(deps: ReviewDependencies) {
  async function decide(
    documentId: string,
    reviewer: string,
    change: (extraction: DocumentExtraction) => DocumentExtraction,
  ): Promise<DocumentRecord> {
    const record = await deps.store.get(documentId);
    if (!record) throw new ReviewError('not-found', `document ${documentId} does not exist`);
    if (record.status !== 'NEEDS_REVIEW' || !record.reviewTaskToken || !record.extraction) {
      throw new ReviewError(
        'not-in-review',
        `document ${documentId} is ${record.status}, not waiting for review`,
      );
    }
    let extraction: DocumentExtraction;
    try {
      extraction = change(record.extraction);
    } catch (error) {
      throw new ReviewError('invalid', (error as Error).message);
    }
    // Conditional on NEEDS_REVIEW: two people deciding at once cannot both win.
    const updated = await deps.store.update(
      documentId,
      { status: 'ANALYSING', extraction, reviewedBy: reviewer },
      ['NEEDS_REVIEW'],
    );
    await deps.callbacks.succeed(record.reviewTaskToken, { reviewed: true, reviewer });
    await deps.store.clear(documentId, ['reviewTaskToken']);
    return updated;
  }

  return {
    list(limit = 100): Promise<QueueEntry[]> {
      return deps.store.listQueue('review', limit);
    },
    listFailed(limit = 100): Promise<QueueEntry[]> {
      return deps.store.listQueue('failed', limit);
    },
    async show(documentId: string): Promise<DocumentRecord> {
      const record = await deps.store.get(documentId);
      if (!record) throw new ReviewError('not-found', `document ${documentId} does not exist`);
      return record;
    },
    /** The fields are right as read: they are used as they are, marked as confirmed by a person. */
    confirm(documentId: string, reviewer: string): Promise<DocumentRecord> {
      return decide(documentId, reviewer, (e) => applyReviewCorrections(e, {}));
    },
    /** `corrections` is validated (FieldCorrections); the corrected fields replace what was read. */
    correct(documentId: string, corrections: unknown, reviewer: string): Promise<DocumentRecord> {
      return decide(documentId, reviewer, (e) => applyReviewCorrections(e, corrections));
    },
  };
}

export type ReviewService = ReturnType<typeof createReviewService>;
