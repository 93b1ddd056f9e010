// Two porsager pools per database, because of how porsager pipelines.
//
// Porsager writes queries onto a busy connection's pipeline, and `sql.begin` only learns
// which connection it got from a callback that is skipped when that pipeline is full (100
// queries) or the socket pushes back. The transaction then runs with no connection and
// throws inside the client, crashing the process. A burst of ~200 concurrent requests did it.
//
// So single statements use one pool, where pipelining is harmless, and transactions use a
// second pool behind a gate that admits at most one transaction per connection. A BEGIN then
// always lands on an idle connection. `sql.begin` itself is routed through the gate, so every
// caller (withTenant, withSystem, migrations) is covered.
import postgres from 'postgres';
import type { Sql } from './database';

/** A counting semaphore: at most `size` holders, the rest wait in arrival order. */
export class Gate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(readonly size: number) {}
  get inFlight(): number { return this.active; }
  get queued(): number { return this.waiting.length; }
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next(); // hand the slot over without releasing it
      else this.active--;
    }
  }
}

const gates = new WeakMap<Sql, Gate>();

/** The transaction gate of a pool opened by `openPools`: metrics read what is open and waiting. */
export function transactionGate(sql: Sql): Gate | undefined {
  return gates.get(sql);
}

type Options = postgres.Options<Record<string, postgres.PostgresType>>;

export function openPools(url: string | undefined, options: Options, sizes: { statements: number; transactions: number }): Sql {
  const open = (max: number) => (url ? postgres(url, { ...options, max }) : postgres({ ...options, max })) as unknown as Sql;
  const sql = open(sizes.statements);
  const txPool = open(sizes.transactions);
  const gate = new Gate(sizes.transactions);
  const end = sql.end.bind(sql);
  Object.assign(sql, {
    begin: (...args: unknown[]) => gate.run(() => (txPool.begin as (...a: unknown[]) => Promise<unknown>)(...args)),
    end: async (opts?: { timeout?: number }) => { await Promise.all([end(opts), txPool.end(opts)]); },
  });
  gates.set(sql, gate);
  return sql;
}
