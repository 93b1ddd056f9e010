// Group commit: work that arrives while a transaction for the same key is in flight waits and
// then goes in together, in one transaction. At low load a batch is one item and adds no delay;
// under load the fixed cost of a transaction (BEGIN, RLS settings, round trips, COMMIT) is paid
// once per batch instead of once per message.
export type BatchRunner<I, R> = (key: string, items: I[]) => Promise<R[]>;

interface Pending<I, R> { item: I; resolve: (r: R) => void; reject: (e: unknown) => void }

export class GroupCommit<I, R> {
  private readonly queues = new Map<string, Pending<I, R>[]>();
  private readonly running = new Set<string>();

  constructor(private readonly run: BatchRunner<I, R>, private readonly maxBatch = 200) {}

  submit(key: string, item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const queue = this.queues.get(key) ?? [];
      queue.push({ item, resolve, reject });
      this.queues.set(key, queue);
      if (!this.running.has(key)) void this.drain(key);
    });
  }

  private async drain(key: string): Promise<void> {
    this.running.add(key);
    try {
      for (;;) {
        const queue = this.queues.get(key);
        if (!queue?.length) break;
        const batch = queue.splice(0, this.maxBatch);
        await this.flush(key, batch);
      }
    } finally {
      this.running.delete(key);
      if (!this.queues.get(key)?.length) this.queues.delete(key);
      else void this.drain(key); // something arrived while we were leaving
    }
  }

  private async flush(key: string, batch: Pending<I, R>[]): Promise<void> {
    try {
      const results = await this.run(key, batch.map((p) => p.item));
      batch.forEach((p, i) => p.resolve(results[i]));
    } catch (err) {
      if (batch.length === 1) return batch[0].reject(err);
      // One bad item (or a lost race) must not fail its neighbours: retry each on its own.
      for (const p of batch) await this.flush(key, [p]);
    }
  }
}
