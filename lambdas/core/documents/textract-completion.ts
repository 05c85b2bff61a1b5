/**
 * The message Textract publishes to SNS when an asynchronous job ends
 * (https://docs.aws.amazon.com/textract/latest/dg/async-notification-payload.html). The document workflow
 * resumes the waiting execution by JobTag; validated here so a malformed message fails with its field named.
 */
import { z } from 'zod';
import { describeIssues } from '../validation.js';
import { TextractResponseError } from './errors.js';

export const TextractCompletionMessage = z.object({
  JobId: z.string().min(1).max(64),
  Status: z.enum(['SUCCEEDED', 'FAILED', 'ERROR', 'PARTIAL_SUCCESS']),
  API: z.string().min(1),
  JobTag: z.string().max(64).optional(),
  Timestamp: z.number().int().nonnegative(),
  DocumentLocation: z.object({ S3ObjectName: z.string().min(1), S3Bucket: z.string().min(1) }),
});
export type TextractCompletionMessage = z.infer<typeof TextractCompletionMessage>;

/** Parses the SNS message body (a JSON string) or an already parsed object. */
export function parseTextractCompletion(message: unknown): TextractCompletionMessage {
  let value = message;
  if (typeof message === 'string') {
    try {
      value = JSON.parse(message);
    } catch (error) {
      throw new TextractResponseError(
        'TEXTRACT_RESPONSE_INVALID',
        'the Textract completion message is not JSON',
        {
          cause: error,
        },
      );
    }
  }
  const result = TextractCompletionMessage.safeParse(value);
  if (!result.success) {
    throw new TextractResponseError(
      'TEXTRACT_RESPONSE_INVALID',
      `invalid Textract completion message: ${describeIssues(result.error.issues)}`,
    );
  }
  return result.data;
}
