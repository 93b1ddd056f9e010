// The durable outbox. Jobs are inserted in the same transaction as the state that caused them,
// claimed with FOR UPDATE SKIP LOCKED (two workers never get the same row), retried with
// exponential backoff and jitter, and dead-lettered after max_attempts where the API can show them.
import type { Sql, Tx } from '../store/database';

export interface JobRow {
  id: number;
  tenant_id: string | null;
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
  max_attempts: number;
}

export interface EnqueueInput {
  tenantId: string | null;
  kind: string;
  payload?: Record<string, unknown>;
  /** Same key twice → one job. */
  idempotencyKey?: string;
  runAt?: Date;
  maxAttempts?: number;
}

export async function enqueueJob(tx: Tx | Sql, job: EnqueueInput): Promise<number | null> {
  const [row] = await tx<{ id: number }[]>`
    insert into jobs (tenant_id, kind, payload, idempotency_key, run_at, max_attempts)
    values (${job.tenantId}, ${job.kind}, ${tx.json((job.payload ?? {}) as never)}, ${job.idempotencyKey ?? null},
            ${job.runAt ?? new Date()}, ${job.maxAttempts ?? 8})
    on conflict (idempotency_key) do nothing
    returning id`;
  return row?.id ?? null;
}

/** How long a claim holds without a heartbeat; the worker renews it while the handler runs. */
export const DEFAULT_LEASE_MS = 60_000;

export async function claimJobs(sql: Sql, workerId: string, limit: number, leaseMs = DEFAULT_LEASE_MS): Promise<JobRow[]> {
  return sql<JobRow[]>`
    update jobs set status = 'running', locked_by = ${workerId},
      locked_until = now() + make_interval(secs => ${leaseMs / 1000}), attempts = attempts + 1
    where id in (
      select id from jobs where status = 'queued' and run_at <= now()
      order by run_at, id limit ${limit} for update skip locked)
    returning id, tenant_id, kind, payload, attempts, max_attempts`;
}

/**
 * Heartbeat: pushes the lease of jobs this worker still runs. Without it a handler slower than the
 * lease would have its job released by another worker's sweep and run twice.
 */
export async function renewLeases(sql: Sql, workerId: string, ids: number[], leaseMs = DEFAULT_LEASE_MS): Promise<number> {
  if (ids.length === 0) return 0;
  const rows = await sql`update jobs set locked_until = now() + make_interval(secs => ${leaseMs / 1000})
                         where id in ${sql(ids)} and locked_by = ${workerId} and status = 'running' returning id`;
  return rows.length;
}

export async function completeJob(sql: Sql, id: number, workerId: string): Promise<void> {
  await sql`update jobs set status = 'done', finished_at = now(), locked_by = null, locked_until = null
            where id = ${id} and locked_by = ${workerId}`;
}

/** Backoff: 1s, 2s, 4s … capped at 10 min, ±25% jitter so retries of a burst spread out. */
export function backoffMs(attempt: number, baseMs = 1000, random: () => number = Math.random): number {
  const exp = Math.min(baseMs * 2 ** Math.max(0, attempt - 1), 10 * 60_000);
  return Math.round(exp * (0.75 + random() * 0.5));
}

export async function failJob(sql: Sql, job: JobRow, workerId: string, error: string, baseMs?: number): Promise<'retry' | 'dead'> {
  const dead = job.attempts >= job.max_attempts;
  const delay = backoffMs(job.attempts, baseMs);
  await sql`
    update jobs set
      status = ${dead ? 'dead' : 'queued'},
      last_error = ${error.slice(0, 2000)},
      run_at = ${dead ? sql`run_at` : sql`now() + make_interval(secs => ${delay / 1000})`},
      finished_at = ${dead ? sql`now()` : null},
      locked_by = null, locked_until = null
    where id = ${job.id} and locked_by = ${workerId}`;
  return dead ? 'dead' : 'retry';
}

/** A worker that died mid-job leaves a lease that expires; its jobs go back to the queue. */
export async function releaseExpiredLeases(sql: Sql): Promise<number> {
  const rows = await sql`update jobs set status = 'queued', locked_by = null, locked_until = null
                         where status = 'running' and locked_until < now() returning id`;
  return rows.length;
}

export async function retryDeadJob(tx: Tx, id: number): Promise<boolean> {
  const rows = await tx`update jobs set status = 'queued', attempts = 0, run_at = now(), finished_at = null
                        where id = ${id} and status = 'dead' returning id`;
  return rows.length > 0;
}
