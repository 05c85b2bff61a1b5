/**
 * Typed document errors. Each one names what is wrong so it can be recorded on the document and listed
 * for a person; `code` is stable for state machine Catch rules and the CLI's exit message.
 */
export type DocumentErrorCode =
  | 'TEXTRACT_JOB_IN_PROGRESS'
  | 'TEXTRACT_JOB_FAILED'
  | 'TEXTRACT_RESPONSE_INVALID'
  | 'TEXTRACT_RESPONSE_INCOMPLETE'
  | 'UNSUPPORTED_FILE_TYPE'
  | 'FILE_TOO_LARGE'
  | 'TOO_MANY_PAGES'
  | 'ENCRYPTED_PDF'
  | 'EMPTY_DOCUMENT'
  | 'UNREADABLE_DOCUMENT';

export class DocumentError extends Error {
  override readonly name: string = 'DocumentError';
  constructor(
    readonly code: DocumentErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** GetDocumentAnalysis / GetExpenseAnalysis answered IN_PROGRESS: the caller must wait and ask again. */
export class TextractJobInProgressError extends DocumentError {
  override readonly name = 'TextractJobInProgressError';
  constructor(readonly statusMessage: string | undefined) {
    super(
      'TEXTRACT_JOB_IN_PROGRESS',
      `Textract job is still IN_PROGRESS${statusMessage ? `: ${statusMessage}` : ''}; wait for its completion notification and read the results again`,
    );
  }
}

/** The asynchronous job ended FAILED; Textract's own status message is kept verbatim. */
export class TextractJobFailedError extends DocumentError {
  override readonly name = 'TextractJobFailedError';
  constructor(readonly statusMessage: string | undefined) {
    super(
      'TEXTRACT_JOB_FAILED',
      `Textract job FAILED: ${statusMessage ?? 'Textract gave no status message'}`,
    );
  }
}

export class TextractResponseError extends DocumentError {
  override readonly name = 'TextractResponseError';
}
