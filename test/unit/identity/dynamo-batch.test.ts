import { afterEach, describe, expect, it, vi } from 'vitest';
import { sendInBatches } from '../../../lambdas/adapters/dynamodb/batch.js';

afterEach(() => vi.useRealTimers());

describe('sendInBatches (BatchGet / BatchWrite over many requests)', () => {
  it('sends chunks of the given size and sends again what DynamoDB left unprocessed', async () => {
    // Prepare: a call of more than one request leaves the last one unprocessed.
    const calls: number[][] = [];
    const send = async (chunk: number[]) => {
      calls.push(chunk);
      return chunk.length > 1 ? chunk.slice(-1) : [];
    };

    // Act
    await sendInBatches([1, 2, 3, 4, 5], 2, 'test writes', send);

    // Assess
    expect(calls).toEqual([[1, 2], [2], [3, 4], [4], [5]]);
  });

  it('fails naming what is left after 8 retries, rather than dropping it', async () => {
    // Prepare
    vi.useFakeTimers();
    let calls = 0;
    const attempt = sendInBatches(['a', 'b'], 25, 'block writes', async (chunk) => {
      calls += 1;
      return chunk;
    });
    const failed = expect(attempt).rejects.toThrow(
      'DynamoDB left 2 block writes unprocessed after 8 retries',
    );

    // Act
    await vi.runAllTimersAsync();

    // Assess
    await failed;
    expect(calls).toBe(9);
  });
});
