/** A binary min-heap on (time, sequence): equal times keep insertion order, so runs are reproducible. */
interface Entry<T> {
  readonly time: number;
  readonly seq: number;
  readonly item: T;
}

export class TimeQueue<T> {
  private readonly heap: Entry<T>[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(time: number, item: T): void {
    const heap = this.heap;
    const entry = { time, seq: this.seq++, item };
    let i = heap.length;
    heap.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as Entry<T>;
      if (!before(entry, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = entry;
  }

  pop(): { time: number; item: T } | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (!top) return undefined;
    const last = heap.pop() as Entry<T>;
    const n = heap.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const child = r < n && before(heap[r] as Entry<T>, heap[l] as Entry<T>) ? r : l;
        if (!before(heap[child] as Entry<T>, last)) break;
        heap[i] = heap[child] as Entry<T>;
        i = child;
      }
      heap[i] = last;
    }
    return { time: top.time, item: top.item };
  }
}

const before = <T>(a: Entry<T>, b: Entry<T>) => a.time < b.time || (a.time === b.time && a.seq < b.seq);
