// The outbox: retries with backoff then dead letter; two workers racing never run a job twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createTestDb, connectAgain } from '../support/db';
import { localPostgres } from '../support/local-postgres';
import { enqueueJob, backoffMs } from '../../hub/jobs/queue';
import { startWorker } from '../../hub/jobs/worker';
import type { Database, Sql } from '../../hub/store/database';

const log = pino({ level: 'silent' });
let db: Database;
beforeAll(async () => { db = await createTestDb(); });
afterAll(() => db?.close());

async function until(check: () => Promise<boolean>, ms = 20_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('timed out');
}

describe('retries and dead letters', () => {
  it('retries a failing handler with growing delays, then dead-letters it', async () => {
    const attempts: number[] = [];
    await enqueueJob(db.sql, { tenantId: null, kind: 'always.fails', maxAttempts: 4, idempotencyKey: 'fail-1' });
    const w = startWorker({ sql: db.sql, log, pollMs: 10, retryBaseMs: 100, handlers: { 'always.fails': async () => { attempts.push(Date.now()); throw new Error('upstream is down'); } } });
    await until(async () => (await db.sql`select status from jobs where idempotency_key = 'fail-1'`)[0].status === 'dead');
    await w.stop();
    expect(attempts).toHaveLength(4);
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]);
    // 100ms, 200ms, 400ms nominal, ±25% jitter.
    expect(gaps[0]).toBeGreaterThanOrEqual(70);
    expect(gaps[1]).toBeGreaterThanOrEqual(145);
    expect(gaps[2]).toBeGreaterThanOrEqual(295);
    const [row] = await db.sql`select attempts, last_error, finished_at from jobs where idempotency_key = 'fail-1'`;
    expect(row.attempts).toBe(4);
    expect(row.last_error).toBe('upstream is down');
    expect(row.finished_at).not.toBeNull();
  });

  it('a handler that recovers completes after a retry', async () => {
    let calls = 0;
    await enqueueJob(db.sql, { tenantId: null, kind: 'flaky', idempotencyKey: 'flaky-1' });
    const w = startWorker({ sql: db.sql, log, pollMs: 10, retryBaseMs: 20, handlers: { flaky: async () => { if (++calls < 3) throw new Error('not yet'); } } });
    await until(async () => (await db.sql`select status from jobs where idempotency_key = 'flaky-1'`)[0].status === 'done');
    await w.stop();
    expect(calls).toBe(3);
  });

  it('the same idempotency key enqueues one job', async () => {
    const a = await enqueueJob(db.sql, { tenantId: null, kind: 'x', idempotencyKey: 'once' });
    const b = await enqueueJob(db.sql, { tenantId: null, kind: 'x', idempotencyKey: 'once' });
    expect(a).not.toBeNull();
    expect(b).toBeNull();
  });

  it('a handler slower than its lease keeps the job: the lease is renewed, no second worker runs it', async () => {
    const runs: string[] = [];
    await enqueueJob(db.sql, { tenantId: null, kind: 'slow', idempotencyKey: 'slow-1' });
    // Lease 300 ms, handler 1.5 s: without a heartbeat the other worker's sweep (every lease) would
    // release the job after 300 ms and run it again.
    const handler = (who: string) => async () => { runs.push(who); await new Promise((r) => setTimeout(r, 1500)); };
    const a = startWorker({ sql: db.sql, log, pollMs: 20, leaseMs: 300, handlers: { slow: handler('a') } });
    const b = startWorker({ sql: db.sql, log, pollMs: 20, leaseMs: 300, handlers: { slow: handler('b') } });
    await until(async () => (await db.sql`select status from jobs where idempotency_key = 'slow-1'`)[0].status === 'done');
    await new Promise((r) => setTimeout(r, 400));
    await Promise.all([a.stop(), b.stop()]);
    expect(runs).toHaveLength(1);
    const [row] = await db.sql`select attempts from jobs where idempotency_key = 'slow-1'`;
    expect(row.attempts).toBe(1);
  });

  it('a crashed worker\'s expired lease is released and the job runs elsewhere', async () => {
    await enqueueJob(db.sql, { tenantId: null, kind: 'orphan', idempotencyKey: 'orphan-1' });
    // A claim by a worker that then vanished (no heartbeat ever comes).
    await db.sql`update jobs set status = 'running', locked_by = 'w-gone', locked_until = now() - interval '1 second', attempts = 1 where idempotency_key = 'orphan-1'`;
    let ran = 0;
    const w = startWorker({ sql: db.sql, log, pollMs: 20, leaseMs: 200, handlers: { orphan: async () => { ran++; } } });
    await until(async () => (await db.sql`select status from jobs where idempotency_key = 'orphan-1'`)[0].status === 'done');
    await w.stop();
    expect(ran).toBe(1);
  });

  it('backoff grows exponentially with jitter and a cap', () => {
    expect(backoffMs(1, 1000, () => 0.5)).toBe(1000);
    expect(backoffMs(4, 1000, () => 0.5)).toBe(8000);
    expect(backoffMs(30, 1000, () => 0.5)).toBe(600_000);
    expect(backoffMs(3, 1000, () => 0)).toBe(3000);
    expect(backoffMs(3, 1000, () => 1)).toBe(5000);
  });
});

async function race(sqlA: Sql, sqlB: Sql, enqueue: Sql) {
  const runs = new Map<number, number>();
  const byWorker = { a: 0, b: 0 };
  for (let i = 0; i < 1000; i += 100) {
    await enqueue`insert into jobs (kind, payload) select 'race', jsonb_build_object('n', g) from generate_series(${i}::int, ${i + 99}::int) g`;
  }
  const handler = (who: 'a' | 'b') => async (job: { id: number }) => {
    runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
    byWorker[who]++;
    await new Promise((r) => setImmediate(r));
  };
  const wa = startWorker({ sql: sqlA, log, pollMs: 5, concurrency: 8, handlers: { race: handler('a') } });
  const wb = startWorker({ sql: sqlB, log, pollMs: 5, concurrency: 8, handlers: { race: handler('b') } });
  await until(async () => (await enqueue`select count(*)::int as n from jobs where kind = 'race' and status = 'done'`)[0].n === 1000, 60_000);
  await Promise.all([wa.stop(), wb.stop()]);
  return { runs, byWorker };
}

describe('two workers racing over 1,000 jobs', () => {
  it('embedded Postgres, two workers on two connections: each job runs exactly once', async () => {
    // Each worker has its own connection to the embedded server, as two hub processes would.
    const a = connectAgain(db);
    const b = connectAgain(db);
    try {
      const { runs, byWorker } = await race(a, b, db.sql);
      expect(runs.size).toBe(1000);
      expect([...runs.values()].every((n) => n === 1)).toBe(true);
      expect(byWorker.a + byWorker.b).toBe(1000);
      expect(byWorker.a).toBeGreaterThan(0);
      expect(byWorker.b).toBeGreaterThan(0);
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
  });

  it('a real Postgres server with two connection pools: each job runs exactly once', async () => {
    // This machine's Postgres has no pgvector; the jobs table needs none (core schema only).
    const pg = await localPostgres('misy_jobs');
    try {
      const { runs, byWorker } = await race(pg.connect(4), pg.connect(4), pg.sql);
      expect(runs.size).toBe(1000);
      expect([...runs.values()].every((n) => n === 1)).toBe(true);
      // Both pools really competed for the same rows.
      expect(byWorker.a).toBeGreaterThan(0);
      expect(byWorker.b).toBeGreaterThan(0);
    } finally {
      await pg.close();
    }
  });
});
