/**
 * A BatchGet or BatchWrite over any number of requests: sent in chunks of `size` (100 reads or 25 writes
 * per call), and what DynamoDB leaves unprocessed (throttling, size limits) sent again after 40, 80, ... ms.
 * After 8 retries of one chunk it fails, naming `what` and how many are left, rather than losing them.
 * `send` makes one call and returns the requests DynamoDB did not process.
 */
export async function sendInBatches<T>(
  requests: readonly T[],
  size: number,
  what: string,
  send: (chunk: T[]) => Promise<readonly T[] | undefined>,
): Promise<void> {
  for (let i = 0; i < requests.length; i += size) {
    let pending: readonly T[] | undefined = requests.slice(i, i + size);
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt > 8) throw new Error(`DynamoDB left ${pending.length} ${what} unprocessed after 8 retries`);
      if (attempt > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
      pending = await send([...pending]);
    }
  }
}
